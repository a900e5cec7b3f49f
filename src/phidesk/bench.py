"""The benchmark: PhiDesk's streamed speed against a bare onnxruntime-genai loop.

This module owns the comparison, not the measuring loops: the PhiDesk side goes through
``EngineClient`` exactly as the app does (worker process, JSON events, the parent reading
them), and the reference side is ``phidesk.engine.bare`` run as its own process. It never
imports onnxruntime_genai and is Qt-free, so the CLI can call it.

Both sides get the same user message (built by the bare process to render to exactly the
asked number of prompt tokens), plain greedy decoding, ``min_length`` so EOS cannot end a
round early, and a fresh generator per round (so every round prefills the whole prompt:
the worker never reuses its KV cache for a request with ``min_new_tokens``, and each
round's ``new_prompt_tokens`` is checked). Rounds alternate bare, PhiDesk, bare, PhiDesk…
in one run, with the other side's process idle, and the medians are reported.

PhiDesk's ``ttft_s`` and ``decode_tok_s`` are what a user sees: measured in this (the
parent) process from when the request is sent and from the arrival times of its Token
events; its ``prefill_tok_s`` comes from the worker's stats.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from phidesk.engine.client import EngineClient
from phidesk.engine.modelinfo import read_model_folder
from phidesk.engine.protocol import Failed, Finished, Message, Sampling, Token
from phidesk.errors import EngineError

BARE_TIMEOUT_S = 600.0


class _Bare:
    """The reference loop in its own process, run one round at a time (``--paced``)."""

    def __init__(self, model: Path, *, provider: str, context_cap: int, prompt_tokens: int, new_tokens: int,
                 rounds: int) -> None:
        command = [sys.executable, "-m", "phidesk.engine.bare", str(model), "--provider", provider,
                   "--context-cap", str(context_cap), "--prompt-tokens", str(prompt_tokens),
                   "--new-tokens", str(new_tokens), "--rounds", str(rounds), "--paced"]
        self.log: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed in close())
        # stderr to a file, not a pipe: a pipe nobody reads could fill and block the loop.
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                     text=True, encoding="utf-8")
        self.header = self._read()

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise EngineError(f"the bare onnxruntime-genai loop failed: {self._stderr_tail()}", "bench_failed")
        data: dict[str, Any] = json.loads(line)
        return data

    def _stderr_tail(self) -> str:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=BARE_TIMEOUT_S)
        self.log.seek(0)
        text = self.log.read()
        return " ".join(text.strip().splitlines()[-3:]) or f"exit status {self.proc.returncode}"

    def round(self) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        return self._read()

    def finish(self) -> dict[str, Any]:
        """Close stdin; the process prints its summary (with its peak RSS) and exits."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        summary = self._read()
        self.proc.wait(timeout=30)
        return summary

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.log):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def _phidesk_round(client: EngineClient, user_text: str, prompt_tokens: int, new_tokens: int) -> dict[str, Any]:
    """One answer through the worker, timed from this process as the app would see it."""
    sampling = Sampling(temperature=0.0, repetition_penalty=1.0, max_new_tokens=new_tokens,
                        min_new_tokens=new_tokens)
    arrivals: list[float] = []
    finished: Finished | None = None
    sent = time.perf_counter()
    for event in client.generate([Message("user", user_text)], sampling):
        if isinstance(event, Token):
            arrivals.append(time.perf_counter())
        elif isinstance(event, Finished):
            finished = event
        elif isinstance(event, Failed):
            raise EngineError(f"PhiDesk failed during the benchmark: {event.message}", event.code)
    if finished is None or not arrivals:
        raise EngineError("PhiDesk's answer ended without tokens", "bench_failed")
    stats = finished.stats
    if stats.prompt_tokens != prompt_tokens or stats.new_prompt_tokens != prompt_tokens:
        raise EngineError(f"PhiDesk read {stats.new_prompt_tokens} of {stats.prompt_tokens} prompt tokens, "
                          f"the bare loop {prompt_tokens}: the two sides do not run the same prompt",
                          "bench_failed")
    span = arrivals[-1] - arrivals[0]
    return {
        "ttft_s": arrivals[0] - sent,
        "prefill_tok_s": stats.prefill_tok_s,
        "decode_tok_s": (len(arrivals) - 1) / span if span > 0 else 0.0,
        "generated_tokens": stats.generated_tokens,
        "token_events": len(arrivals),
        "worker_ttft_s": stats.ttft_s,
        "worker_decode_tok_s": stats.decode_tok_s,
        "peak_rss_mb": stats.peak_rss_mb,
    }


def _median(rounds: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in rounds)) if rounds else 0.0


def run_bench(  # noqa: PLR0917 (the signature callers were promised; all but the path have defaults)
    model_path: Path,
    provider: str = "auto",
    context_cap: int = 4096,
    prompt_tokens: int = 256,
    new_tokens: int = 128,
    rounds: int = 3,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Measure PhiDesk and the bare loop on *model_path*, alternating rounds; medians."""
    say = progress or (lambda _text: None)
    info = read_model_folder(model_path)  # a clear error for a bad folder before any process starts
    client = EngineClient()
    bare: _Bare | None = None
    try:
        say(f"loading {info.name} in PhiDesk's worker ({provider})")
        loaded = client.load(info.path, provider, context_cap)
        say(f"loading {info.name} in the bare onnxruntime-genai loop ({loaded.provider})")
        bare = _Bare(info.path, provider=loaded.provider, context_cap=context_cap, prompt_tokens=prompt_tokens,
                     new_tokens=new_tokens, rounds=rounds)
        user_text, prompt_len = str(bare.header["user_text"]), int(bare.header["prompt_tokens"])
        bare_rounds: list[dict[str, Any]] = []
        ours: list[dict[str, Any]] = []
        for index in range(1, rounds + 1):
            say(f"round {index}/{rounds}: bare loop")
            bare_rounds.append(bare.round())
            say(f"round {index}/{rounds}: PhiDesk")
            ours.append(_phidesk_round(client, user_text, prompt_len, new_tokens))
        bare_summary = bare.finish()
    finally:
        if bare is not None:
            bare.close()
        client.close()

    decode, bare_decode = _median(ours, "decode_tok_s"), _median(bare_rounds, "decode_tok_s")
    return {
        "model": info.name,
        "provider": loaded.provider,
        "prompt_tokens": prompt_len,
        "new_tokens": new_tokens,
        "load_s": loaded.load_s,
        "ttft_s": _median(ours, "ttft_s"),
        "prefill_tok_s": _median(ours, "prefill_tok_s"),
        "decode_tok_s": decode,
        "bare_load_s": float(bare_summary["load_s"]),
        "bare_ttft_s": _median(bare_rounds, "ttft_s"),
        "bare_prefill_tok_s": _median(bare_rounds, "prefill_tok_s"),
        "bare_decode_tok_s": bare_decode,
        "decode_ratio": decode / bare_decode if bare_decode > 0 else 0.0,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in ours) if ours else 0.0,
        "bare_peak_rss_mb": float(bare_summary.get("peak_rss_mb", 0.0)),
        "rounds": {"phidesk": ours, "bare": bare_rounds},
    }


def format_bench(result: dict[str, Any]) -> str:
    """A short table: PhiDesk, the bare loop and their ratio, one line per measure."""
    rows = [
        ("load (s)", "load_s", "bare_load_s", "{:.2f}", False),
        ("time to first token (s)", "ttft_s", "bare_ttft_s", "{:.3f}", False),
        ("prefill (tok/s)", "prefill_tok_s", "bare_prefill_tok_s", "{:.1f}", True),
        ("decode (tok/s)", "decode_tok_s", "bare_decode_tok_s", "{:.1f}", True),
        ("peak memory (MiB)", "peak_rss_mb", "bare_peak_rss_mb", "{:.0f}", False),
    ]
    count = len(result.get("rounds", {}).get("phidesk", []))
    lines = [
        f"{result['model']} on {result['provider']}: {result['prompt_tokens']} prompt tokens, "
        f"{result['new_tokens']} new tokens, median of {count} alternating rounds",
        f"{'':<26}{'PhiDesk':>10}{'bare':>10}{'ratio':>8}",
    ]
    for label, ours_key, bare_key, fmt, show_ratio in rows:
        ours, theirs = result.get(ours_key), result.get(bare_key)
        ratio = f"{ours / theirs:.2f}" if show_ratio and ours and theirs else ""
        lines.append(f"{label:<26}{fmt.format(ours) if ours is not None else '-':>10}"
                     f"{fmt.format(theirs) if theirs is not None else '-':>10}{ratio:>8}")
    return "\n".join(lines)
