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
from phidesk.gui.plain import Button, ask
from phidesk.store import (
    ConversationChangedError,
    ConversationMissingError,
    export_file_name,
    export_json,
    export_markdown,
)
from phidesk.store.pending import is_disk_full

if TYPE_CHECKING:
    from phidesk.chat import ChatService
    from phidesk.gui.bridge import EngineBridge
    from phidesk.gui.conversations import ConversationList
    from phidesk.store import Store

log = logging.getLogger(__name__)

DELETED_ELSEWHERE = "This conversation was deleted in another window."


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
        self.show_notice(DELETED_ELSEWHERE)

    def _on_rename(self, conversation_id: int) -> None:
        try:
            current = self.store.get_conversation(conversation_id).title
            title, ok = QInputDialog.getText(self, "Rename conversation", "Title:", text=current)
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
            answer = ask(self, "Delete conversation", f"Delete “{title}” for good?")
            if answer != Button.Yes:
                return
            self.service.delete_conversation(conversation_id)
        except ConversationMissingError:
            self._gone(conversation_id)
            return
        except ConversationChangedError:
            self.show_notice("Another window is still writing an answer in this conversation: "
                             "delete it once that answer is finished.")
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
        path, _ = QFileDialog.getSaveFileName(self, "Export conversation",
                                              str(Path.home() / export_file_name(conversation.title, suffix)))
        if not path:
            return
        text = (export_markdown(conversation) if kind == "md"
                else json.dumps(export_json(conversation), indent=2, ensure_ascii=False))
        Path(path).write_text(text, encoding="utf-8")
        self.statusBar().showMessage(f"Exported to {path}", 5000)

    def _on_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import conversation", str(Path.home()), "JSON (*.json)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        try:
            summary = self.service.import_conversation(path.read_bytes())
        except (UserError, OSError) as exc:
            self.show_notice(f"Could not import {path.name}: {exc}")
            return
        except sqlite3.Error as exc:  # nothing was imported: the import is one transaction
            log.warning("import of %s failed: %s", path, exc)
            reason = ("the disk is full; free some space and import again" if is_disk_full(exc)
                      else f"the database refused it ({exc})")
            self.show_notice(f"Could not import {path.name}: {reason}. Nothing was imported.")
            return
        self.sidebar.refresh(summary.id)
        self.open_conversation(summary.id)

