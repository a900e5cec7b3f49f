"""LocalServer: uvicorn on a daemon thread, serving the model of an EngineClient the caller shares.

The engine is shared (the window's own client, or the headless command's): the server never loads a second
copy of a model. The socket is bound here, before the thread starts, so a port in use is one clear sentence at
``start``; port 0 takes a free port (tests).
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable

import uvicorn

from phidesk import logs, settings
from phidesk.engine.client import EngineClient
from phidesk.errors import UserError
from phidesk.server.answers import Gate
from phidesk.server.app import Serving, build_app

log = logging.getLogger(__name__)
START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 3.0


class PortInUseError(UserError):
    """Another program listens on the port asked for."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class LocalServer:
    """An OpenAI-compatible server for *engine* (``start``/``stop`` from any thread; ``url`` while it runs).

    *on_busy*(True/False) is called on the server's thread when it starts answering and when nothing is
    answered or waiting any more. *load*, headless only, switches the loaded model when a request names another
    installed one (the window passes None: it serves the model it has loaded).
    """

    def __init__(self, engine: EngineClient, *, model_id: str | None, host: str = "127.0.0.1", port: int = 8765,
                 api_key: str | None = None, queue_size: int = 8, on_busy: Callable[[bool], None] | None = None,
                 load: Callable[[str], None] | None = None, cors: str | None = None) -> None:
        if not is_loopback(host) and not api_key:
            raise UserError(f"serving on {host} (beyond this machine) needs an API key: add --api-key KEY")
        self.host, self.port = host, port
        self.serving = Serving(engine, model_id, api_key or None, Gate(queue_size, on_busy),
                               settings.load().sampling, logs.log_file(), load, loopback_only=is_loopback(host))
        self.cors = cors
        self.url: str | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def model_id(self) -> str | None:
        return self.serving.model_id

    @model_id.setter
    def model_id(self, value: str | None) -> None:
        """The window says which model it has loaded (None: none)."""
        self.serving.model_id = value

    def _bind(self) -> socket.socket:
        try:
            family, kind, proto, _, address = socket.getaddrinfo(self.host.strip("[]"), self.port,
                                                                  type=socket.SOCK_STREAM)[0]
        except (socket.gaierror, UnicodeError) as exc:
            raise UserError(f"cannot serve on {self.host!r}: not an address of this machine ({exc})") from None
        sock = socket.socket(family, kind, proto)
        try:
            if hasattr(socket, "SO_REUSEADDR") and not hasattr(socket, "SO_EXCLUSIVEADDRUSE"):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # POSIX: a restart reuses its port
            sock.bind(address)
            sock.listen(64)
        except OSError as exc:
            sock.close()
            if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
                raise PortInUseError(f"port {self.port} on {self.host} is in use by another program: choose "
                                     "another with --port") from None
            raise UserError(f"cannot serve on {self.host}:{self.port}: {exc.strerror or exc}") from None
        sock.setblocking(False)
        return sock

    def start(self) -> str:
        """Start serving; the base URL ("http://127.0.0.1:8765/v1"). UserError if the port cannot be had."""
        if self.url is not None:
            return self.url
        sock = self._bind()
        port = sock.getsockname()[1]
        config = uvicorn.Config(build_app(self.serving, self.cors), http="h11", loop="asyncio", lifespan="off",
                                log_level="warning", access_log=False, timeout_graceful_shutdown=int(STOP_TIMEOUT_S),
                                server_header=False)
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(target=self._run, args=(server, sock), daemon=True,
                                        name="phidesk-server")
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        if not server.started:
            self.stop()
            raise UserError(f"the server did not start on {self.host}:{port}; see {logs.log_file()}")
        shown = f"[{self.host.strip('[]')}]" if ":" in self.host else self.host
        self.url = f"http://{shown}:{port}/v1"
        log.info("serving on %s", self.url)
        return self.url

    def _run(self, server: uvicorn.Server, sock: socket.socket) -> None:
        try:
            server.run(sockets=[sock])
        except BaseException:
            log.exception("the server thread ended with an error")
        finally:
            sock.close()

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def stop(self) -> None:
        """Stop serving: answers in progress are stopped, connections closed (bounded; idempotent)."""
        server, thread = self._server, self._thread
        self._server, self._thread, self.url = None, None, None
        if server is None or thread is None:
            return
        for job in list(self.serving.jobs):
            job.cancel()
        server.should_exit = True
        thread.join(STOP_TIMEOUT_S + 2)
        if thread.is_alive():
            server.force_exit = True
            thread.join(2)
        for job in list(self.serving.jobs):
            job.join(2)
