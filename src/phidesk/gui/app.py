"""Start-up of the desktop app: QApplication, theme, the store, the window, the event loop.

The window is shown before anything slow happens: the model loads in the worker process
after the window is up, and the conversation list is one indexed SQLite query.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from phidesk import __version__, logs, settings
from phidesk.store import Store

log = logging.getLogger(__name__)

SCHEMES = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark, "system": Qt.ColorScheme.Unknown}


def apply_theme(theme: str) -> None:
    """Follow the OS (system), or force light or dark."""
    QGuiApplication.styleHints().setColorScheme(SCHEMES.get(theme, Qt.ColorScheme.Unknown))


def is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def create_app(argv: Sequence[str] = ()) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication([sys.argv[0] if sys.argv else "phidesk", *argv])
    app.setApplicationName("PhiDesk")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("PhiDesk")
    app.setDesktopFileName("phidesk")
    return app


def main(argv: Sequence[str] = ()) -> int:
    log_path = logs.setup()
    app = create_app(argv)
    prefs = settings.load()
    apply_theme(prefs.theme)
    from phidesk.gui.main_window import MainWindow

    store = Store()
    window = MainWindow(store, prefs)
    window.chat.dark = is_dark()
    window.show()
    log.info("window shown; log at %s", log_path)
    code = app.exec()
    store.close()
    return int(code)
