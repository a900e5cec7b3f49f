"""Images in the window: scaled copies made off the GUI thread, drops and pastes, the preview.

A photo can be 12,000 × 12,000 pixels: decoding it takes a second and ~570 MB, so the GUI
thread never does it. ``ImageLoader`` makes every thumbnail and preview on a one-thread pool
with ``engine.images.scaled_image`` (the same hardened Pillow path the worker uses); images
over 16 MP are decoded in a short-lived child process, so their memory, the lock Python holds
while freeing it, and any decoder crash stay out of the window's process. Small copies are
cached: in memory, and thumbnails also on disk under the cache folder, so history opens
without decoding anything large again. A file that cannot be decoded comes back as
``failed`` with the one-line reason: the composer then drops it before it is ever sent.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import uuid
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, QSize, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QGuiApplication, QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

from phidesk import logs, paths
from phidesk.engine.images import scaled_image
from phidesk.errors import UserError
from phidesk.gui.figures import megabytes
from phidesk.gui.i18n import translate
from phidesk.gui.plain import plain_label
from phidesk.gui.signals import emit
from phidesk.gui.texts_view import localized
from phidesk.store import files

log = logging.getLogger(__name__)
THUMB = 64  # composer and history thumbnails, in device-independent pixels
PREVIEW = 1600  # the longest side of a preview
MEMORY_CACHE = 64  # scaled images kept in memory


def image_paths_from_mime(source: QMimeData) -> list[str]:
    """Local files from a drop or paste (each is checked later, so a non-image gets its reason);
    a pasted bitmap is saved as a PNG first, so every image the app handles is a file."""
    found = [url.toLocalFile() for url in source.urls() if url.isLocalFile()]
    found = [p for p in found if Path(p).is_file()]
    if not found and source.hasImage():
        image = QImage(source.imageData())
        if not image.isNull():
            target = files.pasted_dir() / f"pasted-{uuid.uuid4().hex[:12]}.png"  # user-only, cleaned up
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, files.PRIVATE_FILE))
            image.save(str(target))  # the format from the suffix: PySide6 6.x crashes on format=b"PNG" here
            found = [str(target)]
    return found


def keep_image(path: str) -> str:
    """Copy an image into the data folder, named by its content, so history never points at moved files."""
    source = Path(path)
    with source.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()[:24]
    target = files.images_dir() / f"{digest}{source.suffix.lower()}"
    if not target.exists():
        partial = target.with_name(f".{target.name}.part")
        shutil.copyfile(source, partial)
        files.make_private(partial)
        partial.replace(target)
    return str(target)


class ImageKeeper(QObject):
    """``keep(text, images)`` copies the images into the data folder on a pool thread, then emits
    ``kept(text, copies)`` or ``failed(text, images, reason)`` on the GUI thread."""

    kept = Signal(str, list)
    failed = Signal(str, list, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)

    def keep(self, text: str, images: list[str]) -> None:
        self.pool.start(lambda: self._keep(text, list(images)))

    def _keep(self, text: str, images: list[str]) -> None:  # on the pool's thread
        try:
            copies = [keep_image(path) for path in images]
        except OSError as exc:
            emit(self.failed, text, images, translate("ImagePreview", "The images could not be kept in PhiDesk's data "
                                                      "folder: {reason}").format(reason=exc))
        except Exception as exc:  # the composer waits for one of the two signals: it gets one
            log.exception("keeping images failed")
            emit(self.failed, text, images, translate("ImagePreview", "The images could not be kept: unexpected error "
                                                      "{error} (details in {log})").format(
                error=logs.summary(exc), log=logs.log_file()))
        else:
            for path in images:  # a pasted bitmap's file has done its job: the copy is kept
                files.discard_pasted(path)
            emit(self.kept, text, copies)


def _disk_name(path: str, edge: int) -> str | None:
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    key = f"{Path(path).resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{edge}"
    return hashlib.sha256(key.encode()).hexdigest()[:32] + ".png"


class ImageLoader(QObject):
    """``request(path, edge)``: ``ready(path, edge, QImage)`` or ``failed(path, edge, reason)`` follows,
    queued on the GUI thread (a cached copy is returned at once instead)."""

    ready = Signal(str, int, QImage)
    failed = Signal(str, int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._memory: OrderedDict[tuple[str, int], QImage] = OrderedDict()
        self._waiting: set[tuple[str, int]] = set()
        self.ready.connect(self._remember)
        self.failed.connect(self._forget)

    def cached(self, path: str, edge: int) -> QImage | None:
        image = self._memory.get((path, edge))
        if image is not None:
            self._memory.move_to_end((path, edge))
        return image

    def request(self, path: str, edge: int) -> QImage | None:
        """The scaled image if it is in memory; otherwise None, and a signal follows."""
        image = self.cached(path, edge)
        if image is not None:
            return image
        if (path, edge) not in self._waiting:
            self._waiting.add((path, edge))
            self.pool.start(lambda: self._make(path, edge))
        return None

    def wait(self, msecs: int = 30_000) -> bool:
        return self.pool.waitForDone(msecs)

    def _make(self, path: str, edge: int) -> None:  # on the pool's thread
        try:
            image = self._load(path, edge)
        except UserError as exc:
            emit(self.failed, path, edge, localized(exc))
        except Exception as exc:  # a thumbnail must never take the window down
            log.exception("thumbnail of %s failed", path)
            detail = str(exc).splitlines()[0][:200] if str(exc) else ""
            error = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
            emit(self.failed, path, edge, translate("ImagePreview", "{file}: the image could not be shown ({error})")
                 .format(file=Path(path).name, error=error))
        else:
            emit(self.ready, path, edge, image)

    @staticmethod
    def _load(path: str, edge: int) -> QImage:
        name = _disk_name(path, edge) if edge <= THUMB * 4 else None
        stored = paths.cache_dir() / "thumbnails" / name if name else None
        if stored is not None and stored.is_file():
            image = QImage(str(stored))
            if not image.isNull():
                return image
        scaled = scaled_image(path, edge)
        image = QImage(scaled.rgb, scaled.width, scaled.height, scaled.width * 3, QImage.Format.Format_RGB888).copy()
        if image.isNull():
            raise UserError(translate("ImagePreview", "{file}: the image could not be shown").format(
                file=Path(path).name))
        image.setText("original", f"{scaled.original_width}x{scaled.original_height}")
        image.setText("format", scaled.source_format)
        if stored is not None:
            stored.parent.mkdir(parents=True, exist_ok=True)
            partial = stored.with_name(f".part-{stored.name}")  # still *.png: the format comes from the suffix
            if image.save(str(partial)):
                partial.replace(stored)
        return image

    @Slot(str, int, QImage)
    def _remember(self, path: str, edge: int, image: QImage) -> None:
        self._waiting.discard((path, edge))
        self._memory[(path, edge)] = image
        while len(self._memory) > MEMORY_CACHE:
            self._memory.popitem(last=False)

    @Slot(str, int, str)
    def _forget(self, path: str, edge: int, _reason: str) -> None:
        self._waiting.discard((path, edge))  # a later request tries again (the file may be fixed)


def thumb_pixmap(image: QImage, edge: int, ratio: float) -> QPixmap:
    """A pixmap for a label of *edge* logical pixels, sharp on high-DPI screens."""
    pixmap = QPixmap.fromImage(image)
    target = QSize(int(edge * ratio), int(edge * ratio))
    if pixmap.width() > target.width() or pixmap.height() > target.height():
        pixmap = pixmap.scaled(target, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


class ImagePreview(QDialog):
    """A larger view of one image (click a thumbnail); its Close button (focused) or Esc closes it.

    Esc is taken before any shortcut (the window's Stop among them): in the preview it only closes the preview."""

    def __init__(self, loader: ImageLoader, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.setWindowTitle(Path(path).name)
        self.setAccessibleName(translate("ImagePreview", "Preview of {file}").format(file=Path(path).name))
        layout = QVBoxLayout(self)
        self.picture = plain_label(translate("ImagePreview", "Loading…"), self)  # or the reason it failed
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setAccessibleName(translate("ImagePreview", "Image {file}").format(file=Path(path).name))
        scroll = QScrollArea(self)
        scroll.setWidget(self.picture)
        scroll.setWidgetResizable(True)
        layout.addWidget(scroll, 1)
        self.info = plain_label(Path(path).name, self)
        self.info.setAccessibleName(translate("ImagePreview", "Image details"))
        row = QHBoxLayout()
        row.addWidget(self.info, 1)
        self.close_button = QPushButton(translate("ImagePreview", "Close"), self)
        self.close_button.setAccessibleName(translate("ImagePreview", "Close the preview"))
        self.close_button.setToolTip(translate("ImagePreview", "Close (Esc)"))
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.close)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self.close_button.setFocus()
        screen = QGuiApplication.primaryScreen()
        available = screen.availableGeometry().size() if screen else QSize(1280, 800)
        self.resize(min(available.width() * 4 // 5, 1100), min(available.height() * 4 // 5, 800))
        self.edge = PREVIEW
        self.loader = loader
        loader.ready.connect(self._on_ready)
        loader.failed.connect(self._on_failed)
        image = loader.request(path, self.edge)
        if image is not None:
            self._show(image)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_Escape and not event.modifiers():
            event.accept()  # Esc comes to keyPressEvent, not to an application-wide shortcut
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.close()
            return
        super().keyPressEvent(event)

    @Slot(str, int, QImage)
    def _on_ready(self, path: str, edge: int, image: QImage) -> None:
        if (path, edge) == (self.path, self.edge):
            self._show(image)

    @Slot(str, int, str)
    def _on_failed(self, path: str, edge: int, reason: str) -> None:
        if (path, edge) == (self.path, self.edge):
            self.picture.setText(reason)

    def _show(self, image: QImage) -> None:
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.picture.setPixmap(pixmap)
        size = Path(self.path).stat().st_size if Path(self.path).exists() else 0
        original = image.text("original").replace("x", " × ") or f"{image.width()} × {image.height()}"
        self.info.setText(translate("ImagePreview", "{file} · {dimensions} px · {format} · {size}").format(
            file=Path(self.path).name, dimensions=original, format=image.text("format"), size=megabytes(size)))
