"""Logging to a file in the logs folder: what exit code 1 points the user at."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from phidesk import paths

_log = logging.getLogger("phidesk.crash")


def log_file() -> Path:
    return paths.logs_dir() / "phidesk.log"


def setup(level: int = logging.INFO) -> Path:
    path = log_file()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    return path


def summary(exc: BaseException | None, limit: int = 300) -> str:
    """One line for a person: the exception's type and the first line of its message, bounded."""
    if exc is None:
        return "unknown error"
    text = str(exc).splitlines()[0] if str(exc) else ""
    line = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return line if len(line) <= limit else line[: limit - 1] + "…"


Report = Callable[[str], None]


def install_hooks(report: Report | None = None) -> None:
    """Log every exception nobody caught — main thread (``sys.excepthook``, also used for exceptions in
    Qt slots) and other threads (``threading.excepthook``) — with its traceback, to the log file.

    *report* (the window) is then given a one-line summary that names the thread; without it the
    previous hook runs as well (a terminal still sees the traceback). Ctrl+C is left alone.
    """
    # Installing again replaces ours instead of stacking a second one (the CLI's main may run more than once).
    previous_sys = getattr(sys.excepthook, "phidesk_previous", sys.excepthook)
    previous_thread = getattr(threading.excepthook, "phidesk_previous", threading.excepthook)

    def on_main(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous_sys(kind, value, tb)
            return
        _log.critical("unexpected error", exc_info=(kind, value, tb))
        if report is None:
            previous_sys(kind, value, tb)
        else:
            report(summary(value))

    def on_thread(args: threading.ExceptHookArgs) -> None:
        if issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "a thread"
        _log.critical("unexpected error in thread %s", name,
                      exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback))
        if report is None:
            previous_thread(args)
        else:
            report(f"{summary(args.exc_value)} (in {name})")

    on_main.phidesk_previous = previous_sys  # type: ignore[attr-defined]
    on_thread.phidesk_previous = previous_thread  # type: ignore[attr-defined]
    sys.excepthook = on_main
    threading.excepthook = on_thread
