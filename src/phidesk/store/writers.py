"""Who wrote a message, and whether that writer can still be writing it.

Every message the store writes records its writer as ``"<pid>:<process start time>:<store token>"``. On
opening, the store turns an answer still marked ``streaming`` into ``interrupted`` only when its writer is
gone: the process no longer exists, or the pid now belongs to a process that started at another time (pid
reuse), or, in this very process, the Store object that wrote it has been closed. A live writer's answer is
left alone, however long it stays quiet (a vision prompt can take minutes before its first token, so a
heartbeat would need a guessed timeout; the process table needs none). SQLite in WAL mode needs shared memory,
so every process writing one database runs on the same machine and the pid check is meaningful.
"""

from __future__ import annotations

import os
import secrets

import psutil

_open_tokens: set[str] = set()  # the stores open in this process
_SAME_START = 1.0  # seconds: process start times compare within this (they are stable, this is rounding)


def _start_time(pid: int) -> float:
    return float(psutil.Process(pid).create_time())


_OWN_PID = os.getpid()
_OWN_START = _start_time(_OWN_PID)


def new_writer() -> str:
    """A writer identity for one Store object; it counts as alive until :func:`release` is called."""
    pid = os.getpid()
    start = _OWN_START if pid == _OWN_PID else _start_time(pid)  # after a fork the child has its own
    token = f"{pid}:{start:.3f}:{secrets.token_hex(6)}"
    _open_tokens.add(token)
    return token


def release(writer: str) -> None:
    _open_tokens.discard(writer)


def is_alive(writer: str | None) -> bool:
    """Could the writer ``writer`` still be writing? Unknown (NULL, unreadable) writers are not."""
    if not writer:
        return False
    try:
        pid_text, start_text, _token = writer.split(":", 2)
        pid, start = int(pid_text), float(start_text)
    except ValueError:
        return False
    if pid == os.getpid():
        return writer in _open_tokens
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return abs(process.create_time() - start) < _SAME_START
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True  # it exists and is not ours to inspect: leave its answer alone
