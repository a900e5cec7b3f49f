"""The conversation: one MessageWidget (``gui.message``) per message in a scroll area.

The view follows the stream unless the user has scrolled up; images dropped onto the
conversation go to the composer. How a message is rendered (untrusted Markdown, long text,
thumbnails) is in ``gui.message``. ``zoom`` scales the conversation's font (the base is the system
font and follows it); ``announce`` tells screen readers, politely, that an answer is complete.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPalette,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from phidesk.gui.i18n import translate
from phidesk.gui.images import ImageLoader, image_paths_from_mime
from phidesk.gui.look import app_palette, conversation_style, palette_is_dark
from phidesk.gui.message import LONG_TEXT_CHARS, RENDER_INTERVAL_MS, MessageText, MessageWidget
from phidesk.gui.signals import emit

ZOOM_STEP = 0.1
"""Each zoom step: a tenth of the base font size."""
ZOOM_STEPS = (-4, 10)

__all__ = ["LONG_TEXT_CHARS", "RENDER_INTERVAL_MS", "ChatView", "MessageText", "MessageWidget"]


class ChatView(QScrollArea):
    """The list of messages; follows the newest text unless the user scrolled up."""

    edit_requested = Signal(int)  # position
    regenerate_requested = Signal(int)
    continue_requested = Signal(int)
    delete_requested = Signal(int)
    version_requested = Signal(int, int)  # position, -1 or +1
    preview_requested = Signal(str)
    images_dropped = Signal(list)  # paths: for the composer

    def __init__(self, loader: ImageLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loader = loader
        self.setAcceptDrops(True)
        self.setAccessibleName(translate("ChatView", "Conversation"))
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.dark = False
        self._inner = QWidget(self)
        self._inner.setObjectName("conversation")
        self._inner.setBackgroundRole(QPalette.ColorRole.Base)
        self._inner.setAutoFillBackground(True)
        self._layout = QVBoxLayout(self._inner)
        self._layout.setContentsMargins(16, 12, 16, 12)
        self._layout.setSpacing(14)
        self.zoom_steps = 0
        self._style = ""
        self._layout.addStretch(1)
        self.setWidget(self._inner)
        self.messages: list[MessageWidget] = []
        self._follow = True
        self.welcome = QLabel(self._inner)
        self.welcome.setWordWrap(True)
        self.welcome.setTextFormat(Qt.TextFormat.RichText)
        self.welcome.setOpenExternalLinks(False)
        self.welcome.setAccessibleName(translate("ChatView", "Welcome"))
        self.welcome.setVisible(False)
        self._layout.insertWidget(0, self.welcome)
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)
        self.restyle()

    def show_welcome(self, html: str | None) -> None:
        self.welcome.setText(html or "")
        self.welcome.setVisible(bool(html))

    def set_dark(self, dark: bool) -> None:
        """Re-style every message for the palette as it is now (a theme change also does this by itself)."""
        self.restyle()

    def restyle(self) -> None:
        """The conversation's style sheet and every message for the application's palette as it is now."""
        palette = app_palette()
        self.dark = palette_is_dark(palette)
        base = QApplication.font().pointSizeF()  # the system font: the conversation follows it
        style = conversation_style(palette, (base if base > 0 else 10.0) * (1 + ZOOM_STEP * self.zoom_steps))
        if style != self._style:
            self._style = style
            self._inner.setStyleSheet(style)
        for widget in self.messages:
            widget.restyle()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        kinds = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange,
                 QEvent.Type.ApplicationFontChange)  # a theme change; the system font changed
        if event.type() in kinds and self._style:
            self.restyle()

    def zoom(self, delta: int) -> None:
        """Ctrl+= (+1), Ctrl+- (-1), Ctrl+0 (0: back to the system font size)."""
        low, high = ZOOM_STEPS
        self.zoom_steps = 0 if delta == 0 else max(low, min(high, self.zoom_steps + delta))
        self.restyle()

    def announce(self, text: str) -> None:
        """Tell screen readers, politely, e.g. that the answer is complete (and set it on the last message)."""
        target: QWidget = self.messages[-1] if self.messages else self
        target.setAccessibleDescription(text)
        event = QAccessibleAnnouncementEvent(target, text)
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Polite)
        QAccessible.updateAccessibility(event)

    def clear(self) -> None:
        for widget in self.messages:
            widget.hide()  # gone from the layout now: deleted when control is back in the event loop
            widget.deleteLater()
        self.messages = []
        self._follow = True

    def add_message(self, role: str, text: str, *, model: str | None = None, note: str = "",
                    images: list[str] | None = None) -> MessageWidget:
        widget = MessageWidget(role, text, len(self.messages), dark=self.dark, model=model, images=images,
                               loader=self.loader, parent=self._inner)
        widget.preview_requested.connect(self.preview_requested)
        widget.edit_requested.connect(self.edit_requested)
        widget.regenerate_requested.connect(self.regenerate_requested)
        widget.continue_requested.connect(self.continue_requested)
        widget.delete_requested.connect(self.delete_requested)
        widget.version_requested.connect(self.version_requested)
        widget.set_note(note)
        self._layout.insertWidget(self._layout.count() - 1, widget)
        self.messages.append(widget)
        self.show_welcome(None)
        self._follow = True
        return widget

    def truncate(self, position: int) -> None:
        """Remove the message at *position* and every later one."""
        for widget in self.messages[position:]:
            widget.deleteLater()
        del self.messages[position:]

    def set_busy(self, busy: bool) -> None:
        for widget in self.messages:
            widget.set_actions_enabled(not busy)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        """Ctrl+V on the conversation pastes images (a screenshot, copied files) into the composer."""
        if event.matches(QKeySequence.StandardKey.Paste):
            source = QGuiApplication.clipboard().mimeData()
            found = image_paths_from_mime(source) if source is not None else []
            if found:
                emit(self.images_dropped, found)
                return
        super().keyPressEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 (Qt override)
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        found = image_paths_from_mime(event.mimeData())
        if found:
            event.acceptProposedAction()
            emit(self.images_dropped, found)

    @Slot(int)
    def _on_scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self._follow = value >= bar.maximum() - 24

    @Slot(int, int)
    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(maximum)
