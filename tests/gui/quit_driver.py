"""Runs the real desktop app (``phidesk.gui.app.main``) and drives it as a user would, from inside.

Pastes an image into the composer (Ctrl+V), asks about it (Return), waits for the whole answer,
opens About (F1), closes it (Escape) and quits with Ctrl+Q; the exit code is the app's. Used by
tests/gui/test_quit.py in its own process, since what it guards against is the process aborting.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QMimeData, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from phidesk.gui.app import create_app, main


def say(text: str) -> None:
    print(f"driver: {text}", file=sys.stderr, flush=True)


def wait(condition: object, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:  # type: ignore[operator]
        QApplication.processEvents()
        time.sleep(0.005)
    return bool(condition())  # type: ignore[operator]


def drive(image: str) -> None:
    from phidesk.gui.main_window import MainWindow

    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
    window.activateWindow()
    if not wait(lambda: window.bridge.current is not None and not window.bridge.busy, 120):
        say("the model did not load")
    data = QMimeData()
    data.setImageData(QImage(image))
    QGuiApplication.clipboard().setMimeData(data)
    window.composer.editor.setFocus()
    QTest.keyClick(window.composer.editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    if not wait(lambda: len(window.composer.images) == 1, 30):
        say("the pasted image did not reach the composer")
    # Off X11 the clipboard holds our QMimeData until Qt's own exit handlers, after Python is gone:
    # another app owns it in real use (the X11 checks in the report), so let it go here.
    QGuiApplication.clipboard().clear()
    QTest.keyClicks(window.composer.editor, "What colour is this?")
    finished: list[object] = []
    window.bridge.finished.connect(finished.append)
    QTest.keyClick(window.composer.editor, Qt.Key.Key_Return)
    if not wait(lambda: bool(finished), 240):
        say("no answer")
    else:
        say(f"answered with {finished[0].generated_tokens} tokens")  # type: ignore[attr-defined]
    QTest.keyClick(window, Qt.Key.Key_F1)
    wait(lambda: isinstance(QApplication.activeModalWidget() or QApplication.activeWindow(), QApplication), 0.5)
    about = QApplication.activeWindow()
    QTest.keyClick(about if about is not None else window, Qt.Key.Key_Escape)
    if not wait(lambda: about is None or not about.isVisible(), 5):  # Esc reaches the window in front
        say("Esc did not close About")
    window.activateWindow()
    wait(lambda: QApplication.activeWindow() is window, 2)
    QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    if not wait(lambda: not window.isVisible(), 10):
        say("Ctrl+Q did not close the window")
        window.close()


if __name__ == "__main__":
    create_app()
    QTimer.singleShot(0, lambda: drive(sys.argv[1]))
    sys.exit(main())
