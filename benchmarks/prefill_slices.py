"""PhiDesk's sliced prefill against the bare loop's single call, paired in one worker (bare, PhiDesk, PhiDesk, bare).

    python benchmarks/prefill_slices.py MODEL [--words 380] [--pairs 1]     # 380 words: 1,224 tokens

PhiDesk feeds a long prompt in slices so it can report progress; each slice is a smaller batch for the
matrix multiplications. This measures what that costs: the prefill rate of PhiDesk's path over the bare
loop's, on the same model object in the same process. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("--words", type=int, default=380, help="words in the message (380: 1,224 tokens)")
    parser.add_argument("--pairs", type=int, default=1)
    args = parser.parse_args()
    from phidesk.bench import WARMUP_TEXT, WARMUP_TOKENS, _answer
    from phidesk.engine.client import EngineClient

    words = ("a lighthouse keeper writes down the weather, the ships and the tides every evening " * 60).split()
    text = " ".join(words[: args.words])
    bare, ours, slices = [], [], []
    with EngineClient() as client:
        client.load(args.model, "cpu", 4096)
        _answer(client, WARMUP_TEXT, WARMUP_TOKENS)
        for _ in range(args.pairs):
            first = client.measure_bare(text, 2)
            for _ in range(2):
                _, _, finished = _answer(client, text, 2)
                ours.append(finished.stats.prefill_tok_s)
            last = client.measure_bare(text, 2)
            bare += [first["prefill_tok_s"], last["prefill_tok_s"]]
            slices.append(first["prompt_tokens"])
    print(json.dumps({"prompt_tokens": slices[0], "phidesk_prefill_tok_s": round(statistics.median(ours), 2),
                      "bare_prefill_tok_s": round(statistics.median(bare), 2),
                      "ratio": round(statistics.median(ours) / statistics.median(bare), 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
