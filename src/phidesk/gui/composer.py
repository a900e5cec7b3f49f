"""The composer: a multi-line box (Enter sends, Shift+Enter breaks the line), images, Send/Stop.

Images come by drop or paste (here or onto the conversation). On the GUI thread only the
header is read (``engine.images.inspect_image``: format, size, bomb, aspect ratio); the
thumbnail is decoded by the window's ``ImageLoader`` off the GUI thread, and an image that
turns out to be damaged is removed again with its reason. Click a thumbnail for a preview.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QSize, Qt, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from phidesk.engine.images import inspect_image
from phidesk.errors import UserError
from phidesk.gui.i18n import translate
from phidesk.gui.images import THUMB, ImageLoader, image_paths_from_mime, thumb_pixmap
from phidesk.gui.plain import tooltip
from phidesk.gui.signals import emit
from phidesk.gui.texts_view import localized
from phidesk.store import files


class _Editor(QTextEdit):
    """Plain text only. A QTextEdit, not a QPlainTextEdit: the plain one lays every paragraph out left to right,
    while this one aligns each paragraph by its own text direction (Arabic or Hebrew at the right, as the chat
    shows them), mixed paragraphs included."""

    submit = Signal()
    images_offered = Signal(list)  # list[str] paths

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)  # pasted HTML arrives as its text

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            emit(self.submit)
            return
        super().keyPressEvent(event)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802 (Qt override)
        return source.hasImage() or source.hasUrls() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 (Qt override)
        paths = image_paths_from_mime(source)
        if paths:
            emit(self.images_offered, paths)
            return
        super().insertFromMimeData(source)


class Composer(QWidget):
    send_requested = Signal(str, list)  # text, image paths
    stop_requested = Signal()
    problem = Signal(str)  # a bad image, shown by the window
    preview_requested = Signal(str)  # an image path

    def __init__(self, loader: ImageLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.images: list[str] = []
        self.loader = loader
        loader.ready.connect(self._on_thumb_ready)
        loader.failed.connect(self._on_thumb_failed)
        self.setAcceptDrops(True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 4, 8, 8)
        self.thumbs = QHBoxLayout()
        self.thumbs.addStretch(1)
        outer.addLayout(self.thumbs)
        row = QHBoxLayout()
        self.editor = _Editor(self)
        self.editor.setPlaceholderText(translate(
            "Composer", "Message PhiDesk… (Enter sends, Shift+Enter for a new line; drop or paste images)"))
        self.editor.setAccessibleName(translate("Composer", "Message"))
        self.editor.setTabChangesFocus(True)
        self.editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.editor.document().documentLayout().documentSizeChanged.connect(lambda _size: self._fit_editor())
        self._fit_editor()
        self.editor.submit.connect(self._on_submit)
        self.editor.images_offered.connect(self.add_images)
        row.addWidget(self.editor, 1)
        self.send_button = QPushButton(translate("Composer", "Send"), self)
        self.send_button.setAccessibleName(translate("Composer", "Send message"))
        self.send_button.setToolTip(translate("Composer", "Send (Enter)"))
        self.send_button.clicked.connect(self._on_submit)
        self.stop_button = QPushButton(translate("Composer", "Stop"), self)
        self.stop_button.setAccessibleName(translate("Composer", "Stop the answer"))
        self.stop_button.setToolTip(translate("Composer", "Stop (Esc)"))
        self.stop_button.clicked.connect(self.stop_requested)
        self.stop_button.setVisible(False)
        row.addWidget(self.send_button)
        row.addWidget(self.stop_button)
        outer.addLayout(row)
        self.busy = False

    def _fit_editor(self) -> None:
        """As tall as its text, from two lines to eight (then it scrolls): the conversation keeps the height."""
        line = self.editor.fontMetrics().lineSpacing()
        frame = 2 * self.editor.frameWidth() + int(2 * self.editor.document().documentMargin())
        text = int(self.editor.document().size().height())
        self.editor.setFixedHeight(max(2 * line, min(8 * line, text)) + frame)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.send_button.setVisible(not busy)
        self.stop_button.setVisible(busy)

    def set_text(self, text: str) -> None:
        self.editor.setPlainText(text)
        self.editor.setFocus()

    @Slot()
    def _on_submit(self) -> None:
        text = self.editor.toPlainText().strip()
        if self.busy or (not text and not self.images):
            return
        images = list(self.images)
        self.editor.clear()
        self.clear_images()
        emit(self.send_requested, text, images)

    # --- images ----------------------------------------------------------------------------
    @Slot(list)
    def add_images(self, paths: list[str]) -> None:
        for path in paths:
            try:
                checked = str(inspect_image(path))  # header only: never a long decode on the GUI thread
            except UserError as exc:
                emit(self.problem, localized(exc))
                continue
            if checked not in self.images:
                self.images.append(checked)
                self._add_thumb(checked)

    def _add_thumb(self, path: str) -> None:
        button = QToolButton(self)
        button.setProperty("image_path", path)
        button.setObjectName("composer-thumb")
        button.setText("…")
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        button.setIconSize(QSize(THUMB, THUMB))
        button.setFixedSize(THUMB + 8, THUMB + 8)
        name = Path(path).name
        button.setToolTip(tooltip(translate("Composer", "{file} (click for a preview)").format(file=name)))
        button.setAccessibleName(translate("Composer", "Image {file}").format(file=name))
        button.clicked.connect(lambda: emit(self.preview_requested, path))
        remove = QToolButton(button)
        remove.setText("✕")
        remove.setAccessibleName(translate("Composer", "Remove image {file}").format(file=name))
        remove.setToolTip(tooltip(translate("Composer", "Remove {file}").format(file=name)))
        remove.setFixedSize(18, 18)
        remove.move(THUMB + 8 - 19, 1)
        remove.clicked.connect(lambda: self._discard_image(path))
        self.thumbs.insertWidget(self.thumbs.count() - 1, button)
        image = self.loader.request(path, THUMB * 2)
        if image is not None:
            self._set_thumb(button, image)

    def thumb_buttons(self) -> dict[str, QToolButton]:
        found: dict[str, QToolButton] = {}
        for index in range(self.thumbs.count()):
            item = self.thumbs.itemAt(index)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QToolButton) and widget.property("image_path") in self.images:
                found[widget.property("image_path")] = widget
        return found

    def _set_thumb(self, button: QToolButton, image: QImage) -> None:
        button.setIcon(thumb_pixmap(image, THUMB, self.devicePixelRatioF()))
        button.setText("")

    @Slot(str, int, QImage)
    def _on_thumb_ready(self, path: str, edge: int, image: QImage) -> None:
        button = self.thumb_buttons().get(path)
        if button is not None and edge == THUMB * 2:
            self._set_thumb(button, image)

    @Slot(str, int, str)
    def _on_thumb_failed(self, path: str, edge: int, reason: str) -> None:
        if path in self.images and edge == THUMB * 2:  # damaged below a good header: never send it
            self._discard_image(path)
            emit(self.problem, reason)

    def _discard_image(self, path: str) -> None:
        """The user took the image out (or it is damaged): a pasted bitmap's file goes too."""
        self._remove_image(path)
        files.discard_pasted(path)

    def _remove_image(self, path: str) -> None:
        button = self.thumb_buttons().get(path)
        if path in self.images:
            self.images.remove(path)
        if button is not None:
            self.thumbs.removeWidget(button)
            button.deleteLater()

    def clear_images(self) -> None:
        for path in list(self.images):
            self._remove_image(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        paths = image_paths_from_mime(event.mimeData())
        if paths:
            self.add_images(paths)
            event.acceptProposedAction()
