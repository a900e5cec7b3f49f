"""A streamed answer in the real message widget: how long does one update (re-render + layout) take?

    python benchmarks/render_stream.py [--sizes 5000,10000,20000] [--chunk 48] [--seed 1]

A ChatView offscreen (900 × 800) and one assistant message; a 20 kB Markdown answer (prose, lists, a table,
a quote, code blocks; seeded) is streamed into it *chunk* characters per update, as the window's 60 ms render
timer would hand them over: ``append`` + ``rerender`` + the event loop (layout, paint). Prints one JSON object:
per size, the median and max milliseconds of the updates while the answer grows through the last 1,000
characters before that size (``incremental``), and for contrast one full render of the answer at that size
into a fresh message (``full_render_ms``: what each update cost when the whole answer was re-rendered).

Run it with PYTHONPATH pointing at the sources to measure (e.g. an older checkout for "before").
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time

PROSE = ("The answer explains the idea in plain words, with *emphasis*, **strong words**, `inline code` and a "
         "[link](https://example.com). ")


def make_answer(size: int, seed: int) -> str:
    """Markdown of about *size* characters: what a model writes when it explains some code."""
    rng = random.Random(seed)
    parts: list[str] = []
    while sum(len(p) for p in parts) < size:
        kind = rng.choice(["prose", "prose", "list", "code", "table", "quote"])
        if kind == "prose":
            parts.append(PROSE * rng.randint(2, 6) + "\n\n")
        elif kind == "list":
            parts.append("".join(f"{n}. A step of the answer, item {n}, with `code`.\n" for n in range(1, 6)) + "\n")
        elif kind == "code":
            count = rng.randint(5, 25)
            lines = [f"    total += value_{n} * {rng.randint(1, 99)}  # step {n}" for n in range(count)]
            body = "\n".join(lines)
            parts.append(f"```python\ndef compute(values):\n    total = 0\n{body}\n    return total\n```\n\n")
        elif kind == "table":
            rows = "".join(f"| item {n} | {rng.randint(1, 999)} | a note |\n" for n in range(6))
            parts.append("| Name | Value | Note |\n|:--|--:|---|\n" + rows + "\n")
        else:
            parts.append("> A quoted line that the answer refers to,\n> and its second line.\n\n")
    return "".join(parts)[:size]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,10000,20000")
    parser.add_argument("--chunk", type=int, default=48)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from phidesk.gui.chat_view import ChatView
    from phidesk.gui.images import ImageLoader

    app = QApplication(sys.argv)
    text = make_answer(sizes[-1], args.seed)
    view = ChatView(ImageLoader())
    view.resize(900, 800)
    view.show()
    app.processEvents()
    widget = view.add_message("assistant", "", model="bench")
    app.processEvents()
    timings: list[tuple[int, float]] = []  # (length after the update, ms)
    for end in range(args.chunk, len(text) + args.chunk, args.chunk):
        started = time.perf_counter()
        widget.append(text[end - args.chunk:end])
        widget.rerender()
        app.processEvents()
        timings.append((min(end, len(text)), (time.perf_counter() - started) * 1000))
    result: dict[str, object] = {"chunk": args.chunk, "seed": args.seed, "sizes": {}}
    for size in sizes:
        window = [ms for length, ms in timings if size - 1000 < length <= size]
        fresh = view.add_message("assistant", "", model="bench")
        app.processEvents()
        started = time.perf_counter()
        fresh.set_text(text[:size])
        app.processEvents()
        full_ms = (time.perf_counter() - started) * 1000
        result["sizes"][str(size)] = {  # type: ignore[index]
            "incremental_median_ms": round(statistics.median(window), 2),
            "incremental_max_ms": round(max(window), 2),
            "full_render_ms": round(full_ms, 2),
        }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
