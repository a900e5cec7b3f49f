"""A very long answer in the real chat view: how long does the GUI thread stall?

    python benchmarks/long_answer_gui.py [--sizes 200000,500000,5000000] [--cap 120]

Each case runs in a fresh process: a ChatView offscreen (800 × 600), a 5 ms precise timer ticking on
the GUI thread, then one assistant message of SIZE characters is added (as opening a conversation
does) and the loop runs until the whole text is in the widget. Prints one JSON line per case: the
longest gap between ticks (``stall_max_ms``, nominal 5 ms included), the time until the whole text
was shown, and the shape (``single`` = one line without spaces, ``words`` = one line of words,
``lines`` = Markdown paragraphs of ~80 characters). A case still running after ``--cap`` seconds is
reported as ``timed_out`` with the cap as a lower bound (the old view laid out a single-line answer
in time that grows with the square of its length).

Run it with PYTHONPATH pointing at the sources to measure (e.g. an older checkout for "before").
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time


def make_text(shape: str, size: int) -> str:
    if shape == "single":
        return "".join(chr(0x61 + i % 26) for i in range(size))
    if shape == "words":
        return ("lorem ipsum dolor sit amet " * (size // 27 + 1))[:size]
    line = "A line of an answer, about eighty characters long, with *some* Markdown in it.\n\n"
    return (line * (size // len(line) + 1))[:size]


def one_case(shape: str, size: int) -> dict[str, object]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit, QWidget

    from phidesk.gui.chat_view import ChatView
    from phidesk.gui.images import ImageLoader
    from phidesk.gui.probe import tick_timer

    app = QApplication.instance() or QApplication([])
    view = ChatView(ImageLoader())
    view.resize(800, 600)
    view.show()
    text = make_text(shape, size)
    for _ in range(5):
        app.processEvents()

    def shown_chars() -> int:
        widgets = [w for w in view.findChildren(QWidget)
                   if isinstance(w, (QTextEdit, QPlainTextEdit)) and w.isVisibleTo(view)]
        return sum(w.document().characterCount() - w.document().blockCount() for w in widgets)

    timer, ticks = tick_timer()
    loop = QEventLoop()
    QTimer.singleShot(50, loop.quit)
    loop.exec()
    started = time.perf_counter()
    widget = view.add_message("assistant", text, model="bench")
    done_at = None
    deadline = started + 600
    while time.perf_counter() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        complete = getattr(widget, "shown_fully", True) and shown_chars() >= len(text.replace("\n", "")) * 0.5
        if complete and done_at is None:
            done_at = time.perf_counter()
            settle = QEventLoop()
            QTimer.singleShot(200, settle.quit)
            settle.exec()
            break
    timer.stop()
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]
    return {"shape": shape, "size": size, "stall_max_ms": round(max(gaps), 1) if gaps else None,
            "shown_after_s": round((done_at or time.perf_counter()) - started, 2), "ticks": len(ticks)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200000,500000,5000000")
    parser.add_argument("--shapes", default="single,words,lines")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds before a case is given up")
    parser.add_argument("--one", nargs=2, metavar=("SHAPE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_case(args.one[0], int(args.one[1]))))
        return 0
    for shape in args.shapes.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            try:
                proc = subprocess.run([sys.executable, __file__, "--one", shape, str(size)], capture_output=True,
                                      text=True, timeout=args.cap, check=False)
                lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
                print(lines[-1] if lines else json.dumps({"shape": shape, "size": size, "error": proc.stderr[-300:]}),
                      flush=True)
            except subprocess.TimeoutExpired:
                print(json.dumps({"shape": shape, "size": size, "timed_out": True,
                                  "stall_max_ms": f"> {args.cap * 1000:.0f}"}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
