"""Model output and other outside text on a terminal: every control character shown as text."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from phidesk.console import StreamedAnswer
from phidesk.engine.protocol import Token

HOSTILE_TOKENS = ["Hi \x1b", "[2J", "\x1b]0;owned\x07", "\x1b]8;;http://x\x1b\\link", "\x1b[6n", "\r\x9b1m", "\tok\n"]


def test_neutralise_shows_every_control_but_newline_and_tab() -> None:
    from phidesk.terminal import neutralise

    assert neutralise("a\x1b[2Jb") == "a^[[2Jb"
    assert neutralise("\x07\x00\x7f\x9b\r") == "^G^@^?<9B>^M"
    assert neutralise("tab\tnew\nline é ✓") == "tab\tnew\nline é ✓"
    shown = neutralise("".join(chr(c) for c in range(0xA0)))
    assert not any((ch < " " and ch not in "\t\n") or "\x7f" <= ch < "\xa0" for ch in shown)


def read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # a pty whose other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def write_answer(out_fd: int) -> None:
    with os.fdopen(out_fd, "w", encoding="utf-8") as out:
        answer = StreamedAnswer(out, stream=True)  # what `phidesk chat` writes the answer with
        for token in HOSTILE_TOKENS:  # escape sequences split across tokens, as a stream may split them
            answer.take(Token(text=token))
        assert answer.text == "".join(HOSTILE_TOKENS)  # the answer itself is kept exactly


@pytest.fixture
def pty_pair() -> Iterator[tuple[int, int]]:
    master, slave = os.openpty()
    yield master, slave
    os.close(master)


def test_the_answer_writer_neutralises_on_a_terminal(pty_pair: tuple[int, int]) -> None:
    master, slave = pty_pair
    write_answer(slave)
    shown = read_all(master)
    assert b"\x1b" not in shown
    assert b"\xc2\x9b" not in shown  # nor a C1 CSI
    assert b"Hi ^[[2J^[]0;owned^G^[]8;;http://x^[\\link^[[6n^M<9B>1m\tok" in shown


def test_the_answer_writer_is_byte_exact_into_a_pipe() -> None:
    read_end, write_end = os.pipe()
    write_answer(write_end)
    with os.fdopen(read_end, "rb") as piped:
        assert piped.read() == "".join(HOSTILE_TOKENS).encode()
