"""JSON from outside, bounded before it is parsed; JSON written atomically under a lock.

Every JSON file PhiDesk reads (model configs, settings, the catalog, imports, download
state) goes through :func:`read` or :func:`loads`: a size cap, then a nesting-depth cap
checked on the text *before* ``json.loads`` recurses into it (a few thousand ``[`` end
the parser's recursion in a RecursionError, and in a Qt slot that aborts the process),
then the parse. Every failure is a :class:`JSONFileError` with a one-line reason.

:func:`write_atomic` writes a temporary file in the same folder, fsyncs it and renames it
over the target, so a reader sees the old file or the new one, never half of one; a full
disk raises :class:`DiskFullError` and leaves no temporary file behind. :func:`locked`
serialises read-modify-write cycles between processes with an OS lock on a lock file
(released by the OS when its process ends, so a crashed process never leaves it stale).
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from itertools import accumulate
from pathlib import Path
from typing import Any

from phidesk.errors import UserError
from phidesk.texts import QT_TRANSLATE_NOOP, Text

MAX_DEPTH = 64
MAX_BYTES = 4 * 1024 * 1024
LOCK_TIMEOUT_S = 10.0
DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JSONFileError(UserError):
    """A JSON file or text that cannot be used; the message (a :class:`~phidesk.texts.Text`) says why in one
    line."""

    code = "bad_json"


class DiskFullError(UserError):
    """A write that ran out of disk space; what was there before is unchanged."""

    code = "disk_full"


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in *text*, without recursion (brackets inside strings do not count)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def loads(text: str | bytes, where: str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH,
          allow_nan: bool = True) -> Any:
    """Parse *text* within the bounds; *where* (a path, or a name: a Text is translated too) starts every error
    message."""
    if len(text) > max_bytes:
        raise JSONFileError(_larger(where, max_bytes))
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise JSONFileError(Text("FileErrors", QT_TRANSLATE_NOOP(
                "FileErrors", "{where}: not a text file (not UTF-8)"), where=where)) from None
    elif text.startswith("\ufeff"):
        text = text[1:]
    if (depth := nesting_depth(text)) > max_depth:
        raise JSONFileError(Text("FileErrors", QT_TRANSLATE_NOOP(
            "FileErrors", "{where}: nested {depth} levels deep (at most {limit} allowed)"),
                                 where=where, depth=depth, limit=max_depth))
    try:
        return json.loads(text, parse_constant=None if allow_nan else _reject_constant)
    except json.JSONDecodeError as exc:  # the parser's own reason stays English
        raise JSONFileError(Text("FileErrors", QT_TRANSLATE_NOOP(
            "FileErrors", "{where}: not valid JSON (line {line}, column {column}: {reason})"),
                                 where=where, line=exc.lineno, column=exc.colno, reason=exc.msg)) from None
    except (ValueError, RecursionError) as exc:  # e.g. a number with more digits than int() takes
        raise JSONFileError(Text("FileErrors", QT_TRANSLATE_NOOP("FileErrors", "{where}: not valid JSON ({reason})"),
                                 where=where, reason=_one_line(str(exc)))) from None


def read(path: Path, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH, allow_nan: bool = True) -> Any:
    """Read and parse a JSON file within the bounds. FileNotFoundError when there is none (callers decide
    what a missing file means); every other problem is a JSONFileError."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise JSONFileError(Text("FileErrors", QT_TRANSLATE_NOOP("FileErrors", "{path}: not a regular file"),
                                     path=str(path)))
        if info.st_size > max_bytes:
            raise JSONFileError(_larger(str(path), max_bytes))
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise JSONFileError(Text("FileErrors", QT_TRANSLATE_NOOP("FileErrors", "{path}: cannot be read ({error})"),
                                 path=str(path), error=exc.strerror or str(exc))) from None
    return loads(data, str(path), max_bytes=max_bytes, max_depth=max_depth, allow_nan=allow_nan)


def read_object(path: Path, **bounds: Any) -> dict[str, Any]:
    """:func:`read`, and the top level must be an object."""
    data = read(path, **bounds)
    if not isinstance(data, dict):
        raise JSONFileError(Text("FileErrors", QT_TRANSLATE_NOOP(
            "FileErrors", "{path}: expected a JSON object, found {kind}"), path=str(path), kind=_kind(data)))
    return data


_KINDS = {
    list: Text("FileErrors", QT_TRANSLATE_NOOP("FileErrors", "a list")),
    str: Text("FileErrors", QT_TRANSLATE_NOOP("FileErrors", "text")),
    bool: Text("FileErrors", QT_TRANSLATE_NOOP("FileErrors", "true/false")),
    type(None): Text("FileErrors", QT_TRANSLATE_NOOP("FileErrors", "null")),
}


def _kind(value: object) -> Text:
    return _KINDS.get(type(value)) or Text("FileErrors", QT_TRANSLATE_NOOP("FileErrors", "a number"))


def _larger(where: str, limit: int) -> Text:
    return Text("FileErrors", QT_TRANSLATE_NOOP("FileErrors", "{where}: larger than {size}"),
                where=where, size=_size(limit))


def _size(n: int) -> Text:
    if n >= 1024 * 1024:
        return Text("FileErrors", QT_TRANSLATE_NOOP("FileErrors", "{mb:g} MB"), mb=n / (1024 * 1024))
    return Text("FileErrors", QT_TRANSLATE_NOOP("FileErrors", "{kb:g} KB"), kb=n / 1024)


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in DISK_FULL


def write_atomic(path: Path, data: Any) -> None:
    """Write *data* as JSON to *path*: temp file in the same folder, fsync, os.replace.

    On any failure the temporary file is removed and *path* is left as it was; a full disk
    is a DiskFullError ("disk full: …").
    """
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(path)
        tmp = None
    except OSError as exc:
        if is_disk_full(exc):
            raise DiskFullError(Text("FileErrors", QT_TRANSLATE_NOOP(
                "FileErrors", "disk full: could not write {path} (it is unchanged)"), path=str(path))) from None
        raise
    finally:
        if tmp is not None:
            with suppress(OSError):
                Path(tmp).unlink()
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    if sys.platform == "win32":
        return
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _lock_functions() -> tuple[Callable[[int], None], Callable[[int], None]]:
    if sys.platform == "win32":
        import msvcrt

        def lock(fd: int) -> None:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

        def unlock(fd: int) -> None:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

        return lock, unlock
    import fcntl

    return (lambda fd: fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)), (lambda fd: fcntl.flock(fd, fcntl.LOCK_UN))


@contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the inter-process lock for *path* (the file ``.<name>.lock`` beside it).

    The lock belongs to the open file, so two holders in one process exclude each other too,
    and the OS drops it when its process ends: there is never a stale lock to clean up.
    """
    lock, unlock = _lock_functions()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(f".{path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                lock(fd)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    raise UserError(Text("FileErrors", QT_TRANSLATE_NOOP(
                        "FileErrors", "{path} is in use by another PhiDesk process (waited {seconds:g} s)"),
                                         path=str(path), seconds=timeout)) from None
                time.sleep(0.02)
        try:
            yield
        finally:
            unlock(fd)
    finally:
        os.close(fd)
