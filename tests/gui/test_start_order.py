"""The order of the window's start: what runs at its first turns, and what waits until it has painted."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from phidesk import settings
from phidesk.gui import main_window
from phidesk.gui.main_window import MainWindow
from phidesk.gui.model_pane import ModelPane
from phidesk.store import Store


def test_the_hardware_report_waits_until_the_window_has_started(qtbot: object, phidesk_home: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The report ran at the window's first turn, competing with the first paint and the worker's start for the
    CPUs and the GIL (a 16-35 ms gap at start in about half the benchmark runs). It now waits REPORT_DELAY_MS, and
    a window closed before then makes none (nor resumes a download)."""
    started: list[int] = []
    monkeypatch.setattr(ModelPane, "start", lambda self, context, **_kw: started.append(context))
    monkeypatch.setattr(main_window, "REPORT_DELAY_MS", 600_000)  # never during this test, unless asked
    window = MainWindow(Store(), settings.Settings(provider="cpu"))  # no model installed: nothing loads
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    qtbot.waitExposed(window)  # type: ignore[attr-defined]
    for _ in range(5):
        QApplication.processEvents()
    assert started == []  # painted, and several turns later, no report yet
    assert window._report_timer.isActive()
    assert window._report_timer.interval() == 600_000
    window._report_timer.timeout.emit()  # what the timer does when its time comes
    assert started == [window.prefs.context_cap]
    window._report_timer.start()
    window.close()
    assert not window._report_timer.isActive()
