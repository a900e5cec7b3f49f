"""Ctrl+C in ``phidesk chat`` as a terminal sends it: SIGINT to the whole foreground process group.

The chat runs on a real pseudo-terminal (it is the session leader, as under a shell); the tests type ^C into
it, so the terminal itself signals every process in the foreground group. Only PhiDesk's own process may get
it: the worker runs in a session of its own and must neither log a KeyboardInterrupt nor be reloaded.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from pathlib import Path

import psutil
import pytest

from tests.integration.test_interactive import Terminal

pytestmark = [pytest.mark.posix, pytest.mark.slow]

DEADLINE_S = 120.0  # only stops a hang
CTRL_C = b"\x03"


def long_answers() -> None:
    """Every answer runs to 2,000 tokens (sampled, seeded): long enough to be interrupted mid-way."""
    from phidesk import settings

    settings.update({"sampling": {"temperature": 0.7, "seed": 1, "max_new_tokens": 2000, "min_new_tokens": 2000}})


def worker_log(home: Path) -> str:
    path = home / "logs" / "worker.log"
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def wait_for_log(home: Path, text: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    path = home / "logs" / "phidesk.log"
    while not (path.exists() and text in path.read_text(encoding="utf-8", errors="replace")):
        if time.monotonic() > deadline:
            pytest.fail(f"no {text!r} in phidesk.log within {DEADLINE_S} s")
        time.sleep(0.05)


def read_some(term: Terminal, count: int) -> str:
    """At least *count* characters of what the terminal shows (the streaming answer)."""
    deadline = time.monotonic() + DEADLINE_S
    while len(term.buffer) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"fewer than {count} characters within {DEADLINE_S} s: {term.buffer!r}")
        term.pump()
    return term.buffer


def run_to_exit(term: Terminal) -> tuple[int, str]:
    """The exit status and everything the terminal showed until then."""
    shown = []
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        term.pump()
        shown.append(term.buffer)
        term.buffer = ""
        pid, status = os.waitpid(term.pid, os.WNOHANG)
        if pid:
            term.pump()
            shown.append(term.buffer)
            return os.waitstatus_to_exitcode(status), "".join(shown)
    term.close()
    pytest.fail("the chat did not exit")


def test_ctrl_c_stops_a_one_shot_answer_and_prints_it(starter_installed: Path, phidesk_home: Path) -> None:
    long_answers()
    term = Terminal("chat", "Write a long story about a dragon.")
    try:
        before = read_some(term, 40)  # the answer is streaming
        os.write(term.fd, CTRL_C)
        code, after = run_to_exit(term)
    finally:
        term.close()
    assert code == 130, before + after
    assert "Traceback" not in before + after
    assert before.strip()  # what was answered so far was shown
    assert "KeyboardInterrupt" not in worker_log(phidesk_home)  # the worker never got the Ctrl+C


def test_a_second_ctrl_c_while_stopping_is_no_traceback(starter_installed: Path, phidesk_home: Path) -> None:
    long_answers()
    term = Terminal("chat", "Write a long story about a dragon.")
    try:
        read_some(term, 40)
        os.write(term.fd, CTRL_C)
        term.pump(0.02)  # the first is being handled: a second one may land anywhere until the exit
        os.write(term.fd, CTRL_C)
        code, shown = run_to_exit(term)
    finally:
        term.close()
    assert code == 130, shown
    assert "Traceback" not in shown
    assert "KeyboardInterrupt" not in worker_log(phidesk_home)


def test_ctrl_c_with_json_prints_a_cancelled_answer(starter_installed: Path, phidesk_home: Path) -> None:
    long_answers()
    term = Terminal("chat", "--json", "Write a long story about a dragon.")
    try:
        wait_for_log(phidesk_home, "answer streaming")
        os.write(term.fd, CTRL_C)
        code, shown = run_to_exit(term)
    finally:
        term.close()
    assert code == 130, shown
    data = json.loads(shown[shown.index('{"text"'):].splitlines()[0])
    assert data["finish_reason"] == "cancelled"
    assert 0 < data["generated_tokens"] < 2000
    assert data["text"]
    assert "KeyboardInterrupt" not in worker_log(phidesk_home)


def test_ctrl_c_while_the_model_loads_exits_130_in_one_line(starter_installed: Path, phidesk_home: Path) -> None:
    term = Terminal("chat", "hi")
    try:
        cli = psutil.Process(term.pid)
        deadline = time.monotonic() + DEADLINE_S
        while not cli.children():  # the worker has just been started: its model is not loaded yet
            if time.monotonic() > deadline:
                pytest.fail("no worker process")
            time.sleep(0.005)
        worker = cli.children()[0]
        os.write(term.fd, CTRL_C)
        code, shown = run_to_exit(term)
    finally:
        term.close()
    assert code == 130, shown
    assert "Traceback" not in shown
    lines = [line for line in shown.replace("^C", "").splitlines() if line.strip()]
    assert lines == ["phidesk: interrupted"], shown
    worker.wait(timeout=30)  # ended by the CLI, not left behind
    assert "KeyboardInterrupt" not in worker_log(phidesk_home)


def status_pid(term: Terminal) -> int:
    term.send("/status")
    shown = term.read_until(">>> ")
    found = re.search(r"model process (\d+)", shown)
    assert found, shown
    return int(found.group(1))


def test_ctrl_c_in_the_interactive_chat_keeps_the_worker(starter_installed: Path, phidesk_home: Path) -> None:
    term = Terminal("chat", "--temperature", "0", "--max-tokens", "1500")
    try:
        term.read_until(">>> ")
        pid = status_pid(term)
        term.send("Count from 1 to 500, one number per line.")
        term.read_until("per line.")  # the terminal's echo of the question
        read_some(term, 40)  # the answer is streaming
        os.write(term.fd, CTRL_C)
        stopped = term.read_until(">>> ")
        assert "stopped]" in stopped  # the stats line of a stopped answer
        term.send("What is the capital of France?")
        second = term.read_until(">>> ")
        assert "loaded again" not in second  # no reload after the Ctrl+C
        stats = re.search(r"\[[1-9]\d* tokens, .*first token [\d.]+ s\]", second)  # answered, not stopped
        assert stats, second
        print(f"\nnext answer after Ctrl+C: {stats.group(0)}")  # the time to first token: a figure, not asserted
        assert status_pid(term) == pid  # the same worker answered
        term.send("/bye")
        assert term.exit_code() == 0
    finally:
        term.close()
    assert "KeyboardInterrupt" not in worker_log(phidesk_home)


def test_ctrl_c_at_the_prompt_clears_the_line_and_the_chat_goes_on(starter_installed: Path) -> None:
    term = Terminal("chat", "--temperature", "0", "--max-tokens", "30")
    try:
        banner = term.read_until(">>> ")
        assert "Ctrl+D or /bye quits" in banner
        os.write(term.fd, b"half a question")
        os.write(term.fd, CTRL_C)
        assert "(Ctrl+D or /bye quits)" in term.read_until(">>> ")
        term.send("What is the capital of France?")
        assert "Paris" in term.read_until(">>> ")
        os.write(term.fd, b"\x04")  # Ctrl+D
        assert term.exit_code() == 0
    finally:
        term.close()


def test_the_worker_ends_when_the_chat_is_killed(starter_installed: Path, phidesk_home: Path) -> None:
    """In a session of its own the worker gets no hang-up from the terminal: it ends because its pipe closes."""
    long_answers()
    term = Terminal("chat", "Write a long story about a dragon.")
    try:
        read_some(term, 40)
        worker = psutil.Process(term.pid).children()[0]
        os.kill(term.pid, signal.SIGKILL)
        os.waitpid(term.pid, 0)
        worker.wait(timeout=DEADLINE_S)
    finally:
        term.close()
