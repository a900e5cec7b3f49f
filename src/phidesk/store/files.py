"""The image files that belong to the conversation history, and their housekeeping.

Sent images are copied into ``data/images`` (named by content) so history never points at
moved files; a bitmap pasted into the window is first saved to ``data/pasted`` so that every
image the app handles is a file. Both folders hold the user's photos and screenshots, so they
are user-only (0700, files 0600) and live in PhiDesk's own data folder — never in a shared,
world-readable temp folder. :func:`sweep` removes what no message refers to any more.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import time
from pathlib import Path

from phidesk import paths

log = logging.getLogger(__name__)

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
GRACE_S = 3600.0  # files younger than this may belong to a question being sent right now


def _private_dir(name: str) -> Path:
    folder = paths.data_dir() / name
    folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # not every file system has POSIX modes
        folder.chmod(PRIVATE_DIR)
    return folder


def images_dir() -> Path:
    """Where sent images are kept (by content); user-only."""
    return _private_dir("images")


def pasted_dir() -> Path:
    """Where a pasted bitmap becomes a file before it is sent; user-only."""
    return _private_dir("pasted")


def make_private(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.chmod(PRIVATE_FILE)


def referenced_images(database: Path) -> set[str]:
    """Every image path a stored message refers to (read-only; another process may be writing)."""
    found: set[str] = set()
    uri = f"{database.resolve().as_uri()}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, timeout=5)
    try:
        for (value,) in connection.execute("SELECT images FROM messages WHERE images != '[]'"):
            try:
                listed = json.loads(value)
            except ValueError:
                continue
            if isinstance(listed, list):
                found.update(str(Path(p).resolve()) for p in listed if isinstance(p, str))
    finally:
        connection.close()
    return found


def sweep(database: Path, grace_s: float = GRACE_S, now: float | None = None) -> list[Path]:
    """Delete pasted files and kept images that no message refers to and that are older than *grace_s*.

    Returns what was removed. A database that cannot be read removes nothing.
    """
    now = time.time() if now is None else now
    try:
        keep = referenced_images(database) if database.is_file() else set()
    except sqlite3.Error as exc:
        log.warning("image housekeeping skipped: %s is unreadable (%s)", database, exc)
        return []
    removed = []
    for folder in (pasted_dir(), images_dir()):
        for path in folder.iterdir():
            try:
                if not path.is_file() or str(path.resolve()) in keep or now - path.stat().st_mtime < grace_s:
                    continue
                path.unlink()
            except OSError as exc:
                log.warning("image housekeeping: could not remove %s: %s", path, exc)
                continue
            removed.append(path)
    if removed:
        log.info("image housekeeping removed %d file(s) no message refers to", len(removed))
    return removed


def discard_pasted(path: str) -> None:
    """Remove a pasted file once it is no longer needed (sent, so copied; or taken out of the composer)."""
    candidate = Path(path)
    try:
        if candidate.resolve().parent == pasted_dir().resolve():
            candidate.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not remove pasted image %s: %s", path, exc)
