"""The sidebar: conversations (new, search over titles and text, rename, pin, delete, export, import).

Rows are grouped under headings (Pinned, Today, Yesterday, Previous 7 days, Older: ``sidebar_groups``), which
cannot be selected and which the arrow keys pass over. A search shows its hits without headings. Each row has
two lines: the title and, while searching, the text around the hit (escaped, then the hit marked), else the
time of the last message. Rows are as tall as two lines of Devanagari (measured, not assumed).
Selecting a row only says so (``selected``); what opening it does is the window's business.
"""

from __future__ import annotations

import time
from datetime import datetime

import qtawesome
from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from phidesk.gui import sidebar_groups
from phidesk.gui.figures import short_date, short_day, short_time
from phidesk.gui.i18n import translate
from phidesk.gui.plain import tooltip
from phidesk.gui.signals import emit
from phidesk.store import ConversationSummary, Store

ID_ROLE = Qt.ItemDataRole.UserRole
SECOND_ROLE = Qt.ItemDataRole.UserRole + 1  # the second line, as rich text whose data is escaped
PINNED_ROLE = Qt.ItemDataRole.UserRole + 2
TALL_SAMPLE = "क्षि ज्ञ ॐ द्ध्र्य"  # Devanagari conjuncts and vowel signs: above and below Latin text
PAD = 4


def line_height(font: QFont) -> int:
    """One line of *font*, tall enough for Devanagari's marks above and below (measured with this font)."""
    metrics = QFontMetrics(font)
    return max(metrics.height(), metrics.boundingRect(TALL_SAMPLE).height(),
               metrics.tightBoundingRect(TALL_SAMPLE).height())


def when(updated_at: float, now: float) -> str:
    """The second line of a row without a search hit, in the window's locale: the time today, "Yesterday" and the
    time, the weekday and the time this week, else the date."""
    moment = datetime.fromtimestamp(updated_at)
    name = sidebar_groups.section(updated_at, now)
    if name == sidebar_groups.TODAY:
        return short_time(moment)
    if name == sidebar_groups.YESTERDAY:
        return translate("Sidebar", "Yesterday {time}").format(time=short_time(moment))
    if name == sidebar_groups.PREVIOUS_7_DAYS:
        return translate("Sidebar", "{day} {time}").format(day=short_day(moment), time=short_time(moment))
    return short_date(moment)


def heading_text(section: str) -> str:
    """A section's heading (``sidebar_groups.SECTIONS``) in the window's language."""
    return translate("Sidebar", section)


class _RowDelegate(QStyledItemDelegate):
    """A heading, or a row of two lines: the title (elided, a pin before it if pinned) and the second line."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pin = qtawesome.icon("mdi6.pin")

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        line = line_height(option.font)
        lines = 1 if index.data(ID_ROLE) is None else 2
        return QSize(max(100, option.rect.width()), lines * line + 2 * PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect: QRect = opt.rect.adjusted(PAD + 2, PAD, -PAD, -PAD)
        line = line_height(opt.font)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = opt.palette
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        font = QFont(opt.font)
        if index.data(ID_ROLE) is None:  # a heading
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
            painter.restore()
            return
        left = rect.left()
        if index.data(PINNED_ROLE):
            size = min(line, 16)
            self.pin.paint(painter, QRect(left, rect.top() + (line - size) // 2, size, size))
            left += size + 4
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        painter.setPen(palette.color(text_role))
        title_rect = QRect(left, rect.top(), rect.right() - left, line)
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(font).elidedText(title, Qt.TextElideMode.ElideRight, title_rect.width()))
        second = str(index.data(SECOND_ROLE) or "")
        document = QTextDocument()
        document.setDefaultFont(opt.font)
        document.setDocumentMargin(0)
        colour = palette.color(text_role if selected else QPalette.ColorRole.PlaceholderText).name()
        document.setHtml(f'<div style="color:{colour}; white-space:pre">{second}</div>')  # data escaped already
        painter.translate(rect.left(), rect.top() + line)
        painter.setClipRect(QRect(0, 0, rect.width(), line))
        document.drawContents(painter)
        painter.restore()


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
        self.new_button = QPushButton(translate("Sidebar", "New chat"), self)
        self.new_button.setAccessibleName(translate("Sidebar", "New chat"))
        self.new_button.setToolTip(translate("Sidebar", "New chat (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_requested)
        top.addWidget(self.new_button)
        self.import_button = QPushButton(translate("Sidebar", "Import…"), self)
        self.import_button.setAccessibleName(translate("Sidebar", "Import a conversation from JSON"))
        self.import_button.clicked.connect(self.import_requested)
        top.addWidget(self.import_button)
        layout.addLayout(top)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(translate("Sidebar", "Search chats (Ctrl+F)"))
        self.search.setAccessibleName(translate("Sidebar", "Search conversations"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        layout.addWidget(self.search)
        self.list = QListWidget(self)
        self.list.setAccessibleName(translate("Sidebar", "Conversations"))
        self.list.setAccessibleDescription(
            translate("Sidebar", "Enter opens, F2 renames, Delete deletes, the menu key shows more"))
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setItemDelegate(_RowDelegate(self.list))
        self.list.setUniformItemSizes(False)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._on_menu)
        self.list.currentItemChanged.connect(self._on_current)
        self.list.itemActivated.connect(self._on_activated)  # Enter, or a double click
        self.list.installEventFilter(self)
        layout.addWidget(self.list, 1)
        self._current_id: int | None = None
        self.now = time.time  # what "today" is measured from

    def refresh(self, select: int | None = None) -> None:
        """Reload from the store, keeping (or moving to) the selected conversation."""
        wanted = select if select is not None else self._current_id
        query = self.search.text().strip()
        summaries = self.store.list_conversations(query or None)
        now = self.now()
        self.list.blockSignals(True)
        self.list.clear()
        sections = [("", summaries)] if query else sidebar_groups.grouped(summaries, now)
        for heading, members in sections:
            if heading:
                self._add_heading(heading)
            for summary in members:
                item = self._add_row(summary, query, now)
                if summary.id == wanted:
                    self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self._current_id = wanted

    def _add_heading(self, section: str) -> None:
        heading = heading_text(section)
        item = QListWidgetItem(heading)
        item.setFlags(Qt.ItemFlag.NoItemFlags)  # not selectable, not enabled: the arrow keys pass over it
        item.setData(Qt.ItemDataRole.AccessibleTextRole, translate("Sidebar", "{heading}:").format(heading=heading))
        item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, translate("Sidebar", "section heading"))
        self.list.addItem(item)

    def _add_row(self, summary: ConversationSummary, query: str, now: float) -> QListWidgetItem:
        item = QListWidgetItem(summary.title)
        item.setData(ID_ROLE, summary.id)
        item.setData(PINNED_ROLE, summary.pinned)
        if query and summary.snippet:
            second_plain = summary.snippet  # with "…" where the store cut it
            item.setData(SECOND_ROLE, sidebar_groups.highlighted(second_plain, query,
                                                                 '<span style="background-color:#ffd54f; '
                                                                 'color:#000000">', "</span>"))
        else:
            second_plain = when(summary.updated_at, now)
            item.setData(SECOND_ROLE, sidebar_groups.highlighted(second_plain, ""))
        spoken = (translate("Sidebar", "{title}, pinned, {when}") if summary.pinned
                  else translate("Sidebar", "{title}, {when}")).format(title=summary.title, when=second_plain)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, spoken)
        item.setToolTip(tooltip(summary.snippet or summary.title))
        self.list.addItem(item)
        return item

    def ids(self) -> list[int]:
        """The conversations shown, top to bottom (headings left out)."""
        return [int(item.data(ID_ROLE)) for item in self.items()]

    def items(self) -> list[QListWidgetItem]:
        found = [self.list.item(i) for i in range(self.list.count())]
        return [item for item in found if item is not None and item.data(ID_ROLE) is not None]

    def headings(self) -> list[str]:
        found = [self.list.item(i) for i in range(self.list.count())]
        return [item.text() for item in found if item is not None and item.data(ID_ROLE) is None]

    def current_id(self) -> int | None:
        return self._current_id

    def set_current(self, conversation_id: int | None) -> None:
        self._current_id = conversation_id
        self.refresh(conversation_id)

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_current(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is not None and item.data(ID_ROLE) is not None:
            self._current_id = int(item.data(ID_ROLE))
            emit(self.selected, self._current_id)

    @Slot(QListWidgetItem)
    def _on_activated(self, item: QListWidgetItem) -> None:
        if item.data(ID_ROLE) is not None:
            self._current_id = int(item.data(ID_ROLE))
            emit(self.selected, self._current_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.list and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            item = self.list.currentItem()
            conversation_id = int(item.data(ID_ROLE)) if item is not None and item.data(ID_ROLE) is not None \
                else None
            key = event.key()
            if conversation_id is not None and key == Qt.Key.Key_F2:
                emit(self.rename_requested, conversation_id)
                return True
            if conversation_id is not None and key == Qt.Key.Key_Delete:
                emit(self.delete_requested, conversation_id)
                return True
            if key == Qt.Key.Key_Menu and item is not None:
                self._on_menu(self.list.visualItemRect(item).center())
                return True
        return super().eventFilter(watched, event)

    def menu_for(self, conversation_id: int) -> QMenu:
        """The context menu of one conversation (also what the menu key shows)."""
        pinned = any(s.pinned for s in self.store.list_conversations() if s.id == conversation_id)
        menu = QMenu(self)
        menu.setAccessibleName(translate("Sidebar", "Conversation actions"))
        menu.addAction(translate("Sidebar", "Open"), lambda: emit(self.selected, conversation_id))
        menu.addAction(translate("Sidebar", "Rename…") + "\tF2", lambda: emit(self.rename_requested, conversation_id))
        menu.addAction(translate("Sidebar", "Unpin") if pinned else translate("Sidebar", "Pin"),
                       lambda: self._toggle_pin(conversation_id, not pinned))
        menu.addSeparator()
        menu.addAction(translate("Sidebar", "Export as Markdown…"),
                       lambda: emit(self.export_requested, conversation_id, "md"))
        menu.addAction(translate("Sidebar", "Export as JSON…"),
                       lambda: emit(self.export_requested, conversation_id, "json"))
        menu.addSeparator()
        menu.addAction(translate("Sidebar", "Delete…") + "\tDel",
                       lambda: emit(self.delete_requested, conversation_id))
        return menu

    @Slot(QPoint)
    def _on_menu(self, pos: QPoint) -> None:
        item = self.list.itemAt(pos)
        if item is None or item.data(ID_ROLE) is None:
            return
        self.menu_for(int(item.data(ID_ROLE))).exec(self.list.viewport().mapToGlobal(pos))

    def _toggle_pin(self, conversation_id: int, pinned: bool) -> None:
        emit(self.pin_requested, conversation_id, pinned)
