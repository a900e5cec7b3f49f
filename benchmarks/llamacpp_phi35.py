"""PhiDesk against llama.cpp at Phi-3.5-mini width: the same random weights, the same prompt token ids.

    python benchmarks/llamacpp_phi35.py [--layers 8] [--prompts 128,512,1024] [--new-tokens 128] [--rounds 3]
        [--sides phidesk,Q4_0,Q4_K_M] [--llama-python PY] [--llama-src DIR] [--out FILE]

The model is benchmarks/phi35_shaped.py's (hidden 3072, 32 heads, intermediate 8192, vocabulary 32064, random
weights), with ``--layers`` decoder layers (8 by default: a quarter of Phi-3.5-mini's per-token work, and it
builds within 24 GB). Its random fp16 Hugging Face checkpoint is kept and converted to GGUF by llama.cpp's own
``convert_hf_to_gguf.py`` (f16), then quantized with ``llama_cpp.llama_model_quantize`` to Q4_0 and Q4_K_M; the
ONNX side is onnxruntime-genai int4, block size 128, accuracy level 4. All of it is cached next to the model.

Sides (``--sides``, comma-separated; ``@T`` after a name sets its thread count, otherwise every side uses
PhiDesk's default, one thread per physical core):
  phidesk   the app's path: ``EngineClient`` starts a worker (nice 5, as in the app), loads with the default
            threads, and streams answers; tok/s as the app sees them (decode from token arrival times in this
            process, prefill from the worker's stats)
  bare      onnxruntime-genai with nothing of PhiDesk around it (``phidesk.engine.bare``'s loop), in a child
            process; ``bare-nospin`` adds ``session.intra_op.allow_spinning = "0"`` through ``Config.overlay``
  Q4_0, Q4_K_M   llama.cpp (llama-cpp-python) on the GGUF, ``n_threads`` = ``n_threads_batch`` = the count
Every side gets the very same prompt token ids: PhiDesk's user message is chosen (as ``phidesk bench`` does) so
that its chat-template rendering is exactly N tokens, those ids are fed to the bare loop and to llama.cpp as ids,
and PhiDesk's worker must report the same N. Greedy decoding, exactly ``--new-tokens`` new tokens (EOS cannot
end an answer: the loops do not look for it, and PhiDesk gets ``min_new_tokens``). Each round runs every side
once, each in a fresh process that loads the model, answers a 4-token warm-up and then each prompt length; the
side order rotates from round to round. Decode tok/s = (tokens - 1) / (last token - first token); prefill tok/s
= prompt tokens / prefill time (llama.cpp: its ``eval`` of the prompt).

llama.cpp is optional: ``--llama-python`` (default ``$LLAMA_PYTHON``, else this Python) must import
``llama_cpp`` and ``--llama-src`` (default ``$LLAMA_CPP_SRC``) must be a llama.cpp source tree (e.g. the
``vendor/llama.cpp`` of the llama-cpp-python sdist) with a Python that can run its converter (torch,
transformers, sentencepiece); otherwise one line says why and only the ONNX sides run.

Prints progress on stderr and one JSON object on stdout (also written to ``--out``): the CPU and its flags
(AVX2 / AVX-512 / VNNI), versions, the model and its MatMulNBits block size, per side and prompt length the
median (min-max) prefill and decode tok/s, and the ratios of medians PhiDesk / each llama.cpp side. The ONNX
sides also report ``cpu_per_wall``, the CPU seconds their process used per second while answering: on a machine
shared with other jobs it tells the rounds that had every core (about the thread count) from those that did not.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

QUANTS = {"Q4_0": 2, "Q4_K_M": 15}  # llama.cpp's LLAMA_FTYPE_MOSTLY_* values
CPU_FLAGS = ("avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx_vnni", "avx512_bf16",
             "amx_int8")
CHILD_TIMEOUT_S = 3600

# Prompt ids as PhiDesk's worker makes them: the bench's user message whose rendering is exactly N tokens.
IDS_CHILD = r"""
import json, sys
from phidesk.engine.bare import WARMUP_TEXT, build_prompt, load, render
from phidesk.engine.modelinfo import read_model_folder
info = read_model_folder(sys.argv[1])
model, tokenizer, _ = load(str(info.path), "cpu", 1)
out = {"warmup": [int(t) for t in tokenizer.encode(render(tokenizer, info, WARMUP_TEXT))], "prompts": {}}
for n in json.loads(sys.argv[2]):
    text, ids = build_prompt(tokenizer, info, n)
    out["prompts"][str(n)] = {"text": text, "ids": ids}
print(json.dumps(out))
"""

# The bare onnxruntime-genai loop of phidesk.engine.bare, fed the ids, with an optional extra session option.
BARE_CHILD = r"""
import json, os, sys, time
import onnxruntime_genai as og
from phidesk.engine.bare import run_round
from phidesk.engine.modelinfo import read_model_folder
path, job = sys.argv[1], json.loads(sys.argv[2])
info = read_model_folder(path)
started = time.perf_counter()
config = og.Config(str(info.path))
options = {"intra_op_num_threads": job["threads"], **job["entries"]}  # string keys: session config entries
config.overlay(json.dumps({"model": {"decoder": {"session_options": options}}}))
config.clear_providers()
model = og.Model(config)
tokenizer = og.Tokenizer(model)
load_s = time.perf_counter() - started
max_length = min(job["context"], info.context_length)
run_round(model, tokenizer, job["warmup"], 4, max_length)
timed = time.perf_counter(), os.times()
rounds = {n: run_round(model, tokenizer, ids, job["new_tokens"], max_length) for n, ids in job["prompts"].items()}
now = os.times()  # CPU seconds per wall second while answering: shows whether idle threads spin
busy = (now.user + now.system - timed[1].user - timed[1].system) / (time.perf_counter() - timed[0])
print(json.dumps({"load_s": load_s, "cpu_per_wall": busy, "rounds": rounds}))
"""

# llama.cpp through llama-cpp-python: eval the prompt ids, then greedy argmax / eval one token at a time.
LLAMA_CHILD = r"""
import json, sys, time
import numpy as np
import llama_cpp
from llama_cpp import Llama
path, job = sys.argv[1], json.loads(sys.argv[2])
started = time.perf_counter()
llm = Llama(model_path=path, n_ctx=job["context"], n_threads=job["threads"], n_threads_batch=job["threads"],
            verbose=False)
load_s = time.perf_counter() - started
vocab = llm.n_vocab()

def greedy():  # the last position's logits (llm.scores is filled only with logits_all)
    logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm.ctx, -1), shape=(vocab,))
    return int(np.argmax(logits))

def answer(ids, count):
    llm.reset()
    sent = time.perf_counter()
    llm.eval(ids)
    prefill_s = time.perf_counter() - sent
    times, tokens = [], []
    for _ in range(count):
        token = greedy()
        tokens.append(token)
        times.append(time.perf_counter())
        if len(times) == count:
            break
        llm.eval([token])
    decode = (len(times) - 1) / (times[-1] - times[0]) if times[-1] > times[0] else 0.0
    return {"ttft_s": times[0] - sent, "prefill_tok_s": len(ids) / prefill_s, "decode_tok_s": decode,
            "generated_tokens": len(times), "first_tokens": tokens[:8]}

answer(job["warmup"], 4)
rounds = {n: answer(ids, job["new_tokens"]) for n, ids in job["prompts"].items()}
print(json.dumps({"load_s": load_s, "rounds": rounds}))
"""

# Write a SentencePiece tokenizer.model equal to tokenizer.json's Llama-style BPE (llama.cpp's Phi-3 converter
# reads the vocabulary only from a tokenizer.model).
SPM_CHILD = r"""
import json, sys
from pathlib import Path
from sentencepiece import sentencepiece_model_pb2 as spm
folder = Path(sys.argv[1])
model = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))["model"]
pieces = sorted(model["vocab"].items(), key=lambda kv: kv[1])
proto = spm.ModelProto()
proto.trainer_spec.model_type = spm.TrainerSpec.BPE
proto.trainer_spec.vocab_size = len(pieces)
proto.trainer_spec.byte_fallback = True
proto.trainer_spec.unk_id, proto.trainer_spec.bos_id, proto.trainer_spec.eos_id, proto.trainer_spec.pad_id = 0, 1, 2, -1
proto.normalizer_spec.name = "identity"
proto.normalizer_spec.add_dummy_prefix = True
proto.normalizer_spec.remove_extra_whitespaces = False
for index, (text, token_id) in enumerate(pieces):
    assert index == token_id, (index, token_id)
    piece = proto.pieces.add()
    piece.piece, piece.score = text, -float(index)
    if index == 0:
        piece.type = spm.ModelProto.SentencePiece.UNKNOWN
    elif index in (1, 2):
        piece.type = spm.ModelProto.SentencePiece.CONTROL
    elif text.startswith("<0x") and len(text) == 6:
        piece.type = spm.ModelProto.SentencePiece.BYTE
(folder / "tokenizer.model").write_bytes(proto.SerializeToString())
"""

QUANTIZE_CHILD = r"""
import ctypes, sys
import llama_cpp
params = llama_cpp.llama_model_quantize_default_params()
params.ftype, params.nthread = int(sys.argv[3]), int(sys.argv[4])
code = llama_cpp.llama_model_quantize(sys.argv[1].encode(), sys.argv[2].encode(), ctypes.byref(params))
sys.exit(code)
"""


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def cpu_info() -> dict[str, Any]:
    model, flags = platform.processor(), set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and not model:
                model = line.split(":", 1)[1].strip()
            elif line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return {"cpu": model, "logical_cpus": os.cpu_count(), "flags": [f for f in CPU_FLAGS if f in flags]}


def run_child(command: list[str], what: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{what} failed (exit {done.returncode}): {done.stderr.strip()[-1500:]}")
    return done.stdout


def shaped_model(layers: int) -> tuple[Path, Path, dict[str, Any]]:
    from phi35_shaped import checkpoint_dir

    out = run_child([sys.executable, str(ROOT / "benchmarks" / "phi35_shaped.py"), "--layers", str(layers),
                     "--keep-checkpoint"], "building the shaped model")
    summary = json.loads(out.strip().splitlines()[-1])
    model = Path(summary["model"])
    return model, checkpoint_dir(model), summary


def llama_problem(python: str, src: Path | None) -> str | None:
    """Why the llama.cpp side cannot run (None: it can)."""
    probe = subprocess.run([python, "-c", "import llama_cpp; print(llama_cpp.__version__)"], capture_output=True,
                           text=True, check=False)
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["?"])[-1]
        return f"{python} cannot import llama_cpp ({last})"
    if src is None or not (src / "convert_hf_to_gguf.py").is_file():
        return "no llama.cpp source tree with convert_hf_to_gguf.py (--llama-src or $LLAMA_CPP_SRC)"
    return None


def gguf_files(python: str, src: Path, checkpoint: Path, model: Path, *, quants: list[str], threads: int
               ) -> dict[str, Path]:
    folder = model.with_name(model.name + "-gguf")
    folder.mkdir(exist_ok=True)
    f16 = folder / "f16.gguf"
    wanted = {q: folder / f"{q}.gguf" for q in quants}
    if all(p.is_file() for p in wanted.values()):
        return wanted
    if not f16.is_file():
        if not (checkpoint / "tokenizer.model").is_file():
            run_child([python, "-c", SPM_CHILD, str(checkpoint)], "writing tokenizer.model")
        log(f"converting {checkpoint} to GGUF f16")
        run_child([python, str(src / "convert_hf_to_gguf.py"), str(checkpoint), "--outtype", "f16", "--outfile",
                   str(f16)], "convert_hf_to_gguf.py")
    for quant, path in wanted.items():
        if not path.is_file():
            log(f"quantizing to {quant}")
            run_child([python, "-c", QUANTIZE_CHILD, str(f16), str(path), str(QUANTS[quant]), str(threads)],
                      f"llama_model_quantize {quant}")
    return wanted


def phidesk_side(model: Path, prompts: dict[str, dict[str, Any]], new_tokens: int, threads: int,
                 context: int) -> dict[str, Any]:
    import psutil

    from phidesk.bench import WARMUP_TEXT, WARMUP_TOKENS, _answer
    from phidesk.engine.client import EngineClient

    rounds: dict[str, Any] = {}
    with EngineClient() as client:  # a fresh worker process
        loaded = client.load(model, "cpu", context, threads=threads)
        _answer(client, WARMUP_TEXT, WARMUP_TOKENS)
        worker = psutil.Process(client.worker_pid)
        timed = time.perf_counter(), worker.cpu_times()
        for n, prompt in prompts.items():
            sent, arrivals, finished = _answer(client, prompt["text"], new_tokens)
            stats = finished.stats
            if stats.prompt_tokens != len(prompt["ids"]) or stats.new_prompt_tokens != len(prompt["ids"]):
                raise SystemExit(f"PhiDesk read {stats.new_prompt_tokens} of {stats.prompt_tokens} prompt tokens, "
                                 f"the other sides {len(prompt['ids'])}")
            rounds[n] = {"ttft_s": arrivals[0] - sent, "prefill_tok_s": stats.prefill_tok_s,
                         "decode_tok_s": (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]),
                         "generated_tokens": stats.generated_tokens}
        now = worker.cpu_times()
        busy = (now.user + now.system - timed[1].user - timed[1].system) / (time.perf_counter() - timed[0])
    return {"load_s": loaded.load_s, "threads": loaded.threads, "cpu_per_wall": busy, "rounds": rounds}


def child_side(python: str, code: str, path: Path, job: dict[str, Any], what: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([python, "-c", code, str(path), json.dumps(job)], capture_output=True, text=True,
                          timeout=CHILD_TIMEOUT_S, check=False, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{what} failed (exit {done.returncode}): {done.stderr.strip()[-1500:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def parse_side(spec: str, default_threads: int) -> tuple[str, int]:
    name, _, threads = spec.partition("@")
    if name not in ("phidesk", "bare", "bare-nospin", *QUANTS):
        raise SystemExit(f"unknown side {name!r}: phidesk, bare, bare-nospin, {', '.join(QUANTS)}")
    return name, int(threads) if threads else default_threads


def summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2),
            "max": round(max(values), 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--prompts", default="128,512,1024", help="prompt lengths in tokens, comma-separated")
    parser.add_argument("--new-tokens", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--context", type=int, default=4096, help="context cap, as PhiDesk's default")
    parser.add_argument("--sides", default="phidesk,Q4_0,Q4_K_M")
    parser.add_argument("--llama-python", default=os.environ.get("LLAMA_PYTHON", sys.executable))
    parser.add_argument("--llama-src", type=Path,
                        default=Path(os.environ["LLAMA_CPP_SRC"]) if os.environ.get("LLAMA_CPP_SRC") else None)
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()
    from phidesk.engine.runtime import resolve_threads

    default_threads = resolve_threads(0)
    sides = [parse_side(s.strip(), default_threads) for s in args.sides.split(",") if s.strip()]
    lengths = [int(n) for n in args.prompts.split(",")]
    model, checkpoint, built = shaped_model(args.layers)
    log(f"model {model} ({built})")
    quants = [name for name, _ in sides if name in QUANTS]
    result: dict[str, Any] = {"machine": cpu_info(), "python": platform.python_version(),
                              "default_threads": default_threads, "layers": args.layers,
                              "matmulnbits": {k: built.get(k) for k in ("block_size", "accuracy_level")},
                              "new_tokens": args.new_tokens, "rounds": args.rounds}
    ggufs: dict[str, Path] = {}
    if quants:
        problem = llama_problem(args.llama_python, args.llama_src)
        if problem:
            print(f"llama.cpp side skipped: {problem}", file=sys.stderr)
            sides = [s for s in sides if s[0] not in QUANTS]
            quants = []
        else:
            assert args.llama_src is not None
            ggufs = gguf_files(args.llama_python, args.llama_src, checkpoint, model, quants=quants,
                               threads=default_threads)
            version = run_child([args.llama_python, "-c", "import llama_cpp; print(llama_cpp.__version__)"], "probe")
            result["llama_cpp_python"] = version.strip()
            result["gguf_mb"] = {q: round(p.stat().st_size / 2**20) for q, p in ggufs.items()}
    ids = json.loads(run_child([sys.executable, "-c", IDS_CHILD, str(model), json.dumps(lengths)], "tokenizing")
                     .strip().splitlines()[-1])
    prompts: dict[str, dict[str, Any]] = ids["prompts"]
    result["prompt_tokens"] = {n: len(p["ids"]) for n, p in prompts.items()}
    job = {"warmup": ids["warmup"], "prompts": {n: p["ids"] for n, p in prompts.items()},
           "new_tokens": args.new_tokens, "context": args.context}
    runs: dict[str, list[dict[str, Any]]] = {f"{name}@{threads}": [] for name, threads in sides}
    for index in range(args.rounds):
        order = sides[index % len(sides):] + sides[:index % len(sides)]
        for name, threads in order:
            key = f"{name}@{threads}"
            log(f"round {index + 1}/{args.rounds}: {key}")
            started = time.monotonic()
            if name == "phidesk":
                run = phidesk_side(model, prompts, args.new_tokens, threads, args.context)
            elif name.startswith("bare"):
                entries = {"session.intra_op.allow_spinning": "0"} if name == "bare-nospin" else {}
                run = child_side(sys.executable, BARE_CHILD, model, {**job, "threads": threads, "entries": entries},
                                 key)
            else:
                run = child_side(args.llama_python, LLAMA_CHILD, ggufs[name], {**job, "threads": threads}, key)
            run["wall_s"] = round(time.monotonic() - started, 1)
            runs[key].append(run)
            log(json.dumps({n: {k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()}
                            for n, r in run["rounds"].items()}))
    table: dict[str, dict[str, Any]] = {}
    for key, side_runs in runs.items():
        table[key] = {n: {metric: summary([r["rounds"][n][metric] for r in side_runs])
                          for metric in ("prefill_tok_s", "decode_tok_s", "ttft_s")} for n in prompts}
        table[key]["load_s"] = summary([r["load_s"] for r in side_runs])
        if all("cpu_per_wall" in r for r in side_runs):
            table[key]["cpu_per_wall"] = summary([r["cpu_per_wall"] for r in side_runs])
    result["medians"] = table
    ours = [key for key in runs if key.startswith("phidesk")]
    theirs = [key for key in runs if key.split("@")[0] in QUANTS]
    result["ratios_of_medians"] = {
        f"{a} / {b}": {n: {metric: round(table[a][n][metric]["median"] / table[b][n][metric]["median"], 3)
                           for metric in ("prefill_tok_s", "decode_tok_s")} for n in prompts}
        for a in ours for b in theirs}
    result["raw"] = runs
    text = json.dumps(result)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
