"""Logging to a file in the logs folder: what exit code 1 points the user at."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from phidesk import paths


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
