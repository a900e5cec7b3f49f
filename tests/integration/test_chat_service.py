"""The chat service without Qt: the real starter in a real worker, a real SQLite store (and a second
connection to it standing for another window or process)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from phidesk.chat import Answer, ChatService, Refused, Returned
from phidesk.engine.client import EngineClient
from phidesk.engine.protocol import Finished, Sampling, Token
from phidesk.store import Store
from tests.integration.conftest import started

GREEDY = Sampling(temperature=0, max_new_tokens=12)
LONG = Sampling(temperature=0, max_new_tokens=400, min_new_tokens=400)

pytestmark = pytest.mark.slow


def _run(service: ChatService, answer: Answer) -> list[str]:
    return [event.text for event in service.events(answer) if isinstance(event, Token)]


def _stored(store: Store, conversation_id: int | None) -> list[tuple[str, str, str]]:
    assert conversation_id is not None
    return [(m.role, m.content, m.status) for m in store.get_conversation(conversation_id).messages]


def test_a_new_turn_is_stored_and_streamed(client: EngineClient, store: Store, other: Store) -> None:
    service = ChatService(store, client, system_prompt="You are terse.")
    answer = started(service.ask("What is the capital of France?", sampling=GREEDY, model="starter",
                                  provider="cpu"))
    assert answer.messages[0].role == "system"
    assert answer.messages[0].content == "You are terse."
    assert _stored(other, service.conversation_id) == [("user", "What is the capital of France?", "complete"),
                                                      ("assistant", "", "streaming")]
    tokens = _run(service, answer)
    assert tokens
    assert answer.text == "".join(tokens)
    assert (answer.status, service.answer) == ("complete", None)
    (question, stored) = other.get_conversation(service.conversation_id or 0).messages
    assert (stored.content, stored.status, stored.model, stored.provider) == (answer.text, "complete", "starter", "cpu")
    assert stored.stats is not None
    assert stored.stats["generated_tokens"] == len(tokens)
    assert stored.settings is not None
    assert stored.settings["max_new_tokens"] == 12
    assert other.get_conversation(service.conversation_id or 0).title.startswith("What is the capital")

    follow_up = started(service.ask("And of Spain?", sampling=GREEDY))  # the same conversation goes on
    assert [m.content for m in follow_up.messages[1:]] == [question.content, answer.text, "And of Spain?"]
    _run(service, follow_up)
    assert [m.role for m in other.get_conversation(service.conversation_id or 0).messages] == [
        "user", "assistant", "user", "assistant"]


def test_the_answer_reaches_the_store_while_it_streams(client: EngineClient, store: Store, other: Store) -> None:
    """Written whenever flush_interval_s has passed since the last write, by the service's own clock."""
    now = [0.0]
    service = ChatService(store, client, clock=lambda: now[0])
    answer = started(service.ask("Tell me a story.", sampling=Sampling(temperature=0, max_new_tokens=30,
                                                                        min_new_tokens=30)))
    fed: list[float] = []  # when each token reached the service, by its clock
    lengths: list[int] = []  # the answer's length after each token
    ages: list[float] = []  # for each token: how old the oldest token not yet in the store is
    writes: set[int] = set()  # the lengths the store held mid-answer
    for event in service.events(answer):
        if isinstance(event, Token):
            fed.append(now[0])
            lengths.append(len(answer.text))
            (stored,) = [m for m in other.get_conversation(service.conversation_id or 0).messages
                         if m.id == answer.message_id]
            assert answer.text.startswith(stored.content)
            writes.add(len(stored.content))
            saved = 1 + max((i for i, n in enumerate(lengths) if n == len(stored.content)), default=-1)
            ages.append(now[0] - fed[saved] if saved < len(fed) else 0.0)
            now[0] += 0.2  # the next token comes 0.2 s later
    assert len(lengths) == 30
    assert max(ages) < 0.5  # nothing waits in memory for 0.5 s while tokens arrive
    assert 5 <= len(writes) < 30  # written mid-answer, again and again, but not at every token


def test_regenerate_replaces_the_answer(client: EngineClient, store: Store, other: Store) -> None:
    service = ChatService(store, client)
    first = started(service.ask("Name a colour.", sampling=GREEDY))
    _run(service, first)
    again = started(service.regenerate(1, sampling=GREEDY))
    assert again.message_id != first.message_id
    assert [m.content for m in again.messages] == ["Name a colour."]  # the old answer is not in the context
    _run(service, again)
    ids = [m.id for m in other.get_conversation(service.conversation_id or 0).messages]
    assert ids == [service.messages[0].id, again.message_id]


def test_an_edit_replaces_the_message_and_everything_after_it(client: EngineClient, store: Store,
                                                              other: Store) -> None:
    service = ChatService(store, client)
    _run(service, started(service.ask("What is the capital of France?", sampling=GREEDY)))
    _run(service, started(service.ask("And of Italy?", sampling=GREEDY)))
    edited = started(service.ask("What is the capital of Spain?", sampling=GREEDY, edit=0))
    assert [m.content for m in edited.messages] == ["What is the capital of Spain?"]
    _run(service, edited)
    stored = _stored(other, service.conversation_id)
    assert [(role, status) for role, _, status in stored] == [("user", "complete"), ("assistant", "complete")]
    assert stored[0][1] == "What is the capital of Spain?"


def test_stop_keeps_the_partial_answer_as_cancelled(client: EngineClient, store: Store, other: Store) -> None:
    service = ChatService(store, client)
    answer = started(service.ask("Write a very long story.", sampling=LONG))
    tokens = 0
    finished = None
    for event in service.events(answer):
        if isinstance(event, Token):
            tokens += 1
            if tokens == 5:
                service.stop()
        elif isinstance(event, Finished):
            finished = event
    assert finished is not None
    assert finished.stats.finish_reason == "cancelled"
    assert answer.status == "cancelled"
    assert 5 <= finished.stats.generated_tokens < 400
    assert _stored(other, service.conversation_id)[-1] == ("assistant", answer.text, "cancelled")
    assert answer.text
    # a stopped answer stays part of the conversation
    assert [m.content for m in service.engine_messages()] == ["Write a very long story.", answer.text]


def test_a_question_too_long_for_the_context_is_handed_back_intact(client: EngineClient, store: Store,
                                                                  other: Store) -> None:
    service = ChatService(store, client)
    _run(service, started(service.ask("Hello.", sampling=GREEDY)))
    before = _stored(other, service.conversation_id)
    question = "A question far too long. " * 1200
    answer = started(service.ask(question, sampling=GREEDY))
    _run(service, answer)
    assert answer.failure is not None
    assert answer.failure.code == "prompt_too_long"
    assert answer.outcome == Returned(question, ())
    assert _stored(other, service.conversation_id) == before  # nothing half-asked stays
    assert [m.content for m in service.messages] == [content for _, content, _ in before]


def test_a_conversation_changed_elsewhere_refuses_and_gives_the_text_back(client: EngineClient, store: Store,
                                                                          other: Store) -> None:
    service = ChatService(store, client)
    _run(service, started(service.ask("What is the capital of France?", sampling=GREEDY)))
    conversation_id = service.conversation_id or 0
    other.add_message(conversation_id, "user", "Written elsewhere")
    before = _stored(other, conversation_id)

    asked = service.ask("Next question", ["/nowhere/picture.png"], sampling=GREEDY)
    assert asked == Refused("changed", asked.message if isinstance(asked, Refused) else "", "Next question",
                            ("/nowhere/picture.png",))
    edited = service.ask("Edited question", sampling=GREEDY, edit=0)
    assert isinstance(edited, Refused)
    assert (edited.reason, edited.text) == ("changed", "Edited question")
    regenerated = service.regenerate(1, sampling=GREEDY)
    assert isinstance(regenerated, Refused)
    assert regenerated.reason == "changed"
    assert _stored(other, conversation_id) == before  # nothing deleted, nothing added
    assert service.answer is None

    service.open(conversation_id)  # seen again: now it goes on
    _run(service, started(service.ask("Next question", sampling=GREEDY)))
    assert [content for _, content, _ in _stored(other, conversation_id)][2:4] == ["Written elsewhere",
                                                                                  "Next question"]
    other.delete_conversation(conversation_id)
    gone = service.ask("Another", sampling=GREEDY)
    assert isinstance(gone, Refused)
    assert (gone.reason, gone.text) == ("missing", "Another")


def test_an_answer_on_a_full_database_is_kept_and_saved_later(client: EngineClient, store: Store,
                                                              other: Store) -> None:
    """SQLite's own limit on the database size stands for a full disk (SQLITE_FULL, as a full disk gives)."""
    problems: list[str] = []
    recovered: list[bool] = []
    service = ChatService(store, client, flush_interval_s=0, on_save_problem=problems.append,
                          on_saved_again=lambda: recovered.append(True))
    answer = started(service.ask("Write a very long story.", sampling=Sampling(
        temperature=0, max_new_tokens=1500, min_new_tokens=1500)))
    assert service.saver is not None
    for event in service.events(answer):
        if isinstance(event, Token) and len(answer.text) == len(event.text):  # the first token: the disk fills
            (pages,) = store._db.execute("PRAGMA page_count").fetchone()
            store._db.execute(f"PRAGMA max_page_count = {pages}")
    assert service.saver.failing
    assert len(problems) == 1
    assert "is full" in problems[0]
    assert service.unsaved == [answer.text]  # kept in memory, whole
    (stored,) = [m for m in other.get_conversation(service.conversation_id or 0).messages
                 if m.id == answer.message_id]
    assert stored.status == "streaming"
    assert answer.text.startswith(stored.content)
    assert len(stored.content) < len(answer.text)

    store._db.execute("PRAGMA max_page_count = 1073741823")  # space again
    assert service.save()
    assert recovered == [True]
    assert not service.waiting
    assert _stored(other, service.conversation_id)[-1] == ("assistant", answer.text, "complete")
    assert other.path == store.path
    connection = sqlite3.connect(store.path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()


def test_without_a_store_the_conversation_lives_in_memory(client: EngineClient, phidesk_home: Path) -> None:
    """The terminal's chat keeps nothing on disk: a turn, a retry and a clear, all in memory."""
    service = ChatService(None, client, system_prompt="Be brief.")
    first = started(service.ask("Name a fruit.", sampling=GREEDY))
    _run(service, first)
    second = started(service.ask("Another one?", sampling=GREEDY))
    assert [m.content for m in second.messages] == ["Be brief.", "Name a fruit.", first.text, "Another one?"]
    _run(service, second)
    again = started(service.regenerate(3, sampling=GREEDY))
    assert [m.content for m in again.messages][-1] == "Another one?"
    _run(service, again)
    assert [m.role for m in service.messages] == ["user", "assistant", "user", "assistant"]
    service.new()
    assert [m.content for m in service.engine_messages()] == ["Be brief."]
    assert not list((phidesk_home).rglob("*.sqlite3"))


def test_the_benchmarks_conversation_goes_through_the_service(client: EngineClient, starter_source: Path) -> None:
    """`phidesk bench`'s turns: each turn carries the history the service kept, so the cache is reused."""
    from phidesk.bench import conversation_turns

    result = conversation_turns(client, starter_source, provider="cpu", context_cap=4096, turns=3, new_tokens=8)
    prompt, new = result["turn_prompt_tokens"], result["turn_new_prompt_tokens"]
    assert len(prompt) == 3
    assert prompt[0] < prompt[1] < prompt[2]  # the history grows, earlier answers included
    assert new[2] < prompt[2]  # only the new part is read again
