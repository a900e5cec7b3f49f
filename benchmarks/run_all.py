"""Every benchmark figure for RESULTS.md in one run: the starter and the Phi-3.5-mini-shaped model.

    python benchmarks/run_all.py [--rounds 3] [--models starter,shaped] [--out benchmarks/results/run-DATE.json]

For each model: ``phidesk bench --json`` at 128, 1,024 and 3,000 prompt tokens (PhiDesk against the bare
onnxruntime-genai loop, alternating rounds, medians and per-round spread), the GUI stall probe and the
10-turn conversation once (at 128 tokens). Then, when llama-cpp-python is installed, the starter against
llama.cpp on the same GGUF (benchmarks/llamacpp_compare.py). Writes everything to one JSON file and prints
where; ``benchmarks/plot_results.py`` draws the plot from it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
PROMPTS = (128, 1024, 3000)


def model_path(name: str) -> Path:
    if name == "starter":
        from phidesk.models import starter

        return starter.build_cached()
    if name == "shaped":
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from phi35_shaped import cache_dir

        path = cache_dir("cpu")
        if not (path / "genai_config.json").is_file():
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "phi35_shaped.py")], check=True)
        return path
    return Path(name)


def bench(model: Path, prompt_tokens: int, new_tokens: int, rounds: int, *, gui: bool, turns: int) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "phidesk", "bench", "--json", "-m", str(model), "--ep", "cpu",
           "--prompt-tokens", str(prompt_tokens), "--new-tokens", str(new_tokens), "--rounds", str(rounds),
           "--turns", str(turns), *([] if gui else ["--no-gui"])]
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench failed: {done.stderr.strip()[-1000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    result["wall_s"] = round(time.monotonic() - started, 1)
    ours = result["rounds"]["phidesk"]
    result["spread"] = {key: [round(min(r[key] for r in ours), 4), round(max(r[key] for r in ours), 4)]
                        for key in ("ttft_s", "decode_tok_s", "paired_ratio", "prefill_tok_s")}
    return result


def versions() -> dict[str, str]:
    from importlib import metadata

    out = {"python": platform.python_version(), "machine": platform.machine(), "system": platform.platform()}
    for dist in ("onnxruntime-genai", "onnxruntime", "pyside6-essentials", "llama-cpp-python"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--models", default="starter,shaped")
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M")
    out = args.out or ROOT / "benchmarks" / "results" / f"run-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    import psutil

    report: dict[str, Any] = {"started": stamp, "versions": versions(), "cpu_count": psutil.cpu_count(),
                              "ram_mb": psutil.virtual_memory().total // 2**20, "models": {}}
    for name in args.models.split(","):
        model = model_path(name)
        runs = {}
        for index, prompt in enumerate(PROMPTS):
            runs[str(prompt)] = bench(model, prompt, args.new_tokens, args.rounds, gui=index == 0,
                                      turns=10 if index == 0 else 1)
            out.write_text(json.dumps(report | {"models": report["models"] | {name: runs}}, indent=2))
        report["models"][name] = runs
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        report["llama_cpp"] = "llama-cpp-python is not installed"
    else:
        done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "llamacpp_compare.py"), "--rounds",
                               str(max(3, args.rounds))], capture_output=True, text=True, check=False)
        report["llama_cpp"] = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else (
            f"failed: {done.stderr.strip()[-500:]}")
    out.write_text(json.dumps(report, indent=2))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
