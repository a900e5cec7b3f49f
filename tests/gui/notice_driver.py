"""Runs the real desktop app (``phidesk.gui.app.main``), prints the window's notice banner once the window is up,
and closes the window. Used by tests/gui/test_start_notices.py in its own process (the app owns the process)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from phidesk.gui.app import create_app, main


def report() -> None:
    from phidesk.gui.main_window import MainWindow

    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    if not shown:
        QTimer.singleShot(20, report)
        return
    window = shown[0]
    print(f"banner: {window.banner.text() if window.banner.isVisible() else ''}", flush=True)
    window.close()


if __name__ == "__main__":
    create_app()
    QTimer.singleShot(0, report)
    sys.exit(main())
