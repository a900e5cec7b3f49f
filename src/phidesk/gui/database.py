"""Opening the conversation database at start-up, and the dialog when it cannot be used.

The file is never changed by this: a damaged, truncated, newer or locked database is reported
with its path and reason (and logged); the user may retry (a lock goes away), open a fresh,
empty history beside it (the old file stays as it is, see :mod:`phidesk.store.opening`), or quit.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from phidesk.gui.i18n import translate
from phidesk.gui.texts_view import localized
from phidesk.store import Store, opening
from phidesk.store.opening import StoreOpenError

log = logging.getLogger(__name__)

FRESH, RETRY, QUIT = "fresh", "retry", "quit"


def explain(exc: StoreOpenError, log_path: Path | None = None) -> str:
    if exc.kind == "newer":
        advice = translate("Database", "Update PhiDesk to open it, or open a fresh, empty history beside it.")
    elif exc.kind == "locked":
        advice = translate("Database", "Close the other program (or another PhiDesk) and press Retry, or open a fresh "
                           "history beside it.")
    elif exc.kind == "unreadable":
        advice = translate("Database", "Check the file's permissions and press Retry, or open a fresh history beside "
                           "it.")
    else:
        advice = translate("Database", "You can open a fresh, empty history beside it.")
    text = translate("Database", "Your conversation history\n{path}\n{reason}.\n\nPhiDesk has not changed this file: "
                     "it stays where it is, for a backup or a recovery tool. {advice}").format(
        path=exc.path, reason=localized(exc.reason), advice=advice)
    if log_path:
        text += "\n\n" + translate("Database", "Details are in the log: {log}").format(log=log_path)
    return text


def ask(exc: StoreOpenError, log_path: Path | None = None, parent: QWidget | None = None) -> str:
    box = QMessageBox(QMessageBox.Icon.Critical, translate("Database", "PhiDesk cannot open your conversations"),
                      explain(exc, log_path), parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # the path and the reason come from outside
    fresh = box.addButton(translate("Database", "Open a fresh history"), QMessageBox.ButtonRole.AcceptRole)
    retry = box.addButton(translate("Database", "Retry"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(translate("Database", "Quit"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(retry if exc.kind in ("locked", "unreadable") else fresh)
    box.exec()
    clicked = box.clickedButton()
    return FRESH if clicked is fresh else RETRY if clicked is retry else QUIT


def open_store(log_path: Path | None = None, parent: QWidget | None = None) -> Store | None:
    """The Store for the window, or None when the user chose to quit."""
    path: Path | None = None
    while True:
        try:
            store = Store(path)
        except StoreOpenError as exc:
            log.error("conversation database unusable (%s): %s", exc.kind, exc)
            choice = ask(exc, log_path, parent)
            if choice == QUIT:
                return None
            path = opening.fresh_path_beside(exc.path) if choice == FRESH else exc.path
            continue
        if path is not None and path != opening.default_path():
            opening.use(path)
            log.warning("opened a fresh conversation database %s; the unusable one was left as it was", path)
        return store
