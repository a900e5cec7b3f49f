"""What the main window shows of the chat service: the messages of the conversation shown (widgets from the first
one that differs, their notes, versions and Continue, their place in the Tab chain), and one answer as it streams
(prefill progress, image cost, tokens, the end: its note, the context meter, a question handed back)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QMainWindow, QWidget

from phidesk.chat import Answer, Refused, Returned, can_continue, cut_at_limit, stats_dict
from phidesk.engine.protocol import AnswerStats
from phidesk.gui.i18n import translate
from phidesk.gui.notes import image_cost_text, stats_note
from phidesk.texts import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QLabel

    from phidesk.chat import ChatService
    from phidesk.engine.protocol import Failed
    from phidesk.gui.bridge import EngineBridge
    from phidesk.gui.chat_view import ChatView, MessageWidget
    from phidesk.gui.composer import Composer
    from phidesk.gui.conversations import ConversationList
    from phidesk.gui.model_pane import ModelPane
    from phidesk.gui.notices import Action
    from phidesk.store import StoredMessage

STOPPING = QT_TRANSLATE_NOOP("MainWindow", "stopping: reading the last part of the prompt…")
CUT_REMOTE = QT_TRANSLATE_NOOP("Message", "cut: the connection to the server broke here")


def _note(state: str, stats: dict[str, Any]) -> str:
    """An answer's note: how it ended ("stopped", "cut at the token limit"), then its figures."""
    figures = stats_note(stats)
    if not figures and state in ("stopped", "cut"):  # nothing came (stopped while a server was silent)
        return translate("Message", "stopped") if state == "stopped" else translate("Message", "cut at the token limit")
    if state == "stopped":
        return translate("Message", "stopped · {figures}").format(figures=figures)
    if state == "cut":
        return translate("Message", "cut at the token limit · {figures}").format(figures=figures)
    return figures


class WindowView(QMainWindow):
    if TYPE_CHECKING:  # what MainWindow provides
        service: ChatService
        bridge: EngineBridge
        chat: ChatView
        composer: Composer
        sidebar: ConversationList
        models: ModelPane
        status_model: QLabel
        status_speed: QLabel
        model_id: str | None
        streaming: MessageWidget | None
        _ids: list[int]
        _chain_tail: QWidget | None
        _flush_timer: QTimer
        _image_cost: str
        _prefill_started: float
        _speed_text: str
        _remote_model: str | None

        @property
        def conversation_id(self) -> int | None: ...
        def new_conversation(self) -> None: ...
        def open_conversation(self, conversation_id: int, again: bool = False) -> None: ...
        def show_notice(self, text: str, actions: list[Action] | None = None, kind: str = "info") -> None: ...
        def show_context(self, stats: dict[str, Any] | None) -> None: ...
        def _changed_elsewhere(self, refused: Refused) -> None: ...
        def _give_back(self, text: str, images: list[str]) -> None: ...
        def _refresh_sidebar_soon(self) -> None: ...
        def remote_notice(self, failure: Failed, model_id: str | None) -> None: ...

    def _sync(self) -> None:
        """Show the service's messages: widgets from the first one that differs are replaced."""
        known = self.service.messages
        same = 0
        while same < min(len(known), len(self._ids)) and known[same].id == self._ids[same]:
            same += 1
        if same < len(self.chat.messages):
            self.chat.truncate(same)
        self._ids = self._ids[:same]
        for message in known[same:]:
            self._show(message)
        if len(known) > same:
            self._chain_messages(same)

    def _chain_messages(self, start: int) -> None:
        """Messages made after the window come last in Qt's Tab chain: put them (with the controls inside them)
        between the sidebar and the message box, in their order. Messages before *start* are chained already."""
        previous: QWidget = self.sidebar.list
        if start > 0 and self._chain_tail is not None and self.chat.messages[start - 1].isAncestorOf(
                self._chain_tail):
            previous = self._chain_tail
        else:
            start = 0
        for message in self.chat.messages[start:]:
            for widget in [message, *message.findChildren(QWidget)]:
                if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                    QWidget.setTabOrder(previous, widget)
                    previous = widget
        QWidget.setTabOrder(previous, self.composer.editor)
        self._chain_tail = previous

    def _show(self, message: StoredMessage) -> None:
        widget = self.chat.add_message(message.role, message.content, model=message.model,
                                       images=list(message.images))
        self._ids.append(message.id)
        self._mark(widget, message)

    def _mark(self, widget: MessageWidget, message: StoredMessage) -> None:
        """A message's note, its versions (‹ 2/3 ›) and whether it can be continued."""
        widget.set_versions(message.version - 1, message.versions)
        widget.set_can_continue(can_continue(message) and message.id == self._last_shown_id())
        if message.status == "cancelled" and message.stats:
            widget.set_note(_note("stopped", message.stats))
        elif message.status == "cancelled":
            widget.set_note(translate("Message", "stopped"))
        elif message.status == "interrupted":
            widget.set_note(translate("Message", "interrupted (the app was closed)"))
        elif message.status == "error" and message.content and "/" in (message.model or ""):
            widget.set_note(translate("Message", CUT_REMOTE))  # a remote answer whose stream broke: what came
        elif message.status == "error":
            widget.set_note(translate("Message", "failed"))
        elif cut_at_limit(message):
            widget.set_note(_note("cut", message.stats or {}))
        elif message.stats:
            widget.set_note(stats_note(message.stats))

    def _last_shown_id(self) -> int | None:
        return self.service.messages[-1].id if self.service.messages else None

    def _only_last_continues(self) -> None:
        """Continue belongs to the last answer only: an answer that had it loses it once a message follows."""
        for widget in self.chat.messages[:-1]:
            widget.set_can_continue(False)

    @Slot(int, int)
    def _on_prefill(self, done: int, total: int) -> None:
        if self.streaming is None:
            return
        elapsed = time.monotonic() - self._prefill_started
        eta = (total - done) * elapsed / done if done else None
        self.streaming.set_prefill(done, total, eta)
        self._pending_note(translate("Message", "reading the prompt…") if done < total
                           else translate("Message", "thinking…"))

    def _pending_note(self, state: str) -> None:
        if self.streaming is not None:
            self.streaming.set_note(f"{state} · {self._image_cost}" if self._image_cost else state)

    @Slot(list, int)
    def _on_image_cost(self, image_tokens: list[int], prompt_tokens: int) -> None:
        """Shown on the pending answer before the model starts reading (and kept in its note)."""
        self._image_cost = image_cost_text(image_tokens, prompt_tokens)
        self._pending_note(translate("Message", "reading the prompt…"))

    @Slot(str)
    def _on_token(self, text: str) -> None:
        self.service.add_token(text)  # written into the answer's own conversation, shown or not
        if self.streaming is None:
            return
        if not self.streaming.text:
            self.streaming.set_prefill(1, 1, None)
            self._pending_note(translate("Message", "writing…"))
        self.streaming.append(text)

    def _flush(self) -> None:
        """The timer: the service writes the streaming answer, or retries what a full disk refused."""
        if self.service.flush() and self.service.answer is None:
            self._flush_timer.stop()

    @Slot()
    def _on_saved_again(self) -> None:
        self.show_notice(translate("MainWindow", "There is disk space again: every answer is saved."))

    @Slot(object)
    def _on_finished(self, stats: AnswerStats) -> None:
        self._end_answer(self.service.finish(stats))

    @Slot(str, str, bool)
    def _on_failed(self, code: str, message: str, user_error: bool) -> None:
        answer = self.service.fail(code, message, user_error)
        self._end_answer(answer)
        if code == "worker_died":
            self.status_model.setText(translate("MainWindow", "{model} · restarting on the next message").format(
                model=self.model_id))
        outcome = answer.outcome if answer else None
        if isinstance(outcome, Returned) and answer is not None and answer.conversation_id != self.conversation_id:
            # the question goes back where it was asked: that conversation is shown again (or a new chat, if the
            # question had started it and it is gone)
            if answer.new_conversation:
                self.new_conversation()
            else:
                self.open_conversation(answer.conversation_id)
        if isinstance(outcome, Returned):  # the question goes back to the composer, images included
            self._sync()
            self._give_back(outcome.text, list(outcome.images))
            self.sidebar.refresh(self.conversation_id)
        elif isinstance(outcome, Refused) and outcome.reason in {"changed", "missing"}:
            self._changed_elsewhere(outcome)
        failure = self.bridge.remote_failure
        if code.startswith("remote_") and failure is not None:  # what to do about it: the key, the wait…
            self.remote_notice(failure, self._remote_model)
        else:
            self.show_notice(message)

    def _end_answer(self, answer: Answer | None) -> None:
        if not self.service.waiting:
            self._flush_timer.stop()
        widget, self.streaming = self.streaming, None
        if widget is None or answer is None:  # it ended in a conversation not shown: written there
            self._refresh_sidebar_soon()
            return
        widget.set_text(answer.text)
        widget.set_prefill(1, 1, None)
        stats = answer.stats
        cut = stats is not None and answer.status == "complete" and stats.finish_reason == "length"
        widget.set_can_continue(answer.status == "cancelled" or cut)
        if answer.status == "error" and answer.text and answer.failure is not None \
                and answer.failure.code == "remote_stream_broken":
            widget.set_note(translate("Message", CUT_REMOTE))
        elif answer.status == "error":
            widget.set_note(translate("Message", "failed"))
        elif stats is not None:
            widget.set_note(_note("stopped" if answer.status == "cancelled" else "cut" if cut else "",
                                  stats_dict(stats)))
            self.chat.announce(translate("Message", "Answer finished: {text}").format(text=answer.text[:300]))
            self.show_context(stats_dict(stats))
            if answer.status == "cancelled" and self.bridge.stopping:
                self._speed_text = self.status_speed.text()
                # until stop_done; a message sent meanwhile waits for it
                self.status_speed.setText(translate("MainWindow", STOPPING))
            if stats.dropped_turns:
                self.show_notice(translate("MainWindow", "The conversation no longer fits the context: the %n "
                                           "oldest turn(s) were left out of this answer.", None,
                                           stats.dropped_turns))
        self._refresh_sidebar_soon()

    @Slot()
    def _on_stop_done(self) -> None:
        if self.status_speed.text() == translate("MainWindow", STOPPING):
            self.status_speed.setText(self._speed_text)

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        self.composer.set_busy(busy)
        self.chat.set_busy(busy)
        self.models.set_busy(busy)
