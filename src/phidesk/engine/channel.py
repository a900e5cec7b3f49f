"""The worker's side of the pipe: events out, requests in, stop flags, the heartbeat.

Events go to a private copy of the worker's stdout as JSON lines, one writer at a time. A reader
thread parses stdin: a stop request sets its answer's flag at once (the worker checks it between
prefill slices and between tokens), every other request is queued for the worker's main loop.
A heartbeat thread sends an Alive event every HEARTBEAT_S so the client can tell a slow worker
from a stopped one.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any, BinaryIO

from phidesk.engine.protocol import Alive, Event, Failed, event_to_wire, parse_request

log = logging.getLogger("phidesk.worker")

HEARTBEAT_S = 1.0  # Alive events while the worker's threads can run (the client bounds silence)
TOKEN_FLUSH_S = 0.015
"""Tokens go down the pipe at most this often (each its own event still): a small model makes a token every 4 ms
here, and a write per token woke the reader's process 250 times a second on the two cores the model computes on.
The first token of an answer and every other event go at once."""


class Channel:
    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.out_lock = threading.Lock()
        self.requests: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.stop_ids: set[int] = set()
        self.stop_lock = threading.Lock()
        self._pending: list[bytes] = []  # tokens written but not yet sent (under out_lock)
        self._sent_at = 0.0

    def emit(self, event: Event) -> None:
        """Send *event* now (and any tokens held before it, in order)."""
        data = event_to_wire(event)
        with self.out_lock:
            self._pending.append(data)
            self._send()

    def emit_token(self, event: Event, first: bool) -> None:
        """Send a token, or hold it until TOKEN_FLUSH_S has passed since the last write (the first goes at once).
        Whatever ends the answer (Finished, Failed) is sent with :meth:`emit`, which takes the held tokens along."""
        data = event_to_wire(event)
        with self.out_lock:
            self._pending.append(data)
            if first or time.monotonic() - self._sent_at >= TOKEN_FLUSH_S:
                self._send()

    def _send(self) -> None:
        self.out.write(b"".join(self._pending))
        self.out.flush()
        self._pending.clear()
        self._sent_at = time.monotonic()

    def read_requests(self, stdin: BinaryIO) -> None:
        """Reader thread: stop requests take effect at once, the rest are queued.

        A line that is not a request is answered with a Failed event and the reader goes on:
        one bad line must not leave every later request unanswered.
        """
        for line in stdin:
            try:
                request = parse_request(line)
                if request["op"] == "stop":
                    if request.get("id") is None:
                        raise ValueError("a stop request needs the id of the answer to stop")
                    with self.stop_lock:
                        self.stop_ids.add(int(request["id"]))
                else:
                    self.requests.put(request)
            except Exception as exc:
                log.warning("bad request line (%d bytes): %s", len(line), exc)
                self.emit(Failed(id=None, code="bad_request", message=str(exc)))
        self.requests.put(None)  # the parent went away

    def heartbeat(self) -> None:
        """Heartbeat thread: an Alive event every HEARTBEAT_S, so the client can tell a slow worker
        from a stopped one. It stays silent only while native code holds the interpreter's lock
        (a model load, a prefill slice, a chat template): the client bounds those by phase."""
        while True:
            time.sleep(HEARTBEAT_S)
            try:
                self.emit(Alive())
            except OSError:  # the parent went away
                return

    def stop_requested(self, request_id: int) -> bool:
        with self.stop_lock:
            return request_id in self.stop_ids

    def start_threads(self, stdin: BinaryIO) -> None:
        threading.Thread(target=self.read_requests, args=(stdin,), daemon=True, name="phidesk-requests").start()
        threading.Thread(target=self.heartbeat, daemon=True, name="phidesk-heartbeat").start()
