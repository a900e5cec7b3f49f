"""One message of the conversation: MessageWidget (header, text, images, actions) and MessageText.

Model output is untrusted: it is rendered by ``gui.markdown`` (no raw HTML, no images, only
http/https/mailto links) into a QTextBrowser whose resource loader refuses everything, and a link
opens in the system browser only after the user confirms. A streaming answer re-renders only its
own widget, at most every ``RENDER_INTERVAL_MS``. A message over ``LONG_TEXT_CHARS`` is plain text
in a scrolling box (``gui.long_text``). Split from ``chat_view`` (the list of messages).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import (
    QDesktopServices,
    QImage,
    QResizeEvent,
    QTextOption,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from phidesk.gui.images import THUMB, ImageLoader, thumb_pixmap
from phidesk.gui.long_text import LongText
from phidesk.gui.markdown import COPY_SCHEME, escape, render_markdown
from phidesk.gui.plain import Button, ask, plain_label, tooltip
from phidesk.gui.signals import emit

RENDER_INTERVAL_MS = 60
LONG_TEXT_CHARS = 32_000
"""A longer message is shown as plain text in its own scrolling box, fed in pieces: Markdown and one
full layout of megabytes would hold the GUI thread for seconds."""
_LONG_RUN = re.compile(r"\S{200}")  # a "word" this long: wrap anywhere (linear) rather than at word ends


class MessageText(QTextBrowser):
    """A read-only rich-text block that sizes itself to its content and never loads anything."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.document().setDocumentMargin(2)
        self.document().contentsChanged.connect(self._fit)
        self.setAcceptDrops(False)  # a dropped image goes on to the conversation, then the composer
        self.viewport().setAcceptDrops(False)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # noqa: N802 (Qt override)
        return None  # nothing remote, nothing local: model output cannot make us fetch anything

    def set_wrap_anywhere(self, anywhere: bool) -> None:
        option = self.document().defaultTextOption()
        wanted = QTextOption.WrapMode.WrapAnywhere if anywhere else QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
        if option.wrapMode() != wanted:
            option.setWrapMode(wanted)
            self.document().setDefaultTextOption(option)

    def _fit(self) -> None:
        self.document().setTextWidth(max(50, self.viewport().width()))
        height = int(self.document().size().height()) + 6
        if self.height() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(400, self.height())


class MessageWidget(QFrame):
    """One message: who, the rendered text, and its actions (Copy; Edit for the user; Regenerate)."""

    copy_requested = Signal(str)
    edit_requested = Signal(int)  # position
    regenerate_requested = Signal(int)
    preview_requested = Signal(str)

    def __init__(self, role: str, text: str, position: int, *, dark: bool, model: str | None = None,
                 images: list[str] | None = None, loader: ImageLoader | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role, self.position, self.dark = role, position, dark
        self.images = list(images or [])
        self.image_buttons: dict[str, QToolButton] = {}
        self.text = text
        self.code_blocks: tuple[str, ...] = ()
        self.setObjectName(f"message-{role}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        if role == "user":  # the user's messages stand out a little from the answers
            self.setStyleSheet("QFrame#message-user { background: palette(alternate-base); border-radius: 6px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        header = QHBoxLayout()
        who = "You" if role == "user" else (f"Assistant · {model}" if model else "Assistant")
        self.who = plain_label(who, self)  # a model name comes from a folder or an imported file
        bold = self.who.font()
        bold.setBold(True)
        self.who.setFont(bold)
        header.addWidget(self.who)
        self.note = plain_label("", self)
        self.note.setObjectName("message-note")
        self.note.setWordWrap(True)  # a long note (image costs, stats) wraps instead of widening the whole view
        self.note.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        header.addWidget(self.note, 1)
        layout.addLayout(header)
        if self.images and loader is not None:
            layout.addLayout(self._image_row(loader))
        self.body = MessageText(self)
        self.body.setAccessibleName(f"{who} message")
        self.body.anchorClicked.connect(self._on_anchor)
        layout.addWidget(self.body)
        self.long_view: LongText | None = None  # instead of the body, for a message over LONG_TEXT_CHARS
        self.long_notice: QLabel | None = None
        self._fed = 0  # characters of self.text given to long_view
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Reading the prompt")
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.copy_button = self._action(actions, "Copy", "Copy this message", self._on_copy)
        if role == "user":
            self.edit_button = self._action(actions, "Edit", "Edit this message and send it again",
                                            lambda: emit(self.edit_requested, self.position))
        else:
            self.regen_button = self._action(actions, "Regenerate", "Write this answer again",
                                             lambda: emit(self.regenerate_requested, self.position))
        layout.addLayout(actions)
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(RENDER_INTERVAL_MS)
        self._render_timer.timeout.connect(self.rerender)
        self.rerender()

    def _image_row(self, loader: ImageLoader) -> QHBoxLayout:
        row = QHBoxLayout()
        for number, path in enumerate(self.images, 1):
            button = QToolButton(self)
            button.setIconSize(QSize(THUMB, THUMB))
            button.setFixedSize(THUMB + 8, THUMB + 8)
            button.setText("…")
            name = f"Image {number}: {Path(path).name}"
            button.setAccessibleName(name)
            button.setToolTip(tooltip(f"{name} (click for a preview)"))
            button.clicked.connect(lambda _=False, p=path: emit(self.preview_requested, p))
            row.addWidget(button)
            self.image_buttons[path] = button
            image = loader.request(path, THUMB * 2)
            if image is not None:
                self.set_thumb(path, image)
        loader.ready.connect(self._on_thumb_ready)
        loader.failed.connect(self._on_thumb_failed)
        row.addStretch(1)
        return row

    def set_thumb(self, path: str, image: QImage) -> None:
        button = self.image_buttons.get(path)
        if button is not None:
            button.setIcon(thumb_pixmap(image, THUMB, self.devicePixelRatioF()))
            button.setText("")

    @Slot(str, int, QImage)
    def _on_thumb_ready(self, path: str, edge: int, image: QImage) -> None:
        if edge == THUMB * 2:
            self.set_thumb(path, image)

    @Slot(str, int, str)
    def _on_thumb_failed(self, path: str, edge: int, reason: str) -> None:
        button = self.image_buttons.get(path)
        if button is not None and edge == THUMB * 2:
            button.setText("?")
            button.setToolTip(tooltip(reason))

    def _action(self, layout: QHBoxLayout, label: str, name: str, slot: Any) -> QPushButton:
        button = QPushButton(label, self)
        button.setAccessibleName(name)
        button.setToolTip(name)
        button.setFlat(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.clicked.connect(slot)
        layout.addWidget(button)
        return button

    def rerender(self) -> None:
        if len(self.text) > LONG_TEXT_CHARS:
            self._render_long()
            return
        if self.long_view is not None:  # a long text replaced by a short one
            self._drop_long_view()
        self.body.set_wrap_anywhere(bool(_LONG_RUN.search(self.text)))
        if self.role == "user":  # the user's own text is shown exactly as typed, not as Markdown
            self.code_blocks = ()
            self.body.setHtml(f"<p style='white-space: pre-wrap'>{escape(self.text)}</p>")
            return
        rendered = render_markdown(self.text, dark=self.dark)
        self.code_blocks = rendered.code_blocks
        self.body.setHtml(rendered.html)

    def _render_long(self) -> None:
        """Plain text in a scrolling box, fed in pieces; while streaming, only what is new is added."""
        view, notice = self.long_view, self.long_notice
        if view is None or notice is None:
            view = self.long_view = LongText(self)
            view.setAccessibleName(self.body.accessibleName())
            notice = self.long_notice = plain_label("", self)
            notice.setObjectName("long-notice")
            notice.setWordWrap(True)
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            index = layout.indexOf(self.body)
            layout.insertWidget(index + 1, notice)
            layout.insertWidget(index + 2, view)
            self.body.hide()
            self.body.clear()
            self.code_blocks = ()
            self._fed = 0
        notice.setText(f"A long message ({len(self.text):,} characters) is shown as plain text, long lines in "
                       "pieces. Copy copies all of it exactly.")
        view.feed(self.text[self._fed:])
        self._fed = len(self.text)

    def _drop_long_view(self) -> None:
        for widget in (self.long_view, self.long_notice):
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.long_view = self.long_notice = None
        self.body.show()

    @property
    def shown_fully(self) -> bool:
        """Everything in self.text is in the widget (a long message is fed over several event-loop turns)."""
        return self.long_view is None or (not self.long_view.pending and self._fed == len(self.text))

    def append(self, text: str) -> None:
        """Streaming: add text; the widget re-renders at most every RENDER_INTERVAL_MS."""
        self.text += text
        if not self._render_timer.isActive():
            self._render_timer.start()

    def set_text(self, text: str) -> None:
        if self.long_view is not None and not text.startswith(self.text):
            self.long_view.reset()
            self._fed = 0
        self.text = text
        self._render_timer.stop()
        self.rerender()

    def set_note(self, text: str) -> None:
        self.note.setText(text)

    def set_prefill(self, done: int, total: int, eta_s: float | None) -> None:
        self.progress.setVisible(done < total)
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(done)
        left = f" · about {eta_s:.0f} s left" if eta_s is not None and eta_s >= 1 else ""
        self.progress.setFormat(f"Reading the prompt: {done} / {total} tokens{left}")

    def set_actions_enabled(self, enabled: bool) -> None:
        for button in self.findChildren(QPushButton):
            if button is not self.copy_button:
                button.setEnabled(enabled)

    def _on_copy(self) -> None:
        emit(self.copy_requested, self.text)

    @Slot(QUrl)
    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() == COPY_SCHEME:
            index = int(url.path() or -1) if url.path().isdigit() else -1
            if 0 <= index < len(self.code_blocks):
                emit(self.copy_requested, self.code_blocks[index])
            return
        if url.scheme() not in {"http", "https", "mailto"}:
            return
        answer = ask(self, "Open link?",
                     f"This link comes from the model's answer. Open it in your browser?\n\n{url.toString()}",
                     Button.Open | Button.Cancel, Button.Cancel)
        if answer == Button.Open:
            QDesktopServices.openUrl(url)
