"""The reference loop: onnxruntime-genai with nothing of PhiDesk around it.

``python -m phidesk.engine.bare MODEL_DIR --prompt-tokens N --new-tokens M --rounds R``
loads the model, builds one user message whose chat-template-rendered prompt is N tokens
(the same text PhiDesk is then sent), runs one short untimed warm-up answer (the bench
sends PhiDesk the same one; ``--no-warmup`` skips it), and per round: a fresh greedy
generator (``max_length`` = the context cap, ``min_length`` = prompt + M so EOS cannot end
it early), one ``append_tokens`` of the whole prompt, then ``generate_next_token`` /
``get_next_tokens`` / ``TokenizerStream.decode`` per token (PhiDesk must decode text, so a
fair reference does too). It prints one JSON line on stdout:
``{"load_s", "provider", "prompt_tokens", "user_text", ..., "rounds": [{"ttft_s",
"prefill_tok_s", "decode_tok_s", "generated_tokens"}, ...]}``.

Like ``worker.py`` and ``providers.py``, this module imports onnxruntime_genai, so it runs only as a child
process (or inside the worker, for ``phidesk bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, TextIO

import onnxruntime_genai as og

from phidesk import privacy
from phidesk.engine.modelinfo import ModelInfo, read_model_folder
from phidesk.engine.runtime import peak_rss_mb, provider_candidates, threads_overlay

privacy.disable_runtime_telemetry(og)  # the environment variable (set by importing phidesk) did the real work

# Plain prose: a realistic token mix, no rare characters, and no words that merge across repeats.
FILLER = (
    "The river runs past the old mill and under the stone bridge before it reaches the town. "
    "In spring the water is high and fast, and children watch the boats from the bank. "
    "Farmers bring their grain to the market on Saturday, and the bakers sell fresh bread. "
    "Please read this text carefully and then write a long and detailed story about it."
)
WARMUP_TEXT = "Say hello."  # phidesk.bench sends PhiDesk the same warm-up message
WARMUP_TOKENS = 4


def render(tokenizer: Any, info: ModelInfo, user_text: str) -> str:
    """The prompt exactly as the worker renders a one-message conversation."""
    payload = json.dumps([{"role": "user", "content": user_text}], ensure_ascii=False)
    return str(tokenizer.apply_chat_template(payload, template_str=info.chat_template, add_generation_prompt=True))


def build_prompt(tokenizer: Any, info: ModelInfo, target: int) -> tuple[str, list[int]]:
    """A user message whose rendered prompt is *target* tokens (or the nearest count below)."""
    vocabulary = FILLER.split()

    def tokens_for(words: int, pad: int = 0) -> tuple[str, list[int]]:
        text = " ".join(vocabulary[i % len(vocabulary)] for i in range(words)) + " a" * pad
        return text, [int(t) for t in tokenizer.encode(render(tokenizer, info, text))]

    lo, hi = 1, max(1, target)  # the largest word count that does not overshoot
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(tokens_for(mid)[1]) <= target:
            lo = mid
        else:
            hi = mid - 1
    best = tokens_for(lo)
    pad = 1
    while len(best[1]) < target:  # top up one short word at a time
        candidate = tokens_for(lo, pad)
        if len(candidate[1]) > target:
            break
        best, pad = candidate, pad + 1
    return best


def load(path: str, provider: str, threads: int = 0) -> tuple[Any, Any, str]:
    """Model, tokenizer and the provider used; "auto" tries them in the worker's order.
    *threads* > 0 sets the decoder's thread count as the worker does; 0 leaves it to onnxruntime."""
    errors: list[str] = []
    for candidate in provider_candidates(provider):
        try:
            config = og.Config(path)
            if threads > 0:
                config.overlay(threads_overlay(threads))
            config.clear_providers()
            if candidate != "cpu":
                config.append_provider(candidate)
            model = og.Model(config)
        except Exception as exc:  # as in the worker: the runtime's text says why
            errors.append(f"{candidate}: {exc}")
            continue
        return model, og.Tokenizer(model), candidate
    raise RuntimeError("; ".join(errors))


def run_round(model: Any, tokenizer: Any, prompt: list[int], new_tokens: int, max_length: int) -> dict[str, float]:
    started = time.perf_counter()
    params = og.GeneratorParams(model)
    params.set_search_options(do_sample=False, top_k=1, temperature=1.0, repetition_penalty=1.0,
                              max_length=max_length, min_length=min(max_length, len(prompt) + new_tokens))
    generator = og.Generator(model, params)
    prefill_started = time.perf_counter()
    generator.append_tokens(prompt)
    prefill_s = time.perf_counter() - prefill_started
    stream = tokenizer.create_stream()
    first_at = last_at = 0.0
    count = 0
    while count < new_tokens and not generator.is_done():
        generator.generate_next_token()
        stream.decode(int(generator.get_next_tokens()[0]))
        last_at = time.perf_counter()
        count += 1
        if count == 1:
            first_at = last_at
    del generator  # free the KV cache before the next round allocates its own
    return {
        "ttft_s": first_at - started,
        "prefill_tok_s": len(prompt) / prefill_s if prefill_s > 0 else 0.0,
        "decode_tok_s": (count - 1) / (last_at - first_at) if count > 1 and last_at > first_at else 0.0,
        "generated_tokens": count,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m phidesk.engine.bare", description=__doc__.splitlines()[0])
    parser.add_argument("model", help="an onnxruntime-genai model folder")
    parser.add_argument("--provider", choices=("auto", "cpu", "cuda", "dml"), default="cpu")
    parser.add_argument("--context-cap", type=int, default=4096)
    parser.add_argument("--prompt-tokens", type=int, default=256)
    parser.add_argument("--new-tokens", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="decoder threads (default: onnxruntime's choice)")
    parser.add_argument("--warmup", action=argparse.BooleanOptionalAction, default=True,
                        help="run one short untimed answer first (default: yes)")
    args = parser.parse_args(argv)

    # JSON goes to a private copy of stdout; whatever native code prints lands on stderr.
    out: TextIO = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    info = read_model_folder(args.model)
    max_length = max(16, min(args.context_cap, info.context_length))  # as the worker does
    started = time.perf_counter()
    model, tokenizer, provider = load(str(info.path), args.provider, args.threads)
    load_s = time.perf_counter() - started
    user_text, prompt = build_prompt(tokenizer, info, min(args.prompt_tokens, max_length - args.new_tokens))
    if args.warmup:
        warmup = [int(t) for t in tokenizer.encode(render(tokenizer, info, WARMUP_TEXT))]
        run_round(model, tokenizer, warmup, WARMUP_TOKENS, max_length)
    rounds = [run_round(model, tokenizer, prompt, args.new_tokens, max_length) for _ in range(args.rounds)]
    result = {"load_s": load_s, "provider": provider, "max_length": max_length, "prompt_tokens": len(prompt),
              "new_tokens": args.new_tokens, "user_text": user_text, "peak_rss_mb": peak_rss_mb(),
              "rounds": rounds}
    out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.close()
    os._exit(0)  # skip the runtime's slow native teardown, as the worker does


if __name__ == "__main__":
    sys.exit(main())
