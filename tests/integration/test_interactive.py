"""The interactive terminal chat (``phidesk chat`` on a terminal), driven through a real pseudo-terminal."""

from __future__ import annotations

import contextlib
import os
import select
import sys
import time
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")
pytestmark = [pytest.mark.posix, pytest.mark.slow]


class Terminal:
    def __init__(self, *args: str) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child
            os.execv(sys.executable, [sys.executable, "-m", "phidesk", *args])
        self.buffer = ""

    def read_until(self, marker: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while marker not in self.buffer:
            # A deadline that fails the test here, not a read blocked until pytest's own timeout.
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"no {marker!r} within {timeout} s; got {self.buffer[-500:]!r}")
            if not select.select([self.fd], [], [], min(left, 1.0))[0]:
                continue
            try:
                chunk = os.read(self.fd, 4096).decode("utf-8", "replace")
            except OSError:
                pytest.fail(f"terminal closed before {marker!r}; got {self.buffer[-500:]!r}")
            self.buffer += chunk
        head, _, tail = self.buffer.partition(marker)
        self.buffer = tail
        return head

    def pump(self, wait: float = 0.05) -> None:
        """Add what the terminal shows now (waiting at most *wait* seconds for it) to the buffer."""
        if select.select([self.fd], [], [], wait)[0]:
            with contextlib.suppress(OSError):  # the chat closed its end
                self.buffer += os.read(self.fd, 4096).decode("utf-8", "replace")

    def send(self, line: str) -> None:
        os.write(self.fd, (line + "\n").encode())

    def exit_code(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            if select.select([self.fd], [], [], 0.05)[0]:  # drain what it prints, without blocking
                with contextlib.suppress(OSError):
                    os.read(self.fd, 4096)
        self.close()
        pytest.fail("the chat did not exit")

    def close(self) -> None:
        """End the chat if it still runs (a failed test leaves no process behind)."""
        with contextlib.suppress(ChildProcessError, ProcessLookupError):
            if os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.fd)


def test_interactive_chat_keeps_context_and_quits(starter_installed: Path) -> None:
    term = Terminal("chat", "--temperature", "0", "--max-tokens", "40")
    try:
        term.read_until(">>> ")
        term.send("What is the capital of France?")
        first = term.read_until(">>> ")
        assert "Paris" in first
        assert "tok/s" in first  # the per-answer stats line
        term.send("/retry")
        assert "Paris" in term.read_until(">>> ")
        term.send("/bye")
        assert term.exit_code() == 0
    finally:
        term.close()


def test_the_first_line_says_the_starter_is_tiny_and_how_to_get_phi(starter_installed: Path) -> None:
    term = Terminal("chat")
    try:
        banner = term.read_until(">>> ")
        first = banner.strip().splitlines()[0]
        assert "tiny model" in first
        assert "often wrong" in first
        assert "phidesk models download phi-3.5-mini-instruct" in first
        term.send("/bye")
        assert term.exit_code() == 0
    finally:
        term.close()


def test_help_lists_the_commands(starter_installed: Path) -> None:
    term = Terminal("chat")
    try:
        term.read_until(">>> ")
        term.send("/help")
        shown = term.read_until(">>> ")
        for command in ("/help", "/clear", "/retry", "/continue", "/status", "/bye"):
            assert command in shown
        term.send("/bye")
        assert term.exit_code() == 0
    finally:
        term.close()


def test_an_unknown_command_is_not_sent_to_the_model(starter_installed: Path) -> None:
    term = Terminal("chat", "--temperature", "0", "--max-tokens", "20")
    try:
        term.read_until(">>> ")
        term.send("/foo bar")
        shown = term.read_until(">>> ")
        assert "unknown command /foo: /help lists them" in shown
        assert "tokens," not in shown  # no answer was asked for
        term.send("/bye")
        assert term.exit_code() == 0
    finally:
        term.close()


def test_clear_and_retry_say_what_they_do(starter_installed: Path) -> None:
    term = Terminal("chat", "--temperature", "0", "--max-tokens", "20")
    try:
        term.read_until(">>> ")
        term.send("/retry")
        assert "Nothing to retry yet" in term.read_until(">>> ")
        term.send("What is the capital of France?")
        term.read_until(">>> ")
        term.send("/retry")
        retried = term.read_until(">>> ")
        assert "Retrying the last question." in retried
        assert "Paris" in retried
        term.send("/clear")
        assert "Started a new conversation." in term.read_until(">>> ")
        term.send("/retry")
        assert "Nothing to retry yet" in term.read_until(">>> ")  # the conversation really is new
        term.send("/bye")
        assert term.exit_code() == 0
    finally:
        term.close()


def test_continue_goes_on_with_an_answer_cut_at_the_token_limit(starter_installed: Path) -> None:
    term = Terminal("chat", "--temperature", "0", "--max-tokens", "8")
    try:
        term.read_until(">>> ")
        term.send("/continue")
        assert "Only the last answer can be continued" in term.read_until(">>> ")  # nothing to continue yet
        term.send("Write a long story about a dragon who learns to bake bread.")
        first = term.read_until(">>> ")
        assert "[8 tokens" in first
        assert "cut at the token limit]" in first
        assert "(/continue goes on with this answer)" in first
        term.send("/continue")
        more = term.read_until(">>> ")
        assert "Continuing the last answer." in more
        assert "[8 tokens" in more  # eight more tokens, in the same answer
        term.send("/bye")
        assert term.exit_code() == 0
    finally:
        term.close()
