"""n-gram speculative decoding of onnxruntime-genai 0.18 on a repetitive task, with and without.

    python benchmarks/ngram_speculative.py [MODEL_DIR] [--ngram 3] [--draft 4] [--new-tokens 256] [--rounds 3]
        [--threads N]

No draft model: ``GeneratorParams.set_speculative_options(ngram_size=N, max_draft_tokens=K)`` makes the
generator propose the next K tokens by looking the last N - 1 tokens up in the sequence so far (prompt and
answer), and one forward pass checks them all. That pays on text that repeats the prompt. The task asks the
model (default: the starter) to repeat a list it was given; decoding is greedy, so both modes should give the
same tokens, which is checked (a difference means the batched verification computes slightly different logits).
Rounds alternate plain / speculative in one process on one model object. Decode tok/s = (tokens after the
first) / (time from the first token to the last); ``generate_next_token`` may add several tokens per call when
speculating, so tokens are counted from the sequence. Prints one JSON line: the rates per round and the ratio of
medians, whether both modes gave the same tokens (and where they first differ), and the
generator's speculative stats (proposed / accepted drafts, its own estimated speed-up).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

ITEMS = ("apples", "bread", "cheddar cheese", "dark chocolate", "eggs", "flour", "green tea", "honey",
         "lemons", "olive oil", "oat milk", "pasta", "rice", "salt", "tomatoes", "yoghurt")
TASK = ("Repeat this shopping list exactly, one item per line, numbered, three times in a row:\n"
        + "\n".join(f"{i + 1}. {item}" for i, item in enumerate(ITEMS)))


def answer(og: Any, model: Any, prompt: list[int], new_tokens: int, spec: dict[str, Any]) -> dict[str, Any]:
    params = og.GeneratorParams(model)
    params.set_search_options(do_sample=False, top_k=1, max_length=len(prompt) + new_tokens + 16)
    if spec:
        params.set_speculative_options(**spec)
    generator = og.Generator(model, params)
    generator.append_tokens(prompt)
    generator.generate_next_token()
    first = time.perf_counter()
    while not generator.is_done() and len(generator.get_sequence(0)) < len(prompt) + new_tokens:
        generator.generate_next_token()
    last = time.perf_counter()
    tokens = [int(t) for t in generator.get_sequence(0)][len(prompt):len(prompt) + new_tokens]
    stats = generator.get_speculative_stats() if spec else {}
    return {"tokens": tokens, "decode_tok_s": (len(tokens) - 1) / (last - first), "stats": stats}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", help="model folder (default: the starter)")
    parser.add_argument("--ngram", type=int, default=3)
    parser.add_argument("--draft", type=int, default=4)
    parser.add_argument("--new-tokens", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="default: PhiDesk's default")
    args = parser.parse_args()
    import onnxruntime_genai as og

    from phidesk.engine.bare import load, render
    from phidesk.engine.modelinfo import read_model_folder
    from phidesk.engine.runtime import resolve_threads

    if args.model is None:
        from phidesk.models import starter

        args.model = str(starter.build_cached())
    info = read_model_folder(args.model)
    threads = resolve_threads(args.threads)
    model, tokenizer, _ = load(str(info.path), "cpu", threads)
    prompt = [int(t) for t in tokenizer.encode(render(tokenizer, info, TASK))]
    spec = {"ngram_size": args.ngram, "max_draft_tokens": args.draft}
    answer(og, model, prompt, 8, {})  # warm-up
    plain: list[dict[str, Any]] = []
    fast: list[dict[str, Any]] = []
    for _ in range(args.rounds):
        plain.append(answer(og, model, prompt, args.new_tokens, {}))
        try:
            fast.append(answer(og, model, prompt, args.new_tokens, spec))
        except Exception as exc:  # the runtime's text says why (e.g. unsupported on this model or provider)
            print(json.dumps({"speculative": "failed", "error": str(exc)}))
            return 1
    same = all(p["tokens"] == f["tokens"] for p, f in zip(plain, fast, strict=True))
    a, b = plain[0]["tokens"], fast[0]["tokens"]
    differ = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)
    plain_median = statistics.median(p["decode_tok_s"] for p in plain)
    fast_median = statistics.median(f["decode_tok_s"] for f in fast)
    print(json.dumps({
        "model": str(info.path), "threads": threads, "prompt_tokens": len(prompt), "new_tokens": args.new_tokens,
        "speculative_options": spec, "same_tokens": same, "first_different_token": differ,
        "plain_decode_tok_s": [round(p["decode_tok_s"], 1) for p in plain],
        "ngram_decode_tok_s": [round(f["decode_tok_s"], 1) for f in fast],
        "ratio_of_medians": round(fast_median / plain_median, 3),
        "stats_last_round": fast[-1]["stats"],
        "answer_start": tokenizer.decode(a[:60]),
        "speculative_answer_start": tokenizer.decode(b[:60]),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
