"""Plot a run of benchmarks/run_all.py: prefill and decode tokens/s against prompt length, PhiDesk and bare.

    python benchmarks/plot_results.py benchmarks/results/run-DATE.json [--out benchmarks/results/speed.png]

Needs matplotlib (``pip install "phidesk[bench]"``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    report = json.loads(args.run.read_text())
    models = report["models"]
    fig, axes = plt.subplots(1, len(models), figsize=(6 * len(models), 4.2), squeeze=False)
    for ax, (name, runs) in zip(axes[0], models.items(), strict=True):
        lengths = sorted(int(k) for k in runs)
        for key, bare_key, label, style in (("prefill_tok_s", "bare_prefill_tok_s", "prefill", "-"),
                                            ("decode_tok_s", "bare_decode_tok_s", "decode", "--")):
            ax.plot(lengths, [runs[str(n)][key] for n in lengths], style, marker="o", color="#2856b0",
                    label=f"PhiDesk {label}")
            ax.plot(lengths, [runs[str(n)][bare_key] for n in lengths], style, marker="x", color="#999999",
                    label=f"bare loop {label}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(lengths, [f"{n:,}" for n in lengths])
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_xlabel("prompt tokens")
        ax.set_ylabel("tokens / s")
        ax.set_title(f"{name}: {runs[str(lengths[0])]['model']}", fontsize=9)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    versions = report["versions"]
    fig.suptitle(f"CPU, {report['cpu_count']} threads · onnxruntime-genai {versions.get('onnxruntime-genai')} · "
                 f"{report['started']}", fontsize=9)
    fig.tight_layout()
    out = args.out or args.run.with_suffix(".png")
    fig.savefig(out, dpi=110)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
