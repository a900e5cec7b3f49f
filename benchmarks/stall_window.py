"""The window the A/B stall benchmarks drive (`server_gui_stall.py`, `remote_gui_stall.py`): the real MainWindow
(offscreen) on the current PHIDESK_HOME, *model* imported there as "bench" (hard links), answers of exactly
*tokens* tokens, and the 5 ms precise timer of `phidesk bench` ticking on the GUI thread."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


class StallWindow:
    def __init__(self, model: Path, tokens: int) -> None:
        from phidesk import settings
        from phidesk.engine.protocol import Sampling
        from phidesk.gui.app import create_app
        from phidesk.gui.main_window import MainWindow
        from phidesk.gui.probe import tick_timer
        from phidesk.models import library
        from phidesk.store import Store

        library.import_path(model, "bench", link=True)
        prefs = settings.Settings(default_model="bench", provider="cpu",
                                  sampling=Sampling(temperature=0, max_new_tokens=tokens, min_new_tokens=tokens))
        self.app = create_app()
        self.store = Store()
        self.window = MainWindow(self.store, prefs)
        self.window.show()
        self.timer, self.ticks = tick_timer()
        self.done: list[float] = []  # when each answer ended
        self.window.bridge.finished.connect(lambda _stats: self.done.append(time.perf_counter()))

    def wait(self, condition: Callable[[], Any], name: str, limit_s: float = 900,
             each: Callable[[], None] | None = None) -> None:
        """Run the event loop until *condition* holds (*each*: called at every turn); SystemExit after *limit_s*."""
        deadline = time.monotonic() + limit_s
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit(f"{name}: timed out")
            if each is not None:
                each()
            self.app.processEvents()
            time.sleep(0.002)

    def answer_stall(self, text: str, name: str, each: Callable[[], None] | None = None) -> float:
        """Send *text* in the shown chat and wait for its answer: the longest gap between ticks meanwhile, in ms."""
        sent, before = time.perf_counter(), len(self.done)
        self.window.send(text, [])
        self.wait(lambda: len(self.done) > before, name, each=each)
        measured = [t for t in self.ticks if sent <= t <= self.done[-1]]
        return round(max((b - a) * 1000 for a, b in itertools.pairwise(measured)), 2)

    def close(self) -> None:
        from PySide6.QtWidgets import QApplication

        self.timer.stop()
        self.window.close()
        self.store.close()
        QApplication.processEvents()
