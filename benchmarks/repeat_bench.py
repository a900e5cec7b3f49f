"""Run ``phidesk bench --json`` several times; save each result and a summary in benchmarks/results/."""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--runs", type=int, default=3)
    parser.add_argument("bench_args", nargs=argparse.REMAINDER, help="passed to phidesk bench (after --)")
    args = parser.parse_args()
    extra = [a for a in args.bench_args if a != "--"]
    runs = []
    for index in range(args.runs):
        print(f"run {index + 1}/{args.runs}", file=sys.stderr, flush=True)
        done = subprocess.run([sys.executable, "-m", "phidesk", "bench", "--json", *extra], capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        runs.append(json.loads(done.stdout))
    numeric = [k for k, v in runs[0].items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    summary = {k: {"median": statistics.median(r[k] for r in runs), "min": min(r[k] for r in runs),
                   "max": max(r[k] for r in runs)} for k in numeric}
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"{stamp}-{platform.node()}-{runs[0]['model']}.json"
    out.write_text(json.dumps({"machine": platform.platform(), "processor": platform.processor(),
                               "runs": runs, "summary": summary}, indent=2), encoding="utf-8")
    print(json.dumps({k: v["median"] for k, v in summary.items()}, indent=2))
    print(f"saved {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
