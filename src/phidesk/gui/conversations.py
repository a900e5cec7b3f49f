"""The sidebar: conversations (new, search over titles and text, rename, pin, delete, export, import)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from phidesk.gui.plain import tooltip
from phidesk.gui.signals import emit
from phidesk.store import ConversationSummary, Store

ID_ROLE = Qt.ItemDataRole.UserRole


class ConversationList(QWidget):
    selected = Signal(int)
    new_requested = Signal()
    rename_requested = Signal(int)
    pin_requested = Signal(int, bool)  # id, pinned: the chat service writes it
    delete_requested = Signal(int)
    export_requested = Signal(int, str)  # id, "md" | "json"
    import_requested = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        self.new_button = QPushButton("New chat", self)
        self.new_button.setAccessibleName("New chat")
        self.new_button.setToolTip("New chat (Ctrl+N)")
        self.new_button.clicked.connect(self.new_requested)
        top.addWidget(self.new_button)
        self.import_button = QPushButton("Import…", self)
        self.import_button.setAccessibleName("Import a conversation from JSON")
        self.import_button.clicked.connect(self.import_requested)
        top.addWidget(self.import_button)
        layout.addLayout(top)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search chats (Ctrl+F)")
        self.search.setAccessibleName("Search conversations")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        layout.addWidget(self.search)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Conversations")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._on_menu)
        self.list.currentItemChanged.connect(self._on_current)
        layout.addWidget(self.list, 1)
        self._current_id: int | None = None

    def refresh(self, select: int | None = None) -> None:
        """Reload from the store, keeping (or moving to) the selected conversation."""
        wanted = select if select is not None else self._current_id
        self.list.blockSignals(True)
        self.list.clear()
        for summary in self.store.list_conversations(self.search.text().strip() or None):
            item = QListWidgetItem(self._label(summary))
            item.setData(ID_ROLE, summary.id)
            item.setToolTip(tooltip(summary.snippet or summary.title))
            self.list.addItem(item)
            if summary.id == wanted:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self._current_id = wanted

    @staticmethod
    def _label(summary: ConversationSummary) -> str:
        pin = "📌 " if summary.pinned else ""
        snippet = f"\n   …{summary.snippet}…" if summary.snippet else ""
        return f"{pin}{summary.title}{snippet}"

    def current_id(self) -> int | None:
        return self._current_id

    def set_current(self, conversation_id: int | None) -> None:
        self._current_id = conversation_id
        self.refresh(conversation_id)

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_current(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is not None:
            self._current_id = int(item.data(ID_ROLE))
            emit(self.selected, self._current_id)

    @Slot(QPoint)
    def _on_menu(self, pos: QPoint) -> None:
        item = self.list.itemAt(pos)
        if item is None:
            return
        conversation_id = int(item.data(ID_ROLE))
        pinned = any(s.pinned for s in self.store.list_conversations() if s.id == conversation_id)
        menu = QMenu(self)
        menu.addAction("Rename…", lambda: emit(self.rename_requested, conversation_id))
        menu.addAction("Unpin" if pinned else "Pin", lambda: self._toggle_pin(conversation_id, not pinned))
        menu.addSeparator()
        menu.addAction("Export as Markdown…", lambda: emit(self.export_requested, conversation_id, "md"))
        menu.addAction("Export as JSON…", lambda: emit(self.export_requested, conversation_id, "json"))
        menu.addSeparator()
        menu.addAction("Delete…", lambda: emit(self.delete_requested, conversation_id))
        menu.exec(self.list.mapToGlobal(pos))

    def _toggle_pin(self, conversation_id: int, pinned: bool) -> None:
        emit(self.pin_requested, conversation_id, pinned)
