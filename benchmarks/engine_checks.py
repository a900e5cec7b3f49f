"""Engine acceptance figures, measured: KV reuse per turn, Stop latency in a long prefill, crash recovery.

    python benchmarks/engine_checks.py [-m MODEL] [--trials N]

Prints one JSON object: ``new_prompt_tokens`` and ``prompt_tokens`` per turn of a 5-turn
conversation; Stop latencies (seconds from ``stop()`` to the iterator's cancelled end)
during a prefill of over 2,000 tokens; whether a SIGKILLed worker was reported and the
next answer worked.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import threading
import time

from phidesk import settings
from phidesk.engine.client import EngineClient
from phidesk.engine.protocol import Failed, Finished, Message, PrefillProgress, Sampling, Token
from phidesk.models import library

QUESTIONS = ["What is the capital of France?", "And of Germany?", "And of Italy?", "And of Spain?",
             "Which of them is the largest city?"]


def answer(client: EngineClient, messages: list[Message], sampling: Sampling) -> tuple[str, Finished | Failed]:
    text, last = "", None
    for event in client.generate(messages, sampling):
        if isinstance(event, Token):
            text += event.text
        elif isinstance(event, (Finished, Failed)):
            last = event
    assert last is not None
    return text, last


def turns(client: EngineClient) -> list[dict[str, int]]:
    messages: list[Message] = []
    rows = []
    for question in QUESTIONS:
        messages.append(Message("user", question))
        text, done = answer(client, messages, Sampling(max_new_tokens=60))
        assert isinstance(done, Finished)
        messages.append(Message("assistant", text))
        rows.append({"prompt_tokens": done.stats.prompt_tokens, "new_prompt_tokens": done.stats.new_prompt_tokens})
    return rows


def stop_latency(client: EngineClient) -> tuple[float, int]:
    prompt = "Summarise this text. " + "The quick brown fox jumps over the lazy dog. " * 200
    stopped_at, total = 0.0, 0
    for event in client.generate([Message("user", prompt)], Sampling(max_new_tokens=20)):
        if isinstance(event, PrefillProgress) and event.done > 0 and not stopped_at:
            total = event.total
            stopped_at = time.perf_counter()
            threading.Thread(target=client.stop).start()
        if isinstance(event, Finished):
            assert event.stats.finish_reason == "cancelled"
            return time.perf_counter() - stopped_at, total
    raise AssertionError("no cancelled end")


def kill_and_replace(client: EngineClient) -> dict[str, object]:
    pid = None
    failure = None
    for event in client.generate([Message("user", "Tell me a long story.")],
                                 Sampling(max_new_tokens=300, min_new_tokens=300)):
        if isinstance(event, Token) and pid is None:
            pid = client.worker_pid  # the worker streaming this answer (a stop may have replaced the last one)
            assert pid is not None
            os.kill(pid, signal.SIGKILL)
        if isinstance(event, Failed):
            failure = event
    text, done = answer(client, [Message("user", "What is the capital of France?")], Sampling(temperature=0))
    return {"reported": failure.code if failure else None, "message": failure.message if failure else None,
            "next_answer": text, "next_finish": done.stats.finish_reason if isinstance(done, Finished) else "error",
            "new_worker": client.worker_pid not in (None, pid)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-m", "--model")
    parser.add_argument("--trials", type=int, default=5)
    args = parser.parse_args()
    name = args.model or library.default_model_id(settings.load().default_model) or library.STARTER_ID
    info = library.resolve(name)
    with EngineClient() as client:
        client.load(info.path, "cpu", 4096)
        result: dict[str, object] = {"model": info.name, "turns": turns(client)}
        latencies = []
        for _ in range(args.trials):
            latency, total = stop_latency(client)
            latencies.append(latency)
        result["stop"] = {"prefill_tokens": total, "latency_s": [round(x, 4) for x in latencies],
                          "median_s": round(statistics.median(latencies), 4), "max_s": round(max(latencies), 4)}
        result["kill"] = kill_and_replace(client)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
