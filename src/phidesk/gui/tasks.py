"""Background work for the model manager: a task on Qt's global thread pool whose result comes back as a signal.

A task emits on its own signals object, never on a widget's, so a widget closed meanwhile is simply no longer
connected (no emit on a deleted object).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from phidesk.errors import UserError
from phidesk.gui.signals import emit

log = logging.getLogger(__name__)


class TaskSignals(QObject):
    done = Signal(object)  # what the work returned, or the exception it raised
    progress = Signal(str)  # a line of progress, for work that reports some


class Task(QRunnable):
    """*work* on Qt's global thread pool; ``signals.done`` carries its result (or exception) to the GUI thread."""

    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__()
        self.signals = TaskSignals()
        self.work = work

    def run(self) -> None:
        try:
            result = self.work()
        except (UserError, OSError) as exc:  # bad input, a full disk: the pane says it in one line
            result = exc
        except Exception as exc:  # reported to the pane, which shows it
            log.exception("background task failed")
            result = exc
        emit(self.signals.done, result)


def emit_if_alive(signal: Any, *args: Any) -> None:
    """Emit from a background thread; the receiver may have been closed and deleted meanwhile."""
    with contextlib.suppress(RuntimeError):  # "Signal source has been deleted"
        emit(signal, *args)
