"""EngineBridge: the GUI's handle on the worker process, as Qt signals.

The plain-Python ``EngineClient`` blocks while it waits for events, so it is driven from a
dedicated QThread (``_Runner``); the GUI thread only emits requests (queued signals) and
receives events (queued signals). ``stop()`` calls the client directly: it is thread-safe
and returns at once, so Stop never waits for the runner. An exception the runner did not expect is
logged and reported as a failure naming the log, so the window is never left busy for ever.

An answer from a remote endpoint (``send_remote``) runs R1's ``RemoteClient`` the same way on a thread of its own
(``phidesk-remote``), so a slow server never holds the worker's thread; it emits the same token / finished /
failed signals, and Stop closes its request. Its failure keeps the whole ``Failed`` (``remote_failure``: the wait a
429 asked for travels in it) for the window's notice.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from phidesk import logs
from phidesk.engine.client import EngineClient
from phidesk.engine.line import Turn
from phidesk.engine.protocol import Failed, Finished, Loaded, Message, PrefillProgress, Sampling, Token
from phidesk.errors import EngineError
from phidesk.gui.i18n import translate
from phidesk.gui.signals import emit
from phidesk.gui.texts_view import localized_error

if TYPE_CHECKING:
    from phidesk.remote.client import RemoteClient

log = logging.getLogger(__name__)


def _unexpected(exc: Exception) -> str:
    log.exception("unexpected error on the engine thread")
    return translate("MainWindow", "unexpected error: {error} (details in {log})").format(error=logs.summary(exc),
                                                                                        log=logs.log_file())


class _Runner(QObject):
    """Lives on the engine thread; every slot may block there, never on the GUI thread."""

    loaded = Signal(object)  # Loaded
    reloaded = Signal(object)  # Loaded, inside an answer (the worker had died or been ended by Stop)
    load_failed = Signal(str, bool)  # message, user_error
    prefill = Signal(int, int)  # done, total
    image_cost = Signal(list, int)  # tokens of each image, of the whole prompt: before generation starts
    token = Signal(str)
    finished = Signal(object)  # AnswerStats
    failed = Signal(str, str, bool)  # code, message, user_error
    remote_failed = Signal(object)  # Failed, from a remote endpoint

    def __init__(self, client: EngineClient) -> None:
        super().__init__()
        self.client = client

    @Slot(str, object, object)
    def load(self, path: str, options: dict[str, Any], turn: Turn) -> None:
        try:
            emit(self.loaded, self.client.load(path, turn=turn, **options))
        except EngineError as exc:
            emit(self.load_failed, localized_error(exc.code, exc), exc.user_error)
        except Exception as exc:  # the window waits for an answer: it gets one
            emit(self.load_failed, _unexpected(exc), False)

    @Slot(object, object, object, str, bool, object)
    def generate(self, messages: list[Message], sampling: Sampling, images: list[str], conversation: str,  # noqa: PLR0917
                 continue_last: bool, turn: Turn) -> None:
        try:
            for event in self.client.generate(messages, sampling, images, conversation=conversation,
                                              continue_last=continue_last, turn=turn):
                if isinstance(event, Token):
                    emit(self.token, event.text)
                elif isinstance(event, PrefillProgress):
                    if event.image_tokens and event.done == 0:
                        emit(self.image_cost, list(event.image_tokens), event.prompt_tokens)
                    emit(self.prefill, event.done, event.total)
                elif isinstance(event, Loaded):
                    emit(self.reloaded, event)
                elif isinstance(event, Finished):
                    emit(self.finished, event.stats)
                elif isinstance(event, Failed):
                    emit(self.failed, event.code, localized_error(event.code, event.message), event.user_error)
        except EngineError as exc:
            emit(self.failed, exc.code, localized_error(exc.code, exc), exc.user_error)
        except Exception as exc:  # the window waits for an answer: it gets one
            emit(self.failed, "internal_error", _unexpected(exc), False)

    @Slot()
    def unload(self) -> None:
        self.client.unload()

    @Slot(object, object, object, object, str)
    def generate_remote(self, client: RemoteClient, messages: list[Message], sampling: Sampling,
                        images: list[str], conversation: str) -> None:
        """On the remote thread: one answer from *client* (the window's: kept for the next answer)."""
        try:
            for event in client.generate(messages, sampling, images, conversation=conversation):
                if isinstance(event, Token):
                    emit(self.token, event.text)
                elif isinstance(event, Finished):
                    emit(self.finished, event.stats)
                elif isinstance(event, Failed):
                    emit(self.remote_failed, event)
        except Exception as exc:  # the window waits for an answer: it gets one
            emit(self.failed, "internal_error", _unexpected(exc), False)

    @Slot()
    def shutdown(self) -> None:
        self.client.close()


class EngineBridge(QObject):
    """Signals out: loaded, load_failed, prefill, image_cost, token, finished, failed. Calls in: load, send, stop."""

    loaded = Signal(object)
    load_failed = Signal(str, bool)
    prefill = Signal(int, int)
    image_cost = Signal(list, int)
    token = Signal(str)
    finished = Signal(object)
    failed = Signal(str, str, bool)
    busy_changed = Signal(bool)
    stop_done = Signal()  # a prompt slice that was being read when Stop came has been read: the worker is free

    _request_load = Signal(str, object, object)
    _request_generate = Signal(object, object, object, str, bool, object)
    _request_remote = Signal(object, object, object, object, str)
    _request_unload = Signal()
    _request_shutdown = Signal()

    def __init__(self, parent: QObject | None = None, log_path: Path | None = None) -> None:
        super().__init__(parent)
        self.client = EngineClient(log_path=log_path)
        self.current: Loaded | None = None
        self.busy = False
        # The window's place in the worker's line (the local server may share the worker): Stop cancels it,
        # whether it waits behind a server's answer or runs, and never touches another request.
        self._turn: Turn | None = None
        self._thread = QThread(self)
        self._thread.setObjectName("phidesk-engine")
        self._runner = _Runner(self.client)
        self._runner.moveToThread(self._thread)
        self._request_load.connect(self._runner.load)
        self._request_generate.connect(self._runner.generate)
        self._request_unload.connect(self._runner.unload)
        self._request_shutdown.connect(self._runner.shutdown)
        self._runner.loaded.connect(self._on_loaded)
        self._runner.reloaded.connect(self._on_reloaded)
        self._runner.load_failed.connect(self._on_load_failed)
        self._runner.prefill.connect(self.prefill)
        self._runner.image_cost.connect(self.image_cost)
        self._runner.token.connect(self.token)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        # From the client's reader thread: a queued connection carries it to this (the GUI) thread.
        self.client.on_stop_done = lambda _request_id: emit(self.stop_done)
        self._thread.start()
        # Remote answers: their own thread and runner (the worker's thread stays free for a load or the server)
        self._remote: RemoteClient | None = None
        self.remote_failure: Failed | None = None  # the last remote answer's failure, whole (codes, the wait)
        self._remote_thread = QThread(self)
        self._remote_thread.setObjectName("phidesk-remote")
        self._remote_runner = _Runner(self.client)
        self._remote_runner.moveToThread(self._remote_thread)
        self._request_remote.connect(self._remote_runner.generate_remote)
        self._remote_runner.token.connect(self.token)
        self._remote_runner.finished.connect(self._on_finished)
        self._remote_runner.failed.connect(self._on_failed)
        self._remote_runner.remote_failed.connect(self._on_remote_failed)
        self._remote_thread.start()

    # --- requests (GUI thread; none of them waits) -------------------------------------------
    def load(self, path: str | Path, provider: str, context_cap: int, gpu_index: int | None = None,
             **options: Any) -> None:
        """Load a model; *options* are ``EngineClient.load``'s keywords (threads, KV budget, system prompt…)."""
        self._set_busy(True)
        self._turn = Turn("window")
        emit(self._request_load, str(path), {"provider": provider, "context_cap": context_cap,
                                             "gpu_index": gpu_index, **options}, self._turn)

    def send(self, messages: list[Message], sampling: Sampling, images: list[str] | None = None,
             conversation: str = "", continue_last: bool = False) -> None:
        """Answer *messages*; *conversation* names the KV cache to use (the worker keeps several);
        *continue_last*: go on with the last message, an answer (Continue)."""
        self._set_busy(True)
        self._turn = Turn("window")
        emit(self._request_generate, messages, sampling, list(images or []), conversation, continue_last, self._turn)

    def send_remote(self, client: RemoteClient, messages: list[Message], sampling: Sampling,
                    images: list[str] | None = None, conversation: str = "") -> None:
        """Answer *messages* with a remote endpoint's *client* (the window keeps it, and closes it)."""
        self._set_busy(True)
        self._remote = client
        self.remote_failure = None
        emit(self._request_remote, client, messages, sampling, list(images or []), conversation)

    @property
    def remote_busy(self) -> bool:
        """A remote answer is being written."""
        return self._remote is not None

    def stop(self) -> None:
        """Stop the window's own load or answer (a local server's answer is not the window's to stop); a remote
        answer's request is closed at once."""
        if self._remote is not None:
            self._remote.stop()
            return
        if self._turn is not None:
            self._turn.cancel()

    @property
    def stopping(self) -> bool:
        """A stopped answer's prompt slice is still being read (the next message waits for it)."""
        return self.client.stopping

    def unload(self) -> None:
        self.current = None
        emit(self._request_unload)

    def shutdown(self) -> None:
        """End the worker and the engine thread (at application exit)."""
        self.client.stop()
        if self._remote is not None:
            self._remote.stop()
        emit(self._request_shutdown)
        self._thread.quit()
        self._thread.wait(5000)
        self._remote_thread.quit()
        self._remote_thread.wait(5000)

    # --- events --------------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            emit(self.busy_changed, busy)

    @Slot(object)
    def _on_loaded(self, event: Loaded) -> None:
        self.current = event
        self._set_busy(False)
        emit(self.loaded, event)

    @Slot(object)
    def _on_reloaded(self, event: Loaded) -> None:
        self.current = event  # still busy: the answer goes on
        emit(self.loaded, event)

    @Slot(str, bool)
    def _on_load_failed(self, message: str, user_error: bool) -> None:
        self.current = None
        self._set_busy(False)
        emit(self.load_failed, message, user_error)

    @Slot(object)
    def _on_finished(self, stats: Any) -> None:
        self._remote = None
        self._set_busy(False)
        emit(self.finished, stats)

    @Slot(str, str, bool)
    def _on_failed(self, code: str, message: str, user_error: bool) -> None:
        self._remote = None
        self._set_busy(False)
        emit(self.failed, code, message, user_error)

    @Slot(object)
    def _on_remote_failed(self, event: Failed) -> None:
        self.remote_failure = event
        self._on_failed(event.code, localized_error(event.code, event.message), event.user_error)


def stats_dict(stats: Any) -> dict[str, Any]:
    data = asdict(stats)
    data["prefill_tok_s"] = stats.prefill_tok_s
    return data
