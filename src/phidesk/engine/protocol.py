"""The messages between the client (parent process) and the worker: plain dataclasses, JSON lines.

Requests go parent → worker on the worker's stdin; events come back on a private copy of
its stdout (the worker points fd 1 at stderr so that native libraries that print cannot
corrupt the stream). One JSON object per line; every object has ``op`` (requests) or
``ev`` (events).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar

from phidesk.errors import UserError

PROVIDERS = ("auto", "cpu", "cuda", "dml")
FINISH_REASONS = ("stop", "length", "cancelled", "error")
# Constrained decoding: onnxruntime-genai's ``GeneratorParams.set_guidance(kind, data)`` (llguidance inside).
GUIDANCE_KINDS = ("json_schema", "regex", "lark_grammar")
MAX_GUIDANCE_BYTES = 64 * 1024  # a schema or grammar (UTF-8); larger ones are refused before the runtime sees them

Guidance = tuple[str, str]  # (kind, data): what the answer must match


@dataclass
class Sampling:
    """How to pick tokens. ``temperature == 0`` means greedy decoding.

    The defaults suit chat with small models: the Phi configs ship greedy, which loops on
    longer answers, so PhiDesk samples with a mild repetition penalty.
    """

    temperature: float = 0.6
    top_p: float = 0.9
    top_k: int = 40
    repetition_penalty: float = 1.1
    max_new_tokens: int = 1024
    seed: int | None = None
    # Benchmarks only: keep generating past EOS until this many tokens exist.
    min_new_tokens: int = 0

    def validate(self) -> Sampling:
        def number(v: object) -> bool:
            return isinstance(v, (int, float)) and not isinstance(v, bool) and not math.isnan(v)

        def whole(v: object) -> bool:
            return isinstance(v, int) and not isinstance(v, bool)

        types = [
            (all(number(v) for v in (self.temperature, self.top_p, self.repetition_penalty)),
             "temperature, top_p and repetition_penalty must be numbers"),
            (all(whole(v) for v in (self.top_k, self.max_new_tokens, self.min_new_tokens)),
             "top_k, max new tokens and min_new_tokens must be whole numbers"),
            (self.seed is None or whole(self.seed), "seed must be a whole number"),
        ]
        for ok, message in types:
            if not ok:
                raise UserError(message)
        checks = [
            (0.0 <= self.temperature <= 5.0, "temperature must be between 0 and 5"),
            (0.0 < self.top_p <= 1.0, "top_p must be above 0 and at most 1"),
            (self.top_k >= 0, "top_k must be 0 (off) or more"),
            (0.5 <= self.repetition_penalty <= 3.0, "repetition_penalty must be between 0.5 and 3"),
            (self.max_new_tokens >= 1, "max new tokens must be at least 1"),
            (self.seed is None or 0 <= self.seed < 2**31, "seed must be between 0 and 2147483647"),
            (self.min_new_tokens >= 0, "min_new_tokens must be 0 or more"),
        ]
        for ok, message in checks:
            if not ok:
                raise UserError(message)
        return self

    @property
    def greedy(self) -> bool:
        return self.temperature == 0 or self.top_k == 1

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Sampling:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Message:
    role: str  # "system" | "user" | "assistant"
    content: str
    images: list[str] = field(default_factory=list)  # image files of this (user) message, for vision models


@dataclass
class AnswerStats:
    """What one answer cost. ``new_prompt_tokens`` counts only the tokens actually processed:
    with the KV cache kept between turns it is the new turn, not the whole history."""

    prompt_tokens: int = 0
    new_prompt_tokens: int = 0
    generated_tokens: int = 0
    ttft_s: float = 0.0
    prefill_s: float = 0.0
    decode_tok_s: float = 0.0
    finish_reason: str = "stop"
    dropped_turns: int = 0
    peak_rss_mb: float = 0.0
    image_tokens: list[int] = field(default_factory=list)  # each image's share of prompt_tokens
    cache: str = ""  # the KV cache it started from: kept (its conversation's), spare (system prompt read), new

    @property
    def prefill_tok_s(self) -> float:
        return self.new_prompt_tokens / self.prefill_s if self.prefill_s > 0 else 0.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnswerStats:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


# --- events, as the client hands them to its callers -------------------------------------


@dataclass
class Event:
    kind: ClassVar[str] = ""


@dataclass
class Ready(Event):
    kind: ClassVar[str] = "ready"
    pid: int = 0
    runtime_version: str = ""


@dataclass
class Loaded(Event):
    kind: ClassVar[str] = "loaded"
    path: str = ""
    model_type: str = ""
    provider: str = "cpu"
    fallback_reasons: list[str] = field(default_factory=list)
    max_length: int = 0
    context_length: int = 0
    vision: bool = False
    load_s: float = 0.0
    threads: int = 0  # the CPU threads the model computes with
    kv_caches: int = 1  # conversations whose KV caches the worker keeps (the memory budget / one cache)
    kv_cache_mb: float = 0.0  # one conversation's KV cache (allocated for the whole context)
    kv_budget_mb: float = 0.0  # the memory budget for KV caches
    failed_providers: dict[str, str] = field(default_factory=dict)  # tried before the one used: why each failed
    spare_tokens: int = -1  # the common start a spare cache reads while idle (-1: no spare, no Warmed event comes)


@dataclass
class PrefillProgress(Event):
    """``done`` of ``total`` new prompt tokens have been read."""

    kind: ClassVar[str] = "prefill"
    id: int = 0
    done: int = 0
    total: int = 0
    prompt_tokens: int = 0
    dropped_turns: int = 0
    image_tokens: list[int] = field(default_factory=list)  # what each image costs, known before generation


@dataclass
class Token(Event):
    kind: ClassVar[str] = "token"
    id: int = 0
    text: str = ""


@dataclass
class Finished(Event):
    kind: ClassVar[str] = "done"
    id: int = 0
    stats: AnswerStats = field(default_factory=AnswerStats)


@dataclass
class Failed(Event):
    kind: ClassVar[str] = "error"
    id: int | None = None
    code: str = "error"
    message: str = ""
    user_error: bool = False


@dataclass
class Measured(Event):
    """Benchmarks only: the bare onnxruntime-genai loop's timings, run inside the worker."""

    kind: ClassVar[str] = "measured"
    id: int = 0
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Alive(Event):
    """The worker's heartbeat (about once a second while its threads can run); the client's reader
    thread takes it as a sign of life and hands it to nobody."""

    kind: ClassVar[str] = "alive"


@dataclass
class Phase(Event):
    """What the worker is about to do when that may hold it silent: ``render`` (the model's chat
    template, native code that holds the interpreter's lock) or ``""`` (that is over). Read by the
    client's reader thread, which bounds each phase's silence, like ``Alive``."""

    kind: ClassVar[str] = "phase"
    phase: str = ""


@dataclass
class Warmed(Event):
    """The spare KV cache has read the start every new conversation shares (``tokens`` of it): the next new
    conversation's first question reads only the question. Read by the client's reader thread."""

    kind: ClassVar[str] = "warmed"
    tokens: int = 0


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls for cls in (Ready, Loaded, PrefillProgress, Token, Finished, Failed, Measured, Alive, Phase,
                              Warmed)
}


BAD_TEXT = ("the message holds characters that are not valid Unicode (lone surrogates, as undecodable input "
            "gives); it was not sent: type or paste it again")


def valid_unicode(text: str) -> bool:
    """False for a string with lone surrogates (undecodable bytes, half a UTF-16 pair): UTF-8 cannot carry it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_guidance(value: object) -> Guidance | None:
    """*value* as a (kind, data) pair the runtime may be given, or None for no guidance.

    Raises UserError (code ``bad_guidance``) for anything else: a kind the runtime does not know, data that
    is not text, empty, over ``MAX_GUIDANCE_BYTES`` or not valid Unicode. Whether the runtime accepts the
    schema or grammar itself is only known when it compiles it (the worker: ``bad_guidance`` too).
    """
    if value is None:
        return None
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise UserError("guidance must be a (kind, data) pair", "bad_guidance")
    kind, data = value
    if not isinstance(kind, str) or kind not in GUIDANCE_KINDS:
        raise UserError(f"unknown guidance kind {str(kind)[:40]!r}; use one of {', '.join(GUIDANCE_KINDS)}",
                        "bad_guidance")
    if not isinstance(data, str) or not data.strip():
        raise UserError(f"the {kind} guidance must be non-empty text", "bad_guidance")
    if not valid_unicode(data):
        raise UserError(f"the {kind} guidance holds characters that are not valid Unicode", "bad_guidance")
    size = len(data.encode("utf-8"))
    if size > MAX_GUIDANCE_BYTES:
        raise UserError(f"the {kind} guidance has {size:,} bytes; at most {MAX_GUIDANCE_BYTES:,} are accepted",
                        "bad_guidance")
    return kind, data


def compact_json(guidance: Guidance | None) -> Guidance | None:
    """*guidance*, with a JSON schema's answers written compactly (no whitespace between JSON tokens: llguidance's
    ``"x-guidance": {"whitespace_flexible": false}``) unless the schema sets ``x-guidance`` itself.

    Whitespace is valid JSON anywhere between tokens, and a small model sampling freely spends its token
    budget on it: the starter, asked a three-key schema with ten seeds, ran into a 120-token limit once (runs of
    blank lines); written compactly its answers took 23-33 tokens. Data that is not a JSON object is left as it is
    (the runtime says what is wrong with it).
    """
    if guidance is None or guidance[0] != "json_schema":
        return guidance
    try:
        schema = json.loads(guidance[1])  # at most MAX_GUIDANCE_BYTES (check_guidance)
    except (ValueError, RecursionError):
        return guidance
    if not isinstance(schema, dict) or "x-guidance" in schema:
        return guidance
    schema["x-guidance"] = {"whitespace_flexible": False}
    return "json_schema", json.dumps(schema, ensure_ascii=False)


def unsendable(messages: Sequence[Message]) -> str | None:
    """Why *messages* cannot go on the wire (lone surrogates in a text or an image path), or None."""
    for m in messages:
        if not all(valid_unicode(t) for t in (m.role, m.content, *m.images)):
            return BAD_TEXT
    return None


def encode(obj: dict[str, Any]) -> bytes:
    """One JSON line; ValueError (UnicodeEncodeError) for a string with lone surrogates."""
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def event_to_wire(event: Event) -> bytes:
    payload = asdict(event)
    payload["ev"] = event.kind
    return encode(payload)


def event_from_wire(line: bytes) -> Event:
    """One event from one line; ValueError for anything else (a line some library printed, say)."""
    try:
        data = json.loads(line)
        if not isinstance(data, dict) or not isinstance(data.get("ev"), str) or data["ev"] not in EVENT_TYPES:
            raise ValueError("not an event")
        cls = EVENT_TYPES[data.pop("ev")]
        if cls is Finished:
            if not isinstance(data.get("stats"), dict):
                raise ValueError("an event without stats")
            return Finished(id=data["id"], stats=AnswerStats.from_dict(data["stats"]))
        return cls(**data)
    except (ValueError, KeyError, TypeError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ValueError(f"not an event: {exc}") from None


def parse_request(line: bytes) -> dict[str, Any]:
    """One request from one line of the worker's stdin; ValueError (one line) for anything else."""
    try:
        data = json.loads(line)
    except ValueError as exc:  # includes invalid UTF-8
        raise ValueError(f"unreadable request ({type(exc).__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("op"), str):
        raise ValueError(f"a request must be an object with an 'op', not {type(data).__name__}")
    request_id = data.get("id")
    if request_id is not None and (not isinstance(request_id, int) or isinstance(request_id, bool)):
        raise ValueError("a request's id must be a whole number")
    return data
