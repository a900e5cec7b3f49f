"""The GUI-stall probe: how long the real main window's event loop is ever kept waiting.

``python -m phidesk.gui.probe MODEL_DIR [--tokens 500]`` (run by ``phidesk bench``) starts
the real MainWindow offscreen on a throw-away PHIDESK_HOME holding the model (hard links),
then, with a 5 ms precise timer ticking on the GUI thread, loads the model and streams an
answer of exactly N tokens into the window. It prints one JSON line: the longest gap
between ticks (``gui_stall_max_ms``, the raw gap, nominal 5 ms included), the 99th
percentile, and how many tokens arrived. Stalls are the time the GUI thread could not
react: to a click, to Stop, to repainting. Then it stops STOP_TRIALS answers a few tokens in
(as Esc does) and reports how long until the window was ready for the next message
(``gui_stop_ready_ms``, the worst of them).

Beside the window a canary runs (``Canary``): a plain Python process, no Qt and no model, that sleeps 5 ms in a loop.
``gui_stall_canary_max_ms`` is its longest gap over CANARY_OVER_MS during the same stretch (0: none), and
``gui_stall_steal_ms`` the time the hypervisor took from this virtual machine's CPUs meanwhile (Linux; -1 elsewhere).
A window's stall that the canary shared, or that came with steal, is the machine's, not the window's.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from phidesk import paths

STOP_TRIALS = 5
CANARY_OVER_MS = 8.0
"""The canary reports its gaps longer than this (its own loop takes ~5.1 ms)."""
CANARY_LIFE_S = 900
"""A canary whose probe never stopped it ends by itself after this long (or when its parent has gone)."""
CANARY = """
import os, sys, time
over, parent = float(sys.argv[1]) / 1000, os.getppid()
print("ready", flush=True)
last = time.perf_counter()
until = last + float(sys.argv[2])
while last < until and os.getppid() == parent:
    time.sleep(0.005)
    now = time.perf_counter()
    if now - last > over:
        print(f"{last:.6f} {now:.6f}", flush=True)
    last = now
"""


class Canary:
    """A plain Python process sleeping 5 ms in a loop, from the moment this returns; ``stop`` gives its gaps over
    CANARY_OVER_MS as (start, end) on ``time.perf_counter``'s clock, the machine's monotonic clock, the same in every
    process. Each gap is also a line on its stdout as it ends: "START END"."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", CANARY, str(CANARY_OVER_MS), str(CANARY_LIFE_S)], stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL, text=True, encoding="ascii", **paths.helper_popen_kwargs())
        assert self.process.stdout is not None
        self.process.stdout.readline()  # "ready": it is in its loop (or it failed to start: it reports nothing)

    def stop(self) -> list[tuple[float, float]]:
        self.process.terminate()
        out, _ = self.process.communicate(timeout=30)
        gaps = []
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2:  # (a line cut by terminate is dropped)
                gaps.append((float(parts[0]), float(parts[1])))
        return gaps


def steal_ms() -> float:
    """CPU time the hypervisor has taken from this machine since it started, in ms (Linux); -1 elsewhere."""
    try:
        with Path("/proc/stat").open(encoding="ascii") as f:
            fields = f.readline().split()  # cpu user nice system idle iowait irq softirq steal
        return int(fields[8]) * 1000 / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return -1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m phidesk.gui.probe")
    parser.add_argument("model", type=Path)
    parser.add_argument("--tokens", type=int, default=500)
    parser.add_argument("--provider", default="auto")
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="phidesk-probe-") as home:
        os.environ["PHIDESK_HOME"] = home
        result = probe(args.model, args.tokens, args.provider, args.threads)
    print(json.dumps(result))
    return 0


def tick_timer() -> tuple[Any, list[float]]:
    """A started 5 ms precise timer on this (the GUI) thread and the list of its tick times: the gaps between
    ticks are how long the event loop could not react (the benchmarks of the window's stalls share it)."""
    from PySide6.QtCore import Qt, QTimer

    ticks: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    return timer, ticks


def probe(model: Path, tokens: int, provider: str, threads: int = 0) -> dict[str, float]:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from phidesk import settings
    from phidesk.engine.protocol import Sampling
    from phidesk.gui.app import create_app
    from phidesk.gui.main_window import MainWindow
    from phidesk.models import library
    from phidesk.store import Store

    library.import_path(model, "probe", link=True)  # a throw-away library that nothing edits: links, as before
    prefs = settings.Settings(default_model="probe", provider=provider, threads=threads,
                              sampling=Sampling(temperature=0, max_new_tokens=tokens, min_new_tokens=tokens))
    app = create_app()
    store = Store()
    canary = Canary()
    steal = [steal_ms()]  # at the start of the measured stretch, then at its end
    timer, ticks = tick_timer()
    window = MainWindow(store, prefs)  # starts loading the default model
    window.show()
    received: dict[str, Any] = {"tokens": 0, "done": False, "sent": False, "stops": []}
    stop_at: list[float] = []
    stall_end: list[float] = []  # the stall figure covers load + the 500-token answer

    def on_loaded(_event: object) -> None:
        if not received["sent"]:  # at once, yet in a turn of its own, as a key press would come
            received["sent"] = True
            QTimer.singleShot(0, lambda: window.send("Write a long story about a lighthouse keeper.", []))

    def on_token(_text: str) -> None:
        received["tokens"] += 1
        if received["done"] and not stop_at and window.streaming is not None and len(window.streaming.text) > 40:
            stop_at.append(time.perf_counter())
            window.stop()  # what Esc does

    def on_busy(busy: bool) -> None:
        if not busy and stop_at:  # ready for the next message
            received["stops"].append((time.perf_counter() - stop_at.pop()) * 1000)
            if len(received["stops"]) < STOP_TRIALS:
                QTimer.singleShot(100, lambda: window.send("Tell me another long story.", []))
            else:
                QTimer.singleShot(200, app.quit)

    def on_finished(_stats: object) -> None:
        if not received["done"]:
            stall_end.append(time.perf_counter())  # the measured answer is complete: now try Stop a few times
            steal.append(steal_ms())
            received["done"] = True
            QTimer.singleShot(100, lambda: window.send("Tell me another long story.", []))

    window.bridge.loaded.connect(on_loaded)
    window.bridge.token.connect(on_token)
    window.bridge.busy_changed.connect(on_busy)
    window.bridge.finished.connect(on_finished)
    window.bridge.failed.connect(lambda *_a: app.quit())
    QTimer.singleShot(600_000, app.quit)
    try:
        app.exec()
    finally:
        canary_gaps = canary.stop()
    timer.stop()
    window.close()
    store.close()
    measured = [t for t in ticks if t <= stall_end[0]] if stall_end else ticks
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(measured)]
    start, end = (measured[0], measured[-1]) if measured else (0.0, 0.0)
    shared = [(b - a) * 1000 for a, b in canary_gaps if a < end and b > start]
    QApplication.processEvents()
    return {
        "gui_stall_max_ms": round(max(gaps), 2) if gaps else -1.0,
        "gui_stall_p99_ms": round(statistics.quantiles(gaps, n=100)[98], 2) if len(gaps) > 100 else -1.0,
        "gui_stall_canary_max_ms": round(max(shared), 2) if shared else 0.0,
        "gui_stall_steal_ms": round(steal[1] - steal[0], 1) if len(steal) == 2 and min(steal) >= 0 else -1.0,
        "gui_ticks": len(ticks),
        "gui_tokens": received["tokens"],
        "gui_answer_done": received["done"],
        "gui_stop_ready_ms": round(max(received["stops"]), 1) if received["stops"] else -1.0,
        "gui_stop_ready_all_ms": [round(x, 1) for x in received["stops"]],
    }


if __name__ == "__main__":
    sys.exit(main())
