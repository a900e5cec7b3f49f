"""Sampling validation and the JSON-lines wire format of worker events."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from phidesk.engine.protocol import (
    EVENT_TYPES,
    Alive,
    AnswerStats,
    Event,
    Failed,
    Finished,
    Loaded,
    Measured,
    Phase,
    PrefillProgress,
    Ready,
    Sampling,
    Token,
    Warmed,
    event_from_wire,
    event_to_wire,
    parse_request,
)
from phidesk.errors import UserError

MULTILINGUAL = "héllo 世界 🙂 नमस्ते مرحبا"


def test_default_sampling_is_valid() -> None:
    sampling = Sampling()
    assert sampling.validate() is sampling


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"temperature": -0.1}, "temperature"),
        ({"temperature": 5.01}, "temperature"),
        ({"temperature": float("nan")}, "temperature"),
        ({"top_p": 0.0}, "top_p"),
        ({"top_p": 1.01}, "top_p"),
        ({"top_k": -1}, "top_k"),
        ({"repetition_penalty": 0.49}, "repetition_penalty"),
        ({"repetition_penalty": 3.01}, "repetition_penalty"),
        ({"max_new_tokens": 0}, "max new tokens"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**31}, "seed"),
        ({"min_new_tokens": -1}, "min_new_tokens"),
    ],
)
def test_sampling_rejects_bad_value(changes: dict[str, Any], fragment: str) -> None:
    with pytest.raises(UserError, match=fragment):
        replace(Sampling(), **changes).validate()


@pytest.mark.parametrize(
    "changes",
    [
        {"temperature": 0.0},
        {"temperature": 5.0},
        {"top_p": 1.0},
        {"top_k": 0},
        {"repetition_penalty": 0.5},
        {"repetition_penalty": 3.0},
        {"max_new_tokens": 1},
        {"seed": 0},
        {"seed": 2**31 - 1},
    ],
)
def test_sampling_accepts_edge_values(changes: dict[str, Any]) -> None:
    replace(Sampling(), **changes).validate()


@pytest.mark.parametrize(
    ("changes", "greedy"),
    [
        ({}, False),
        ({"temperature": 0.0}, True),
        ({"top_k": 1}, True),
        ({"top_k": 0}, False),
        ({"temperature": 1.5, "top_k": 2}, False),
    ],
)
def test_sampling_greedy(changes: dict[str, Any], greedy: bool) -> None:
    assert replace(Sampling(), **changes).greedy is greedy


def test_sampling_from_dict_ignores_unknown_keys() -> None:
    assert Sampling.from_dict({"temperature": 0.2, "from_the_future": 1}) == Sampling(temperature=0.2)


def test_answer_stats_prefill_rate() -> None:
    assert AnswerStats(new_prompt_tokens=300, prefill_s=1.5).prefill_tok_s == 200.0
    assert AnswerStats(new_prompt_tokens=300, prefill_s=0.0).prefill_tok_s == 0.0


# --- wire format ---------------------------------------------------------------------------

STATS = AnswerStats(
    prompt_tokens=120,
    new_prompt_tokens=17,
    generated_tokens=42,
    ttft_s=0.125,
    prefill_s=0.0625,
    decode_tok_s=87.5,
    finish_reason="length",
    dropped_turns=2,
    peak_rss_mb=512.25,
)

EVENTS: list[Event] = [
    Ready(pid=4321, runtime_version="0.9.0"),
    Loaded(
        path="/models/ü/starter",
        model_type="llama",
        provider="cpu",
        fallback_reasons=["cuda: not available", "dml: 不可用"],
        max_length=4096,
        context_length=8192,
        vision=True,
        load_s=1.5,
        threads=2,
        kv_caches=3,
        kv_cache_mb=180.0,
        kv_budget_mb=600.5,
        failed_providers={"cuda": "нет GPU"},
    ),
    PrefillProgress(id=3, done=64, total=200, prompt_tokens=250, dropped_turns=1),
    Token(id=3, text=MULTILINGUAL),
    Token(id=3, text='line one\nline two\r\n\t"quoted" \\ \u2028 \x00'),
    Finished(id=3, stats=STATS),
    Finished(id=4),
    Failed(id=None, code="load_failed", message="could not load: ошибка", user_error=False),
    Failed(id=5, code="prompt_too_long", message="too long", user_error=True),
    Measured(id=6, data={"decode_tok_s": 91.5, "generated_tokens": 128}),
    Alive(),
    Phase(phase="render"),
    Warmed(tokens=57),
]


def test_every_event_type_is_covered() -> None:
    assert {type(e) for e in EVENTS} == set(EVENT_TYPES.values())


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: type(e).__name__)
def test_event_round_trip(event: Event) -> None:
    back = event_from_wire(event_to_wire(event))
    assert type(back) is type(event)
    assert back == event


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: type(e).__name__)
def test_wire_is_one_utf8_line(event: Event) -> None:
    wire = event_to_wire(event)
    assert wire.endswith(b"\n")
    assert wire.count(b"\n") == 1
    assert b"\r" not in wire
    data = json.loads(wire.decode("utf-8", errors="strict"))
    assert data["ev"] == event.kind


def test_finished_stats_survive_as_answer_stats() -> None:
    back = event_from_wire(event_to_wire(Finished(id=9, stats=STATS)))
    assert isinstance(back, Finished)
    assert isinstance(back.stats, AnswerStats)
    assert back.stats == STATS
    assert back.stats.prefill_tok_s == STATS.prefill_tok_s


def test_multibyte_text_is_sent_as_utf8_not_escaped() -> None:
    wire = event_to_wire(Token(id=1, text=MULTILINGUAL))
    assert MULTILINGUAL.encode("utf-8") in wire
    back = event_from_wire(wire)
    assert isinstance(back, Token)
    assert back.text == MULTILINGUAL


def test_event_from_wire_accepts_line_without_newline() -> None:
    wire = event_to_wire(Token(id=2, text="x")).rstrip(b"\n")
    assert event_from_wire(wire) == Token(id=2, text="x")


def test_event_kinds_are_unique() -> None:
    assert len(EVENT_TYPES) == 10
    assert all(kind == cls.kind for kind, cls in EVENT_TYPES.items())


# Lines a library may print on the event pipe before the worker takes fd 1 over, and damaged ones:
# each is a ValueError, never another exception (the client's reader thread skips ValueErrors only).
NOT_EVENTS = [b"42", b"[1,2]", b'"ready"', b"null", b"{}", b'{"ev": 3}', b'{"ev": "nope"}', b'{"ev": "token", "x": 1}',
              b'{"ev": "done", "id": 1}', b'{"ev": "done", "id": 1, "stats": [1]}', b"\xff\xfe{", b"", b"not json"]


@pytest.mark.parametrize("line", NOT_EVENTS)
def test_event_from_wire_refuses_what_is_not_an_event_with_a_value_error(line: bytes) -> None:
    with pytest.raises(ValueError, match="not an event"):
        event_from_wire(line)


@pytest.mark.parametrize(
    ("line", "fragment"),
    [(b"[1,2]", "object"), (b'"generate"', "object"), (b"42", "object"), (b"\xff\xfe", "unreadable"),
     (b"{oops", "unreadable"), (b'{"id": 1}', "op"), (b'{"op": 7}', "op"), (b'{"op": "stop", "id": "x"}', "id"),
     (b'{"op": "stop", "id": true}', "id"), (b'{"op": "stop", "id": 1.5}', "id")],
)
def test_parse_request_refuses_malformed_lines_in_one_line(line: bytes, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment) as info:
        parse_request(line)
    assert "\n" not in str(info.value)


def test_parse_request_accepts_a_request() -> None:
    assert parse_request(b'{"op": "stop", "id": 3}\n') == {"op": "stop", "id": 3}
