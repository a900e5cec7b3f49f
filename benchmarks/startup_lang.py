"""Window start-up to first paint, English vs Hindi: median of 5 fresh processes each (alternating).

    python benchmarks/startup_lang.py [RUNS]

Each run is a new process with its own empty PHIDESK_HOME (offscreen unless QT_QPA_PLATFORM is set), timed
from just before the process starts to the main window's first paint event. One warm-up run per language
first (it compiles the .ts into the cache in a source checkout, and warms the OS's file cache).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import os, sys, time
t0 = float(os.environ["STARTUP_T0"])
from PySide6.QtCore import QEvent, QObject
from phidesk.gui import app as gui_app, main_window

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print(f"{time.time() - t0:.4f}", flush=True)
            os._exit(0)
        return False

show = main_window.MainWindow.show
def shown(self):
    self._first_paint = FirstPaint(self)
    self.installEventFilter(self._first_paint)
    show(self)
main_window.MainWindow.show = shown
sys.exit(gui_app.main([]))
"""


def once(language: str, cache: str) -> float:
    with tempfile.TemporaryDirectory(prefix="phidesk-startup-") as home:
        env = {**os.environ, "PHIDESK_HOME": home, "PHIDESK_CACHE": cache, "PHIDESK_LANG": language,
               "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"), "STARTUP_T0": repr(time.time())}
        proc = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120,
                              check=False)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise SystemExit(f"the {language} start failed: {proc.stderr.strip()[-800:]}")
    return float(proc.stdout.split()[-1])


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory(prefix="phidesk-startup-cache-") as cache:
        Path(cache).mkdir(exist_ok=True)
        for language in ("en", "hi"):
            once(language, cache)
        times: dict[str, list[float]] = {"en": [], "hi": []}
        for _ in range(runs):
            for language, values in times.items():
                values.append(once(language, cache))
    for language, values in times.items():
        print(f"{language}: median {statistics.median(values) * 1000:.0f} ms to first paint "
              f"({', '.join(f'{v * 1000:.0f}' for v in values)})")
    delta = statistics.median(times["hi"]) - statistics.median(times["en"])
    print(f"hi - en: {delta * 1000:+.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
