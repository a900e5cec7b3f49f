"""RemoteClient against a stand-in server that injects faults: each fault becomes its stable code, a partial answer
is kept, and the Offline setting refuses before any connection."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from phidesk import settings
from phidesk.chat.service import ChatService
from phidesk.engine.protocol import Event, Failed, Finished, Message, Sampling, Token
from phidesk.remote.client import RemoteClient, RemoteFailed, client_for
from phidesk.remote.endpoints import Endpoint, add_endpoint
from phidesk.store import Store
from tests.integration.conftest import started
from tests.remote_standin import WORDS, StandIn

GREEDY = Sampling(temperature=0, max_new_tokens=20)
QUESTION = [Message("user", "Say hello.")]


@pytest.fixture
def standin(phidesk_home: Path) -> Iterator[StandIn]:
    with StandIn() as server:
        yield server


def answer(server: StandIn, model: str, **options: float) -> tuple[str, Event]:
    client = RemoteClient(Endpoint("fake", server.url), model, "sk-test", **options)  # type: ignore[arg-type]
    events = list(client.generate(QUESTION, GREEDY))
    client.close()
    text = "".join(e.text for e in events if isinstance(e, Token))
    return text, events[-1]


def test_a_streamed_answer_with_usage(standin: StandIn) -> None:
    text, end = answer(standin, "ok")
    assert text == "".join(WORDS)
    assert isinstance(end, Finished)
    assert (end.stats.prompt_tokens, end.stats.generated_tokens, end.stats.finish_reason) == (11, 4, "stop")
    assert end.stats.ttft_s > 0
    sent = standin.requests[-1]
    assert sent["auth"] == "Bearer sk-test"
    assert sent["body"]["stream_options"] == {"include_usage": True}
    assert sent["body"]["max_tokens"] == 20
    assert sent["body"]["temperature"] == 0


def test_an_endpoint_refusing_stream_options_is_asked_again_and_tokens_are_counted(standin: StandIn) -> None:
    text, end = answer(standin, "nousage")
    assert text == "".join(WORDS)
    assert isinstance(end, Finished)
    assert (end.stats.prompt_tokens, end.stats.generated_tokens) == (0, len(WORDS))
    assert ["stream_options" in r["body"] for r in standin.requests] == [True, False]


@pytest.mark.parametrize(("model", "code", "user_error"), [
    ("auth", "remote_auth", True), ("missing", "remote_not_found", True), ("boom", "remote_server_error", False)])
def test_http_errors_have_their_codes(standin: StandIn, model: str, code: str, user_error: bool) -> None:
    text, end = answer(standin, model)
    assert text == ""
    assert isinstance(end, RemoteFailed)
    assert (end.code, end.user_error, end.partial) == (code, user_error, False)
    assert "127.0.0.1" in end.message


def test_429_says_how_long_to_wait(standin: StandIn) -> None:
    _text, end = answer(standin, "busy")
    assert isinstance(end, RemoteFailed)
    assert (end.code, end.retry_after_s) == ("remote_rate_limited", 7.0)
    assert end.message.values["seconds"] == 7.0  # type: ignore[attr-defined]
    assert "try again in 7 s" in end.message


def test_a_stream_cut_mid_answer_keeps_the_tokens_and_says_partial(standin: StandIn) -> None:
    text, end = answer(standin, "cut")
    assert text == "".join(WORDS[:3])
    assert isinstance(end, RemoteFailed)
    assert (end.code, end.partial) == ("remote_stream_broken", True)


def test_a_server_that_never_answers_times_out(standin: StandIn) -> None:
    _text, end = answer(standin, "hang", timeout=0.5)
    assert isinstance(end, RemoteFailed)
    assert end.code == "remote_timeout"


def test_stop_while_the_server_has_not_answered_ends_the_wait(standin: StandIn) -> None:
    """Stop before the first byte (no response to close yet): the connection is shut down, the answer ends
    cancelled; before, the wait went on until the 60 s timeout and ended as remote_timeout."""
    client = RemoteClient(Endpoint("fake", standin.url), "hang", "sk-test", timeout=60)
    events = client.generate(QUESTION, GREEDY)
    ended: list[Event] = []
    thread = threading.Thread(target=lambda: ended.extend(events))
    thread.start()
    while not standin.requests:  # the request has reached the server, which will not answer
        time.sleep(0.01)
    client.stop()
    thread.join(30)
    assert not thread.is_alive()
    assert isinstance(ended[-1], Finished)
    assert ended[-1].stats.finish_reason == "cancelled"
    client.model = "ok"  # the same client's next answer is not cut by the last stop
    again = list(client.generate(QUESTION, GREEDY))
    client.close()
    assert isinstance(again[-1], Finished)
    assert "".join(e.text for e in again if isinstance(e, Token)) == "".join(WORDS)


def test_an_unreachable_port(phidesk_home: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once it is closed
    client = RemoteClient(Endpoint("gone", f"http://127.0.0.1:{port}/v1"), "m")
    end = list(client.generate(QUESTION, GREEDY))[-1]
    assert isinstance(end, Failed)
    assert end.code == "remote_unreachable"


def test_offline_blocks_without_a_connection(standin: StandIn) -> None:
    settings.update({"offline": True})
    _text, end = answer(standin, "ok")
    assert isinstance(end, Failed)
    assert end.code == "remote_offline"
    assert standin.requests == []


def test_the_chat_service_keeps_a_broken_answer_with_its_status(standin: StandIn, store: Store) -> None:
    add_endpoint(Endpoint("fake", standin.url, ["ok", "cut"]), None)
    service = ChatService(store, None, clients=client_for)
    answer_ = started(service.ask("Say hello.", sampling=GREEDY, model="fake/cut"))
    events = list(service.events(answer_))
    assert isinstance(events[-1], Failed)
    stored = store.get_conversation(answer_.conversation_id)
    last = stored.messages[-1]
    assert (last.content, last.status, last.model) == ("".join(WORDS[:3]), "error", "fake/cut")
    assert last.stats == {"failure": "remote_stream_broken", "partial": True}
    assert stored.model_id == "fake/cut"
