"""One window per user and data folder: a second launch hands its arguments to the running window and exits.

The first launch takes a lock file in the data folder (``QLockFile``: it records the pid, and a lock left by
a crashed process is taken over, because that pid no longer runs) and, holding it, listens on a local
server (``QLocalServer``: a Unix socket, a named pipe on Windows) whose name is a hash of the user and the
data folder, so another user or another ``PHIDESK_HOME`` (tests) never meets it. Holding the lock makes any
socket of that name a stale one left by a crash, so it is removed before listening. A later launch finds the
lock taken, connects, sends one JSON line (``{"args": [...]}``: file paths made absolute against its own
folder), waits for ``ok`` and exits 0; the running window comes forward and opens the files.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QLockFile, QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from phidesk import paths
from phidesk.gui.i18n import translate
from phidesk.gui.signals import emit

if TYPE_CHECKING:
    from phidesk.gui.main_window import MainWindow

log = logging.getLogger(__name__)

LOCK_NAME = "instance.lock"
MAX_MESSAGE = 256 * 1024  # bytes: a command line, not a document
CONNECT_WAIT_S = 10.0  # the first launch may still be starting its server
REPLY_WAIT_MS = 5000


def server_name(data_dir: Path | None = None) -> str:
    """The local server's name for this user and data folder (short: Unix socket paths are limited)."""
    folder = str((data_dir or paths.data_dir()).resolve())
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name (some containers): the uid, or the home folder, tells users apart
        user = str(getattr(os, "getuid", lambda: 0)()) + str(Path.home())
    digest = hashlib.sha256(f"{user}\0{folder}".encode()).hexdigest()[:24]
    return f"phidesk-{digest}"


class SingleInstance(QObject):
    """``claim()`` once at start-up: True makes this the running instance, which then emits ``received``."""

    received = Signal(list)  # list[str]: a later launch's arguments (paths absolute); [] asks only for focus

    def __init__(self, data_dir: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        folder = data_dir or paths.data_dir()
        self.name = server_name(folder)
        self._lock = QLockFile(str(folder / LOCK_NAME))
        self._lock.setStaleLockTime(0)  # never by age: only a lock whose process is gone is stale
        self._server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, QByteArray] = {}

    def claim(self) -> bool:
        """Become the running instance (True), or find that another one holds this data folder (False)."""
        if not self._lock.tryLock(0):
            return False
        QLocalServer.removeServer(self.name)  # we hold the lock: a socket of this name is a crashed one's
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            log.warning("no single-instance server (%s): later launches open windows of their own",
                        server.errorString())
            return True
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    @property
    def address(self) -> str | None:
        """Where the server listens (a socket file's path on Unix), while it does."""
        return self._server.fullServerName() if self._server is not None else None

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()

    def hand_over(self, args: list[str]) -> bool:
        """Send ``args`` to the running instance; True once it has acknowledged them."""
        message = json.dumps({"args": args}, ensure_ascii=False).encode("utf-8") + b"\n"
        deadline = time.monotonic() + CONNECT_WAIT_S
        while True:
            socket = QLocalSocket()
            socket.connectToServer(self.name)
            if socket.waitForConnected(1000):
                break
            if time.monotonic() > deadline:
                log.warning("the running PhiDesk does not answer on %s: %s", self.name, socket.errorString())
                return False
            time.sleep(0.2)
        try:
            socket.write(QByteArray(message))
            if not socket.waitForBytesWritten(REPLY_WAIT_MS):
                return False
            reply = b""
            while not reply.endswith(b"\n") and socket.waitForReadyRead(REPLY_WAIT_MS):
                reply += bytes(socket.readAll().data())
            return reply.strip() == b"ok"
        finally:
            socket.abort()

    @Slot()
    def _on_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = QByteArray()
            socket.readyRead.connect(lambda s=socket: self._on_ready_read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _on_ready_read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer.append(socket.readAll())
        data = bytes(buffer.data())
        if len(data) > MAX_MESSAGE:
            log.warning("a message of over %d bytes on the single-instance server: dropped", MAX_MESSAGE)
            socket.abort()
            return
        if not data.endswith(b"\n"):
            return
        args = _parse(data)
        if args is None:
            log.warning("an unreadable message on the single-instance server: dropped")
            socket.abort()
            return
        socket.write(QByteArray(b"ok\n"))
        socket.flush()
        socket.disconnectFromServer()
        log.info("a later launch handed over %d argument(s)", len(args))
        emit(self.received, args)

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()


def _parse(data: bytes) -> list[str] | None:
    try:
        message = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    args = message.get("args") if isinstance(message, dict) else None
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        return None
    return args


def open_arguments(window: MainWindow, args: list[str]) -> None:
    """What a launch asked for (this one's command line, or a later launch's): the window comes forward; an
    image is attached to the composer, a conversation ``.json`` imported; a missing file is a notice."""
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()
    images: list[str] = []
    for arg in args:
        path = Path(arg)
        if not path.is_file():
            window.show_notice(translate("MainWindow", "Could not open {path}: there is no such file.").format(
                path=path))
        elif path.suffix.lower() == ".json":
            window.import_file(path)
        else:
            images.append(str(path))
    if images:
        window.composer.add_images(images)  # checks each header; a file that is not an image becomes a notice
        log.info("attached %d image(s) to the composer", len(window.composer.images))
