"""Starting PhiDesk again (a new language applies to a window built anew).

:func:`request` closes the window the usual way (its close may still be refused, e.g. answers not saved yet,
and then nothing restarts). Once the event loop has ended and the start-up has closed the store and released
the single-instance lock, :func:`command` is the same command line again, less the files it was given (an image
would be attached again, a conversation imported twice), and :func:`start_again` runs it in this process's place.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from phidesk import paths

log = logging.getLogger(__name__)

_wanted = {"restart": False}


def request(window: QWidget) -> None:
    """Close *window* once the current event is handled; if it closes, the start-up starts PhiDesk again."""
    _wanted["restart"] = True

    def close() -> None:
        if not window.close():
            _wanted["restart"] = False  # the user kept the window open

    QTimer.singleShot(0, close)


def wanted() -> bool:
    return _wanted["restart"]


def command(files: Sequence[str] = ()) -> list[str]:
    """This process's command line without *files*: the frozen app, or Python with its own options."""
    if getattr(sys, "frozen", False):
        args = list(sys.argv[1:])
    else:
        args = list(getattr(sys, "orig_argv", [sys.executable, *sys.argv])[1:])
    dropped = set(files)
    kept = [a for a in args if a not in dropped and str(Path(a).expanduser().absolute()) not in dropped]
    return [sys.executable, *kept]


def start_again(files: Sequence[str] = ()) -> int:
    """Replace this process with a new PhiDesk (Windows: start it and return 0). Returns only on Windows or
    when the new process cannot be started (then 1, logged)."""
    argv = command(files)
    log.info("starting again for the new language: %s", argv)
    try:
        if sys.platform == "win32":
            subprocess.Popen(argv, close_fds=True, **paths.helper_popen_kwargs())
            return 0
        os.execv(argv[0], argv)
    except OSError as exc:
        log.warning("could not start PhiDesk again: %s", exc)
    return 1
