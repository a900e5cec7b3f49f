"""The composer's right-to-left paragraphs and the image preview's Close button and Esc, in real widgets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QPushButton

from phidesk import settings
from phidesk.gui.composer import Composer
from phidesk.gui.images import ImageLoader, ImagePreview
from phidesk.gui.main_window import MainWindow
from phidesk.store import Store

TIMEOUT_MS = 30_000
MIXED = "مرحبا بالعالم\nhello world\nשלום עולם"  # Arabic, English, Hebrew: one paragraph each


@pytest.fixture
def composer(qtbot: object) -> Composer:
    widget = Composer(ImageLoader())
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    widget.resize(600, 200)
    widget.show()
    qtbot.waitExposed(widget)  # type: ignore[attr-defined]
    return widget


def _start_x(composer: Composer, paragraph: int) -> int:
    """Where the cursor shows at the start (in text order) of a paragraph, in the editor's viewport."""
    editor = composer.editor
    editor.setTextCursor(QTextCursor(editor.document().findBlockByNumber(paragraph)))
    return editor.cursorRect().x()


def test_each_composer_paragraph_is_aligned_by_its_own_direction(composer: Composer) -> None:
    composer.editor.setPlainText(MIXED)
    width = composer.editor.viewport().width()
    assert _start_x(composer, 0) > width * 3 // 4  # Arabic starts at the right edge
    assert _start_x(composer, 1) < width // 4  # English at the left
    assert _start_x(composer, 2) > width * 3 // 4  # Hebrew at the right


def test_the_arrow_keys_move_the_composer_cursor_visually_in_each_direction(qtbot: object,
                                                                            composer: Composer) -> None:
    editor = composer.editor
    editor.setPlainText(MIXED)
    editor.setFocus()
    document = editor.document()
    arabic = document.findBlockByNumber(0).position()
    editor.setTextCursor(QTextCursor(document.findBlockByNumber(0)))
    qtbot.keyClick(editor, Qt.Key.Key_Left)  # type: ignore[attr-defined]
    assert editor.textCursor().position() == arabic + 1  # leftwards is onwards in right-to-left text
    english = document.findBlockByNumber(1).position()
    editor.setTextCursor(QTextCursor(document.findBlockByNumber(1)))
    qtbot.keyClick(editor, Qt.Key.Key_Right)  # type: ignore[attr-defined]
    assert editor.textCursor().position() == english + 1
    hebrew = document.findBlockByNumber(2).position()
    editor.setTextCursor(QTextCursor(document.findBlockByNumber(2)))
    qtbot.keyClick(editor, Qt.Key.Key_Left)  # type: ignore[attr-defined]
    assert editor.textCursor().position() == hebrew + 1


def test_the_composer_still_sends_plain_text(qtbot: object, composer: Composer) -> None:
    with qtbot.waitSignal(composer.send_requested, timeout=TIMEOUT_MS) as sent:  # type: ignore[attr-defined]
        composer.editor.setPlainText(MIXED)
        qtbot.keyClick(composer.editor, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert sent.args == [MIXED, []]
    assert composer.editor.toPlainText() == ""


@pytest.fixture
def window(qtbot: object, phidesk_home: Path) -> Iterator[MainWindow]:
    win = MainWindow(Store(), settings.Settings())
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    win.show()
    yield win
    win.close()
    win.store.close()


def _preview(qtbot: object, window: MainWindow, tmp_path: Path) -> ImagePreview:
    path = tmp_path / "sea.png"
    Image.new("RGB", (300, 200), "teal").save(path)
    window.preview_image(str(path))
    previews = [w for w in QApplication.topLevelWidgets() if isinstance(w, ImagePreview) and w.isVisible()]
    assert len(previews) == 1
    preview = previews[0]
    qtbot.waitExposed(preview)  # type: ignore[attr-defined]
    return preview


def test_the_image_preview_has_a_focused_close_button(qtbot: object, window: MainWindow, tmp_path: Path) -> None:
    preview = _preview(qtbot, window, tmp_path)
    close = [b for b in preview.findChildren(QPushButton) if b.accessibleName() == "Close the preview"]
    assert len(close) == 1
    assert close[0].text().replace("&", "") == "Close"
    qtbot.waitUntil(close[0].hasFocus, timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    qtbot.mouseClick(close[0], Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not preview.isVisible(), timeout=TIMEOUT_MS)  # type: ignore[attr-defined]


def test_esc_closes_the_image_preview(qtbot: object, window: MainWindow, tmp_path: Path) -> None:
    preview = _preview(qtbot, window, tmp_path)
    preview.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None  # type: ignore[attr-defined]
                    and preview.isAncestorOf(QApplication.focusWidget()), timeout=TIMEOUT_MS)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not preview.isVisible(), timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    assert window.isVisible()
