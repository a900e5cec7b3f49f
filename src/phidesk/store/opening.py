"""Which conversation database to open, a look at it before SQLite writes anything, and what to do when it fails.

The history lives in ``data/conversations.sqlite3``. When that file cannot be used — damaged,
truncated, garbage, written by a newer PhiDesk, locked by another program — PhiDesk never changes
it: the window says so and offers a fresh database *beside* it (``conversations-<time>.sqlite3``);
the name of the file in use is then kept in ``data/conversations.current``, so the next start opens
the fresh one and the damaged file stays exactly as it was for the user (or a recovery tool).

:func:`check_header` reads the first 100 bytes before SQLite opens the file for writing, because
opening a damaged file read-write can already change it (a journal-mode switch, a schema created
in what SQLite takes for an empty database). :func:`connect` then opens it for one thread: the pragmas every
Store relies on, the version check, the migrations, and answers left ``streaming`` by a writer that is gone.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

from phidesk import paths
from phidesk.errors import UserError
from phidesk.store import schema, writers
from phidesk.store.text import casefold
from phidesk.texts import QT_TRANSLATE_NOOP, Text

FILE_NAME = "conversations.sqlite3"
POINTER = "conversations.current"
MAGIC = b"SQLite format 3\x00"
HEADER = 100
NAME = re.compile(r"conversations(-[0-9]{8}-[0-9]{6}(-[0-9]+)?)?\.sqlite3")

KINDS = ("damaged", "newer", "locked", "unreadable")


class StoreOpenError(UserError):
    """The conversation database cannot be used; *kind* is one of :data:`KINDS`. The file was not changed.

    *reason* says what is wrong with the file ("is locked by another program…"), a Text the window translates.
    """

    def __init__(self, path: Path, kind: str, reason: str) -> None:
        super().__init__(Text("DatabaseErrors", QT_TRANSLATE_NOOP("DatabaseErrors", "{path}: {reason}"),
                              path=str(path), reason=reason))
        self.path, self.kind, self.reason = path, kind, reason


def _reason(template: str, /, **values: object) -> Text:
    return Text("DatabaseErrors", template, **values)


def default_path() -> Path:
    """The database in use: the one named in the pointer file, else ``conversations.sqlite3``."""
    data = paths.data_dir()
    pointer = data / POINTER
    try:
        with pointer.open("rb") as fh:
            name = fh.read(256).decode("utf-8", "replace").strip()
    except OSError:
        return data / FILE_NAME
    return data / name if NAME.fullmatch(name) else data / FILE_NAME


def fresh_path_beside(damaged: Path) -> Path:
    """A new, unused database name in the same folder (the damaged file keeps its name)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = damaged.with_name(f"conversations-{stamp}.sqlite3")
    n = 1
    while candidate.exists() or candidate.with_name(candidate.name + "-wal").exists():
        candidate = damaged.with_name(f"conversations-{stamp}-{n}.sqlite3")
        n += 1
    return candidate


def use(path: Path) -> None:
    """Make *path* the database later starts open (written atomically)."""
    pointer = path.parent / POINTER
    if path.name == FILE_NAME:
        pointer.unlink(missing_ok=True)
        return
    partial = pointer.with_name(POINTER + ".part")
    partial.write_text(path.name + "\n", encoding="utf-8")
    partial.replace(pointer)


def check_header(path: Path) -> None:
    """Refuse a file that is not an SQLite database, or is shorter than its header says, without writing to it."""
    try:
        with path.open("rb") as fh:
            header = fh.read(HEADER)
            size = fh.seek(0, 2)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreOpenError(path, "unreadable", _reason(QT_TRANSLATE_NOOP(
            "DatabaseErrors", "cannot be read ({error})"), error=exc.strerror or str(exc))) from exc
    if not header:
        return  # an empty file: SQLite makes a new database of it, nothing is lost
    if len(header) < HEADER or not header.startswith(MAGIC):
        raise StoreOpenError(path, "damaged", _reason(QT_TRANSLATE_NOOP(
            "DatabaseErrors", "is not an SQLite database (damaged, or another kind of file)")))
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise StoreOpenError(path, "damaged", _reason(QT_TRANSLATE_NOOP(
            "DatabaseErrors", "is damaged (page size {size} in its header)"), size=page_size))
    pages = int.from_bytes(header[28:32], "big")
    counter_valid = header[24:28] == header[92:96]  # the in-header size is valid only when these agree
    if counter_valid and pages and pages * page_size > size:
        raise StoreOpenError(path, "damaged", _reason(QT_TRANSLATE_NOOP(
            "DatabaseErrors", "is truncated ({size:,} bytes, but its header says {expected:,})"),
            size=size, expected=pages * page_size))


def connect(path: Path) -> tuple[sqlite3.Connection, int]:
    """Open the database at *path* for one thread; returns the connection and its schema version.

    The header is checked before SQLite may write to a damaged file, a newer schema is refused before any
    write, and a file SQLite cannot use raises :class:`StoreOpenError` ("locked" or "damaged") with the
    connection closed.
    """
    check_header(path)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
    try:
        db.row_factory = sqlite3.Row
        db.create_function("casefold", 1, casefold, deterministic=True)
        db.execute("PRAGMA busy_timeout = 5000")
        if (found := schema.user_version(db)) > schema.latest_version():  # refused before any write
            raise StoreOpenError(path, "newer", _reason(QT_TRANSLATE_NOOP(
                "DatabaseErrors",
                "was written by a newer PhiDesk (schema version {found}; this one knows up to {known})"),
                found=found, known=schema.latest_version()))
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        version = schema.migrate(db, name=str(path))
        recover_streaming(db)
    except sqlite3.DatabaseError as exc:
        db.close()
        locked = "locked" in str(exc).lower() or getattr(exc, "sqlite_errorcode", 0) in (5, 6)  # BUSY, LOCKED
        kind, reason = (
            ("locked", _reason(QT_TRANSLATE_NOOP(
                "DatabaseErrors", "is locked by another program (another PhiDesk, or a backup tool)")))
            if locked else ("damaged", _reason(QT_TRANSLATE_NOOP(
                "DatabaseErrors", "is not a usable conversation database ({error})"), error=str(exc))))
        raise StoreOpenError(path, kind, reason) from exc
    except BaseException:
        db.close()
        raise
    return db, version


def recover_streaming(db: sqlite3.Connection) -> None:
    """Answers whose writer is gone (crashed, killed, closed) become ``interrupted``; live ones stay."""
    rows = db.execute("SELECT id, writer FROM messages WHERE status = 'streaming'").fetchall()
    for row in rows:
        if not writers.is_alive(row["writer"]):
            db.execute("UPDATE messages SET status = 'interrupted' WHERE id = ? AND status = 'streaming'", (row["id"],))
