"""One EngineClient shared by several threads (the window's bridge and the local server): requests run one at a
time in the order they came, a waiting one may give up, and stop() stops only the answer that runs. A real
worker process running the real starter model."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from phidesk.engine.client import EngineClient
from phidesk.engine.line import Activity, Turn
from phidesk.engine.protocol import Event, Failed, Finished, Message, Sampling, Token
from phidesk.errors import EngineError

HANG_GUARD_S = 120  # only stops a hang
LONG = Sampling(temperature=0, max_new_tokens=3000, min_new_tokens=3000)  # runs until it is stopped
SHORT = Sampling(temperature=0, max_new_tokens=3)
QUESTION = [Message("user", "What is the capital of France?")]


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + HANG_GUARD_S
    while not condition():
        assert time.monotonic() < deadline, "hang"
        time.sleep(0.005)


class Asker(threading.Thread):
    """One caller on its own thread: its events, kept."""

    def __init__(self, client: EngineClient, sampling: Sampling, turn: Turn | None = None,
                 done: list[str] | None = None) -> None:
        super().__init__(daemon=True)
        self.client, self.sampling, self.turn, self.done = client, sampling, turn, done
        self.events: list[Event] = []

    def run(self) -> None:
        for event in self.client.generate(QUESTION, self.sampling, turn=self.turn):
            self.events.append(event)
        if self.done is not None and self.turn is not None:
            self.done.append(self.turn.tag)

    @property
    def tokens(self) -> int:
        return sum(isinstance(e, Token) for e in self.events)

    @property
    def end(self) -> Finished:
        self.join(HANG_GUARD_S)
        last = self.events[-1]
        assert isinstance(last, Finished), self.events
        return last


def start_long(client: EngineClient, turn: Turn | None = None) -> Asker:
    asker = Asker(client, LONG, turn)
    asker.start()
    wait_until(lambda: asker.tokens >= 2)  # it decodes
    return asker


def queue_up(client: EngineClient, askers: list[Asker]) -> None:
    """Start each asker only once the one before it has joined the line: their arrival order is known."""
    for asker in askers:
        waiting = client.queued
        asker.start()
        wait_until(lambda waiting=waiting: client.queued == waiting + 1)


def test_requests_from_several_threads_are_answered_in_the_order_they_came(client: EngineClient) -> None:
    changes: list[Activity] = []
    client.on_activity = changes.append
    done: list[str] = []
    first = Asker(client, Sampling(temperature=0, max_new_tokens=200, min_new_tokens=200), Turn("first"), done)
    first.start()
    wait_until(lambda: first.tokens >= 1)
    waiting = [Asker(client, SHORT, Turn(f"t{n}"), done) for n in range(4)]
    queue_up(client, waiting)
    assert client.activity == Activity("first", ("t0", "t1", "t2", "t3"))
    assert client.busy
    for asker in (first, *waiting):
        assert asker.end.stats.finish_reason in ("stop", "length")
    assert done == ["first", "t0", "t1", "t2", "t3"]
    assert first.end.stats.generated_tokens == 200  # the first answer was whole
    assert not client.busy
    assert client.queued == 0
    assert changes[-1] == Activity()


def test_a_waiting_request_given_up_leaves_the_running_answer_intact(client: EngineClient) -> None:
    pid = client.worker_pid
    running = start_long(client)
    gives_up = Asker(client, SHORT, Turn("server"))
    queue_up(client, [gives_up])
    gives_up.turn.cancel()  # type: ignore[union-attr]
    assert gives_up.end.stats.finish_reason == "cancelled"
    assert gives_up.tokens == 0  # it never reached the worker
    assert client.queued == 0
    before = running.tokens
    wait_until(lambda: running.tokens >= before + 5)  # the running answer goes on
    assert running.is_alive()
    client.stop()
    assert running.end.stats.finish_reason == "cancelled"
    assert client.worker_pid == pid


def test_stop_during_one_answer_does_not_stop_the_next_waiting_one(client: EngineClient) -> None:
    running = start_long(client)
    next_one = Asker(client, Sampling(temperature=0, max_new_tokens=20), Turn("next"))
    queue_up(client, [next_one])
    client.stop()
    assert running.end.stats.finish_reason == "cancelled"
    end = next_one.end
    assert end.stats.finish_reason in ("stop", "length")
    assert not any(isinstance(e, Failed) for e in next_one.events)
    assert "Paris" in "".join(e.text for e in next_one.events if isinstance(e, Token))


def test_a_turn_cancelled_while_it_runs_stops_only_its_own_answer(client: EngineClient) -> None:
    mine = Turn("server")
    running = start_long(client, mine)
    other = Asker(client, Sampling(temperature=0, max_new_tokens=20), Turn("window"))
    queue_up(client, [other])
    mine.cancel()
    assert running.end.stats.finish_reason == "cancelled"
    assert other.end.stats.finish_reason in ("stop", "length")
    mine.cancel()  # once it has ended: nothing happens, nothing else is stopped
    third = Asker(client, SHORT, Turn("later"))
    third.start()
    assert third.end.stats.finish_reason in ("stop", "length")


def test_a_full_line_refuses_at_once_with_busy(client: EngineClient) -> None:
    running = start_long(client)
    waiting = Asker(client, SHORT, Turn("w"))
    queue_up(client, [waiting])
    events = list(client.generate(QUESTION, SHORT, turn=Turn("server", max_waiting=1)))
    assert len(events) == 1
    assert isinstance(events[0], Failed)
    assert (events[0].code, events[0].user_error) == ("busy", True)
    assert client.queued == 1
    client.stop()
    assert running.end.stats.finish_reason == "cancelled"
    assert waiting.end.stats.finish_reason in ("stop", "length")


def test_a_load_that_waits_may_give_up_without_touching_the_answer(client: EngineClient, starter_source: Path) -> None:
    loaded = client.loaded
    running = start_long(client)
    turn = Turn("window")
    failures: list[EngineError] = []

    def load() -> None:
        try:
            client.load(starter_source, "cpu", 1024, turn=turn)
        except EngineError as exc:
            failures.append(exc)

    loader = threading.Thread(target=load, daemon=True)
    queue_up_thread(client, loader)
    turn.cancel()
    loader.join(HANG_GUARD_S)
    assert [f.code for f in failures] == ["cancelled"]
    before = running.tokens
    wait_until(lambda: running.tokens >= before + 5)  # the answer goes on
    client.stop()
    assert running.end.stats.finish_reason == "cancelled"
    assert client.loaded == loaded  # the model the worker holds did not change


def queue_up_thread(client: EngineClient, thread: threading.Thread) -> None:
    waiting = client.queued
    thread.start()
    wait_until(lambda: client.queued == waiting + 1)


def test_an_answer_advanced_from_several_threads_keeps_its_place(client: EngineClient) -> None:
    """A server's thread pool: one request's iterator is advanced by whichever pool thread is free, so the
    thread that took the first event may start another request while the first is still open. That one waits
    (it is another request), and the first ends on another thread."""
    order: list[str] = []
    first = client.generate(QUESTION, Sampling(temperature=0, max_new_tokens=60, min_new_tokens=60))
    assert next(first) is not None  # this thread entered the first request's turn

    def drain() -> None:
        wait_until(lambda: client.queued == 1)
        for event in first:
            if isinstance(event, Finished):
                order.append(f"first {event.stats.finish_reason} {event.stats.generated_tokens}")

    drainer = threading.Thread(target=drain, daemon=True)
    drainer.start()
    for event in client.generate(QUESTION, SHORT):  # from the same thread
        if isinstance(event, Token) and "second" not in order:
            order.append("second")
    drainer.join(HANG_GUARD_S)
    assert order == ["first length 60", "second"]
    assert client.activity == Activity()


def test_close_ends_the_waiting_requests_without_a_new_worker(starter_source: Path, tmp_path: Path) -> None:
    """Quitting while the server's requests wait: they end as cancelled, and none of them starts a worker again."""
    engine = EngineClient(log_path=tmp_path / "worker.log")
    engine.load(starter_source, "cpu", 1024)
    running = start_long(engine)
    waiting = Asker(engine, SHORT, Turn("server"))
    queue_up(engine, [waiting])
    engine.close()
    assert running.end.stats.finish_reason == "cancelled"
    assert waiting.end.stats.finish_reason == "cancelled"
    assert waiting.tokens == 0
    assert engine.worker_pid is None
    assert engine.activity == Activity()
