"""The benchmark: PhiDesk's streamed speed against a bare onnxruntime-genai loop.

This module owns the comparison, not the measuring loops: the PhiDesk side goes through
``EngineClient`` exactly as the app does (worker process, JSON events, the parent reading
them), and the reference side is ``phidesk.engine.bare`` run as its own process. It never
imports onnxruntime_genai and is Qt-free, so the CLI can call it.

A round is one bare process and then one fresh PhiDesk worker (B, P, B, P… in one run).
Each process loads the model and answers one short untimed warm-up message. On small
machines two processes running the same code on the same model differ by up to ~15 % in
decode speed for their whole life (measured on the 2-core CPU box), so the decode ratio
is taken *within* each PhiDesk worker: the worker first runs the bare loop on its own
model object (``EngineClient.measure_bare``) and answers the same prompt through PhiDesk's
full path, in the order bare, PhiDesk, PhiDesk, bare (a steady drift cancels out);
``decode_ratio`` is the median of those per-process ratios and
``bare_decode_tok_s`` the median of those in-worker bare rates. The separate bare process
gives the reference load time, time to first token, prefill rate and peak memory, and its
decode rate is reported too (``bare_process_decode_tok_s``).

Both sides get the same user message (built by the bare process to render to exactly the
asked number of prompt tokens), plain greedy decoding (no repetition penalty), and
``min_length`` so EOS cannot end an answer early. Every timed answer prefills the whole
prompt: the worker never reuses its KV cache for a request with ``min_new_tokens``, and
``new_prompt_tokens`` is checked.

PhiDesk's ``ttft_s`` and ``decode_tok_s`` are what a user sees: measured in this (the
parent) process from when the request is sent and from the arrival times of its Token
events, ``(events - 1) / (last - first)``; its ``prefill_tok_s`` and ``peak_rss_mb`` come
from the worker's stats, ``load_s`` from its Loaded event.

The GUI stall probe (``phidesk.gui.probe``) runs first, before any round: every round's process allocates and
frees gigabytes at Phi-3.5 size, and on a virtual machine that reports freed memory to its host the CPUs are then
taken back for a while. Run last, after the kept-work rounds, the probe measured that: on the
Phi-3.5-mini-shaped model 44.9 ms, with 1,050 ms of steal and a 36.6 ms stall of the canary beside the window
(benchmarks/RESULTS.md).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from phidesk import paths
from phidesk.bench_keep import kept_work
from phidesk.chat import ChatService, Refused
from phidesk.engine.client import EngineClient
from phidesk.engine.modelinfo import read_model_folder
from phidesk.engine.protocol import Failed, Finished, Loaded, Message, Sampling, Token
from phidesk.engine.runtime import resolve_threads
from phidesk.errors import EngineError

BARE_TIMEOUT_S = 3600.0
WARMUP_TEXT = "Say hello."  # the same warm-up message phidesk.engine.bare answers first
WARMUP_TOKENS = 4


def _bare_round(model: Path, *, provider: str, context_cap: int, prompt_tokens: int, new_tokens: int,
                threads: int) -> dict[str, Any]:
    """One bare process: load, warm up, one timed answer. Its JSON summary."""
    command = [sys.executable, "-m", "phidesk.engine.bare", str(model), "--provider", provider,
               "--threads", str(threads), "--context-cap", str(context_cap), "--prompt-tokens", str(prompt_tokens),
               "--new-tokens", str(new_tokens), "--rounds", "1"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace",
                              timeout=BARE_TIMEOUT_S, check=False, **paths.helper_popen_kwargs())
    except subprocess.TimeoutExpired:
        raise EngineError(f"the bare onnxruntime-genai loop took over {BARE_TIMEOUT_S:.0f} s",
                          "bench_failed") from None
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = " ".join(done.stderr.strip().splitlines()[-3:]) or f"exit status {done.returncode}"
        raise EngineError(f"the bare onnxruntime-genai loop failed: {tail}", "bench_failed")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _greedy(new_tokens: int) -> Sampling:
    return Sampling(temperature=0.0, repetition_penalty=1.0, max_new_tokens=new_tokens, min_new_tokens=new_tokens)


def _answer(client: EngineClient, text: str, new_tokens: int) -> tuple[float, list[float], Finished]:
    """Send one message; (time sent, Token arrival times, the Finished event)."""
    arrivals: list[float] = []
    finished: Finished | None = None
    sent = time.perf_counter()
    for event in client.generate([Message("user", text)], _greedy(new_tokens)):
        if isinstance(event, Token):
            arrivals.append(time.perf_counter())
        elif isinstance(event, Finished):
            finished = event
        elif isinstance(event, Failed):
            raise EngineError(f"PhiDesk failed during the benchmark: {event.message}", event.code)
    if finished is None or not arrivals:
        raise EngineError("PhiDesk's answer ended without tokens", "bench_failed")
    return sent, arrivals, finished


def _phidesk_round(client: EngineClient, model: Path, *, provider: str, context_cap: int, user_text: str,
                   prompt_tokens: int, new_tokens: int, threads: int) -> tuple[Loaded, dict[str, Any]]:
    """A fresh worker: load, warm up, then the bare loop and one PhiDesk answer in that same process.

    The PhiDesk answer is timed from this process, as the app sees it; the bare loop runs on
    the worker's own model object, so the pair shares the process's speed.
    """
    client.close()  # the next load starts a new worker process
    loaded = client.load(model, provider, context_cap, threads=threads)
    _answer(client, WARMUP_TEXT, WARMUP_TOKENS)
    # ABBA: bare, PhiDesk, PhiDesk, bare — cancels a steady drift in the machine's speed.
    bare_first = client.measure_bare(user_text, new_tokens)
    answers = [_answer(client, user_text, new_tokens) for _ in range(2)]
    bare_last = client.measure_bare(user_text, new_tokens)
    client.close()
    paired_bare = statistics.mean([bare_first["decode_tok_s"], bare_last["decode_tok_s"]])
    sent, arrivals, finished = answers[0]
    decodes = [(len(a) - 1) / (a[-1] - a[0]) if a[-1] > a[0] else 0.0 for _, a, _ in answers]
    stats = finished.stats
    if stats.prompt_tokens != prompt_tokens or stats.new_prompt_tokens != prompt_tokens:
        raise EngineError(f"PhiDesk read {stats.new_prompt_tokens} of {stats.prompt_tokens} prompt tokens, "
                          f"the bare loop {prompt_tokens}: the two sides did not run the same prompt",
                          "bench_failed")
    decode = statistics.mean(decodes)
    return loaded, {
        "load_s": loaded.load_s,
        "ttft_s": arrivals[0] - sent,
        "prefill_tok_s": stats.prefill_tok_s,
        "decode_tok_s": decode,
        "generated_tokens": stats.generated_tokens,
        "token_events": len(arrivals),
        "worker_ttft_s": stats.ttft_s,
        "worker_decode_tok_s": stats.decode_tok_s,
        "peak_rss_mb": stats.peak_rss_mb,
        "paired_bare_decode_tok_s": paired_bare,
        "paired_ratio": decode / paired_bare if paired_bare > 0 else 0.0,
    }


TURN_TEXT = ("Here is the next part of my question; please keep the earlier answers in mind and continue "
             "where we left off, briefly.")


def conversation_turns(client: EngineClient, model: Path, *, provider: str, context_cap: int, turns: int = 10,
                       new_tokens: int = 32, threads: int = 0) -> dict[str, Any]:
    """Time to first token at each turn of one conversation in one worker, as the app sends them.

    Each request carries the whole history (earlier answers exactly as streamed), so the worker's
    KV-cache reuse decides how much is read again; ``new_prompt_tokens`` shows it per turn.
    """
    client.close()
    client.load(model, provider, context_cap, threads=threads)
    # Warm up in the same worker, as every other figure does: a fresh process's first inference pays for
    # paging the weights in (on the Phi-3.5-mini-shaped model 8.9 s against 3.4 s for the same ~60 tokens).
    # Its search options differ (repetition penalty), so turn 1 still gets a fresh generator and reads its
    # whole prompt, as a new conversation does.
    for _event in client.generate([Message("user", WARMUP_TEXT)],
                                  Sampling(temperature=0.0, repetition_penalty=1.01, max_new_tokens=WARMUP_TOKENS)):
        pass
    sampling = Sampling(temperature=0.0, repetition_penalty=1.0, max_new_tokens=new_tokens)
    service = ChatService(None, client)  # the conversation as the app keeps it (here in memory)
    ttft, new_prompt, prompt = [], [], []
    for turn in range(1, turns + 1):
        answer = service.ask(f"{TURN_TEXT} (part {turn})", sampling=sampling)
        if isinstance(answer, Refused):
            raise EngineError(f"turn {turn} of the conversation benchmark did not start: {answer.reason}",
                              "bench_failed")
        sent = time.perf_counter()
        first = 0.0
        for event in service.events(answer):
            if isinstance(event, Token):
                first = first or time.perf_counter()
        if answer.failure is not None:
            raise EngineError(f"PhiDesk failed during the conversation benchmark: {answer.failure.message}",
                              answer.failure.code)
        if answer.stats is None or not first:
            raise EngineError(f"turn {turn} of the conversation benchmark ended without tokens", "bench_failed")
        ttft.append(first - sent)
        new_prompt.append(answer.stats.new_prompt_tokens)
        prompt.append(answer.stats.prompt_tokens)
    client.close()
    return {
        "turn1_ttft_s": ttft[0],
        f"turn{turns}_ttft_s": ttft[-1],
        "turn_ttft_ratio": ttft[-1] / ttft[0] if ttft[0] > 0 else 0.0,
        "turn_ttft_s": [round(t, 4) for t in ttft],
        "turn_new_prompt_tokens": new_prompt,
        "turn_prompt_tokens": prompt,
    }


def gui_stall(model: Path, provider: str, threads: int = 0, tokens: int = 500) -> dict[str, Any]:
    """The real main window, offscreen, in its own process (``phidesk.gui.probe``): its longest
    event-loop gap while the model loads and a *tokens*-long answer streams into it."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    command = [sys.executable, "-m", "phidesk.gui.probe", str(model), "--tokens", str(tokens), "--provider", provider,
               "--threads", str(threads)]
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace",
                          timeout=BARE_TIMEOUT_S, check=False, env=env, **paths.helper_popen_kwargs())
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = " ".join(done.stderr.strip().splitlines()[-3:]) or f"exit status {done.returncode}"
        raise EngineError(f"the GUI stall probe failed: {tail}", "bench_failed")
    result: dict[str, Any] = json.loads(lines[-1])
    if not result.get("gui_answer_done") or result.get("gui_tokens", 0) < tokens * 0.9:
        raise EngineError(f"the GUI stall probe's answer did not complete ({result})", "bench_failed")
    return result


def _median(rounds: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in rounds)) if rounds else 0.0


def run_bench(  # noqa: PLR0917 (the signature callers were promised; all but the path have defaults)
    model_path: Path,
    provider: str = "auto",
    context_cap: int = 4096,
    prompt_tokens: int = 256,
    new_tokens: int = 128,
    rounds: int = 7,
    progress: Callable[[str], None] | None = None,
    gui: bool = True,
    turns: int = 10,
    threads: int = 0,
    kept: bool = True,
) -> dict[str, Any]:
    """Measure the bare loop and PhiDesk on *model_path* in alternating rounds; medians.

    Raises ModelFolderError for a bad folder and EngineError when either side fails or the
    two sides end up on different providers or prompts.
    """
    say = progress or (lambda _text: None)
    info = read_model_folder(model_path)  # a clear error for a bad folder before any process starts
    rounds = max(1, rounds)
    threads = resolve_threads(threads)  # both sides compute with the same number of threads
    bare: list[dict[str, Any]] = []
    ours: list[dict[str, Any]] = []
    used, prompt_len = provider, prompt_tokens
    stall: dict[str, Any] = {}
    if gui:  # first: after the rounds below, each freeing gigabytes, a virtual machine's host takes its CPUs back
        say("GUI stall probe: the real window while the model loads and a 500-token answer streams")
        stall = gui_stall(info.path, provider, threads)
    client = EngineClient()
    try:
        for index in range(1, rounds + 1):
            say(f"round {index}/{rounds}: bare onnxruntime-genai loop")
            summary = _bare_round(info.path, provider=used, context_cap=context_cap, prompt_tokens=prompt_tokens,
                                  new_tokens=new_tokens, threads=threads)
            used = str(summary["provider"])  # "auto" resolved once, then both sides use it
            bare.append({"load_s": summary["load_s"], "peak_rss_mb": summary.get("peak_rss_mb", 0.0),
                         **summary["rounds"][0]})
            user_text, prompt_len = str(summary["user_text"]), int(summary["prompt_tokens"])
            say(f"round {index}/{rounds}: PhiDesk")
            loaded, result = _phidesk_round(client, info.path, provider=used, context_cap=context_cap,
                                            user_text=user_text, prompt_tokens=prompt_len, new_tokens=new_tokens,
                                            threads=threads)
            if loaded.provider != used:
                raise EngineError(f"PhiDesk ran on {loaded.provider}, the bare loop on {used}", "bench_failed")
            ours.append(result)
        conversation: dict[str, Any] = {}
        if turns > 1:
            say(f"a {turns}-turn conversation: time to first token at each turn (KV-cache reuse)")
            conversation = conversation_turns(client, info.path, provider=used, context_cap=context_cap, turns=turns,
                                              threads=threads)
        kept_figures: dict[str, Any] = {}
        if kept:
            say("kept work: Stop during a long prefill, switching conversations, the system prompt read in advance")
            kept_figures = kept_work(info.path, provider=used, context_cap=context_cap, threads=threads,
                                     rounds=min(rounds, 3))
    finally:
        client.close()

    decode, bare_decode = _median(ours, "decode_tok_s"), _median(ours, "paired_bare_decode_tok_s")
    return {
        "model": info.name,
        "provider": used,
        "threads": threads,
        "prompt_tokens": prompt_len,
        "new_tokens": new_tokens,
        "load_s": _median(ours, "load_s"),
        "ttft_s": _median(ours, "ttft_s"),
        "prefill_tok_s": _median(ours, "prefill_tok_s"),
        "decode_tok_s": decode,
        "bare_load_s": _median(bare, "load_s"),
        "bare_ttft_s": _median(bare, "ttft_s"),
        "bare_prefill_tok_s": _median(bare, "prefill_tok_s"),
        "bare_decode_tok_s": bare_decode,
        "bare_process_decode_tok_s": _median(bare, "decode_tok_s"),
        "decode_ratio": _median(ours, "paired_ratio"),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in ours),
        "bare_peak_rss_mb": max(float(r["peak_rss_mb"]) for r in bare),
        **conversation,
        **kept_figures,
        **stall,
        "rounds": {"phidesk": ours, "bare": bare},
    }


def format_bench(result: dict[str, Any]) -> str:
    """A short table: PhiDesk, the bare loop and their ratio, one line per measure."""
    rows = [
        ("load (s)", "load_s", "bare_load_s", "{:.2f}", False),
        ("time to first token (s)", "ttft_s", "bare_ttft_s", "{:.3f}", False),
        ("prefill (tok/s)", "prefill_tok_s", "bare_prefill_tok_s", "{:.1f}", True),
        ("decode (tok/s)", "decode_tok_s", "bare_decode_tok_s", "{:.1f}", True),
        ("peak memory (MiB)", "peak_rss_mb", "bare_peak_rss_mb", "{:.0f}", False),
        ("GUI longest stall (ms)", "gui_stall_max_ms", "-", "{:.1f}", False),
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
    if result.get("turn_ttft_s"):
        ttft, fresh = result["turn_ttft_s"], result["turn_new_prompt_tokens"]
        lines.append(f"conversation: first token at turn 1 {ttft[0]:.3f} s, turn {len(ttft)} {ttft[-1]:.3f} s "
                     f"(× {result['turn_ttft_ratio']:.2f}); new prompt tokens read per turn: "
                     f"{', '.join(str(n) for n in fresh)}")
    if "stop_prefill_ready_ms" in result:
        r = result
        lines.append(f"Stop during a {r['stop_prefill_prompt_tokens']:,}-token prefill: ready in "
                     f"{r['stop_prefill_ready_ms']:.0f} ms, {r['stop_prefill_kept_tokens']:,} of "
                     f"{r['stop_prefill_read_tokens']:,} tokens read kept"
                     f"{'' if r['stop_prefill_same_worker'] else ' (the worker was ended!)'}")
        lines.append(f"back to a conversation after another: first token {r['switch_back_ttft_s']:.3f} s against "
                     f"{r['switch_direct_ttft_s']:.3f} s straight on (× {r['switch_ttft_ratio']:.2f})")
        lines.append(f"first question with a 200-token system prompt: first token {r['first_turn_ttft_s']:.3f} s, "
                     f"without one {r['first_turn_bare_ttft_s']:.3f} s (× {r['first_turn_ttft_ratio']:.2f})")
    return "\n".join(lines)
