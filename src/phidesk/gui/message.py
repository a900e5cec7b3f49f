"""One message of the conversation: MessageWidget (who, the text, images, note, actions).

The user's messages are tinted rounded cards on the right; the model's answers are full width without a card,
under a small line naming the model. Colours come from the palette (``gui.look``), so light and dark both work
and a theme change re-styles every message at once. Actions (``gui.message_actions``) show on hover and on
keyboard focus.

Model output is untrusted: it is rendered by ``gui.markdown`` (no raw HTML, no images, only http/https/mailto
links) into text widgets that load nothing (``gui.message_body``), and a link opens in the system browser only
after the user confirms. A streaming answer re-renders at most every ``RENDER_INTERVAL_MS``, and then only its
last segment. A message over ``LONG_TEXT_CHARS`` is plain text in a scrolling box (``gui.long_text``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QFontMetrics, QImage, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from phidesk.gui.figures import decimal, number
from phidesk.gui.i18n import translate
from phidesk.gui.images import THUMB, ImageLoader, thumb_pixmap
from phidesk.gui.long_text import LongText
from phidesk.gui.look import Reveal, app_palette, copy_with_feedback, palette_is_dark, restyle_buttons
from phidesk.gui.message_actions import ActionBar, VersionSwitcher
from phidesk.gui.message_body import MessageBody, MessageText
from phidesk.gui.plain import Button, ask, plain_label, tooltip
from phidesk.gui.signals import emit

__all__ = ["LONG_TEXT_CHARS", "RENDER_INTERVAL_MS", "MessageText", "MessageWidget"]

RENDER_INTERVAL_MS = 60
LONG_TEXT_CHARS = 32_000
"""A longer message is shown as plain text in its own scrolling box, fed in pieces: Markdown and one
full layout of megabytes would hold the GUI thread for seconds."""
USER_CARD_SHARE = 0.8
"""The user's card is as wide as its text, up to this share of the conversation's width."""


class MessageWidget(QFrame):
    """One message: who, the rendered text, its note and actions. Signals carry the message's position."""

    edit_requested = Signal(int)  # position
    regenerate_requested = Signal(int)
    continue_requested = Signal(int)
    delete_requested = Signal(int)
    version_requested = Signal(int, int)  # position, -1 or +1
    preview_requested = Signal(str)

    def __init__(self, role: str, text: str, position: int, *, dark: bool, model: str | None = None,
                 images: list[str] | None = None, loader: ImageLoader | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role, self.position, self.dark = role, position, dark
        self.images = list(images or [])
        self.image_buttons: dict[str, QToolButton] = {}
        self.text = text
        self._streaming = False  # appended to since the last set_text: the last segment may still change
        self.setObjectName(f"message-{role}")
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Tab reaches the message, then its actions
        who = translate("Message", "You") if role == "user" else (model or translate("Message", "Assistant"))
        self.setAccessibleName(translate("Message", "Your message") if role == "user"
                               else translate("Message", "Answer from {model}").format(model=who))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        self.who = plain_label(who, self)  # a model name comes from a folder or an imported file
        self.who.setObjectName("message-who")
        self.who.setAlignment(Qt.AlignmentFlag.AlignRight if role == "user" else Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.who)
        self.card = QFrame(self)
        self.card.setObjectName("message-card")
        self.card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        card_layout = self._card_layout = QVBoxLayout(self.card)
        card_layout.setContentsMargins(*((14, 9, 14, 9) if role == "user" else (0, 0, 0, 0)))
        card_layout.setSpacing(6)
        if self.images and loader is not None:
            card_layout.addLayout(self._image_row(loader))
        self.body = MessageBody(plain=role == "user", parent=self.card)
        self.body.setAccessibleName(self.accessibleName())
        self.body.anchor_clicked.connect(self._on_anchor)
        card_layout.addWidget(self.body)
        self.long_view: LongText | None = None  # instead of the body, for a message over LONG_TEXT_CHARS
        self.long_notice: QLabel | None = None
        self._fed = 0  # characters of self.text given to long_view
        self.progress = QProgressBar(self.card)
        self.progress.setAccessibleName(translate("Message", "Reading the prompt"))
        self.progress.setVisible(False)
        card_layout.addWidget(self.progress)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        if role == "user":
            row.addStretch(1)
        row.addWidget(self.card, 1 if role != "user" else 0)
        layout.addLayout(row)
        footer = QHBoxLayout()
        footer.setContentsMargins(0, 0, 0, 0)
        self.note = plain_label("", self)
        self.note.setObjectName("message-note")
        # one line: a note wider than the view is cut (its tooltip has all of it) instead of widening the view
        self.note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.versions = VersionSwitcher(self)
        self.versions.prev_button.clicked.connect(lambda: emit(self.version_requested, self.position, -1))
        self.versions.next_button.clicked.connect(lambda: emit(self.version_requested, self.position, 1))
        self.action_bar = ActionBar(role, self)
        if role == "user":
            footer.addStretch(1)
        else:
            footer.addWidget(self.note, 1)
        footer.addWidget(self.versions)
        footer.addWidget(self.action_bar)
        if role == "user":
            self.note.setVisible(False)
        layout.addLayout(footer)
        self.copy_button = self.action_bar.copy_button
        self.copy_button.clicked.connect(lambda: copy_with_feedback(self.copy_button, self.text))
        self.delete_button = self.action_bar.delete_button
        self.delete_button.clicked.connect(lambda: emit(self.delete_requested, self.position))
        if self.action_bar.edit_button is not None:
            self.edit_button = self.action_bar.edit_button
            self.edit_button.clicked.connect(lambda: emit(self.edit_requested, self.position))
        if self.action_bar.regen_button is not None and self.action_bar.continue_button is not None:
            self.regen_button = self.action_bar.regen_button
            self.regen_button.clicked.connect(lambda: emit(self.regenerate_requested, self.position))
            self.continue_button = self.action_bar.continue_button
            self.continue_button.clicked.connect(lambda: emit(self.continue_requested, self.position))
        self.reveal = Reveal(self, [self.action_bar])
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(RENDER_INTERVAL_MS)
        self._render_timer.timeout.connect(self.rerender)
        self.restyle(force=True)
        self.rerender()

    def _image_row(self, loader: ImageLoader) -> QHBoxLayout:
        row = QHBoxLayout()
        for count, path in enumerate(self.images, 1):
            button = QToolButton(self)
            button.setIconSize(QSize(THUMB, THUMB))
            button.setFixedSize(THUMB + 8, THUMB + 8)
            button.setText("…")
            name = translate("Message", "Image {number}: {file}").format(number=count, file=Path(path).name)
            button.setAccessibleName(name)
            button.setToolTip(tooltip(translate("Message", "{image} (click for a preview)").format(image=name)))
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

    # --- the look -------------------------------------------------------------------------------------------

    def restyle(self, *, force: bool = False) -> None:
        """Icons and code colours for the application's palette as it is now (after a theme change: at once).

        The colours of the card, labels and focus rings come from the conversation's style sheet (``ChatView``).
        """
        dark = palette_is_dark(app_palette())
        if dark == self.dark and not force:
            return
        self.dark = dark
        restyle_buttons(self)
        self.body.restyle(dark)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.restyle()
        elif event.type() == QEvent.Type.FontChange:
            self._fit_card()

    def _fit_card(self) -> None:
        """The user's card: as wide as its longest line, up to USER_CARD_SHARE of the width."""
        if self.role != "user":
            return
        margins = self._card_layout.contentsMargins()
        pad = margins.left() + margins.right() + 24  # the text's own margins and frame
        most = max(120, int(self.width() * USER_CARD_SHARE))
        if len(self.text) > 4_000 or self.long_view is not None:
            want = most
        else:
            metrics = QFontMetrics(self.font())
            want = max((metrics.horizontalAdvance(line) for line in self.text.split("\n")), default=0) + pad
            if self.images:
                want = max(want, len(self.images) * (THUMB + 14) + pad)
        self.card.setFixedWidth(max(80, min(want, most)))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit_card()

    # --- the text -------------------------------------------------------------------------------------------

    def rerender(self) -> None:
        if len(self.text) > LONG_TEXT_CHARS:
            self._render_long()
            return
        if self.long_view is not None:  # a long text replaced by a short one
            self._drop_long_view()
        self.body.show_text(self.text, streaming=self._streaming)
        self._fit_card()

    def _render_long(self) -> None:
        """Plain text in a scrolling box, fed in pieces; while streaming, only what is new is added."""
        view, notice = self.long_view, self.long_notice
        if view is None or notice is None:
            view = self.long_view = LongText(self.card)
            view.setAccessibleName(self.body.accessibleName())
            notice = self.long_notice = plain_label("", self.card)
            notice.setObjectName("long-notice")
            notice.setWordWrap(True)
            index = self._card_layout.indexOf(self.body)
            self._card_layout.insertWidget(index + 1, notice)
            self._card_layout.insertWidget(index + 2, view)
            self.body.hide()
            self.body.clear_all()
            self._fed = 0
        notice.setText(translate("Message", "A long message ({count} characters) is shown as plain text, long lines "
                                 "in pieces. Copy copies all of it exactly.", None, len(self.text)).format(
            count=number(len(self.text))))
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
    def code_blocks(self) -> tuple[str, ...]:
        return self.body.code_blocks()

    @property
    def shown_fully(self) -> bool:
        """Everything in self.text is in the widget (a long message is fed over several event-loop turns)."""
        return self.long_view is None or (not self.long_view.pending and self._fed == len(self.text))

    def append(self, text: str) -> None:
        """Streaming: add text; the widget re-renders at most every RENDER_INTERVAL_MS."""
        self.text += text
        self._streaming = True
        if not self._render_timer.isActive():
            self._render_timer.start()

    def set_text(self, text: str) -> None:
        if self.long_view is not None and not text.startswith(self.text):
            self.long_view.reset()
            self._fed = 0
        self.text = text
        self._streaming = False
        self._render_timer.stop()
        self.rerender()

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setToolTip(tooltip(text))

    def set_prefill(self, done: int, total: int, eta_s: float | None) -> None:
        self.progress.setVisible(done < total)
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(done)
        if eta_s is not None and eta_s >= 1:
            shown = translate("Message", "Reading the prompt: {done} / {total} tokens · about {seconds} s left").format(
                done=number(done), total=number(total), seconds=decimal(eta_s, 0))
        else:
            shown = translate("Message", "Reading the prompt: {done} / {total} tokens").format(
                done=number(done), total=number(total))
        self.progress.setFormat(shown)

    # --- the actions ----------------------------------------------------------------------------------------

    def set_actions_enabled(self, enabled: bool) -> None:
        for button in [*self.action_bar.buttons, self.versions.prev_button, self.versions.next_button]:
            if button is not self.copy_button:
                button.setEnabled(enabled)
        if enabled:
            self.versions.set_versions(self.versions.index, self.versions.count)

    def set_can_continue(self, can: bool) -> None:
        """Continue shows only when the window says this answer can go on (e.g. it stopped at max tokens)."""
        if self.action_bar.continue_button is not None:
            self.action_bar.continue_button.setVisible(can)

    def set_versions(self, index: int, count: int) -> None:
        """The switcher "‹ index+1/count ›"; hidden when count is 1."""
        self.versions.set_versions(index, count)

    @Slot(QUrl)
    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() not in {"http", "https", "mailto"}:
            return
        answer = ask(self, translate("Message", "Open link?"),
                     translate("Message", "This link comes from the model's answer. Open it in your browser?\n\n{url}")
                     .format(url=url.toString()),
                     Button.Open | Button.Cancel, Button.Cancel)
        if answer == Button.Open:
            QDesktopServices.openUrl(url)
