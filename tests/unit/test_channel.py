"""The worker's side of the pipe: tokens are held for at most TOKEN_FLUSH_S and go out in order, the first of an
answer and every other event at once (a fake clock: nothing here waits or times the machine)."""

from __future__ import annotations

import io

import pytest

from phidesk.engine import channel as channel_module
from phidesk.engine.channel import TOKEN_FLUSH_S, Channel
from phidesk.engine.protocol import Finished, Token, event_from_wire


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(channel_module.time, "monotonic", fake)
    return fake


def sent(out: io.BytesIO) -> list[str]:
    return [type(event_from_wire(line)).__name__ + ":" + getattr(event_from_wire(line), "text", "")
            for line in out.getvalue().splitlines()]


def test_tokens_are_held_until_the_interval_and_go_out_in_order(clock: Clock) -> None:
    out = io.BytesIO()
    ch = Channel(out)
    ch.emit_token(Token(id=1, text="a"), first=True)
    assert sent(out) == ["Token:a"]  # the first token at once: time to first token is not delayed
    clock.now += TOKEN_FLUSH_S / 3
    ch.emit_token(Token(id=1, text="b"), first=False)
    clock.now += TOKEN_FLUSH_S / 3
    ch.emit_token(Token(id=1, text="c"), first=False)
    assert sent(out) == ["Token:a"]  # held: written together later
    clock.now += TOKEN_FLUSH_S / 2
    ch.emit_token(Token(id=1, text="d"), first=False)
    assert sent(out) == ["Token:a", "Token:b", "Token:c", "Token:d"]  # each its own event, in order


def test_the_end_of_an_answer_takes_the_held_tokens_along(clock: Clock) -> None:
    out = io.BytesIO()
    ch = Channel(out)
    ch.emit_token(Token(id=1, text="a"), first=True)
    ch.emit_token(Token(id=1, text="b"), first=False)
    assert sent(out) == ["Token:a"]
    ch.emit(Finished(id=1))
    assert sent(out) == ["Token:a", "Token:b", "Finished:"]
