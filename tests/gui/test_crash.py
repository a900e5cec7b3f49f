"""Exceptions nobody expected, in the real app's hooks and background threads: logged, shown, never a UI left busy."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from phidesk import logs
from phidesk.gui import crash
from phidesk.gui.bridge import EngineBridge
from phidesk.gui.images import ImageKeeper

WAIT_MS = 10_000  # a hang guard: each of these takes milliseconds


@pytest.fixture
def log_path(phidesk_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The real log file in this test's data folder, and the hooks as they were afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    before = set(logging.getLogger().handlers)
    path = logs.setup()
    yield path
    for handler in set(logging.getLogger().handlers) - before:
        logging.getLogger().removeHandler(handler)
        handler.close()


def _flushed(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_an_exception_in_a_thread_is_logged_and_shown_with_the_log_path(qtbot: object, log_path: Path) -> None:
    notice = crash.install(log_path)

    def fail() -> None:
        raise ValueError("the <b>disk</b> said no")

    thread = threading.Thread(target=fail, name="phidesk-test-thread")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: notice.dialog is not None and notice.dialog.isVisible(),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    assert notice.dialog is not None
    text = notice.dialog.text()
    assert "ValueError: the <b>disk</b> said no (in phidesk-test-thread)" in text  # literally: plain text
    assert str(log_path) in text
    logged = _flushed(log_path)
    assert "unexpected error in thread phidesk-test-thread" in logged
    assert "Traceback" in logged
    assert "in fail" in logged
    notice.dialog.close()


def test_an_exception_in_a_qt_slot_reaches_the_hook_and_the_dialog(qtbot: object, log_path: Path) -> None:
    notice = crash.install(log_path)

    def slot() -> None:
        raise KeyError("no such conversation")

    QTimer.singleShot(0, slot)  # raised inside Qt's event loop, on the GUI thread
    qtbot.waitUntil(lambda: notice.dialog is not None and notice.dialog.isVisible(),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    assert notice.dialog is not None
    assert "KeyError: 'no such conversation'" in notice.dialog.text()
    assert "in slot" in _flushed(log_path)
    notice.dialog.close()


def test_an_unexpected_error_on_the_engine_thread_ends_the_busy_state(qtbot: object, log_path: Path) -> None:
    bridge = EngineBridge(log_path=log_path.parent / "worker.log")
    try:
        # A NUL in a path is refused by the OS layer with ValueError, not OSError: nothing in the client expects it.
        with qtbot.waitSignal(bridge.load_failed, timeout=WAIT_MS) as blocker:  # type: ignore[attr-defined]
            bridge.load("model\0folder", "cpu", 2048)
        assert not bridge.busy
        message, user_error = blocker.args
        assert "unexpected error: ValueError" in message
        assert str(log_path) in message
        assert not user_error
        assert "unexpected error on the engine thread" in _flushed(log_path)
    finally:
        bridge.shutdown()


def test_an_unexpected_error_while_keeping_images_gives_the_question_back(qtbot: object, log_path: Path) -> None:
    keeper = ImageKeeper()
    with qtbot.waitSignal(keeper.failed, timeout=WAIT_MS) as blocker:  # type: ignore[attr-defined]
        keeper.keep("my question", ["photo\0.png"])
    text, images, reason = blocker.args
    assert (text, images) == ("my question", ["photo\0.png"])
    assert "could not be kept" in reason
    assert str(log_path) in reason
    keeper.pool.waitForDone(WAIT_MS)
