"""The sidebar's actions on conversations (rename, delete, export, import), as part of the main window.

Every write goes through the window's chat service; a conversation another window deleted meanwhile is
reported, never written into.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMainWindow

from phidesk.errors import UserError
from phidesk.gui.i18n import translate
from phidesk.gui.plain import Button, ask
from phidesk.gui.texts_view import localized
from phidesk.store import (
    ConversationChangedError,
    ConversationMissingError,
    export_file_name,
    export_json,
    export_markdown,
)
from phidesk.store.pending import is_disk_full
from phidesk.texts import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from phidesk.chat import ChatService
    from phidesk.gui.bridge import EngineBridge
    from phidesk.gui.conversations import ConversationList
    from phidesk.store import Store

log = logging.getLogger(__name__)

DELETED_ELSEWHERE = QT_TRANSLATE_NOOP("MainWindow", "This conversation was deleted in another window.")


class ConversationActions(QMainWindow):
    if TYPE_CHECKING:  # what MainWindow provides
        store: Store
        service: ChatService
        bridge: EngineBridge
        sidebar: ConversationList

        @property
        def conversation_id(self) -> int | None: ...
        def new_conversation(self) -> None: ...
        def open_conversation(self, conversation_id: int, again: bool = False) -> None: ...
        def show_notice(self, text: str) -> None: ...
        def _refresh_sidebar(self) -> None: ...

    def _gone(self, conversation_id: int) -> None:
        """A sidebar action on a conversation another window deleted: say so and show the list as it is."""
        if self.conversation_id in (None, conversation_id) and not self.bridge.busy:
            self.new_conversation()
        self.sidebar.refresh(self.conversation_id)
        self.show_notice(translate("MainWindow", DELETED_ELSEWHERE))

    def _on_rename(self, conversation_id: int) -> None:
        try:
            current = self.store.get_conversation(conversation_id).title
            title, ok = QInputDialog.getText(self, translate("Sidebar", "Rename conversation"),
                                             translate("Sidebar", "Title:"), text=current)
            if ok and title.strip():
                self.service.rename(conversation_id, title.strip())
        except ConversationMissingError:
            self._gone(conversation_id)
            return
        self._refresh_sidebar()

    def _on_pin(self, conversation_id: int, pinned: bool) -> None:
        try:
            self.service.set_pinned(conversation_id, pinned)
        except ConversationMissingError:
            self._gone(conversation_id)
            return
        self.sidebar.refresh(self.conversation_id)

    def _on_delete(self, conversation_id: int) -> None:
        if self.bridge.busy and conversation_id == self.conversation_id:
            return
        try:
            title = self.store.get_conversation(conversation_id).title
            answer = ask(self, translate("Sidebar", "Delete conversation"),
                         translate("Sidebar", "Delete “{title}” for good?").format(title=title))
            if answer != Button.Yes:
                return
            self.service.delete_conversation(conversation_id)
        except ConversationMissingError:
            self._gone(conversation_id)
            return
        except ConversationChangedError:
            self.show_notice(translate("Sidebar", "Another window is still writing an answer in this "
                                       "conversation: delete it once that answer is finished."))
            return
        if conversation_id == self.conversation_id:
            self.new_conversation()
        self.sidebar.refresh()

    def _on_export(self, conversation_id: int, kind: str) -> None:
        try:
            conversation = self.store.get_conversation(conversation_id)
        except ConversationMissingError:
            self._gone(conversation_id)
            return
        suffix = ".md" if kind == "md" else ".json"
        path, _ = QFileDialog.getSaveFileName(self, translate("Sidebar", "Export conversation"),
                                              str(Path.home() / export_file_name(conversation.title, suffix)))
        if not path:
            return
        text = (export_markdown(conversation) if kind == "md"
                else json.dumps(export_json(conversation), indent=2, ensure_ascii=False))
        Path(path).write_text(text, encoding="utf-8")
        self.statusBar().showMessage(translate("Sidebar", "Exported to {path}").format(path=path), 5000)

    def _on_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, translate("Sidebar", "Import conversation"), str(Path.home()),
                                              translate("Sidebar", "JSON (*.json)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        try:
            summary = self.service.import_conversation(path.read_bytes())
        except (UserError, OSError) as exc:
            self.show_notice(translate("Sidebar", "Could not import {file}: {reason}").format(file=path.name,
                                                                                              reason=localized(exc)))
            return
        except sqlite3.Error as exc:  # nothing was imported: the import is one transaction
            log.warning("import of %s failed: %s", path, exc)
            if is_disk_full(exc):
                notice = translate("Sidebar", "Could not import {file}: the disk is full; free some space and "
                                   "import again. Nothing was imported.")
            else:
                notice = translate("Sidebar", "Could not import {file}: the database refused it ({reason}). "
                                   "Nothing was imported.")
            self.show_notice(notice.format(file=path.name, reason=exc))
            return
        self.sidebar.refresh(summary.id)
        self.open_conversation(summary.id)

