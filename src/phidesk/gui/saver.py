"""AnswerSaver: the window's writes of streaming answers, which survive a full disk.

``put(message_id, content=…, status=…, stats=…)`` queues an update (merged per message) and
``save()`` writes the queue. When the database refuses (disk full, or another write error) the
answer stays on screen and in memory, ``problem`` is emitted once with a sentence for the user,
the failure is logged once (not every half second), and a timer retries every
``RETRY_MS``; when a write succeeds again ``recovered`` is emitted. Nothing queued is dropped.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from phidesk.gui.signals import emit
from phidesk.store import Store
from phidesk.store.pending import PendingWrites, describe_write_failure

log = logging.getLogger(__name__)

RETRY_MS = 2000


class AnswerSaver(QObject):
    problem = Signal(str)
    recovered = Signal()

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.pending = PendingWrites()
        self.failing = False
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self.save)

    def put(self, message_id: int, **fields: Any) -> None:
        self.pending.put(message_id, **fields)

    def save(self) -> bool:
        """Write what waits; True when nothing is left waiting."""
        if not self.pending:
            return True
        try:
            self.pending.write(self.store)
        except (sqlite3.Error, OSError) as exc:
            if not self.failing:
                self.failing = True
                log.warning("could not save %d answer(s) yet: %s", len(self.pending), exc)
                emit(self.problem, describe_write_failure(exc, self.store.path.parent))
            if not self._retry.isActive():
                self._retry.start()
            return False
        self._retry.stop()
        if self.failing:
            self.failing = False
            log.info("the database takes writes again; every answer is saved")
            emit(self.recovered)
        return True
