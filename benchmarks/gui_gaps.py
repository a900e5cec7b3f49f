"""Every long gap of the GUI thread during `phidesk bench`'s window probe, with what the thread was doing.

    python benchmarks/gui_gaps.py MODEL_DIR [--threads N] [--over 16]

Runs the GUI-stall probe (`phidesk.gui.probe`: the real window offscreen, the model loading, a 500-token answer,
five Stops) in this process, with two observers. One is a 5 ms precise timer on the GUI thread, as in the probe.
The other is a sampler thread that records the GUI thread's Python stack every millisecond. For every gap between
ticks longer than ``--over`` ms, it prints when the gap happened and the stacks seen during it, most frequent
first. A gap whose only stack is the event loop itself (``app.exec``) was spent in Qt's C++ (layout, painting) or
waiting for the CPU. Without the GIL released, the sampler cannot run inside a long Python call: such a gap shows
the call's stack once, when it ends. One JSON summary line, then the gaps.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def run(model: Path, threads: int, over_ms: float) -> None:
    import phidesk.gui.app as app_module
    from phidesk.gui import probe

    main_id = threading.main_thread().ident
    samples: list[tuple[float, str]] = []
    ticks: list[float] = []
    stop = threading.Event()

    def sampler() -> None:
        while not stop.is_set():
            frame = sys._current_frames().get(main_id)
            if frame is not None:
                stack = traceback.extract_stack(frame)[-5:]
                samples.append((time.perf_counter(),
                                " < ".join(f"{Path(f.filename).name}:{f.lineno}:{f.name}" for f in reversed(stack))))
            time.sleep(0.001)

    create_app = app_module.create_app

    def with_ticks() -> object:
        from PySide6.QtCore import Qt, QTimer

        app = create_app()
        timer = QTimer(app)
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(5)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        timer.start()
        return app

    app_module.create_app = with_ticks  # type: ignore[assignment]
    watcher = threading.Thread(target=sampler, daemon=True)
    watcher.start()
    with tempfile.TemporaryDirectory(prefix="phidesk-gaps-") as home:
        os.environ["PHIDESK_HOME"] = home
        result = probe.probe(model, 500, "auto", threads)
    stop.set()
    print(json.dumps(result))
    start = ticks[0] if ticks else 0.0
    for a, b in itertools.pairwise(ticks):
        gap = (b - a) * 1000
        if gap <= over_ms:
            continue
        seen = Counter(stack for t, stack in samples if a < t < b)
        print(f"gap {gap:.1f} ms at {a - start:.2f} s")
        for stack, count in seen.most_common(4):
            print(f"  {count:4d} × {stack}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--over", type=float, default=16.0)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    run(args.model, args.threads, args.over)  # one run per process (one QApplication)
    return 0


if __name__ == "__main__":
    sys.exit(main())
