"""The staging folder of one download, ``<models>/.download-{id}-{variant}/``, and its ``state.json``.

The folder holds ``state.json`` (the entry, the commit, the files and their hub checksums, bytes done) and
``files/`` (the model as it is being built; unfinished files end in ``.part``). It survives the app being
closed, so a later run resumes where it stopped. The state file comes from disk, so it is read with
:mod:`phidesk.jsonfile`'s bounds and an unreadable one counts as no download at all.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from phidesk import jsonfile, paths
from phidesk.errors import UserError
from phidesk.models.download.base import ID, Downloadable

log = logging.getLogger(__name__)

STATE_FILE = "state.json"
STATE_MAX_BYTES = 4 * 1024 * 1024
FILES_DIR = "files"
PART = ".part"
STAGING_PREFIX = ".download-"


@dataclass(frozen=True)
class StoredFile:
    path: str
    size: int | None = None
    approx_size: bool = False


@dataclass(frozen=True)
class StoredEntry:
    """An entry rebuilt from a staging folder's state file (resuming after a restart)."""

    id: str
    variant: str
    repo: str
    subfolder: str
    files: tuple[StoredFile, ...]
    size_bytes: int
    revision: str | None = None

    @property
    def key(self) -> str:
        return f"{self.id}:{self.variant}"


def staging_dir(entry_or_key: Downloadable | str) -> Path:
    key = entry_or_key if isinstance(entry_or_key, str) else entry_or_key.key
    model, _, variant = key.partition(":")
    if not ID.fullmatch(model) or not ID.fullmatch(variant):
        raise UserError(f"not a valid catalog key: {key!r}")
    return paths.models_dir() / f"{STAGING_PREFIX}{model}-{variant}"


def discard(entry_or_key: Downloadable | str) -> None:
    """Delete a download's staging folder (what cancel does)."""
    shutil.rmtree(staging_dir(entry_or_key), ignore_errors=True)


def read_state(folder: Path) -> dict[str, Any] | None:
    try:
        data = jsonfile.read(folder / STATE_FILE, max_bytes=STATE_MAX_BYTES, max_depth=16)
    except FileNotFoundError:
        return None
    except (OSError, jsonfile.JSONFileError) as exc:
        log.warning("download state %s is unreadable: %s", folder / STATE_FILE, exc)
        return None
    return data if isinstance(data, dict) and isinstance(data.get("key"), str) else None


def write_state(folder: Path, state: dict[str, Any]) -> None:
    """Replace the state file in one rename (no fsync: it is rewritten every few seconds while bytes arrive)."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{STATE_FILE}.tmp"
    tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
    tmp.replace(folder / STATE_FILE)


def entry_from_state(state: dict[str, Any]) -> StoredEntry:
    raw = state.get("entry") or {}
    try:
        return StoredEntry(
            id=str(raw["id"]), variant=str(raw["variant"]), repo=str(raw["repo"]),
            subfolder=str(raw.get("subfolder") or ""), files=tuple(StoredFile(str(p)) for p in raw.get("files", [])),
            size_bytes=int(raw.get("size_bytes") or 0), revision=state.get("revision"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(f"the unfinished download '{state.get('key')}' has an unreadable state file") from exc


def pending_on_disk() -> list[str]:
    """Keys of downloads whose staging folder is still there (resumable)."""
    keys = []
    for folder in sorted(paths.models_dir().glob(f"{STAGING_PREFIX}*")):
        state = read_state(folder) if folder.is_dir() else None
        if state is not None:
            keys.append(state["key"])
    return keys

