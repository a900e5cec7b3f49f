"""The main window: conversations | header, notices, chat and composer | a status bar (the model manager is its own
window); a view of the chat service.

One answer: the window hands the composer's text to :class:`phidesk.chat.ChatService`, which stores
the question and an empty answer (status ``streaming``) and returns what the engine should read; the
window shows what the service stored and asks the engine bridge for the answer. The bridge's events
(on the GUI thread) go to the service, which writes the answer at least every 0.5 s, and to the message
widget (re-rendered at most every 60 ms). A timer here only drives the service's flush during a pause in
the stream and its retries while the disk is full. The window writes no message itself.
Nothing here waits: the worker runs in its own process, the client on the bridge's thread.

About 400 lines: the widgets' layout, the wiring of every signal, shortcuts and the Tab order, switching
conversations and sending; what is shown of the service and of one answer is in window_view.py, the history
actions in window_history.py, the sidebar's actions, the models, and settings/state/dialogs in window_actions.py,
window_models.py and window_state.py.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QMessageBox, QSplitter, QVBoxLayout, QWidget

from phidesk.chat import Answer, ChatService, Refused
from phidesk.errors import UserError
from phidesk.gui.bridge import EngineBridge
from phidesk.gui.chat_view import ChatView, MessageWidget
from phidesk.gui.composer import Composer
from phidesk.gui.conversations import ConversationList
from phidesk.gui.endpoint_dialog import key_for
from phidesk.gui.endpoints_box import EndpointsBox
from phidesk.gui.header import ChatHeader
from phidesk.gui.i18n import translate
from phidesk.gui.images import ImageKeeper, ImageLoader
from phidesk.gui.look import warm_icons
from phidesk.gui.model_manager import ModelManagerDialog
from phidesk.gui.model_pane import ModelPane
from phidesk.gui.notes import welcome
from phidesk.gui.notices import Action, NoticeArea
from phidesk.gui.server_switch import ServerSwitch
from phidesk.gui.window_actions import DELETED_ELSEWHERE, ConversationActions
from phidesk.gui.window_history import EDITING, WindowHistory
from phidesk.gui.window_models import WindowModels, last_stats
from phidesk.gui.window_remote import WindowRemote, is_remote
from phidesk.gui.window_state import WindowState
from phidesk.gui.window_view import STOPPING, WindowView
from phidesk.models import library
from phidesk.remote.client import KeptClients, RemoteClient
from phidesk.remote.endpoints import remote_model
from phidesk.settings import Settings
from phidesk.store import ConversationMissingError, Store
from phidesk.texts import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

FLUSH_INTERVAL_MS = 500  # the service writes on token arrival; this timer covers a pause in the stream
# The models pane's hardware report (Python on a pool thread, holding the GIL in stretches) waits this long after the
# window is made, so that it no longer competes with the first paint and the worker's start: at its first turn it
# made a 16-35 ms gap at start in about half the runs of benchmarks/stall_anatomy.py (RESULTS.md).
REPORT_DELAY_MS = 1000

# A focus ring where the style draws none (flat and tool buttons, lists and tables), in the palette's highlight so
# it follows the theme; the messages have their own (ChatView's style sheet).
FOCUS_RING = ("QToolButton:focus, QPushButton:flat:focus { border: 2px solid palette(highlight); border-radius: 4px; }"
              "QAbstractItemView:focus { border: 2px solid palette(highlight); }"
              "QTextEdit#composerEditor:focus { border: 2px solid palette(highlight); border-radius: 4px; }")
CHANGED_ELSEWHERE = QT_TRANSLATE_NOOP("MainWindow",
                                     "This conversation was changed in another window and has been reloaded.")
KEPT_TEXT = " Your message is still in the box below: send it again if you still want to."
# the notices with the question given back: whole sentences, so a translation can order them as it needs
CHANGED_KEPT = QT_TRANSLATE_NOOP("MainWindow", "This conversation was changed in another window and has been "
                                 "reloaded. Your message is still in the box below: send it again if you still "
                                 "want to.")
DELETED_KEPT = QT_TRANSLATE_NOOP("MainWindow", "This conversation was deleted in another window. Your message is "
                                 "still in the box below: send it again if you still want to.")
__all__ = ["CHANGED_ELSEWHERE", "DELETED_ELSEWHERE", "EDITING", "KEPT_TEXT", "STOPPING", "MainWindow"]


class MainWindow(ConversationActions, WindowView, WindowHistory, WindowModels, WindowRemote, WindowState):
    def __init__(self, store: Store, prefs: Settings, bridge: EngineBridge | None = None) -> None:
        super().__init__()
        self.store, self.prefs = store, prefs
        self.bridge = bridge or EngineBridge(self)
        # Settings → Local server: the loaded model served to other apps through this window's own worker
        self.server_switch = ServerSwitch(self.bridge.client, self)
        self.setWindowTitle("PhiDesk")
        # The one writer of this window's conversations: answers survive a full disk (kept in memory, written later)
        self.service = ChatService(store, self.bridge.client, system_prompt=prefs.system_prompt,
                                   on_save_problem=self.show_notice, on_saved_again=self._on_saved_again)
        self._ids: list[int] = []  # the store ids of the messages shown, in order (what the user saw)
        self.model_id: str | None = None  # the model the bridge has (or is loading)
        self.streaming: MessageWidget | None = None
        self._pending: tuple[str, list[str]] | None = None  # a message waiting for its model to load
        self._editing: int | None = None  # the position of the message being edited
        self._draft: tuple[str, list[str]] | None = None  # what the composer held before Edit
        self.chat_model: str | None = None  # this chat's model (its own, else the default): loaded on send
        self._context_stats: dict[str, Any] | None = None  # this chat's last answer's stats (the meter)
        self._loaded_max = 0  # the loaded model's context length
        self._chain_tail: QWidget | None = None  # the last widget of the messages in the Tab chain
        self._usable_models: list[str] | None = None  # the picker's models, read at start and when it opens
        self._prefill_started = 0.0
        self._speed_text = ""  # the status bar's speed, shown again once a stopped prompt slice is read
        self._image_cost = ""  # what the images of the pending answer cost, once the worker has said
        self._confirmed: set[tuple[int | None, str]] = set()  # (conversation, host) the user agreed to send to
        self._remote_clients = KeptClients(key_for, offline=lambda: self.prefs.offline)  # see remote_client
        self.confirm_box: QMessageBox | None = None  # "This conversation will be sent to HOST. Send?" while open
        self._remote_model: str | None = None  # the remote model of the answer being written

        self.sidebar = ConversationList(store, self)
        self.images = ImageLoader(self)
        self.keeper = ImageKeeper(self)
        self.chat = ChatView(self.images, self)
        self.composer = Composer(self.images, self)
        self.models = ModelPane(self)
        self.header = ChatHeader(self)
        self.banner = NoticeArea(self)  # notices carry model ids, file names, worker errors: plain text
        center = QWidget(self)
        column = QVBoxLayout(center)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.banner)
        column.addWidget(self.chat, 1)
        column.addWidget(self.composer)
        self.model_manager = ModelManagerDialog(self.models, self)
        self.endpoints = EndpointsBox(self.model_manager)
        self.model_manager.add_section(self.endpoints)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(center)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([250, 1000])
        self.setCentralWidget(self.splitter)
        self._build_status_bar()
        self.setStyleSheet(FOCUS_RING)
        warm_icons()
        self.composer.editor.setObjectName("composerEditor")
        self._tab_order()

        self._flush_timer = QTimer(self)  # drives the service's flush in a pause of the stream, and its retries
        self._flush_timer.setInterval(FLUSH_INTERVAL_MS)
        self._flush_timer.timeout.connect(self._flush)
        self._sidebar_timer = QTimer(self)  # the sidebar, refreshed in the next turn of the event loop
        self._sidebar_timer.setSingleShot(True)
        self._sidebar_timer.setInterval(0)
        self._sidebar_timer.timeout.connect(self._refresh_sidebar)
        self._connect()
        self._shortcuts()
        self._restore_ui()
        self.models.refresh()
        self.sidebar.refresh()
        self._open_latest()
        if self.chat_model:  # the one model this start loads: the shown chat's, ready by the time the user sends
            self.load_model(self.chat_model)
        self.server_switch.apply(self.prefs.server, self.prefs.server_port)
        # The hardware report: once the window has painted and the worker has started (REPORT_DELAY_MS).
        self._report_timer = QTimer(self)
        self._report_timer.setSingleShot(True)
        self._report_timer.setInterval(REPORT_DELAY_MS)
        self._report_timer.timeout.connect(lambda: self.models.start(self.prefs.context_cap))
        self._report_timer.start()

    # --- wiring -----------------------------------------------------------------------------
    def _connect(self) -> None:
        b = self.bridge
        b.loaded.connect(self._on_loaded)
        b.load_failed.connect(self._on_load_failed)
        b.prefill.connect(self._on_prefill)
        b.image_cost.connect(self._on_image_cost)
        b.token.connect(self._on_token)
        b.finished.connect(self._on_finished)
        b.failed.connect(self._on_failed)
        b.busy_changed.connect(self._on_busy)
        b.stop_done.connect(self._on_stop_done)
        self.server_switch.failed.connect(lambda reason: self.show_notice(translate(
            "MainWindow", "The local server could not start: {reason}").format(reason=reason)))
        self.composer.send_requested.connect(self.send)
        self.keeper.kept.connect(self._on_kept)
        self.keeper.failed.connect(self._on_keep_failed)
        self.composer.preview_requested.connect(self.preview_image)
        self.chat.preview_requested.connect(self.preview_image)
        self.chat.images_dropped.connect(self.composer.add_images)
        self.composer.stop_requested.connect(self.stop)
        self.composer.problem.connect(self.show_notice)
        self.chat.edit_requested.connect(self._on_edit)
        self.chat.regenerate_requested.connect(self._on_regenerate)
        self.chat.continue_requested.connect(self._on_continue)
        self.chat.delete_requested.connect(self._on_delete_message)
        self.chat.version_requested.connect(self._on_version)
        self.chat.welcome.linkActivated.connect(self._on_welcome_link)  # "download Phi-3.5-mini"
        self.header.model_chosen.connect(self._on_model_chosen)
        self.header.get_models.connect(self.open_model_manager)
        self.header.system_prompt_requested.connect(self.edit_system_prompt)
        self.header.picker_opening.connect(lambda: self.refresh_header(reread=True))  # installed or removed since
        self.sidebar.selected.connect(self.open_conversation)
        self.sidebar.new_requested.connect(self.new_conversation)
        self.sidebar.rename_requested.connect(self._on_rename)
        self.sidebar.pin_requested.connect(self._on_pin)
        self.sidebar.delete_requested.connect(self._on_delete)
        self.sidebar.export_requested.connect(self._on_export)
        self.sidebar.import_requested.connect(self._on_import)
        self.models.load_requested.connect(lambda model_id: self.load_model(model_id, force=True))
        self.models.unload_requested.connect(self._on_unload)
        self.endpoints.changed.connect(self.refresh_header)

    def _shortcuts(self) -> None:
        # Esc belongs to the window in front: a dialog or the image preview closes on it; here it stops an answer,
        # else cancels an edit. The rest work from any window of the app.
        esc = QShortcut(QKeySequence("Esc"), self)
        esc.setContext(Qt.ShortcutContext.WindowShortcut)
        esc.activated.connect(self._on_escape)
        for keys, slot in (("Ctrl+N", self.new_conversation), ("Ctrl+L", self.composer.editor.setFocus),
                           ("Ctrl+F", self._focus_search), ("Ctrl+,", self.open_settings),
                           ("Ctrl+Shift+M", self.open_model_manager), ("Ctrl+Q", self.close),
                           ("F1", self.open_about), ("Ctrl+=", lambda: self.chat.zoom(1)),
                           ("Ctrl++", lambda: self.chat.zoom(1)), ("Ctrl+-", lambda: self.chat.zoom(-1)),
                           ("Ctrl+0", lambda: self.chat.zoom(0))):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
            shortcut.activated.connect(slot)

    def _tab_order(self) -> None:
        """Tab goes sidebar → conversation → message box → the header's controls (then the status bar)."""
        chain = [self.sidebar.new_button, self.sidebar.import_button, self.sidebar.search, self.sidebar.list,
                 self.chat, self.composer.editor, self.composer.send_button, self.header.picker,
                 self.header.system_button, self.about_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    @Slot()
    def _on_escape(self) -> None:
        if self.bridge.busy:
            self.stop()
        elif self._editing is not None:
            self.cancel_edit()

    @Slot(str)
    def _on_welcome_link(self, link: str) -> None:
        if link.startswith("download:"):
            self.open_model_manager()
            self.models.download_model(link.removeprefix("download:"))

    def _focus_search(self) -> None:
        self.sidebar.search.setFocus()
        self.sidebar.search.selectAll()

    @property
    def conversation_id(self) -> int | None:
        return self.service.conversation_id

    # --- conversations ---------------------------------------------------------------------------
    def _open_latest(self) -> None:
        conversations = self.store.list_conversations()
        if conversations:
            self.open_conversation(conversations[0].id)
        else:
            self.new_conversation()

    @Slot()
    def new_conversation(self) -> None:
        """A new chat; an answer being written goes on in its own conversation."""
        self.service.new()
        self._left_conversation()
        self.sidebar.set_current(None)
        default = library.default_model_id(self.prefs.default_model)
        if not is_remote(self.chat_model):  # a new chat goes on with the model in use (a remote one too)
            self.chat_model = self.model_id or default
        self.chat.show_welcome(welcome(bool(default), remote_models=not default and bool(self.remote_choices())))
        self.header.set_title(translate("Header", "New chat"))
        self.show_context(None)
        self.refresh_header()
        self.composer.editor.setFocus()

    def _left_conversation(self) -> None:
        """What belonged to the conversation shown before: its messages and an edit in progress (its figures: the
        callers show the new conversation's)."""
        self.streaming = None  # an answer being written goes on into its own conversation, unseen
        self.chat.clear()
        self._ids = []
        self.cancel_edit()

    @Slot(int)
    def open_conversation(self, conversation_id: int, again: bool = False) -> None:
        """Show a conversation. Nothing loads here (browsing the sidebar must not load a model per key press):
        its model loads when the user sends or picks one."""
        if conversation_id == self.conversation_id and self.chat.messages and not again:
            return
        try:
            conversation = self.service.open(conversation_id)
        except ConversationMissingError:
            self._gone(conversation_id)
            return
        self._left_conversation()
        self._sync()
        if self.service.streaming_here:  # back to the answer being written: it goes on in its widget
            self.streaming = self.chat.messages[-1]
            self._pending_note(translate("Message", "writing…") if self.streaming.text
                               else translate("Message", "thinking…"))
        self.sidebar.set_current(conversation_id)
        self.header.set_title(conversation.title)
        self.chat_model = conversation.model_id or library.default_model_id(self.prefs.default_model)
        self.refresh_header()
        self.show_context(last_stats(conversation.messages))

    def _changed_elsewhere(self, refused: Refused) -> None:
        """Another window or process changed (or deleted) this conversation since it was shown: show it as it
        is now, say so, and give back what the user typed."""
        self.cancel_edit(restore=False)
        conversation_id = self.conversation_id
        if refused.reason == "missing" or conversation_id is None:
            self.new_conversation()
            changed = False
        else:
            self.open_conversation(conversation_id, again=True)
            changed = self.conversation_id == conversation_id
        kept = bool(refused.text or refused.images)
        if kept:
            self._give_back(refused.text, list(refused.images))
        self.sidebar.refresh(self.conversation_id)
        if changed:
            notice = CHANGED_KEPT if kept else CHANGED_ELSEWHERE
        else:
            notice = DELETED_KEPT if kept else DELETED_ELSEWHERE
        self.show_notice(translate("MainWindow", notice))

    def _refresh_sidebar(self) -> None:
        """The sidebar as stored now, and the header's title with it (a new chat gets its title from its first
        question)."""
        self.sidebar.refresh(self.conversation_id)
        item = self.sidebar.list.currentItem()
        if self.conversation_id is not None and item is not None:
            self.header.set_title(item.text())

    def _refresh_sidebar_soon(self) -> None:
        """The sidebar again, in the next turn of the event loop: not in the same one as a new message's widgets
        and store writes (together they were the window's longest stall when an answer starts)."""
        self._sidebar_timer.start()

    def _give_back(self, text: str, images: list[str]) -> None:
        self.composer.set_text(text)
        self.composer.clear_images()
        self.composer.add_images(images)

    # --- one answer ----------------------------------------------------------------------------
    @Slot(str, list)
    def send(self, text: str, images: list[str]) -> None:
        if self.bridge.busy:
            return
        self.banner.clear(keep={"editing"})
        wanted = self.chat_model or library.default_model_id(self.prefs.default_model)
        if is_remote(wanted):  # Offline, the endpoint, the confirmation; then on as any question
            assert wanted is not None
            self.send_remote(wanted, text, images)
            return
        if wanted is None:
            self.show_notice(translate("MainWindow", "No model is installed: open Get models… in the model menu "
                                       "above, or run 'phidesk models starter'."))
            self.composer.set_text(text)
            self.composer.add_images(images)
            return
        if self.model_id != wanted or self.bridge.current is None:  # this chat's model, loaded when needed
            self._pending = (text, images)
            if self.model_id != wanted:  # else it is loading: the message goes once it has
                self.load_model(wanted)
            return
        if images and not self.bridge.current.vision:
            self._offer_vision(text, images)
            return
        self._go_on(text, images)

    def _go_on(self, text: str, images: list[str]) -> None:
        """The question goes: its images copied first (off the GUI thread), then asked."""
        if images:  # the conversation keeps its own copies: made off the GUI thread (a photo can be huge)
            self.composer.set_busy(True)
            self.keeper.keep(text, images)
            return
        self._ask(text, [])

    @Slot(str, list)
    def _on_kept(self, text: str, kept: list[str]) -> None:
        self.composer.set_busy(self.bridge.busy)
        self._ask(text, kept)

    @Slot(str, list, str)
    def _on_keep_failed(self, text: str, images: list[str], reason: str) -> None:
        self.composer.set_busy(self.bridge.busy)
        self.composer.set_text(text)  # nothing is lost: the question waits in the composer
        self.composer.add_images(images)
        self.show_notice(reason)

    def _ask(self, text: str, images: list[str]) -> None:
        if is_remote(self.chat_model) and not self.bridge.busy:
            self._ask_remote(text, images)
            return
        if self.bridge.busy or self.bridge.current is None:
            self._on_keep_failed(text, images, translate("MainWindow", "The model is not ready: send the message "
                                                                     "again."))
            return
        editing = self._editing
        self.cancel_edit(restore=False)
        self._begin(self.service.ask(text, images, sampling=self.prefs.sampling, model=self.model_id,
                                     provider=self.bridge.current.provider, edit=editing), editing)

    def _ask_remote(self, text: str, images: list[str]) -> None:
        model_id = self.chat_model
        assert model_id is not None
        if remote_model(model_id) is None:  # removed while the confirmation was open
            self.send_remote(model_id, text, images)
            return
        editing = self._editing
        self.cancel_edit(restore=False)
        self._remote_answer(model_id, lambda: self.service.ask(
            text, images, sampling=self.prefs.sampling, model=model_id, provider="remote", edit=editing), editing)

    def _remote_answer(self, model_id: str, start: Callable[[], Answer | Refused],
                       editing: int | None = None) -> None:
        """A remote answer (ask, regenerate, continue): *start* has the service store it; the endpoint writes it."""
        if self.bridge.busy:  # the client below may be the one still answering
            return
        client = self.remote_client(model_id)
        if client is None:
            return
        result = start()
        if isinstance(result, Answer):
            self.confirmed_new_conversation(result.conversation_id)
        self._begin(result, editing, client)

    def _begin(self, result: Answer | Refused, editing: int | None = None, client: RemoteClient | None = None) -> None:
        """Show what the service stored; stream the answer it started, or say why it started none."""
        if isinstance(result, Refused) and result.reason in {"changed", "missing"}:
            self._changed_elsewhere(result)
            return
        self._sync()
        self._only_last_continues()
        if isinstance(result, Refused):
            if result.text or result.images:  # the question waits in the composer, nothing half-stored
                if editing is not None and editing < len(self._ids):
                    self._editing = editing
                    self.show_notice(translate("MainWindow", EDITING),
                                     [(translate("MainWindow", "Cancel"), self.cancel_edit)], kind="editing")
                self._on_keep_failed(result.text, list(result.images), result.message)
            else:
                self.show_notice(result.message)
            return
        self.streaming = self.chat.messages[-1]
        self.streaming.set_note(translate("Message", "waiting for {host}…").format(host=client.endpoint.host)
                                if client is not None else translate("Message", "thinking…"))
        self._prefill_started = time.monotonic()
        self._image_cost = ""
        self._flush_timer.start()
        self._refresh_sidebar_soon()
        self._remote_model = client.model_id if client is not None else None
        if client is not None:
            self.header.set_remote(client.endpoint.host)
            self.bridge.send_remote(client, result.messages, result.sampling, conversation=result.cache_key)
            return
        # each message carries its own images
        self.bridge.send(result.messages, result.sampling, conversation=result.cache_key,
                         continue_last=result.resumed is not None)

    @Slot()
    def stop(self) -> None:
        if self.bridge.busy:
            self.bridge.stop()

    def show_notice(self, text: str, actions: list[Action] | None = None, kind: str = "info") -> None:
        self.banner.show_notice(text, actions, kind)

    def hide_notice(self) -> None:
        self.banner.clear(keep={"editing"})

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self._sidebar_timer.stop()  # the store may be closed right after the window
        if self.bridge.busy:
            self.bridge.stop()
        if not self.service.save() and not self._may_close_unsaved():
            event.ignore()
            return
        self._report_timer.stop()  # no report (nor a download resumed) for a window that has closed
        try:
            self.save_ui()
        except (OSError, UserError) as exc:  # a full disk must not keep the engine running or the app open
            log.warning("window state not saved: %s", exc)
        self.models.close_downloads()
        self.server_switch.close()  # its answers end before the worker does
        self.bridge.shutdown()
        self._remote_clients.close()  # after the bridge: its remote thread has ended
        super().closeEvent(event)
