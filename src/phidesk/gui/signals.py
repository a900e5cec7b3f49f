"""``emit``: emit a Qt signal from Python without draining ``True``'s reference count.

PySide6 6.12.0's ``SignalInstance.emit`` returns ``True`` without taking a reference to it, so
every emit from Python takes one reference away from ``True``. On Python 3.11 ``True`` is not
immortal: after a few thousand emits (the tokens of one long answer, thumbnails, image
questions) ``True`` is deallocated and the process aborts with "Fatal Python error:
bool_dealloc", often while quitting, when teardown drops the last references. ``emit`` gives
the missing reference back, only where this PySide6 needs it (checked once, at import).

The same PySide6 returns ``None`` from every void method (``setText``, ``setIcon``, an override's
``super().changeEvent(event)`` ...) without a reference: a few thousand calls (one theme change
re-styles hundreds of widgets) and the process aborts with "none_dealloc". There is no single call
to wrap, so at import, where this PySide6 drops it, ``None`` is given a reference count no run
can use up (what Python 3.12 does for it anyway: an immortal ``None``).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    ping = Signal()


def _emit_drops_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    probe.ping.emit()  # the result is dropped at once
    dropped = sys.getrefcount(True) < before
    if dropped:
        _incref(True)  # the probe's own emit
    return dropped


EMIT_DROPS_TRUE = _emit_drops_a_reference()

NONE_RESERVE = 1 << 40
"""References given to ``None`` where void methods drop one each: more calls than any run can make."""


def _void_drops_none() -> bool:
    probe = _Probe()
    before = sys.getrefcount(None)
    probe.setObjectName("probe")  # void: its None result is dropped at once
    return sys.getrefcount(None) < before


VOID_DROPS_NONE = _void_drops_none()
if VOID_DROPS_NONE:  # ob_refcnt is the first field of every object (release builds of CPython)
    ctypes.c_ssize_t.from_address(id(None)).value += NONE_RESERVE


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, with the reference count of ``True`` kept right."""
    result: object = signal.emit(*args)  # type: ignore[func-returns-value]  # True here (see above)
    if EMIT_DROPS_TRUE and result is True:
        _incref(True)
