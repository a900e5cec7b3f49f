"""Where a long gap of the window's GUI thread went: running, waiting for a CPU, or asleep.

    python benchmarks/stall_anatomy.py MODEL_DIR [--tokens 200] [--threads 2] [--over 16] [--canary]

Runs the GUI-stall probe (`phidesk.gui.probe`: the real window offscreen, the model loading, an answer, five Stops)
in this process. At each tick of the probe's 5 ms timer it also reads, from Linux's /proc:

- the GUI thread's ``schedstat``: nanoseconds it has **run** on a CPU, and nanoseconds it has **waited** runnable in
  a run queue (it could have run but another task had the CPU);
- the machine's **steal** time (``/proc/stat``): time the hypervisor gave this virtual machine's CPUs to others;
- the GUI thread's page faults (``/proc/.../stat``): **minor** (a page mapped without reading anything) and
  **major** (a page read back from disk, e.g. library code the kernel had evicted from memory).

For every gap between ticks longer than ``--over`` ms it prints the gap split into run / run-queue wait / the rest
(asleep or blocked: waiting on the GIL, a lock, I/O; or the timer's own 5 ms) and the steal over it, with when it
happened (seconds after start; the model's load and the first token are marked). With ``--canary`` the gaps over
``--over`` ms of the probe's canary (a plain Python process, no Qt, nothing else, sleeping 5 ms in a loop beside the
window; it reports gaps over 8 ms) are listed on the same clock: a gap both see is the machine's, not the window's.

One JSON line per gap, then a summary line. Linux only.
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
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("model", type=Path)
    parser.add_argument("--tokens", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--over", type=float, default=16.0)
    parser.add_argument("--canary", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import Qt, QTimer

    from phidesk.gui import probe as probe_mod

    tid = threading.get_native_id()
    schedstat = Path(f"/proc/self/task/{tid}/schedstat").open("rb", buffering=0)  # noqa: SIM115 - read at every tick
    stat = Path(f"/proc/self/task/{tid}/stat").open("rb", buffering=0)  # noqa: SIM115 - read at every tick
    rows: list[tuple[float, int, int, float, int, int]] = []
    ticks: list[float] = []
    marks: dict[str, float] = {}

    def sample() -> None:
        now = time.perf_counter()
        ticks.append(now)
        schedstat.seek(0)
        run, wait, _slices = schedstat.read().split()
        stat.seek(0)
        fields = stat.read().rsplit(b")", 1)[1].split()  # after "pid (comm)": state ppid ... minflt cminflt majflt
        rows.append((now, int(run), int(wait), probe_mod.steal_ms(), int(fields[7]), int(fields[9])))

    def instrumented() -> tuple[Any, list[float]]:
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(5)
        timer.timeout.connect(sample)
        timer.start()
        return timer, ticks

    probe_mod.tick_timer = instrumented  # the probe's own timer, observing more at each tick
    start = time.perf_counter()
    canary_seen: list[tuple[float, float]] = []

    class Canary(probe_mod.Canary):  # the probe's own canary, its gaps kept here as well
        def stop(self) -> list[tuple[float, float]]:
            gaps = super().stop()
            canary_seen.extend(gaps)
            return gaps

    probe_mod.Canary = Canary

    from phidesk.gui import bridge as bridge_mod

    original_init = bridge_mod.EngineBridge.__init__

    def init(self: Any, *a: Any, **k: Any) -> None:
        original_init(self, *a, **k)
        self.loaded.connect(lambda *_: marks.setdefault("loaded", time.perf_counter()))
        self.token.connect(lambda *_: marks.setdefault("first_token", time.perf_counter()))
        self.finished.connect(lambda *_: marks.setdefault("finished", time.perf_counter()))

    bridge_mod.EngineBridge.__init__ = init  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory(prefix="phidesk-anatomy-") as home:
        os.environ["PHIDESK_HOME"] = home
        result = probe_mod.probe(args.model, args.tokens, "cpu", args.threads)
    canary_gaps = [(a, b) for a, b in (canary_seen if args.canary else []) if (b - a) * 1000 > args.over]

    end = marks.get("finished", rows[-1][0])
    gaps = []
    for (t0, r0, w0, s0, mi0, ma0), (t1, r1, w1, s1, mi1, ma1) in itertools.pairwise(rows):
        if t1 > end:
            break
        gap = (t1 - t0) * 1000
        if gap <= args.over:
            continue
        run, wait = (r1 - r0) / 1e6, (w1 - w0) / 1e6
        seen = [round((b - a) * 1000, 1) for a, b in canary_gaps if a < t1 and b > t0]
        gaps.append({"at_s": round(t0 - start, 2), "gap_ms": round(gap, 1), "run_ms": round(run, 1),
                     "runqueue_wait_ms": round(wait, 1), "other_ms": round(gap - run - wait, 1),
                     "steal_ms": round(s1 - s0, 1), "minor_faults": mi1 - mi0,
                     "major_faults": ma1 - ma0, "canary_gap_ms": seen})
        print(json.dumps(gaps[-1]))
    summary = {"marks_s": {k: round(v - start, 2) for k, v in marks.items()}, "gaps_over": len(gaps),
               "canary_gaps_over": len([g for g in canary_gaps if g[0] < end]),
               **{k: v for k, v in result.items() if k.startswith("gui_stall")}}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
