"""A full disk while the window works: nothing shown is lost, everything says what to do, the app closes.

The data folder is a real 3 MB tmpfs (mounted as root, which the tests run as here and in CI), filled
with a filler file at the worst moments: while an answer streams, before a question is sent, during a
conversation import. Then the filler goes, as when the user frees space.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from phidesk import settings
from phidesk.engine.protocol import Sampling
from phidesk.gui.main_window import MainWindow
from phidesk.store import Store

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("starter_installed"),
              pytest.mark.linux]
TIMEOUT_MS = 120_000


@pytest.fixture
def small_data(phidesk_home: Path) -> Iterator[Path]:
    data = phidesk_home / "data"
    data.mkdir(exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(data)], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield data
    finally:
        subprocess.run(["umount", "-l", str(data)], check=False)


def fill(folder: Path) -> Path:
    """Take every free byte of the file system holding *folder*."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


@pytest.fixture
def window(qtbot: object, small_data: Path) -> Iterator[MainWindow]:
    store = Store()
    prefs = settings.Settings(default_model="starter", provider="cpu",
                              sampling=Sampling(temperature=0, max_new_tokens=120, min_new_tokens=120))
    win = MainWindow(store, prefs)
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    win.show()
    if win.bridge.current is None:
        with qtbot.waitSignal(win.bridge.loaded, timeout=TIMEOUT_MS):  # type: ignore[attr-defined]
            pass
    yield win
    for filler in small_data.glob("filler*"):  # a failed test must not leave the close dialog waiting
        filler.unlink()
    win.close()
    win.store.close()


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def answer_filling_the_disk(qtbot: object, window: MainWindow, folder: Path) -> list[Path]:
    """Ask for a story and fill the disk a few tokens into the answer; the filler file, once made."""
    filled: list[Path] = []

    def on_token(_text: str) -> None:
        if not filled and window.streaming is not None and len(window.streaming.text) > 20:
            filled.append(fill(folder))

    window.bridge.token.connect(on_token)
    window.composer.editor.setPlainText("Write a story about a lighthouse.")
    with qtbot.waitSignal(window.bridge.finished, timeout=TIMEOUT_MS):  # type: ignore[attr-defined]
        window.composer._on_submit()
    assert filled, "the disk was never filled"
    return filled


def test_an_answer_streaming_onto_a_full_disk_is_kept_and_saved_when_space_returns(
        qtbot: object, window: MainWindow, small_data: Path) -> None:
    filled = answer_filling_the_disk(qtbot, window, small_data)
    assert filled, "the disk was never filled"
    shown = window.chat.messages[-1].text
    assert len(shown) > 100
    qtbot.waitUntil(lambda: window.service.saver.failing, timeout=10_000)  # type: ignore[attr-defined]
    assert window.banner.isVisible()
    assert "is full" in window.banner.text()
    assert window.service.saver.pending.texts() == [shown]  # kept in memory, whole

    filled[0].unlink()  # the user frees space
    qtbot.waitUntil(lambda: not window.service.saver.pending, timeout=15_000)  # type: ignore[attr-defined]
    assert "every answer is saved" in window.banner.text()
    assert window.conversation_id is not None
    answer = window.store.get_conversation(window.conversation_id).messages[-1]
    assert (answer.content, answer.status) == (shown, "complete")
    assert integrity(window.store.path) == "ok"


def test_a_question_sent_onto_a_full_disk_waits_in_the_composer(qtbot: object, window: MainWindow,
                                                               small_data: Path) -> None:
    filler = fill(small_data)
    window.composer.editor.setPlainText("What is the capital of France?")
    window.composer._on_submit()
    qtbot.waitUntil(window.banner.isVisible, timeout=10_000)  # type: ignore[attr-defined]
    assert "is full" in window.banner.text()
    assert window.composer.editor.toPlainText() == "What is the capital of France?"
    assert not window.bridge.busy
    filler.unlink()
    with qtbot.waitSignal(window.bridge.finished, timeout=TIMEOUT_MS):  # type: ignore[attr-defined]
        window.composer._on_submit()
    assert window.conversation_id is not None
    roles = [m.role for m in window.store.get_conversation(window.conversation_id).messages]
    assert roles == ["user", "assistant"]
    assert integrity(window.store.path) == "ok"


def test_an_import_onto_a_full_disk_says_so_and_imports_nothing(qtbot: object, window: MainWindow,
                                                               small_data: Path, tmp_path: Path) -> None:
    export = {"format": "phidesk.conversation", "version": 1, "title": "Big", "messages": [
        {"role": "user" if i % 2 == 0 else "assistant", "content": f"message {i} " + "words " * 400}
        for i in range(40)]}
    source = tmp_path / "big.json"
    source.write_text(json.dumps(export), encoding="utf-8")
    before = len(window.store.list_conversations())
    filler = fill(small_data)
    window.import_file(source)
    assert window.banner.isVisible()
    assert "disk is full" in window.banner.text()
    assert "Nothing was imported" in window.banner.text()
    assert len(window.store.list_conversations()) == before
    filler.unlink()
    window.import_file(source)
    assert len(window.store.list_conversations()) == before + 1
    assert integrity(window.store.path) == "ok"


def test_closing_on_a_full_disk_says_what_is_unsaved_and_can_copy_it(qtbot: object, window: MainWindow,
                                                                     small_data: Path) -> None:
    answer_filling_the_disk(qtbot, window, small_data)
    shown = window.chat.messages[-1].text
    qtbot.waitUntil(lambda: window.service.saver.failing, timeout=10_000)  # type: ignore[attr-defined]
    seen: list[str] = []

    def answer(button: str) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, lambda: answer(button))
            return
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == button).click()

    QTimer.singleShot(0, lambda: answer("Keep PhiDesk open"))
    assert not window.close()  # the user keeps it open: nothing lost
    assert window.service.saver.pending.texts() == [shown]
    QTimer.singleShot(0, lambda: answer("Copy and quit"))
    assert window.close()
    assert "could not be saved because the disk" in seen[0]
    assert QGuiApplication.clipboard().text() == shown
    assert window.bridge.client._proc is None  # the engine was shut down
