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


def test_stop_cancels_the_window_request_waiting_behind_another_and_leaves_that_one(qtbot: object,
                                                                                   starter_source: Path,
                                                                                   tmp_path: Path) -> None:
    """The local server shares the worker: the window's Stop, pressed while the window's question waits behind a
    server answer, takes the question out of the line; the server's answer goes on to its end."""
    import threading

    from phidesk.engine.line import Turn
    from phidesk.engine.protocol import Finished, Message, Sampling

    bridge = EngineBridge(log_path=tmp_path / "worker.log")
    try:
        with qtbot.waitSignal(bridge.loaded, timeout=HANG_GUARD_MS):  # type: ignore[attr-defined]
            bridge.load(starter_source, "cpu", 2048)
        other = Turn("server")
        ends: list[object] = []
        started = threading.Event()

        def server_answer() -> None:
            for event in bridge.client.generate([Message("user", "Count from one to fifty.")],
                                                Sampling(temperature=0, max_new_tokens=60, min_new_tokens=60),
                                                conversation="server", turn=other):
                started.set()
                if isinstance(event, Finished):
                    ends.append(event.stats.finish_reason)

        thread = threading.Thread(target=server_answer)
        thread.start()
        assert started.wait(60)
        with qtbot.waitSignal(bridge.finished, timeout=HANG_GUARD_MS) as blocker:  # type: ignore[attr-defined]
            bridge.send([Message("user", "Hello")], Sampling(temperature=0, max_new_tokens=8), conversation="w")
            qtbot.waitUntil(lambda: bridge.client.activity.queued == 1,  # type: ignore[attr-defined]
                            timeout=HANG_GUARD_MS)
            bridge.stop()
        assert blocker.args[0].finish_reason == "cancelled"
        thread.join(HANG_GUARD_MS / 1000)
        assert ends == ["length"]  # the server's answer ran to its token limit, not stopped
    finally:
        bridge.shutdown()
