"""Who drives the worker next: one request at a time, in the order they came, and a waiting one may give up.

Several threads share one ``EngineClient`` (the window's bridge thread and the local server's): each request
holds the worker for its whole answer, and ``threading.Lock`` is not fair (a thread that releases it and asks
again at once often gets it back before a thread that has waited for seconds). So requests queue here, first
come first served. Each caller may hold a :class:`Turn`, its place in the line: ``Turn.cancel()`` from any
thread takes a waiting request out of the line (it never reaches the worker, and the answer running meanwhile
is not touched), or stops that request's own answer once it runs.

Plain threading, no Qt and no runtime: the client calls it; the window and the server read ``Activity``.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# Held while a turn joins a line, and by ``Turn.cancel`` before it has: a cancel racing the join is either seen by
# the join (the turn never joins) or goes to the line (which takes the turn out). Taken after a line's lock.
_JOINING = threading.Lock()


@dataclass(frozen=True)
class Activity:
    """What the line holds now: the running request's tag (None: the worker is free) and the waiting ones'."""

    running: str | None = None
    waiting: tuple[str, ...] = ()

    @property
    def busy(self) -> bool:
        return self.running is not None

    @property
    def queued(self) -> int:
        return len(self.waiting)


class Turn:
    """One request's place in the line. *tag* says whose it is (``"window"``, ``"server"``…), for ``Activity``.

    ``cancel()`` may be called from any thread, at any time, and returns at once: before the request starts
    or while it waits, the request ends as cancelled without reaching the worker; while it runs, its own
    answer is stopped (as ``EngineClient.stop()`` would, but never another request's); after, nothing happens.
    """

    def __init__(self, tag: str = "", *, max_waiting: int | None = None) -> None:
        """*max_waiting*: if at least this many requests wait already, this one does not join them (``refused``:
        the local server answers 429 then); None: it always joins."""
        self.tag = tag
        self.max_waiting = max_waiting
        # new | waiting | running | done | cancelled | refused (changed under the line's lock)
        self.state = "new"
        self.asked = False  # cancel() was called (whatever the state then)
        self._line: Line | None = None
        self._on_cancel: Callable[[], None] | None = None  # while running: stops this request's answer

    @property
    def cancelled(self) -> bool:
        return self.state == "cancelled"

    def cancel(self) -> None:
        with _JOINING:
            line = self._line
            if line is None:
                self.asked = True
                self.state = "cancelled" if self.state == "new" else self.state
                return
        line.cancel(self)


class Line:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._waiting: deque[Turn] = deque()
        self._running: Turn | None = None
        # Called after every change (a request came, started, ended, gave up), from the thread that changed it.
        self.on_change: Callable[[Activity], None] | None = None

    @property
    def activity(self) -> Activity:
        with self._cond:
            return self._activity()

    def _activity(self) -> Activity:
        running = self._running.tag if self._running is not None else None
        return Activity(running, tuple(t.tag for t in self._waiting))

    def _changed(self, activity: Activity) -> None:
        callback = self.on_change
        if callback is not None:
            callback(activity)

    @contextmanager
    def turn(self, turn: Turn | None = None) -> Iterator[bool]:
        """Wait for *turn* (a new one if None) to come first; yields True while it runs, or False at once if it
        was cancelled before it could run or the line was too long for it (``turn.state`` says which).

        Not tied to a thread: a request's iterator may be advanced by one thread and closed by another (a server's
        thread pool does that), so a thread is never taken to be "the one whose turn runs"; a caller that asks again
        while its own request is still open waits behind it like anyone else.
        """
        turn = turn or Turn()
        with self._cond, _JOINING:
            given_up = turn.state == "cancelled"  # cancelled before it started: it never joins the line
            if not given_up:
                if turn.state != "new":
                    raise RuntimeError(f"a Turn is used once (this one is {turn.state})")
                turn._line = self
                busy = self._running is not None or bool(self._waiting)
                if busy and turn.max_waiting is not None and len(self._waiting) >= turn.max_waiting:
                    turn.state, given_up = "refused", True
                else:
                    turn.state = "waiting"
                    self._waiting.append(turn)
                    changed = self._activity()
        if given_up:
            yield False
            return
        self._changed(changed)
        with self._cond:
            while turn.state == "waiting" and (self._running is not None or self._waiting[0] is not turn):
                self._cond.wait()
            if turn.state == "waiting":
                self._waiting.popleft()
                turn.state, self._running = "running", turn
            changed = self._activity()
        self._changed(changed)
        if turn.state != "running":  # cancelled while it waited (cancel took it out of the line)
            yield False
            return
        try:
            yield True
        finally:
            with self._cond:
                turn.state = "done" if turn.state == "running" else turn.state
                turn._on_cancel = None
                self._running = None
                self._cond.notify_all()
                changed = self._activity()
            self._changed(changed)

    def while_running(self, turn: Turn, on_cancel: Callable[[], None]) -> bool:
        """What ``turn.cancel()`` does while *turn* runs (the client: stop this request's answer). Returns whether
        cancel was asked already (between the start of its turn and now): the caller then acts on it itself."""
        with self._cond:
            turn._on_cancel = on_cancel
            return turn.asked

    def cancel_waiting(self) -> None:
        """Cancel every turn that waits (the client is closing); the running one is not touched."""
        with self._cond:
            waiting = list(self._waiting)
        for turn in waiting:
            self.cancel(turn)

    def cancel(self, turn: Turn) -> None:
        with self._cond:
            turn.asked = True
            if turn.state == "waiting":
                self._waiting.remove(turn)
                turn.state = "cancelled"
                self._cond.notify_all()
                changed: Activity | None = self._activity()
                on_cancel = None
            else:
                changed = None
                on_cancel = turn._on_cancel if turn.state == "running" else None
                if turn.state == "new":
                    turn.state = "cancelled"
        if changed is not None:
            self._changed(changed)
        if on_cancel is not None:
            on_cancel()
