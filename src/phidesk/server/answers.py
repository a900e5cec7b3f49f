"""One answer at a time: the bounded queue of waiting requests, and each answer on a thread of its own.

The engine's ``generate`` blocks: each answer gets a daemon thread that iterates it and hands every event to the
event loop with ``call_soon_threadsafe``, never blocking the loop. Each answer holds its own place in the engine's
line (a ``Turn`` tagged "server"), so the window's questions and the server's answers take turns in the order they
came. A request that is cancelled (its client went away, a stop string was seen, the server stops) cancels its
turn: waiting, it leaves the line without reaching the worker; running, its own answer stops at once (never the
window's), and the worker keeps its KV cache. The worker stops after the prompt slice it is reading.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import threading
from collections.abc import Callable, Iterator

from phidesk.engine.line import Turn
from phidesk.engine.protocol import AnswerStats, Event, Failed, Finished

log = logging.getLogger(__name__)


class BusyError(Exception):
    """The queue is full."""


class Gate:
    """One answer through the engine at a time; at most *queue_size* requests wait (FIFO), more are BusyError.

    Used from the event loop only. *on_busy* is called with True when the server starts answering and False
    when nothing is answered or waiting any more.
    """

    def __init__(self, queue_size: int, on_busy: Callable[[bool], None] | None = None) -> None:
        self.queue_size = queue_size
        self.on_busy = on_busy
        self.active = False
        self.waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    @property
    def waiting(self) -> int:
        return len(self.waiters)

    async def acquire(self) -> None:
        if not self.active and not self.waiters:
            self.active = True
            self._tell(True)
            return
        if len(self.waiters) >= self.queue_size:
            raise BusyError
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiters.append(future)
        try:
            await future
        except asyncio.CancelledError:  # the client left the queue
            if future in self.waiters:
                self.waiters.remove(future)
            elif future.done() and not future.cancelled():
                self.release()  # its turn had come already: pass it on
            raise

    def release(self) -> None:
        while self.waiters:
            future = self.waiters.popleft()
            if not future.done():
                future.set_result(None)
                return
        self.active = False
        self._tell(False)

    def _tell(self, busy: bool) -> None:
        if self.on_busy is not None:
            try:
                self.on_busy(busy)
            except Exception:
                log.exception("on_busy callback failed")


class Job:
    """One answer: *produce* (an iterator of engine events) driven on its own thread; events read with ``next``.

    *done* is called on the event loop once the thread has closed the engine's iterator (the engine is free).
    """

    def __init__(self, produce: Callable[[Turn], Iterator[Event]], done: Callable[[], None]) -> None:
        self._produce = produce
        self.turn = Turn("server")  # this answer's place in the engine's line
        self._done = done
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self.cancelled = threading.Event()
        self.tokens = 0  # tokens received
        self.prompt_tokens = self.new_prompt_tokens = 0  # as the prefill reported them
        self.first: Event | None = None  # an event read before the answer was handed to its response
        self.cut = False  # the answer was stopped before its end (its client left, a stop string, the server stopped)
        self._thread = threading.Thread(target=self._run, daemon=True, name="phidesk-server-answer")

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        """Any thread: the answer stops now (the engine's stop returns at once), or before it starts."""
        self.cancelled.set()
        self.turn.cancel()

    async def next(self) -> Event | None:
        """The next event; None once the answer has ended."""
        return await self._queue.get()

    def ready(self) -> list[Event | None]:
        """The events that have come already (tokens that arrived together go out together)."""
        found: list[Event | None] = []
        while not self._queue.empty():
            found.append(self._queue.get_nowait())
        return found

    def _put(self, event: Event | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed (the server stopped): nobody reads it
            self._loop.call_soon_threadsafe(self._queue.put_nowait, event)

    def _run(self) -> None:
        try:
            if self.cancelled.is_set():
                self._put(Finished(stats=AnswerStats(finish_reason="cancelled")))
                return
            events = self._produce(self.turn)
            try:
                for event in events:
                    self._put(event)
                    ended = isinstance(event, (Finished, Failed))
                    if self.cancelled.is_set():  # stopped by its client: cut, unless it had ended on its own
                        self.cut = not ended or (isinstance(event, Finished)
                                                 and event.stats.finish_reason == "cancelled")
                        break
                    if ended:
                        break
            finally:
                close = getattr(events, "close", None)
                if close is not None:
                    close()  # mid-answer: the engine stops it (its own request, nobody else's)
        except Exception as exc:
            log.exception("server answer failed")
            self._put(Failed(code="server_error", message=f"{type(exc).__name__}: {exc}"))
        finally:
            self._put(None)
            with contextlib.suppress(RuntimeError):  # the loop has closed (the server stopped)
                self._loop.call_soon_threadsafe(self._done)

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


class StopScanner:
    """Cuts streamed text at the first stop string; holds back only what could still start one."""

    def __init__(self, stops: list[str]) -> None:
        self.stops = stops
        self.keep = max((len(s) for s in stops), default=1) - 1
        self.pending = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        """The text that may be sent now."""
        if not self.stops:
            return text
        self.pending += text
        cut = min((i for s in self.stops if (i := self.pending.find(s)) >= 0), default=-1)
        if cut >= 0:
            out, self.pending, self.stopped = self.pending[:cut], "", True
            return out
        if len(self.pending) <= self.keep:
            return ""
        out = self.pending[: len(self.pending) - self.keep]
        self.pending = self.pending[len(out):]
        return out

    def flush(self) -> str:
        out, self.pending = self.pending, ""
        return out
