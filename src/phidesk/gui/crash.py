"""Exceptions nobody caught, in the window: logged with their traceback, then a dialog that names the log.

``install`` puts ``phidesk.logs.install_hooks`` in place with a reporter that may be called from any
thread (a worker thread, a pool task, a Qt slot): it only emits a queued signal, and the dialog is
shown later on the GUI thread, without a nested event loop (``show``, not ``exec``), so the window
goes on working. Later errors while the dialog is open are added to it, not stacked as new dialogs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox

from phidesk import logs
from phidesk.gui.i18n import standard_buttons, translate
from phidesk.gui.signals import emit
from phidesk.texts import QT_TRANSLATE_NOOP

TITLE = QT_TRANSLATE_NOOP("Crash", "PhiDesk: unexpected error")
MAX_LINES = 5  # errors listed in one dialog; the log has them all


class CrashNotice(QObject):
    raised = Signal(str)

    def __init__(self, log_path: Path) -> None:
        super().__init__()
        self.log_path = log_path
        self.lines: list[str] = []
        self.dialog: QMessageBox | None = None
        self.raised.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def report(self, line: str) -> None:
        """Any thread: queue *line* for the dialog."""
        emit(self.raised, line)

    @Slot(str)
    def _show(self, line: str) -> None:
        if self.dialog is None or not self.dialog.isVisible():
            self.lines = []
        self.lines.append(line)
        shown = self.lines[-MAX_LINES:]
        more = len(self.lines) - len(shown)
        errors = "\n".join(f"• {item}" for item in shown)
        if more:
            errors += "\n" + translate("Crash", "(and %n more)", None, more)
        text = translate("Crash", "Something went wrong inside PhiDesk:\n{errors}\n\nYour conversations and what you "
                         "typed are kept. The details are in the log file:\n{log}").format(errors=errors,
                                                                                           log=self.log_path)
        if self.dialog is None:
            self.dialog = QMessageBox(QMessageBox.Icon.Critical, translate("Crash", TITLE), "",
                                      QMessageBox.StandardButton.Ok)
            standard_buttons(self.dialog)
            self.dialog.setTextFormat(Qt.TextFormat.PlainText)  # exception text is data: shown literally
            self.dialog.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dialog.setText(text)
        self.dialog.show()


_notice: CrashNotice | None = None


def install(log_path: Path) -> CrashNotice:
    """Log uncaught exceptions (every thread) and show them in a dialog with *log_path* (GUI thread)."""
    global _notice
    _notice = CrashNotice(log_path)
    logs.install_hooks(_notice.report)
    return _notice
