"""Esc while the model loads, through the real bridge and a real worker: a cancel the window can show."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from phidesk.gui.bridge import EngineBridge

pytestmark = pytest.mark.slow
HANG_GUARD_MS = 120_000  # only stops a hang: the starter loads in about a second


def test_stop_while_loading_reports_a_cancel_and_ends_busy(qtbot: object, starter_source: Path,
                                                           tmp_path: Path) -> None:
    bridge = EngineBridge(log_path=tmp_path / "worker.log")
    presses = QTimer()
    presses.setInterval(10)  # Esc, again and again, from the moment the worker exists

    def press() -> None:
        if bridge.client.worker_pid is not None:
            bridge.stop()

    presses.timeout.connect(press)
    try:
        with qtbot.waitSignal(bridge.load_failed, timeout=HANG_GUARD_MS) as blocker:  # type: ignore[attr-defined]
            bridge.load(starter_source, "cpu", 2048)
            presses.start()
        presses.stop()
        message, user_error = blocker.args
        assert "stopped" in message
        assert "out of memory" not in message
        assert user_error
        assert not bridge.busy
        assert bridge.current is None
        with qtbot.waitSignal(bridge.loaded, timeout=HANG_GUARD_MS):  # type: ignore[attr-defined]
            bridge.load(starter_source, "cpu", 2048)  # and the next load works
    finally:
        presses.stop()
        bridge.shutdown()
