"""AnswerSaver: writes of streaming answers that survive a full disk.

``put(message_id, content=…, status=…, stats=…)`` queues an update (merged per message) and
``save()`` writes the queue. When the database refuses (disk full, or another write error) the
answer stays in memory, ``on_problem`` is called once with a sentence for the user, the failure is
logged once (not every half second), and later saves retry (a periodic ``save(retry=True)`` at most
every ``RETRY_S``); when a write succeeds again ``on_recovered`` is called. Nothing queued is dropped.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from phidesk.store import Store
from phidesk.store.pending import PendingWrites, describe_write_failure

log = logging.getLogger(__name__)

RETRY_S = 2.0


class AnswerSaver:
    def __init__(self, store: Store, *, on_problem: Callable[[str], None] | None = None,
                 on_recovered: Callable[[], None] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.pending = PendingWrites()
        self.failing = False
        self.on_problem, self.on_recovered = on_problem, on_recovered
        self._clock = clock
        self._failed_at = 0.0

    def put(self, message_id: int, **fields: Any) -> None:
        self.pending.put(message_id, **fields)

    def save(self, *, retry: bool = False) -> bool:
        """Write what waits; True when nothing is left waiting.

        ``retry``: a periodic call; while the database refuses it tries again only every ``RETRY_S``.
        """
        if not self.pending:
            return True
        if retry and self.failing and self._clock() - self._failed_at < RETRY_S:
            return False
        try:
            self.pending.write(self.store)
        except (sqlite3.Error, OSError) as exc:
            self._failed_at = self._clock()
            if not self.failing:
                self.failing = True
                log.warning("could not save %d answer(s) yet: %s", len(self.pending), exc)
                if self.on_problem is not None:
                    self.on_problem(describe_write_failure(exc, self.store.path.parent))
            return False
        if self.failing:
            self.failing = False
            log.info("the database takes writes again; every answer is saved")
            if self.on_recovered is not None:
                self.on_recovered()
        return True
