"""The window's local server: Settings → Local server (off by default) serves the model the window has loaded.

It goes through the window's own engine client, so the window and the server share one worker and one copy of
the model; their requests take turns in the worker's line (the window's Stop never stops a server answer). The
server is started and stopped off the GUI thread (binding, uvicorn's start and a graceful stop can take a
moment); the status bar shows its address while it is on (a click copies it) and says when it is answering.
Only 127.0.0.1: serving beyond this machine needs an API key, which only `phidesk serve` takes.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton, QWidget

from phidesk.engine.client import EngineClient
from phidesk.errors import UserError
from phidesk.gui.i18n import translate
from phidesk.gui.signals import emit
from phidesk.gui.texts_view import localized

if TYPE_CHECKING:
    from phidesk.server.local import LocalServer

log = logging.getLogger(__name__)


class ServerSwitch(QObject):
    """Turns the local server on and off; ``url`` while it serves, ``busy`` while it answers."""

    changed = Signal()  # url, busy or the last error changed
    failed = Signal(str)  # the server could not start: one sentence, in the window's language
    _started = Signal(object, str)  # LocalServer, its URL (from the starting thread)
    _failed = Signal(str)
    _busy = Signal(bool)  # from the server's thread

    def __init__(self, engine: EngineClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.server: LocalServer | None = None
        self.url: str | None = None
        self.busy = False
        self.model_id: str | None = None
        self.port: int | None = None  # the port asked for (None: off)
        self._starting = False
        self._stopping: threading.Thread | None = None  # the previous server's stop, which frees its port
        self._started.connect(self._on_started)
        self._failed.connect(self._on_failed)
        self._busy.connect(self._on_busy)

    @property
    def on(self) -> bool:
        return self.port is not None

    def apply(self, enabled: bool, port: int) -> None:
        """Serve on *port*, or stop serving; nothing happens when it already is as asked."""
        wanted = port if enabled else None
        if wanted == self.port and (self.server is not None or self._starting or wanted is None):
            return
        self.port = wanted
        self._stop_server()
        if wanted is not None:
            self._starting = True
            threading.Thread(target=self._start, args=(wanted, self._stopping), daemon=True,
                             name="phidesk-server-start").start()
        emit(self.changed)

    def set_model(self, model_id: str | None) -> None:
        """The model the window has loaded (None: none); the server serves that one."""
        self.model_id = model_id
        if self.server is not None:
            self.server.model_id = model_id

    def close(self) -> None:
        """At exit: stop serving and wait (bounded) for the server to end."""
        self.port = None
        server, self.server, self.url = self.server, None, None
        if server is not None:
            server.stop()

    def _start(self, port: int, previous: threading.Thread | None) -> None:  # on its own thread
        if previous is not None:
            previous.join()  # the same port again: the old server lets go of it first (a bounded stop)
        # Imported here: Starlette and uvicorn took 64 ms of every window start for a server that is off by default
        from phidesk.server.local import LocalServer, PortInUseError

        try:
            server = LocalServer(self.engine, model_id=self.model_id, port=port,
                                 on_busy=lambda busy: emit(self._busy, busy))
            url = server.start()
        except PortInUseError:
            emit(self._failed, translate("Server", "port {port} is in use by another program: choose another in "
                                                   "Settings → Local server").format(port=port))
            return
        except UserError as exc:
            emit(self._failed, localized(exc))
            return
        except Exception as exc:  # the window must hear of it
            log.exception("the local server did not start")
            emit(self._failed, str(exc))
            return
        emit(self._started, server, url)

    def _stop_server(self) -> None:
        server, self.server, self.url, self.busy = self.server, None, None, False
        if server is not None:
            self._stopping = threading.Thread(target=server.stop, daemon=True, name="phidesk-server-stop")
            self._stopping.start()

    @Slot(object, str)
    def _on_started(self, server: LocalServer, url: str) -> None:
        self._starting = False
        if self.port is None or server.port != self.port:  # turned off (or moved) while it started
            threading.Thread(target=server.stop, daemon=True, name="phidesk-server-stop").start()
            return
        server.model_id = self.model_id
        self.server, self.url = server, url
        emit(self.changed)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._starting = False
        self.port = None
        emit(self.changed)
        emit(self.failed, message)

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        if self.server is not None and busy != self.busy:
            self.busy = busy
            emit(self.changed)


class ServerStatus(QPushButton):
    """The status bar's part: the address while the server is on (a click copies it), and when it answers."""

    def __init__(self, switch: ServerSwitch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.switch = switch
        self.setFlat(True)
        self.setToolTip(translate("Server", "Other apps on this computer can use the loaded model at this address "
                                            "(the OpenAI API). Click to copy it."))
        self.setAccessibleName(translate("Server", "Local server address (click to copy)"))
        self.clicked.connect(self.copy_url)
        self._reset = QTimer(self)
        self._reset.setSingleShot(True)
        self._reset.setInterval(1500)
        self._reset.timeout.connect(self.refresh)
        switch.changed.connect(self.refresh)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        s = self.switch
        self.setVisible(s.on)
        if s.url is None:
            self.setText(translate("Server", "Local server starting…"))
        elif s.busy:
            self.setText(translate("Server", "Server answering · {url}").format(url=s.url))
        else:
            self.setText(translate("Server", "Server · {url}").format(url=s.url))

    @Slot()
    def copy_url(self) -> None:
        if self.switch.url is None:
            return
        QGuiApplication.clipboard().setText(self.switch.url)
        self.setText(translate("Server", "Copied {url}").format(url=self.switch.url))
        self._reset.start()
