"""Writes the database could not take yet (a full disk): kept in memory and written when it can.

The window writes a streaming answer every half second and its final status at the end. When
the disk is full SQLite refuses (``SQLITE_FULL``, "database or disk is full"; on some file
systems an I/O error): the answer is still on screen, so its latest text and status wait here,
merged per message, and every later attempt writes them all or none. Nothing is dropped until
it is written; :meth:`PendingWrites.texts` gives what is waiting, for a last-chance copy.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from phidesk import jsonfile
from phidesk.errors import UserError

if TYPE_CHECKING:
    from phidesk.store.conversations import Store

log = logging.getLogger(__name__)

FULL_CODES = {13}  # SQLITE_FULL
IOERR_CODE = 10  # SQLITE_IOERR (and its extended codes): what a full tmpfs can give


@dataclass
class PendingWrites:
    """Message updates that wait for the database, by message id (later fields replace earlier ones)."""

    waiting: dict[int, dict[str, Any]] = field(default_factory=dict)

    def put(self, message_id: int, **fields: Any) -> None:
        self.waiting.setdefault(message_id, {}).update({k: v for k, v in fields.items() if v is not None})

    def __bool__(self) -> bool:
        return bool(self.waiting)

    def __len__(self) -> int:
        return len(self.waiting)

    def texts(self) -> list[str]:
        return [str(f["content"]) for f in self.waiting.values() if f.get("content")]

    def write(self, store: Store) -> None:
        """Write everything waiting (each message one UPDATE); what is written leaves the queue.

        Raises sqlite3.Error (or OSError) when the database still refuses; what was not written stays.
        """
        for message_id in list(self.waiting):
            try:
                store.update_message(message_id, **self.waiting[message_id])
            except UserError as exc:  # the message is gone (its conversation was deleted): nothing to save into
                log.warning("answer %d not saved: %s", message_id, exc)
            del self.waiting[message_id]


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return jsonfile.is_disk_full(exc)
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and (code in FULL_CODES or code & 0xFF == IOERR_CODE):
            return True
        text = str(exc).lower()
        return "disk is full" in text or "disk i/o error" in text
    return False


def describe_write_failure(exc: BaseException, folder: Path) -> str:
    """One sentence for the window: what happened and what to do."""
    if is_disk_full(exc):
        return (f"The disk holding {folder} is full: PhiDesk keeps the unsaved answer in memory and saves it as "
                "soon as there is space. Free some disk space (nothing is lost while PhiDesk stays open).")
    return f"The conversation database could not be written ({exc}); PhiDesk keeps trying. Details in the log."
