"""Versions, an answer that streams while another conversation is open, and refused questions that leave nothing:
the real starter in a real worker, a real SQLite store, counted with a separate sqlite3 connection."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from phidesk.chat import Answer, ChatService, Refused, Returned
from phidesk.engine.client import EngineClient
from phidesk.engine.protocol import Message, Sampling, Token
from phidesk.store import Conversation, ConversationChangedError, Store
from tests.builders.bad_images import write_bad_images
from tests.builders.tiny_phi3v import cached_tiny_phi3v
from tests.integration.conftest import started

SHORT = Sampling(temperature=0, max_new_tokens=4)
LONG = Sampling(temperature=0, max_new_tokens=400, min_new_tokens=400)
TOO_LONG = "A question far too long. " * 1200

pytestmark = pytest.mark.slow


def _shown(result: Conversation | Refused) -> list[str]:
    assert isinstance(result, Conversation), result
    return [m.content for m in result.messages]


def _run(service: ChatService, answer: Answer) -> str:
    for _ in service.events(answer):
        pass
    return answer.text


def _rows(store: Store, table: str = "messages") -> int:
    with closing(sqlite3.connect(store.path)) as conn:
        count: int = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        return count


def _engine_view(service: ChatService) -> list[tuple[str, str]]:
    return [(m.role, m.content) for m in service.engine_messages()]


def _branch(service: ChatService) -> list[tuple[str, str]]:
    return [(m.role, m.content) for m in service.messages]


def test_regenerate_and_edit_keep_every_version(client: EngineClient, store: Store, other: Store) -> None:
    service = ChatService(store, client)
    _run(service, started(service.ask("Name a colour.", sampling=SHORT)))
    _run(service, started(service.ask("Name a fruit.", sampling=SHORT)))
    answers = [service.messages[3]]
    for _ in range(2):
        again = started(service.regenerate(3, sampling=Sampling(temperature=0.9, seed=len(answers),
                                                                 max_new_tokens=4)))
        assert [m.content for m in again.messages][-1] == "Name a fruit."  # no earlier version in the context
        _run(service, again)
        answers.append(service.messages[3])
    assert _rows(other) == 6  # nothing was deleted
    assert [(m.version, m.versions) for m in service.messages] == [(1, 1), (1, 1), (1, 1), (3, 3)]
    assert _branch(service) == _engine_view(service)

    for delta, expected in [(-1, 1), (-1, 0), (-1, 0), (2, 2)]:
        assert _shown(service.switch_version(3, delta))[3] == answers[expected].content
        assert service.messages[3].id == answers[expected].id
        assert _engine_view(service)[-1] == ("assistant", answers[expected].content)  # what the engine reads next
    assert [m.id for m in other.get_conversation(service.conversation_id or 0).messages][-1] == answers[2].id

    edited = started(service.ask("Name an animal.", sampling=SHORT, edit=0))  # an older turn
    assert [m.content for m in edited.messages] == ["Name an animal."]
    _run(service, edited)
    assert _rows(other) == 8
    assert _branch(service) == _engine_view(service) == [("user", "Name an animal."), ("assistant", edited.text)]
    assert service.messages[0].versions == 2
    back = _shown(service.switch_version(0, -1))  # the first question again, with the most recent answers after it
    assert back == ["Name a colour.", service.messages[1].content, "Name a fruit.", answers[2].content]
    assert _branch(service) == _engine_view(service)
    assert _rows(other) == 8

    streaming = started(service.ask("Name a city.", sampling=SHORT))
    assert service.delete_message(4) == Refused("busy", service.delete_message(4).message)  # type: ignore[union-attr]
    assert isinstance(service.switch_version(3, -1), Refused)
    _run(service, streaming)
    # one message goes; its answer stays, after the message before it
    assert _shown(service.delete_message(4)) == [*back, streaming.text]
    assert _branch(service) == _engine_view(service)
    assert _rows(other) == 9


def test_an_answer_streams_into_its_own_conversation(client: EngineClient, store: Store, other: Store) -> None:
    service = ChatService(store, client, clock=lambda: 0.0)  # written only when flushed (as the window's timer does)
    _run(service, started(service.ask("Name a fruit.", sampling=SHORT)))
    first = service.conversation_id or 0
    before = other.get_conversation(first).messages
    service.new()
    answer = started(service.ask("Write a very long story.", sampling=LONG))
    streaming = service.conversation_id or 0
    assert streaming != first
    tokens = 0
    for event in service.events(answer):
        if not isinstance(event, Token):
            continue
        tokens += 1
        if tokens == 3:
            service.open(first)  # the user looks at another conversation meanwhile
            assert (service.conversation_id, service.messages) == (first, list(before))
            asked = service.ask("Another question", sampling=SHORT)
            assert asked == Refused("busy", asked.message if isinstance(asked, Refused) else "", "Another question")
            with pytest.raises(ConversationChangedError, match="still being written"):
                service.delete_conversation(streaming)
        elif tokens == 10:
            service.flush()
            (stored,) = [m for m in other.get_conversation(streaming).messages if m.id == answer.message_id]
            assert stored.content == answer.text  # written into its own conversation, not the open one
            assert other.get_conversation(first).messages == before
        elif tokens == 12:
            service.open(streaming)  # back: the answer is there with its text so far (more than is stored)
            assert (service.messages[-1].id, service.messages[-1].content) == (answer.message_id, answer.text)
            assert service.messages[-1].status == "streaming"
            service.new()
        elif tokens == 15:
            service.open(first)
            service.stop()
    assert answer.conversation_id == streaming
    assert (service.conversation_id, service.messages) == (first, list(before))
    assert other.get_conversation(first).messages == before
    assert [(m.content, m.status) for m in other.get_conversation(streaming).messages] == [
        ("Write a very long story.", "complete"), (answer.text, "cancelled")]
    assert _rows(other, "conversations") == 2


def test_a_returned_question_takes_its_new_conversation_with_it(client: EngineClient, store: Store,
                                                                other: Store) -> None:
    service = ChatService(store, client)
    answer = started(service.ask(TOO_LONG, sampling=SHORT))
    assert _rows(other, "conversations") == 1
    _run(service, answer)
    assert answer.outcome == Returned(TOO_LONG, ())
    assert _rows(other, "conversations") == _rows(other) == 0  # no empty "New chat" is left behind
    assert (service.conversation_id, service.messages) == (None, [])

    _run(service, started(service.ask("Name a fruit.", sampling=SHORT)))
    kept = service.conversation_id or 0
    shown = other.get_conversation(kept).messages
    edited = started(service.ask(TOO_LONG, sampling=SHORT, edit=0))  # an edit the model cannot take
    _run(service, edited)
    assert edited.outcome == Returned(TOO_LONG, ())
    assert other.get_conversation(kept).messages == shown  # the conversation is as it was, and stays
    assert [m.id for m in service.messages] == [m.id for m in shown]

    service.new()
    elsewhere = started(service.ask(TOO_LONG, sampling=SHORT))
    service.open(kept)  # the user went back to another conversation before the refusal came
    _run(service, elsewhere)
    assert elsewhere.outcome == Returned(TOO_LONG, ())
    assert (service.conversation_id, [m.id for m in service.messages]) == (kept, [m.id for m in shown])
    assert _rows(other, "conversations") == 1
    assert service.engine_messages() == [Message("user", "Name a fruit."), Message("assistant", shown[1].content)]


def test_a_bad_image_returns_the_question_and_leaves_no_conversation(store: Store, other: Store,
                                                                     tmp_path: Path) -> None:
    bad, _reason = write_bad_images(tmp_path)["truncated-png"]  # its header is good: only the worker finds out
    with EngineClient() as client:
        client.load(cached_tiny_phi3v(), "cpu", 8192)
        service = ChatService(store, client)
        answer = started(service.ask("What is this?", [str(bad)], sampling=SHORT))
        _run(service, answer)
    assert answer.failure is not None
    assert answer.failure.code == "bad_image"
    assert answer.outcome == Returned("What is this?", (str(bad),))
    assert _rows(other, "conversations") == _rows(other) == 0
    assert (service.conversation_id, service.messages) == (None, [])


def test_a_question_the_full_disk_refuses_leaves_no_conversation(store: Store, other: Store) -> None:
    """SQLite's own limit on the database size stands for a full disk (SQLITE_FULL, as a full disk gives)."""
    service = ChatService(store, None)
    (pages,) = store._db.execute("PRAGMA page_count").fetchone()
    store._db.execute(f"PRAGMA max_page_count = {pages}")
    question = "Please read this long text. " * 4000
    refused = service.ask(question, sampling=SHORT)
    assert isinstance(refused, Refused)
    assert (refused.reason, refused.text) == ("disk_full", question)
    assert _rows(other, "conversations") == 0
    assert (service.conversation_id, service.messages) == (None, [])
    store._db.execute("PRAGMA max_page_count = 1073741823")
    assert isinstance(service.ask("Hello", sampling=SHORT), Answer)  # the first answer starts; nothing streams it
    assert _rows(other, "conversations") == 1
