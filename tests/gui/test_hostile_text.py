"""Strings from data (model names, titles, file names, errors) are shown literally, never as rich text.

Each check feeds a real widget of the window HTML through the path the data really takes and reads back
what Qt shows: a label's text in its text format, a tooltip as Qt interprets it, a message box's text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtGui import Qt, QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from phidesk import paths, settings
from phidesk.errors import UserError
from phidesk.gui.chat_view import MessageWidget
from phidesk.gui.download_row import DownloadRow
from phidesk.gui.images import ImageLoader, ImagePreview
from phidesk.gui.main_window import MainWindow
from phidesk.gui.model_pane import ModelPane
from phidesk.models.download import Job
from phidesk.store import Store

HOSTILE = "<img src='x'><b>X</b>"
NAME = "<img src='x'><b>X"  # for file and folder names: no slash


def as_html(text: str) -> str:
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def shown(label: QLabel | QMessageBox) -> str:
    """What the user reads: the label's text as its text format makes Qt interpret it."""
    text, kind = label.text(), label.textFormat()
    rich = kind == Qt.TextFormat.RichText or (kind == Qt.TextFormat.AutoText and Qt.mightBeRichText(text))
    return as_html(text) if rich else text


def shown_tip(tip: str) -> str:
    """Tooltips are rich text whenever they look like it."""
    return as_html(tip) if Qt.mightBeRichText(tip) else tip


def box_text(action: Callable[[], object]) -> str:
    """Run *action*, which opens a modal message box; read what it shows, then dismiss it."""
    seen: list[str] = []

    def catch() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(shown(box))
            box.reject()
        else:
            QTimer.singleShot(20, catch)

    QTimer.singleShot(20, catch)
    action()
    assert seen, "no message box opened"
    return seen[0]


@pytest.fixture
def window(qtbot: object, phidesk_home: Path) -> Iterator[MainWindow]:
    win = MainWindow(Store(), settings.Settings(provider="cpu"))  # no model installed: nothing loads
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    win.show()
    yield win
    win.close()
    win.store.close()


def test_message_header_note_and_thumbnails_show_data_literally(qtbot: object, tmp_path: Path) -> None:
    picture = tmp_path / f"{NAME}.png"
    Image.new("RGB", (40, 30), "red").save(picture)
    damaged = tmp_path / f"{NAME}-damaged.png"
    damaged.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    loader = ImageLoader()
    widget = MessageWidget("assistant", "hi", 0, dark=False, model=HOSTILE, images=[str(picture), str(damaged)],
                           loader=loader)
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    widget.set_note(HOSTILE)
    assert HOSTILE in shown(widget.who)
    assert shown(widget.note) == HOSTILE
    assert NAME in shown_tip(widget.image_buttons[str(picture)].toolTip())
    qtbot.waitUntil(lambda: widget.image_buttons[str(damaged)].text() == "?", timeout=30_000)  # type: ignore[attr-defined]
    assert NAME in shown_tip(widget.image_buttons[str(damaged)].toolTip())  # the reason names the file
    loader.wait()


def test_composer_thumbnail_and_preview_show_file_names_literally(window: MainWindow, tmp_path: Path,
                                                                  qtbot: object) -> None:
    picture = tmp_path / f"{NAME}.png"
    Image.new("RGB", (40, 30), "blue").save(picture)
    window.composer.add_images([str(picture)])
    button = window.composer.thumb_buttons()[str(picture)]
    assert NAME in shown_tip(button.toolTip())
    remove = button.findChildren(QWidget)[0]
    assert NAME in shown_tip(remove.toolTip())
    preview = ImagePreview(window.images, str(picture), window)
    qtbot.addWidget(preview)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "px" in preview.info.text(), timeout=30_000)  # type: ignore[attr-defined]
    assert shown(preview.info).startswith(f"{NAME}.png · ")
    window.images.wait()


def test_notices_sidebar_and_delete_dialog_show_titles_literally(window: MainWindow) -> None:
    window.load_model("<img src='x'>")  # not installed: a notice names it
    assert "Model '<img src='x'>' is not usable" in shown(window.banner.notices[-1].label)
    conversation = window.store.create_conversation(HOSTILE)
    window.sidebar.refresh()
    item = window.sidebar.items()[0]  # the first conversation (item 0 is the "Today" heading)
    assert HOSTILE in shown_tip(item.toolTip())
    assert box_text(lambda: window._on_delete(conversation.id)) == f"Delete “{HOSTILE}” for good?"
    assert window.store.list_conversations()  # the dialog was dismissed: nothing deleted


def test_model_pane_shows_folder_names_errors_and_hub_files_literally(qtbot: object, phidesk_home: Path) -> None:
    (paths.models_dir() / NAME).mkdir(parents=True)  # a broken model folder: its problem is a tooltip
    pane = ModelPane()
    qtbot.addWidget(pane)  # type: ignore[attr-defined]
    pane.refresh()
    item = pane.tree.topLevelItem(0)
    assert item.text(0) == NAME
    assert NAME in shown_tip(item.toolTip(0))
    pane.tree.setCurrentItem(item)
    assert box_text(pane._on_remove) == f"Delete {NAME} and its files from this computer?"
    assert (paths.models_dir() / NAME).is_dir()
    row = DownloadRow(HOSTILE)
    qtbot.addWidget(row)  # type: ignore[attr-defined]
    assert shown(row.label) == HOSTILE
    row.show_job(Job(key=HOSTILE, entry=None,  # type: ignore[arg-type]
                     state="downloading", bytes_done=1, bytes_total=2, current_file=f"sub/{NAME}.onnx",
                     error=HOSTILE))
    lines = shown(row.label).splitlines()
    assert lines[0].startswith(HOSTILE)
    assert lines[1:] == [f"{NAME}.onnx", HOSTILE]
    assert box_text(lambda: pane._on_import_done(UserError(HOSTILE))) == HOSTILE



def test_a_long_title_or_model_name_never_widens_the_window(window: MainWindow, qtbot: object) -> None:
    """The header's title and model picker take the room there is: a 60-character title (what a first question
    gives) or a long model name once made the window's minimum width grow, and the window with it, past the
    screen on a small one."""
    window.resize(720, 600)
    qtbot.waitUntil(lambda: window.width() == 720, timeout=5_000)  # type: ignore[attr-defined]
    title = "W" * 60
    conversation = window.store.create_conversation(title)
    window.sidebar.refresh()
    window.open_conversation(conversation.id)
    model = "a-model-with-a-very-long-name-" * 3
    window.header.set_models([model], model, model, "CPU")
    qtbot.wait(100)  # type: ignore[attr-defined]  # the layouts' requests, and a resize if they asked for one
    assert window.width() == 720
    assert window.minimumSizeHint().width() <= 720
    assert window.header.title.full_text() == title
    label = window.header.title
    assert len(label.text()) < len(title)
    assert label.text().endswith("…")  # cut to what fits
    assert shown_tip(label.toolTip()) == title  # all of it on hover
    window.resize(2400, 600)
    qtbot.waitUntil(lambda: window.header.title.text() == title, timeout=5_000)  # type: ignore[attr-defined]
    assert label.toolTip() == ""  # nothing hidden, nothing to add
