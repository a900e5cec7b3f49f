"""The worker's pipes and its bounds, with real worker processes running the real starter model.

Bad lines in either direction, a chat template that loops or crashes, a worker that stops
answering (SIGSTOP) or crashes: each is reported in one clear sentence and the next request works.
Time limits here only stop a hang; the bounds under test are set short through the client's options.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from phidesk.engine import client as client_module
from phidesk.engine.client import NOISE_LINES, EngineClient, worker_command
from phidesk.engine.protocol import Event, Failed, Finished, Loaded, Message, Ready, Sampling, Token, event_from_wire
from phidesk.errors import EngineError

GREEDY = Sampling(temperature=0, max_new_tokens=24)
QUESTION = [Message("user", "What is the capital of France?")]


def answer(engine: EngineClient, messages: list[Message] = QUESTION) -> tuple[str, list[Event]]:
    events = list(engine.generate(messages, GREEDY))
    return "".join(e.text for e in events if isinstance(e, Token)), events


# --- requests the worker cannot read ---------------------------------------------------------------
class RawWorker:
    """A worker process driven by hand: lines in, events out (with a deadline that stops a hang)."""

    def __init__(self, log: Path) -> None:
        with log.open("ab") as err:
            self.proc = subprocess.Popen(worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
        self.events: queue.Queue[Event] = queue.Queue()
        self.beats: queue.Queue[float] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            event = event_from_wire(line)
            if event.kind == "alive":
                self.beats.put(time.monotonic())
            elif event.kind != "phase":
                self.events.put(event)

    def send(self, line: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + b"\n")
        self.proc.stdin.flush()

    def next(self) -> Event:
        return self.events.get(timeout=60)  # a hang guard, not a measurement

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


GARBAGE = [b"[1,2]", b'"generate"', b"42", b'{"op": "stop", "id": "x"}', b'{"op": "stop"}', b"\xff\xfe{\"op\"",
           b"{not json", b'{"op": "frobnicate", "id": 7}', b'{"op": "load", "id": 8}']


def test_malformed_requests_are_answered_and_the_worker_keeps_serving(starter_source: Path, tmp_path: Path) -> None:
    worker = RawWorker(tmp_path / "worker.log")
    try:
        assert isinstance(worker.next(), Ready)
        failures = []
        for line in GARBAGE:
            worker.send(line)
            event = worker.next()
            assert isinstance(event, Failed), (line, event)
            failures.append(event)
        assert [f.code for f in failures[:7]] == ["bad_request"] * 7
        assert (failures[7].id, failures[7].code) == (7, "bad_request")
        assert failures[8].id == 8  # a load without a path fails as a load, and only that request
        assert all("\n" not in f.message for f in failures)
        # The reader is still there: a real load and a real answer follow.
        worker.send(json.dumps({"op": "load", "path": str(starter_source), "provider": "cpu",
                                "context_cap": 1024}).encode())
        assert isinstance(worker.next(), Loaded)
        worker.send(json.dumps({"op": "generate", "id": 9, "messages": [{"role": "user", "content": "Hi"}],
                                "sampling": {"temperature": 0, "max_new_tokens": 4}}).encode())
        while not isinstance(event := worker.next(), (Finished, Failed)):
            pass
        assert isinstance(event, Finished)
        assert event.id == 9
    finally:
        worker.close()


def test_an_idle_worker_beats(starter_source: Path, tmp_path: Path) -> None:
    """Heartbeats are what tells a slow worker from a stopped one: they come while nothing else does."""
    worker = RawWorker(tmp_path / "worker.log")
    try:
        assert isinstance(worker.next(), Ready)
        beats = [worker.beats.get(timeout=30) for _ in range(3)]  # a hang guard, not a measurement
        assert beats == sorted(beats)
        assert worker.events.empty()  # nothing but heartbeats while idle
    finally:
        worker.close()


# --- lines on the event pipe that are not events ------------------------------------------------------
@pytest.mark.timeout(300)
def test_lines_that_are_not_events_are_skipped_and_logged_boundedly(starter_source: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # A library that prints on fd 1 while the worker starts, before main() takes fd 1 over.
    noise = ("import sys; sys.stdout.buffer.write(b'42\\n[1,2]\\n\\xff\\xfe\\n' + b'{\"ev\": 1}\\n' * 100); "
             "sys.stdout.flush()")
    start = f"{noise}; from phidesk.engine.worker import main; sys.exit(main())"
    monkeypatch.setattr(client_module, "worker_command", lambda: [sys.executable, "-c", start])
    monkeypatch.setattr(client_module, "READY_TIMEOUT_S", 60.0)  # a hang guard shorter than the default
    log = tmp_path / "worker.log"
    with EngineClient(log_path=log) as engine:
        engine.load(starter_source, "cpu", 1024)
        text, _ = answer(engine)
    assert "Paris" in text
    logged = [line for line in log.read_text(encoding="utf-8").splitlines() if "client: worker[" in line]
    assert "b'42\\n'" in logged[0]
    assert len(logged) == NOISE_LINES + 1  # bounded: the rest is summed up in one line
    assert "not logged" in logged[-1]


# --- chat templates that loop or crash -------------------------------------------------------------------
LOOP = "{% for i in range(100000000) %}x{% endfor %}"
RECURSION = "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"


def _use_template(folder: Path, template: str, where: str) -> None:
    if where == "jinja":
        (folder / "chat_template.jinja").write_text(template, encoding="utf-8")
        return
    (folder / "chat_template.jinja").unlink(missing_ok=True)
    config_path = folder / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["chat_template"] = template
    config_path.write_text(json.dumps(config), encoding="utf-8")


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("template", "where", "fragments"),
    [(LOOP, "jinja", ("did not finish within 5 s",)),
     (RECURSION, "jinja", ("crashed", "SIGSEGV")),
     (LOOP, "tokenizer_config", ("did not finish",)),
     (RECURSION, "tokenizer_config", ("crashed", "SIGSEGV")),
     ('{{ "x" * 10000000 }}', "jinja", ("made a prompt of 10,000,000 characters",)),
     ("{# " + "x" * 300_000 + " #}", "jinja", ("at most 262,144",))],
    ids=["loop", "recursion", "loop-in-config", "recursion-in-config", "huge-output", "huge-template"],
)
def test_a_hostile_chat_template_fails_the_load_clearly_and_the_client_stays_usable(
        model_copy: Path, starter_source: Path, tmp_path: Path, *, template: str, where: str,
        fragments: tuple[str, ...]) -> None:
    _use_template(model_copy, template, where)
    with EngineClient(log_path=tmp_path / "worker.log", render_limit_s=5) as engine:
        with pytest.raises(EngineError) as info:
            engine.load(model_copy, "cpu", 1024)
        assert info.value.user_error
        assert info.value.code == "bad_template"
        assert "chat template" in str(info.value)
        assert "out of memory" not in str(info.value)
        for fragment in fragments:
            assert fragment in str(info.value)
        engine.load(starter_source, "cpu", 1024)
        text, _ = answer(engine)
        assert "Paris" in text


@pytest.mark.timeout(300)
def test_a_template_that_loops_on_one_message_fails_that_answer_and_the_next_works(
        model_copy: Path, tmp_path: Path) -> None:
    good = (model_copy / "chat_template.jinja").read_text(encoding="utf-8")
    trap = "{% for m in messages %}{% if m.content == 'boom' %}" + LOOP + "{% endif %}{% endfor %}"
    (model_copy / "chat_template.jinja").write_text(trap + good, encoding="utf-8")
    with EngineClient(log_path=tmp_path / "worker.log", render_limit_s=5) as engine:
        engine.load(model_copy, "cpu", 1024)  # the load's own check renders a harmless message
        pid = engine.worker_pid
        _, events = answer(engine, [Message("user", "boom")])
        assert isinstance(events[-1], Failed)
        assert (events[-1].code, events[-1].user_error) == ("bad_template", True)
        assert "did not finish within 5 s" in events[-1].message
        text, events = answer(engine)
        assert isinstance(events[0], Loaded)  # a fresh worker
        assert "Paris" in text
        assert engine.worker_pid not in (None, pid)


# --- a worker that stops answering, or crashes ------------------------------------------------------------
@pytest.mark.timeout(300)
def test_a_stopped_worker_is_reported_and_replaced(starter_source: Path, tmp_path: Path) -> None:
    with EngineClient(log_path=tmp_path / "worker.log", silence_limit_s=10) as engine:
        engine.load(starter_source, "cpu", 1024)
        pid = engine.worker_pid
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)
        try:
            _, events = answer(engine)
        finally:
            os.kill(pid, signal.SIGCONT)  # harmless if it was ended, as it should have been
        assert isinstance(events[-1], Failed)
        assert events[-1].code == "worker_died"
        assert "did not respond for 10 s" in events[-1].message
        text, events = answer(engine)
        assert isinstance(events[0], Loaded)
        assert "Paris" in text
        assert engine.worker_pid not in (None, pid)


def test_a_crash_is_reported_as_a_crash_not_as_memory(client: EngineClient) -> None:
    pid = client.worker_pid
    assert pid is not None
    failure = None
    for event in client.generate(QUESTION, Sampling(max_new_tokens=300, min_new_tokens=300, seed=1)):
        if isinstance(event, Token) and failure is None:
            os.kill(pid, signal.SIGSEGV)
        if isinstance(event, Failed):
            failure = event
    assert failure is not None
    assert failure.code == "worker_died"
    assert "crashed: signal 11 (SIGSEGV)" in failure.message
    assert "memory" not in failure.message
    text, _ = answer(client)
    assert "Paris" in text
