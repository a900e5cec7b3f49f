"""Where PhiDesk keeps things: the one place that knows folder locations.

``PHIDESK_HOME`` moves everything (models, conversations, settings, logs) into one folder,
for tests and portable installs; otherwise platformdirs decides per OS. Build caches (the
starter model's source wheel and its converted form) live in the cache folder, which
``PHIDESK_CACHE`` can move on its own so that tests with a throw-away home share one
per-machine cache.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import platformdirs

APP = "PhiDesk"


def home() -> Path | None:
    value = os.environ.get("PHIDESK_HOME")
    return Path(value).expanduser().resolve() if value else None


def _dir(sub: str, platform_dir: str) -> Path:
    base = home()
    path = base / sub if base else Path(platform_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    return _dir("data", platformdirs.user_data_dir(APP, appauthor=False))


def models_dir() -> Path:
    base = home()
    path = base / "models" if base else Path(platformdirs.user_data_dir(APP, appauthor=False)) / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    return _dir("config", platformdirs.user_config_dir(APP, appauthor=False))


def logs_dir() -> Path:
    return _dir("logs", platformdirs.user_log_dir(APP, appauthor=False))


def cache_dir() -> Path:
    value = os.environ.get("PHIDESK_CACHE")
    if value:
        path = Path(value).expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        return path
    return _dir("cache", platformdirs.user_cache_dir(APP, appauthor=False))


def settings_file() -> Path:
    return config_dir() / "settings.json"


def frozen() -> bool:
    """True in the packaged app (PyInstaller), where there is no ``python -m``."""
    return bool(getattr(sys, "frozen", False))


def bundle_dir() -> Path | None:
    """The packaged app's own files (PyInstaller's _MEIPASS); None when running from Python."""
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) if frozen() and base else None


def helper_command(flag: str, module: str) -> list[str]:
    """How to start one of PhiDesk's own helper processes (worker, provider probe, image scaler).

    From Python: ``python -m module``. In the packaged app: the app's executable again with
    *flag* (``phidesk.entry`` dispatches it); on Windows its console twin ``phidesk-cli.exe``,
    because the GUI executable has no standard streams for the pipes these processes talk over.
    """
    if not frozen():
        return [sys.executable, "-m", module]
    exe = Path(sys.executable)
    if sys.platform == "win32" and (twin := exe.with_name("phidesk-cli.exe")).is_file():
        exe = twin
    return [str(exe), flag]


def helper_creationflags() -> int:
    """On Windows: no console window for a helper process, and a process group of its own; 0 elsewhere."""
    import subprocess

    if sys.platform != "win32":
        return 0
    return getattr(subprocess, "CREATE_NO_WINDOW", 0) | getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)


def helper_popen_kwargs() -> dict[str, Any]:
    """How every process PhiDesk starts is started (``subprocess.run`` / ``Popen`` keywords).

    Each child gets a session (POSIX) or process group (Windows) of its own, so a terminal's Ctrl+C, which
    goes to the whole foreground process group, reaches only PhiDesk's own process: it decides what to
    stop (an answer, a load) and ends its children itself. A child still ends with its parent: the worker
    reads its requests from a pipe and exits when the pipe closes, even after a ``kill -9`` of the parent;
    short-lived helpers are ended by ``subprocess.run`` when the caller is interrupted, and the converter
    by its caller (``library.convert_to``).
    """
    if sys.platform == "win32":
        return {"creationflags": helper_creationflags()}
    return {"start_new_session": True}
