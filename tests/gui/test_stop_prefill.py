"""Esc while a long prompt is being read: the window is ready at once and the worker keeps what it read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from phidesk.engine.protocol import Sampling
from phidesk.gui.main_window import STOPPING, MainWindow
from tests.gui.test_window import ANSWER_TIMEOUT_MS, loaded_window

pytestmark = pytest.mark.usefixtures("starter_installed")
LONG = "Summarise this text. " + "The quick brown fox jumps over the lazy dog. " * 300


@pytest.fixture
def window(qtbot: object) -> Iterator[MainWindow]:
    yield from loaded_window(qtbot, Sampling(temperature=0, max_new_tokens=16))


def test_esc_during_a_long_prefill_keeps_the_worker_and_says_stopping(qtbot: object, window: MainWindow) -> None:
    pid = window.bridge.client.worker_pid
    seen: list[tuple[int, int]] = []
    pressed: list[bool] = []
    at_finish: list[tuple[bool, str]] = []  # (the worker still reading its slice, the status bar's text)

    def on_prefill(done: int, total: int) -> None:
        seen.append((done, total))
        if done > 0 and not pressed:
            pressed.append(True)
            qtbot.keyClick(window.composer.editor, Qt.Key.Key_Escape)  # type: ignore[attr-defined]

    def on_finished(_stats: object) -> None:
        at_finish.append((window.bridge.stopping, window.status_speed.text()))

    window.bridge.prefill.connect(on_prefill)
    window.bridge.finished.connect(on_finished)
    window.composer.editor.setPlainText(LONG)
    with qtbot.waitSignal(window.bridge.stop_done, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: bool(pressed) and not window.bridge.busy,  # type: ignore[attr-defined]
                        timeout=ANSWER_TIMEOUT_MS)
    assert max(total for _, total in seen) > 2500  # a long prompt really was being read
    assert window.chat.messages[-1].note.text().startswith("stopped")
    assert at_finish
    assert all(text == STOPPING for still_reading, text in at_finish if still_reading)
    assert window.status_speed.text() != STOPPING  # the slice is read: the note is gone again
    assert window.bridge.client.worker_pid == pid  # nothing was killed, nothing reloads
    # The same question again: the tokens read before Esc are not read again.
    window.bridge.prefill.disconnect(on_prefill)
    totals: list[int] = []
    window.bridge.prefill.connect(lambda done, total: totals.append(total))
    window.composer.editor.setPlainText("Thanks. Now just say hello.")
    with qtbot.waitSignal(window.bridge.finished, timeout=ANSWER_TIMEOUT_MS) as blocker:  # type: ignore[attr-defined]
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    stats = blocker.args[0]
    assert stats.finish_reason in {"stop", "length"}
    read_before_esc = max(done for done, _ in seen)
    assert read_before_esc > 0
    assert stats.prompt_tokens - stats.new_prompt_tokens >= read_before_esc
    assert window.bridge.client.worker_pid == pid
