"""The main window's history actions on the conversation shown: Regenerate and Edit (each adds a version; Edit has
Cancel), switching versions (‹ 2/3 ›), Continue (after Stop, or an answer cut at the token limit), and deleting one
message. The chat service does the writing; this shows what it stored, or says why it refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QMainWindow

from phidesk.chat import Refused
from phidesk.gui.i18n import translate
from phidesk.gui.plain import Button, ask
from phidesk.texts import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from collections.abc import Callable

    from phidesk.chat import Answer, ChatService
    from phidesk.gui.bridge import EngineBridge
    from phidesk.gui.chat_view import ChatView
    from phidesk.gui.composer import Composer
    from phidesk.gui.notices import Action, NoticeArea
    from phidesk.settings import Settings

EDITING = QT_TRANSLATE_NOOP("MainWindow", "Editing a message: send to add your new version (the old one and its "
                            "answers stay: ‹ › switches between them), or Cancel.")


class WindowHistory(QMainWindow):
    if TYPE_CHECKING:  # what MainWindow provides
        prefs: Settings
        service: ChatService
        bridge: EngineBridge
        chat: ChatView
        composer: Composer
        banner: NoticeArea
        model_id: str | None
        _ids: list[int]
        _editing: int | None
        _draft: tuple[str, list[str]] | None

        @property
        def conversation_id(self) -> int | None: ...
        def show_notice(self, text: str, actions: list[Action] | None = None, kind: str = "info") -> None: ...
        chat_model: str | None
        def _begin(self, result: Answer | Refused, editing: int | None = None) -> None: ...
        def remote_checked(self, model_id: str, then: Callable[[], None], back: Callable[[], None]) -> None: ...
        def _remote_answer(self, model_id: str, start: Callable[[], Answer | Refused]) -> None: ...
        def _sync(self) -> None: ...
        def _changed_elsewhere(self, refused: Refused) -> None: ...

    @Slot(int)
    def _on_regenerate(self, position: int) -> None:
        if self.bridge.busy or self.conversation_id is None or position >= len(self._ids):
            return
        if self.chat_model and "/" in self.chat_model:  # a remote model: its endpoint answers
            model_id = self.chat_model
            self.remote_checked(model_id, lambda: self._remote_answer(
                model_id, lambda: self.service.regenerate(position, sampling=self.prefs.sampling,
                                                                 model=model_id, provider="remote")), lambda: None)
            return
        provider = self.bridge.current.provider if self.bridge.current else None
        self._begin(self.service.regenerate(position, sampling=self.prefs.sampling, model=self.model_id,
                                            provider=provider))

    @Slot(int)
    def _on_edit(self, position: int) -> None:
        if self.bridge.busy or position >= len(self.chat.messages):
            return
        if self._editing is None:  # what the user was typing comes back on Cancel
            self._draft = (self.composer.editor.toPlainText(), list(self.composer.images))
        self._editing = position
        self.composer.set_text(self.chat.messages[position].text)
        self.composer.clear_images()
        self.composer.add_images(self.chat.messages[position].images)
        self.show_notice(translate("MainWindow", EDITING), [(translate("MainWindow", "Cancel"), self.cancel_edit)],
                         kind="editing")
        self.composer.editor.setFocus()

    @Slot()
    def cancel_edit(self, restore: bool = True) -> None:
        """Leave editing: the banner goes, and (*restore*) the composer gets back what it held before Edit."""
        if self._editing is None:
            return
        self._editing = None
        self.banner.dismiss_kind("editing")
        draft, self._draft = self._draft, None
        if restore:
            text, images = draft or ("", [])
            self.composer.set_text(text)
            self.composer.clear_images()
            self.composer.add_images(images)

    @Slot(int)
    def _on_continue(self, position: int) -> None:
        if self.bridge.busy or position != len(self._ids) - 1:
            return
        if self.chat_model and "/" in self.chat_model:  # a remote model: its endpoint goes on with the answer
            model_id = self.chat_model
            self.remote_checked(model_id, lambda: self._remote_answer(
                model_id, lambda: self.service.continue_answer(sampling=self.prefs.sampling, model=model_id,
                                                                      provider="remote")), lambda: None)
            return
        provider = self.bridge.current.provider if self.bridge.current else None
        self._begin(self.service.continue_answer(sampling=self.prefs.sampling, model=self.model_id,
                                                 provider=provider))

    @Slot(int, int)
    def _on_version(self, position: int, delta: int) -> None:
        """‹ / ›: the version before or after of message *position*, and what was written after it."""
        if position >= len(self._ids):
            return
        self._show_result(self.service.switch_version(position, delta))

    @Slot(int)
    def _on_delete_message(self, position: int) -> None:
        if position >= len(self._ids):
            return
        if ask(self, translate("Message", "Delete this message?"),
               translate("Message", "This message is deleted (its other versions stay). The messages after it stay "
                         "in the conversation.")) != Button.Yes:
            return
        self._show_result(self.service.delete_message(position))

    def _show_result(self, result: object) -> None:
        if isinstance(result, Refused):
            if result.reason in {"changed", "missing"}:
                self._changed_elsewhere(result)
            else:
                self.show_notice(result.message)
            return
        self._sync()
