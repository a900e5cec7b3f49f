"""State bugs of the main window, each found by using it as a user would (issue: the chat window redesign).

The real window with the real starter in a real worker; a second id for the same starter files stands for a second
model, so "which model is loaded" is observable without a second download.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from phidesk.engine.protocol import Sampling
from phidesk.gui.about import AboutDialog
from phidesk.gui.main_window import EDITING, MainWindow
from phidesk.models import library
from tests.gui.test_window import ANSWER_TIMEOUT_MS, loaded_window, send

pytestmark = pytest.mark.usefixtures("starter_installed")


@pytest.fixture
def window(qtbot: object) -> Iterator[MainWindow]:
    yield from loaded_window(qtbot, Sampling(temperature=0, max_new_tokens=24))


@pytest.fixture
def second_model(starter_source: Path, starter_installed: Path) -> str:
    library.import_path(starter_source, "starter-b", link=True)
    return "starter-b"


def conversation_with_model(window: MainWindow, model_id: str, text: str = "Hello") -> int:
    """A conversation whose own model is *model_id* (made as another window or the CLI would make it)."""
    summary = window.store.create_conversation("other model", model_id=model_id)
    window.store.add_message(summary.id, "user", text, status="complete")
    window.sidebar.refresh(window.conversation_id)
    return summary.id


def test_escape_closes_the_about_dialog_in_front(qtbot: object, window: MainWindow) -> None:
    window.open_about()
    about = next(w for w in QApplication.topLevelWidgets() if isinstance(w, AboutDialog))
    qtbot.waitExposed(about)  # type: ignore[attr-defined]
    about.activateWindow()  # what a window manager does with a new dialog (offscreen, nothing does)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is about, timeout=5_000)  # type: ignore[attr-defined]
    qtbot.keyClick(about, Qt.Key.Key_Escape)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not about.isVisible(), timeout=5_000)  # type: ignore[attr-defined]


def test_browsing_the_sidebar_loads_no_model(qtbot: object, window: MainWindow, second_model: str) -> None:
    other = conversation_with_model(window, second_model)
    loads: list[object] = []
    window.bridge.loaded.connect(loads.append)
    window.open_conversation(other)
    qtbot.wait(300)  # type: ignore[attr-defined]
    assert window.conversation_id == other
    assert window.model_id == "starter"  # still the model that was loaded
    assert not loads
    assert window.header.selected_model() == second_model  # the picker shows this chat's own model
    # sending is what loads it
    send(qtbot, window, "Say one word.")
    assert window.model_id == second_model
    assert window.store.get_conversation(other).messages[-1].model == second_model


def test_after_unload_sending_uses_the_conversations_own_model(qtbot: object, window: MainWindow,
                                                               second_model: str) -> None:
    other = conversation_with_model(window, second_model)
    window.open_conversation(other)
    window._on_unload()
    assert window.model_id is None
    send(qtbot, window, "Say one word.")
    assert window.model_id == second_model  # before: the default model ("starter")


def test_a_question_that_waited_for_its_model_goes_in_a_turn_of_its_own(qtbot: object, window: MainWindow,
                                                                        second_model: str) -> None:
    """The turn that handles the load (header, status, models pane) does not also render and send the question: on
    a busy CPU the two together kept the window from repainting for longer than a frame."""
    other = conversation_with_model(window, second_model)
    window.open_conversation(other)
    cards_at_load: list[int] = []
    cards_at_tick: list[int] = []  # what the view had at each timer tick after the load was handled
    tick = QTimer(window)  # due at every turn of the event loop, as input and painting are
    tick.setInterval(0)
    tick.timeout.connect(lambda: cards_at_tick.append(len(window.chat.messages)) if cards_at_load else None)
    window.bridge.loaded.connect(lambda _event: cards_at_load.append(len(window.chat.messages)))
    window.composer.editor.setPlainText("Say one word.")
    with qtbot.waitSignal(window.bridge.finished, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        assert window.model_id == second_model  # loading it; the question waits for it
        tick.start()
    tick.stop()
    assert cards_at_load == [1]  # when the load was handled, the view had only the stored message
    assert cards_at_tick[0] == 1  # and the event loop had a turn (timers, input) before the question's cards came
    assert [m.role for m in window.store.get_conversation(other).messages] == ["user", "user", "assistant"]


def test_the_context_meter_and_speed_belong_to_the_conversation_shown(qtbot: object, window: MainWindow) -> None:
    send(qtbot, window, "Name a colour.")
    first = window.conversation_id
    assert first is not None
    shown = window.header.meter.text()
    assert "/ 4,096 tokens" in shown
    assert window.status_speed.text()
    window.new_conversation()
    assert window.header.meter.text() == "context: no answer yet"
    assert window.status_speed.text() == ""
    window.open_conversation(first)
    assert window.header.meter.text() == shown


def test_notices_stack_and_each_can_be_dismissed(qtbot: object, window: MainWindow) -> None:
    window.show_notice("first problem")
    window.show_notice("second problem")
    window.show_notice("first problem")  # the same twice is one notice
    assert window.banner.text().splitlines() == ["second problem", "first problem"]
    qtbot.mouseClick(window.banner.notices[0].close_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert window.banner.text() == "first problem"
    qtbot.mouseClick(window.banner.notices[0].close_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert not window.banner.isVisible()


def test_edit_can_be_cancelled_and_ends_when_the_conversation_changes(qtbot: object, window: MainWindow) -> None:
    send(qtbot, window, "What is the capital of Germany?")
    window.composer.editor.setPlainText("a draft I was typing")
    qtbot.mouseClick(window.chat.messages[0].edit_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert EDITING in window.banner.text()
    notice = window.banner.notices[-1]
    qtbot.mouseClick(notice.buttons[0], Qt.MouseButton.LeftButton)  # Cancel  # type: ignore[attr-defined]
    assert EDITING not in window.banner.text()
    assert window.composer.editor.toPlainText() == "a draft I was typing"
    assert window._editing is None
    # editing again, then Ctrl+N: the banner and the old text go
    qtbot.mouseClick(window.chat.messages[0].edit_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    assert window.conversation_id is None
    assert EDITING not in window.banner.text()
    assert window.composer.editor.toPlainText() == "a draft I was typing"
    assert window._editing is None


def test_escape_cancels_an_edit_when_no_answer_streams(qtbot: object, window: MainWindow) -> None:
    send(qtbot, window, "Name a colour.")
    qtbot.mouseClick(window.chat.messages[0].edit_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Escape)  # type: ignore[attr-defined]
    assert window._editing is None
    assert EDITING not in window.banner.text()


@pytest.fixture
def long_window(qtbot: object) -> Iterator[MainWindow]:
    yield from loaded_window(qtbot, Sampling(temperature=0, max_new_tokens=200, min_new_tokens=200))


def test_switching_away_while_an_answer_streams_and_back(qtbot: object, long_window: MainWindow) -> None:
    """Clicking another conversation (or Ctrl+N) while an answer streams shows it; the answer goes on into its
    own conversation, and coming back shows it live. Before: the click highlighted the row and showed nothing,
    and Ctrl+N was ignored."""
    window = long_window
    window.composer.editor.setPlainText("Name a colour.")
    with qtbot.waitSignal(window.bridge.finished, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    first = window.conversation_id
    assert first is not None
    window.new_conversation()
    window.composer.editor.setPlainText("Count from one to a hundred.")
    with qtbot.waitSignal(window.bridge.token, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    second = window.conversation_id
    assert second is not None
    assert window.bridge.busy
    window.open_conversation(first)  # as a click in the sidebar does
    assert window.conversation_id == first
    assert [w.role for w in window.chat.messages] == ["user", "assistant"]
    window.open_conversation(second)  # back: the answer so far, still growing
    assert window.streaming is window.chat.messages[-1]
    shown = len(window.chat.messages[-1].text)
    qtbot.waitUntil(lambda: len(window.chat.messages[-1].text) > shown, timeout=ANSWER_TIMEOUT_MS)  # type: ignore[attr-defined]
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    assert window.conversation_id is None  # Ctrl+N works while it streams
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=ANSWER_TIMEOUT_MS)  # type: ignore[attr-defined]
    answer = window.store.get_conversation(second).messages[-1]
    assert answer.status == "complete"
    assert answer.stats is not None
    assert answer.stats["generated_tokens"] == 200  # written whole into its own conversation, unseen


def test_tab_goes_sidebar_then_the_messages_and_their_actions_then_the_message_box(qtbot: object,
                                                                                 window: MainWindow) -> None:
    send(qtbot, window, "Name a colour.")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)  # type: ignore[attr-defined]
    window.sidebar.list.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(window.sidebar.list.hasFocus, timeout=5_000)  # type: ignore[attr-defined]
    seen = []
    for _ in range(40):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # type: ignore[attr-defined]
        focus = QApplication.focusWidget()
        seen.append(focus)
        if focus is window.composer.editor:
            break
    assert seen[-1] is window.composer.editor
    answer = window.chat.messages[1]
    inside = [w for w in seen[:-1] if w is not None and (w is answer or answer.isAncestorOf(w))]
    assert answer.regen_button in inside  # Regenerate is reached from the keyboard, before the message box
    assert all(w is not None and window.chat.isAncestorOf(w) for w in seen[:-1])  # nothing else in between


def test_the_header_names_the_conversation_once_its_first_question_titles_it(qtbot: object,
                                                                              window: MainWindow) -> None:
    window.new_conversation()
    assert window.header.title.text() == "New chat"
    send(qtbot, window, "Name a colour.")
    qtbot.waitUntil(lambda: window.header.title.full_text() == "Name a colour.", timeout=5_000)  # type: ignore[attr-defined]


def test_a_new_chat_gets_its_own_system_prompt_before_its_first_question(qtbot: object, window: MainWindow,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    window.new_conversation()
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *_a, **_k: ("Answer in French.", True))
    qtbot.mouseClick(window.header.system_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    send(qtbot, window, "Name a colour.")
    assert window.conversation_id is not None
    assert window.store.get_conversation(window.conversation_id).system_prompt == "Answer in French."
    assert window.service.engine_messages()[0].content == "Answer in French."
