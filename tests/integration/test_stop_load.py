"""Stop (Esc) while a model loads: a real worker, the real starter, stops from another thread.

The user's own Stop during a load is a cancel, never a crash: before the client's state changes
were made under one lock, a stop during the load was reported as "killed by signal 9; out of
memory?", and a stop during the worker's start-up was lost (the load went on and succeeded).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from phidesk.engine.client import EngineClient
from phidesk.engine.protocol import Event, Failed, Finished, Loaded, Message, Sampling
from phidesk.errors import EngineError

pytestmark = pytest.mark.slow
GREEDY = Sampling(temperature=0, max_new_tokens=8)
HANG_GUARD_S = 120  # only stops a hang; the load of the 135M starter takes about a second


class Hammer:
    """Presses Stop every 10 ms (a user pressing Esc repeatedly) until told to end."""

    def __init__(self, stop: Callable[[], None], when: Callable[[], bool]) -> None:
        self.done = threading.Event()
        self.pressed = 0
        self.errors: list[BaseException] = []
        self._stop, self._when = stop, when
        self.thread = threading.Thread(target=self._run, name="esc-hammer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.wait(0.01):
            if self._when():
                try:
                    self._stop()
                except BaseException as exc:  # whatever stop raises fails the test
                    self.errors.append(exc)
                self.pressed += 1

    def end(self) -> None:
        self.done.set()
        self.thread.join(HANG_GUARD_S)


def test_stop_while_the_model_loads_is_a_cancel_not_a_crash(starter_source: Path, tmp_path: Path) -> None:
    with EngineClient(log_path=tmp_path / "w.log") as engine:
        outcome: list[object] = []

        def load() -> None:
            try:
                outcome.append(engine.load(starter_source, "cpu", 2048))
            except EngineError as exc:
                outcome.append(exc)

        loader = threading.Thread(target=load)
        loader.start()
        hammer = Hammer(engine.stop, lambda: engine.worker_pid is not None)  # from the worker's start on
        loader.join(HANG_GUARD_S)
        hammer.end()
        assert not hammer.errors
        assert hammer.pressed > 0
        assert len(outcome) == 1
        error = outcome[0]
        assert isinstance(error, EngineError), f"the load went on despite Stop: {error}"
        assert error.code == "cancelled"
        assert error.user_error
        assert "out of memory" not in str(error)
        assert "signal" not in str(error)
        # Nothing is left half-loaded, and the next load works.
        assert engine.loaded is None
        assert engine.load(starter_source, "cpu", 2048).provider == "cpu"


def _answer_events(engine: EngineClient, messages: list[Message]) -> list[Event]:
    return list(engine.generate(messages, GREEDY))


@pytest.mark.posix
def test_stop_while_an_answer_reloads_the_model_is_a_cancel(client: EngineClient) -> None:
    # A worker that died makes the next answer start by loading the model again.
    pid = client.worker_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + HANG_GUARD_S
    while client.worker_pid is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert client.worker_pid is None
    events: list[Event] = []
    errors: list[BaseException] = []

    def answer() -> None:
        try:
            events.extend(client.generate([Message("user", "What is the capital of France?")], GREEDY))
        except BaseException as exc:  # an AttributeError here is the bug
            errors.append(exc)

    asker = threading.Thread(target=answer)
    asker.start()
    hammer = Hammer(client.stop, lambda: client.worker_pid is not None)
    asker.join(HANG_GUARD_S)
    hammer.end()
    assert not errors
    assert not hammer.errors
    assert events, "the answer produced no events"
    last = events[-1]
    assert not isinstance(last, Failed), f"the user's Stop was reported as a failure: {last}"
    assert isinstance(last, Finished)
    assert last.stats.finish_reason == "cancelled"
    # And the engine still answers afterwards.
    again = _answer_events(client, [Message("user", "What is the capital of France?")])
    assert isinstance(again[0], Loaded)
    assert isinstance(again[-1], Finished)
    assert again[-1].stats.finish_reason in ("stop", "length")
