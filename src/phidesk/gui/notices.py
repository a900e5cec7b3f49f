"""The notices over the conversation: several at once, each dismissible, some with an action (Retry, Cancel…).

A notice says what happened and what to do. Three pasted files with two problems give two notices; the same text
twice gives one (brought to the end). Each row has a close button (Esc on a focused notice closes it too); at most
``MAX_NOTICES`` are kept, the oldest dropped first. Text comes from data (file names, model ids, worker errors):
every notice is a plain-text label.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QToolButton, QVBoxLayout, QWidget

from phidesk.gui.i18n import translate
from phidesk.gui.plain import plain_label
from phidesk.gui.signals import emit

MAX_NOTICES = 4
Action = tuple[str, Callable[[], None]]


class Notice(QFrame):
    """One notice: its text, its actions, and a close button."""

    closed = Signal(object)

    def __init__(self, text: str, actions: list[Action], kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self.setProperty("kind", kind)
        self.kind = kind
        self.text = text
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        self.label = plain_label(text, self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.label, 1)
        self.buttons: list[QPushButton] = []
        for label, callback in actions:
            button = QPushButton(label, self)
            button.setAccessibleName(label)
            button.clicked.connect(lambda _=False, c=callback: self._act(c))
            row.addWidget(button)
            self.buttons.append(button)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName(translate("Notices", "Dismiss this notice"))
        self.close_button.setToolTip(translate("Notices", "Dismiss"))
        self.close_button.clicked.connect(self.dismiss)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.setAccessibleName(translate("Notices", "Notice"))
        self.setAccessibleDescription(text)

    def _act(self, callback: Callable[[], None]) -> None:
        self.dismiss()
        callback()

    def dismiss(self) -> None:
        emit(self.closed, self)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Escape:
            self.dismiss()
            return
        super().keyPressEvent(event)


class NoticeArea(QWidget):
    """The stack of notices; ``text()`` is every notice's text, one per line (for tests and screen readers)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notices")
        self.setAccessibleName(translate("Notices", "Notices"))
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(8, 6, 8, 0)
        self._column.setSpacing(4)
        self.notices: list[Notice] = []
        self.setVisible(False)
        # readable in both themes: dark text on a light tint, whatever the palette
        self.setStyleSheet(
            "QFrame#notice { background: #fde68a; border-radius: 6px; }"
            "QFrame#notice[kind='editing'] { background: #bfdbfe; }"
            "QFrame#notice QLabel { color: #1f1300; }"
            "QFrame#notice QToolButton { color: #1f1300; }"
            "QFrame#notice QPushButton { color: #1f1300; background: #fffbeb; border: 1px solid #b45309;"
            " border-radius: 4px; padding: 3px 10px; }"
            "QFrame#notice QPushButton:focus, QFrame#notice QToolButton:focus { border: 2px solid #1d4ed8; }")

    def show_notice(self, text: str, actions: list[Action] | None = None, kind: str = "info") -> Notice:
        for old in [n for n in self.notices if n.text == text or (kind != "info" and n.kind == kind)]:
            self._remove(old)
        notice = Notice(text, actions or [], kind, self)
        notice.closed.connect(self._remove)
        self.notices.append(notice)
        self._column.addWidget(notice)
        while len(self.notices) > MAX_NOTICES:
            self._remove(self.notices[0])
        self.setVisible(True)
        emit(self.changed)
        return notice

    def dismiss_kind(self, kind: str) -> None:
        for notice in [n for n in self.notices if n.kind == kind]:
            self._remove(notice)

    def clear(self, keep: set[str] | None = None) -> None:
        """Remove every notice (but those of a kind in *keep*)."""
        for notice in [n for n in self.notices if not keep or n.kind not in keep]:
            self._remove(notice)

    def _remove(self, notice: object) -> None:
        if not isinstance(notice, Notice) or notice not in self.notices:
            return
        self.notices.remove(notice)
        notice.hide()
        notice.deleteLater()
        self.setVisible(bool(self.notices))
        emit(self.changed)

    def text(self) -> str:
        return "\n".join(n.text for n in self.notices)
