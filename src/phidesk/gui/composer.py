"""The composer: a multi-line box (Enter sends, Shift+Enter breaks the line), images, Send/Stop.

Images come by drop or paste; each is checked with Pillow (``engine.images.check_image``)
before it is shown as a removable thumbnail. A pasted bitmap is saved as PNG in a
temporary folder first, so every image the app handles is a file.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from PySide6.QtCore import QMimeData, QSize, Qt, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from phidesk.engine.images import inspect_image
from phidesk.errors import UserError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}
THUMB = 64


class _Editor(QPlainTextEdit):
    submit = Signal()
    images_offered = Signal(list)  # list[str] paths

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.submit.emit()
            return
        super().keyPressEvent(event)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802 (Qt override)
        return source.hasImage() or source.hasUrls() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 (Qt override)
        paths = _image_paths(source)
        if paths:
            self.images_offered.emit(paths)
            return
        super().insertFromMimeData(source)


def _image_paths(source: QMimeData) -> list[str]:
    """Files from a drop or paste; a pasted bitmap is saved as a PNG first."""
    paths = [url.toLocalFile() for url in source.urls() if url.isLocalFile()]
    paths = [p for p in paths if Path(p).suffix.lower() in IMAGE_SUFFIXES]
    if not paths and source.hasImage():
        image = QImage(source.imageData())
        if not image.isNull():
            folder = Path(tempfile.gettempdir()) / "phidesk-pasted"
            folder.mkdir(exist_ok=True)
            target = folder / f"pasted-{uuid.uuid4().hex[:8]}.png"
            image.save(str(target), b"PNG")
            paths = [str(target)]
    return paths


class Composer(QWidget):
    send_requested = Signal(str, list)  # text, image paths
    stop_requested = Signal()
    problem = Signal(str)  # a bad image, shown by the window

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.images: list[str] = []
        self.setAcceptDrops(True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 4, 8, 8)
        self.thumbs = QHBoxLayout()
        self.thumbs.addStretch(1)
        outer.addLayout(self.thumbs)
        row = QHBoxLayout()
        self.editor = _Editor(self)
        self.editor.setPlaceholderText(
            "Message PhiDesk… (Enter sends, Shift+Enter for a new line; drop or paste images)")
        self.editor.setAccessibleName("Message")
        self.editor.setTabChangesFocus(True)
        self.editor.setMaximumHeight(110)
        self.editor.setMinimumHeight(56)
        self.editor.submit.connect(self._on_submit)
        self.editor.images_offered.connect(self.add_images)
        row.addWidget(self.editor, 1)
        self.send_button = QPushButton("Send", self)
        self.send_button.setAccessibleName("Send message")
        self.send_button.setToolTip("Send (Enter)")
        self.send_button.clicked.connect(self._on_submit)
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setAccessibleName("Stop the answer")
        self.stop_button.setToolTip("Stop (Esc)")
        self.stop_button.clicked.connect(self.stop_requested)
        self.stop_button.setVisible(False)
        row.addWidget(self.send_button)
        row.addWidget(self.stop_button)
        outer.addLayout(row)
        self.busy = False

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
        self.send_requested.emit(text, images)

    # --- images ----------------------------------------------------------------------------
    @Slot(list)
    def add_images(self, paths: list[str]) -> None:
        for path in paths:
            try:
                checked = str(inspect_image(path))  # header only: never a long decode on the GUI thread
            except UserError as exc:
                self.problem.emit(str(exc))
                continue
            if checked not in self.images:
                self.images.append(checked)
                self._add_thumb(checked)

    def _add_thumb(self, path: str) -> None:
        box = QWidget(self)
        box.setProperty("image_path", path)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        picture = QLabel(box)
        pixmap = QPixmap(path)
        if not pixmap.isNull():
            picture.setPixmap(pixmap.scaled(QSize(THUMB, THUMB), Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.SmoothTransformation))
        picture.setToolTip(Path(path).name)
        picture.setAccessibleName(f"Image {Path(path).name}")
        layout.addWidget(picture)
        remove = QToolButton(box)
        remove.setText("Remove")
        remove.setAccessibleName(f"Remove image {Path(path).name}")
        remove.clicked.connect(lambda: self._remove_image(box, path))
        layout.addWidget(remove)
        self.thumbs.insertWidget(self.thumbs.count() - 1, box)

    def _remove_image(self, box: QWidget, path: str) -> None:
        if path in self.images:
            self.images.remove(path)
        box.deleteLater()

    def clear_images(self) -> None:
        self.images = []
        for index in reversed(range(self.thumbs.count())):
            item = self.thumbs.itemAt(index)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        paths = _image_paths(event.mimeData())
        if paths:
            self.add_images(paths)
            event.acceptProposedAction()
