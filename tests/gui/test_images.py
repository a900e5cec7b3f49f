"""Images in the real window (no model needed): thumbnails made off the GUI thread, preview,
drop onto the conversation, and a message in the window for every kind of bad image."""

from __future__ import annotations

import os
import stat
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QToolButton

from phidesk import settings
from phidesk.gui.images import ImagePreview
from phidesk.gui.main_window import MainWindow
from phidesk.store import Store
from tests.builders.bad_images import CASES, DECODE_ONLY, write_bad_images

TIMEOUT_MS = 30_000


@pytest.fixture
def window(qtbot: object, phidesk_home: Path) -> Iterator[MainWindow]:
    win = MainWindow(Store(), settings.Settings())
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    win.show()
    yield win
    win.close()
    win.store.close()


def picture(path: Path, size: tuple[int, int], colour: str = "teal") -> Path:
    Image.new("RGB", size, colour).save(path)
    return path


def wait_for_thumbs(qtbot: object, window: MainWindow, count: int) -> None:
    def ready() -> None:
        buttons = window.composer.thumb_buttons()
        assert len(buttons) == count
        assert all(not b.icon().isNull() for b in buttons.values())

    qtbot.waitUntil(ready, timeout=TIMEOUT_MS)  # type: ignore[attr-defined]


def test_thumbnails_are_made_off_the_gui_thread_and_open_a_preview(qtbot: object, window: MainWindow,
                                                                   tmp_path: Path) -> None:
    wide = picture(tmp_path / "wide.png", (1600, 900))
    tall = picture(tmp_path / "tall.jpg", (300, 500), "navy")
    window.composer.add_images([str(wide), str(tall)])
    assert window.composer.images == [str(wide.resolve()), str(tall.resolve())]
    wait_for_thumbs(qtbot, window, 2)
    icon = window.composer.thumb_buttons()[str(wide.resolve())].icon()
    assert icon.availableSizes()  # a real picture, scaled down to thumbnail size
    assert max(icon.availableSizes()[0].width(), icon.availableSizes()[0].height()) <= 128

    qtbot.mouseClick(window.composer.thumb_buttons()[str(wide.resolve())], Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    previews = [w for w in QApplication.topLevelWidgets() if isinstance(w, ImagePreview) and w.isVisible()]
    assert len(previews) == 1
    preview = previews[0]
    qtbot.waitUntil(lambda: not preview.picture.pixmap().isNull(), timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    assert preview.picture.pixmap().width() == 1600  # under the preview limit: full size
    assert "1600 × 900 px" in preview.info.text()
    assert "PNG" in preview.info.text()
    preview.close()


def test_removing_a_thumbnail_removes_the_image(qtbot: object, window: MainWindow, tmp_path: Path) -> None:
    first = picture(tmp_path / "a.png", (100, 80))
    second = picture(tmp_path / "b.png", (100, 80), "red")
    window.composer.add_images([str(first), str(second)])
    wait_for_thumbs(qtbot, window, 2)
    remove = next(b for b in window.composer.findChildren(type(window.composer.thumb_buttons()[str(first.resolve())]))
                  if b.accessibleName() == "Remove image a.png")
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert window.composer.images == [str(second.resolve())]
    assert list(window.composer.thumb_buttons()) == [str(second.resolve())]


@pytest.mark.parametrize("case", CASES)
def test_each_bad_image_gets_a_message_in_the_window(qtbot: object, window: MainWindow, tmp_path: Path,
                                                     case: str) -> None:
    bad, reason = write_bad_images(tmp_path / "bad")[case]
    good = picture(tmp_path / "good.png", (200, 100))
    window.composer.add_images([str(good), str(bad)])
    if case in DECODE_ONLY:  # a good header: taken at first, then dropped once the thumbnail decode fails
        qtbot.waitUntil(lambda: window.composer.images == [str(good.resolve())], timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    assert window.composer.images == [str(good.resolve())]
    assert window.banner.isVisible()
    assert bad.name in window.banner.text()
    assert reason in window.banner.text()
    wait_for_thumbs(qtbot, window, 1)  # the good one stays


def test_images_dropped_on_the_conversation_go_to_the_composer(qtbot: object, window: MainWindow,
                                                               tmp_path: Path) -> None:
    shot = picture(tmp_path / "screenshot.png", (800, 600))
    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(shot)), QUrl.fromLocalFile(str(notes))])
    target = window.chat.viewport()
    with warnings.catch_warnings():  # PySide marks the only constructor Qt 6 has as deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    assert window.composer.images == [str(shot.resolve())]
    assert "notes.txt" in window.banner.text()  # the other file gets its reason
    assert "not an image" in window.banner.text()
    wait_for_thumbs(qtbot, window, 1)


def test_a_screenshot_pasted_on_the_conversation_goes_to_the_composer(qtbot: object, window: MainWindow,
                                                                      phidesk_home: Path) -> None:
    shot = QImage(320, 200, QImage.Format.Format_RGB32)
    shot.fill(QColor("orange"))
    QGuiApplication.clipboard().setImage(shot)
    window.chat.setFocus()
    qtbot.keyClick(window.chat, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    assert len(window.composer.images) == 1
    pasted = Path(window.composer.images[0])
    assert pasted.suffix == ".png"
    with Image.open(pasted) as img:
        assert img.size == (320, 200)
    wait_for_thumbs(qtbot, window, 1)
    # the user's screenshot stays in PhiDesk's own folder, readable by this user only, and goes when removed
    assert pasted.parent == phidesk_home / "data" / "pasted"
    if os.name == "posix":
        assert stat.S_IMODE(pasted.stat().st_mode) == 0o600
        assert stat.S_IMODE(pasted.parent.stat().st_mode) == 0o700
    remove = next(b for b in window.composer.findChildren(QToolButton) if b.accessibleName().startswith("Remove image"))
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert window.composer.images == []
    assert not pasted.exists()
