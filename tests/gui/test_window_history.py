"""History in the real window: Regenerate and Edit add versions (‹ n/m › switches, nothing is deleted), Continue,
and deleting one message; the real starter in a real worker, greedy."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from phidesk.engine.protocol import Sampling
from phidesk.gui.main_window import MainWindow
from tests.gui.test_window import ANSWER_TIMEOUT_MS, loaded_window, send

pytestmark = pytest.mark.usefixtures("starter_installed")


@pytest.fixture
def window(qtbot: object) -> Iterator[MainWindow]:
    yield from loaded_window(qtbot, Sampling(temperature=0, max_new_tokens=12))


def click(qtbot: object, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]


def rows(window: MainWindow) -> int:
    with sqlite3.connect(window.store.path) as db:
        count: int = db.execute("SELECT count(*) FROM messages").fetchone()[0]
    return count


def regenerate(qtbot: object, window: MainWindow, position: int) -> None:
    with qtbot.waitSignal(window.bridge.finished, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
        click(qtbot, window.chat.messages[position].regen_button)


def test_regenerate_twice_then_switch_between_the_three_versions(qtbot: object, window: MainWindow) -> None:
    send(qtbot, window, "Name a colour.")
    regenerate(qtbot, window, 1)
    regenerate(qtbot, window, 1)
    assert rows(window) == 4  # one question, three answers: nothing deleted
    switcher = window.chat.messages[1].versions
    assert switcher.label.text() == "3/3"
    ids = []
    for expected in ("2/3", "1/3"):
        click(qtbot, window.chat.messages[1].versions.prev_button)
        assert window.chat.messages[1].versions.label.text() == expected
        ids.append(window.service.messages[1].id)
    assert len(set(ids)) == 2
    click(qtbot, window.chat.messages[1].versions.next_button)
    assert window.chat.messages[1].versions.label.text() == "2/3"
    # the version shown is what the model reads next
    assert window.service.engine_messages()[-1].content == window.chat.messages[1].text
    assert rows(window) == 4


def test_editing_an_older_turn_keeps_the_later_turns_reachable(qtbot: object, window: MainWindow) -> None:
    send(qtbot, window, "What is the capital of France?")
    send(qtbot, window, "And of Germany?")
    assert rows(window) == 4
    click(qtbot, window.chat.messages[0].edit_button)
    send(qtbot, window, "What is the capital of Italy?")
    assert rows(window) == 6  # the old question and both later turns are still stored
    assert [w.role for w in window.chat.messages] == ["user", "assistant"]
    assert window.chat.messages[0].versions.label.text() == "2/2"
    click(qtbot, window.chat.messages[0].versions.prev_button)
    assert [w.text for w in window.chat.messages[::2]] == ["What is the capital of France?", "And of Germany?"]


def test_continue_after_stop_appends_to_the_same_answer(qtbot: object) -> None:
    for window in loaded_window(qtbot, Sampling(temperature=0, max_new_tokens=8)):
        send(qtbot, window, "Tell me about the sea.")  # cut at 8 tokens: the token limit
        answer = window.chat.messages[1]
        assert "cut at the token limit" in answer.note.text()
        assert answer.continue_button.isEnabled()
        before = answer.text
        with qtbot.waitSignal(window.bridge.finished, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
            click(qtbot, answer.continue_button)
        assert len(window.chat.messages) == 2  # the same answer, longer
        assert window.chat.messages[1].text.startswith(before)
        assert len(window.chat.messages[1].text) > len(before)
        stored = window.store.get_conversation(window.conversation_id or 0).messages[1]
        assert stored.content == window.chat.messages[1].text


def answer_the_question(button: QMessageBox.StandardButton) -> None:
    """Press *button* in the message box about to open (the real one: it runs its own event loop)."""

    def press() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.button(button).click()
        else:
            QTimer.singleShot(20, press)

    QTimer.singleShot(20, press)


def test_delete_one_message(qtbot: object, window: MainWindow) -> None:
    send(qtbot, window, "Name a colour.")
    send(qtbot, window, "Name a fruit.")
    answer_the_question(QMessageBox.StandardButton.No)
    click(qtbot, window.chat.messages[1].delete_button)
    assert rows(window) == 4  # No keeps it
    answer_the_question(QMessageBox.StandardButton.Yes)
    click(qtbot, window.chat.messages[1].delete_button)
    assert rows(window) == 3
    assert [w.role for w in window.chat.messages] == ["user", "user", "assistant"]
