"""Where PhiDesk keeps things: the one place that knows folder locations.

``PHIDESK_HOME`` moves everything (models, conversations, settings, logs) into one folder,
for tests and portable installs; otherwise platformdirs decides per OS. Build caches (the
starter model's source wheel and its converted form) live in the cache folder, which
``PHIDESK_CACHE`` can move on its own so that tests with a throw-away home share one
per-machine cache.
"""

from __future__ import annotations

import os
from pathlib import Path

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
