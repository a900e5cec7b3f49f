"""``phidesk bench``'s figures for work the worker keeps instead of doing again (medians of a few rounds).

* ``stop_prefill_ready_ms``: Stop during the prefill of a ~3,000-token conversation → the caller is free for
  the next message; ``stop_prefill_kept_tokens`` of the ``stop_prefill_read_tokens`` read before the stop are
  still cached when the same conversation continues (no token read twice); ``stop_prefill_same_worker``: the
  worker was not ended.
* ``switch_ttft_ratio``: time to first token when coming back to conversation A after a turn in B, over the
  same for a turn that continues A directly (1.0: switching costs nothing).
* ``first_turn_ttft_s`` with a ~200-token system prompt, ``first_turn_bare_ttft_s`` without any: the spare
  cache has read the system prompt before the question comes (``first_turn_ttft_ratio``).
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from phidesk.engine.client import EngineClient
from phidesk.engine.protocol import Failed, Finished, Message, PrefillProgress, Sampling, Token
from phidesk.errors import EngineError

SAMPLING = Sampling(temperature=0.0, repetition_penalty=1.0, max_new_tokens=16)
FILLER = "The harbour wall was rebuilt in the spring, stone by stone, by people from three villages. "
SYSTEM_200 = ("You are PhiDesk's assistant. Answer briefly and plainly, say when you are unsure, never invent "
              "sources, and keep lists short. ") * 5
WARM_WAIT_S = 600.0  # only stops a hang: the spare reads ~200 tokens


def _answer(client: EngineClient, messages: list[Message], conversation: str,
            on_progress: Callable[[PrefillProgress], None] | None = None) -> tuple[float, Finished, str]:
    """(time to first token or to the end, the Finished event, the text) of one answer."""
    sent, first, finished, text = time.perf_counter(), 0.0, None, ""
    for event in client.generate(messages, SAMPLING, conversation=conversation):
        if isinstance(event, PrefillProgress) and on_progress is not None:
            on_progress(event)
        elif isinstance(event, Token):
            first = first or time.perf_counter()
            text += event.text
        elif isinstance(event, Finished):
            finished = event
        elif isinstance(event, Failed):
            raise EngineError(f"an answer of the kept-work benchmark failed: {event.message}", event.code)
    if finished is None:
        raise EngineError("an answer of the kept-work benchmark did not finish", "bench_failed")
    return (first or time.perf_counter()) - sent, finished, text


def _long_conversation(words: int) -> list[Message]:
    return [Message("user", "Summarise this in one sentence: " + FILLER * max(1, words // len(FILLER.split())))]


def stop_during_prefill(client: EngineClient, words: int) -> dict[str, float]:
    conversation = _long_conversation(words)
    key = f"stop-{time.monotonic_ns()}"
    pid = client.worker_pid
    state: dict[str, float] = {"read": 0, "stopped_at": 0.0}

    def on_progress(event: PrefillProgress) -> None:
        if event.done > 0 and not state["stopped_at"]:
            state["read"] = event.done
            state["stopped_at"] = time.perf_counter()
            threading.Thread(target=client.stop).start()  # as Esc does, from another thread

    _, stopped, _ = _answer(client, conversation, key, on_progress)
    ready = time.perf_counter()
    if not state["stopped_at"] or stopped.stats.finish_reason != "cancelled":
        raise EngineError("the prefill ended before Stop: make the conversation longer", "bench_failed")
    same = client.worker_pid == pid
    _, again, _ = _answer(client, conversation, key)
    return {"ready_ms": (ready - state["stopped_at"]) * 1000, "read": state["read"],
            "kept": again.stats.prompt_tokens - again.stats.new_prompt_tokens, "same": float(same),
            "prompt": again.stats.prompt_tokens}


def switch_back(client: EngineClient, words: int, round_no: int) -> dict[str, float]:
    a, b = f"a-{round_no}", f"b-{round_no}"
    history = _long_conversation(words)
    answer = _answer(client, history, a)[2]
    history += [Message("assistant", answer), Message("user", "Thank you. And in three words?")]
    direct, _, answer = _answer(client, history, a)  # a turn that continues A directly
    history += [Message("assistant", answer), Message("user", "One more time, in two words?")]
    _answer(client, [Message("user", f"Unrelated question {round_no}: name a colour.")], b)
    back, returned, _ = _answer(client, history, a)  # the same kind of turn, after one in B
    return {"direct": direct, "back": back, "back_new_tokens": returned.stats.new_prompt_tokens,
            "prompt": returned.stats.prompt_tokens, "cache": float(returned.stats.cache == "kept")}


def first_turn(model: Path, *, provider: str, context_cap: int, threads: int, system: str, round_no: int,
               log_path: Path | None) -> float:
    with EngineClient(log_path) as client:
        loaded = client.load(model, provider, context_cap, threads=threads, system_prompt=system, sampling=SAMPLING)
        spare = loaded.spare_tokens >= 0  # a vision model keeps no spare
        deadline = time.monotonic() + WARM_WAIT_S
        while spare and not client.warmed and time.monotonic() < deadline:  # a user takes longer to type
            time.sleep(0.01)
        messages = [Message("system", system)] if system else []
        _answer(client, [*messages, Message("user", "Warm-up: say hi.")], "warmup")  # pages the weights in
        while spare and len(client.warmed) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        return _answer(client, [*messages, Message("user", f"Question {round_no}: what is a harbour?")], "first")[0]


def kept_work(model: Path, *, provider: str, context_cap: int, threads: int, rounds: int = 3,
              words: int = 2200, log_path: Path | None = None) -> dict[str, Any]:
    stops, switches, with_system, without = [], [], [], []
    with EngineClient(log_path) as client:
        client.load(model, provider, context_cap, threads=threads, sampling=SAMPLING)
        _answer(client, [Message("user", "Warm-up: say hi.")], "warmup")
        for _ in range(6):  # a tokenizer that cuts words finer: fewer words, until the conversation fits
            try:
                read = _answer(client, _long_conversation(words), "fits")[1].stats.prompt_tokens
            except EngineError as exc:
                if exc.code != "prompt_too_long":
                    raise
                words = words * 2 // 3
                continue
            room = int(0.7 * (client.loaded.max_length if client.loaded else 4096))  # and its next turns, too
            words = words * room // read if read > room else words
            break
        for round_no in range(rounds):
            stops.append(stop_during_prefill(client, words))
            switches.append(switch_back(client, words, round_no))
    load: dict[str, Any] = {"provider": provider, "context_cap": context_cap, "threads": threads,
                            "log_path": log_path}
    for round_no in range(max(rounds, 5) if rounds > 1 else 1):  # alternating, in fresh workers: cheap, noisy
        with_system.append(first_turn(model, system=SYSTEM_200, round_no=round_no, **load))
        without.append(first_turn(model, system="", round_no=round_no, **load))

    def med(rows: list[dict[str, float]], key: str) -> float:
        return float(statistics.median(r[key] for r in rows))

    kept_share = [s["kept"] / s["read"] for s in stops if s["read"]]
    return {
        "stop_prefill_ready_ms": round(med(stops, "ready_ms"), 1),
        "stop_prefill_read_tokens": int(med(stops, "read")),
        "stop_prefill_kept_tokens": int(med(stops, "kept")),
        "stop_prefill_kept_share": round(min(kept_share), 3) if kept_share else 0.0,
        "stop_prefill_same_worker": all(s["same"] for s in stops),
        "stop_prefill_prompt_tokens": int(med(stops, "prompt")),
        "switch_direct_ttft_s": round(med(switches, "direct"), 4),
        "switch_back_ttft_s": round(med(switches, "back"), 4),
        "switch_ttft_ratio": round(med(switches, "back") / med(switches, "direct"), 3),
        "switch_back_new_tokens": int(med(switches, "back_new_tokens")),
        "switch_prompt_tokens": int(med(switches, "prompt")),
        "first_turn_ttft_s": round(statistics.median(with_system), 4),
        "first_turn_bare_ttft_s": round(statistics.median(without), 4),
        "first_turn_ttft_ratio": round(statistics.median(with_system) / statistics.median(without), 3),
    }
