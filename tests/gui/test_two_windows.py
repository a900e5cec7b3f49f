"""Two real main windows (two Stores, two workers) on the same data folder: neither loses the other's messages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from phidesk import settings
from phidesk.engine.protocol import Sampling
from phidesk.gui.main_window import CHANGED_ELSEWHERE, DELETED_ELSEWHERE, MainWindow
from phidesk.store import Store

pytestmark = pytest.mark.usefixtures("starter_installed")
ANSWER_TIMEOUT_MS = 120_000


def _window(qtbot: object, sampling: Sampling) -> MainWindow:
    prefs = settings.Settings(default_model="starter", provider="cpu", sampling=sampling)
    window = MainWindow(Store(), prefs)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    if window.bridge.current is None:
        with qtbot.waitSignal(window.bridge.loaded, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
            pass
    return window


@pytest.fixture
def windows(qtbot: object) -> Iterator[list[MainWindow]]:
    opened: list[MainWindow] = []
    yield opened
    for window in opened:
        window.close()
        window.store.close()


def _send(qtbot: object, window: MainWindow, text: str) -> None:
    window.composer.editor.setPlainText(text)
    with qtbot.waitSignal(window.bridge.finished, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
        qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)  # type: ignore[attr-defined]


def _stored(store: Store, conversation_id: int) -> list[tuple[str, str]]:
    return [(m.role, m.content) for m in store.get_conversation(conversation_id).messages]


def test_regenerate_in_a_window_behind_the_other_keeps_the_newer_messages(
        qtbot: object, windows: list[MainWindow]) -> None:
    greedy = Sampling(temperature=0, max_new_tokens=30)
    a = _window(qtbot, greedy)
    windows.append(a)
    _send(qtbot, a, "What is the capital of France?")
    b = _window(qtbot, greedy)  # opens the same (latest) conversation: two messages
    windows.append(b)
    assert b.conversation_id == a.conversation_id is not None
    assert len(b.chat.messages) == 2
    _send(qtbot, a, "And of Germany?")  # A extends it; B still shows two messages
    before = _stored(a.store, a.conversation_id)
    assert len(before) == 4
    qtbot.mouseClick(b.chat.messages[1].regen_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert _stored(b.store, b.conversation_id or 0) == before  # nothing of A's was deleted
    assert not b.bridge.busy  # and no answer was started on a stale view
    assert [w.text for w in b.chat.messages] == [content for _role, content in before]  # B shows it as it is now
    assert b.banner.isVisible()
    assert CHANGED_ELSEWHERE in b.banner.text()


def test_sending_into_a_conversation_deleted_elsewhere_keeps_the_text(
        qtbot: object, windows: list[MainWindow]) -> None:
    window = _window(qtbot, Sampling(temperature=0, max_new_tokens=20))
    windows.append(window)
    _send(qtbot, window, "What is the capital of France?")
    with Store() as other:  # another window (or process) deletes the conversation
        other.delete_conversation(window.conversation_id or 0)
    window.composer.editor.setPlainText("A question I typed with care")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert window.composer.editor.toPlainText() == "A question I typed with care"
    assert DELETED_ELSEWHERE in window.banner.text()
    assert window.banner.isVisible()
    assert window.conversation_id is None  # the next Enter starts a new conversation
    assert not window.bridge.busy
    _send(qtbot, window, window.composer.editor.toPlainText())
    assert _stored(window.store, window.conversation_id or 0)[0] == ("user", "A question I typed with care")


def test_opening_a_second_window_leaves_the_first_windows_answer_streaming(
        qtbot: object, windows: list[MainWindow]) -> None:
    a = _window(qtbot, Sampling(temperature=0, max_new_tokens=2000, min_new_tokens=2000))
    windows.append(a)
    a.composer.editor.setPlainText("Write a very long story.")
    with qtbot.waitSignal(a.bridge.token, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
        qtbot.keyClick(a.composer.editor, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    answer_id = a.service.answer_id
    b = MainWindow(Store(), settings.Settings(default_model="starter", provider="cpu"))
    qtbot.addWidget(b)  # type: ignore[attr-defined]
    windows.append(b)
    b.show()
    assert a.bridge.busy
    (status,) = {m.status for m in b.store.get_conversation(a.conversation_id or 0).messages if m.id == answer_id}
    assert status == "streaming"
    assert "interrupted" not in b.chat.messages[-1].note.text()
    with qtbot.waitSignal(a.bridge.finished, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
        a.stop()
    (final,) = [m for m in b.store.get_conversation(a.conversation_id or 0).messages if m.id == answer_id]
    assert final.status == "cancelled"
    assert final.content == a.chat.messages[-1].text


def test_opening_a_conversation_deleted_elsewhere_says_so(qtbot: object, windows: list[MainWindow]) -> None:
    window = _window(qtbot, Sampling(temperature=0, max_new_tokens=20))
    windows.append(window)
    with Store() as other:
        kept = other.create_conversation("Kept")
        other.add_message(kept.id, "user", "still here")
        gone = other.create_conversation("Gone soon")
        other.add_message(gone.id, "user", "hello")
        window.sidebar.refresh()
        window.open_conversation(kept.id)
        other.delete_conversation(gone.id)
    window.open_conversation(gone.id)  # a click on the stale entry in the sidebar
    assert DELETED_ELSEWHERE in window.banner.text()
    assert window.conversation_id == kept.id  # what was open stays open
    assert [w.text for w in window.chat.messages] == ["still here"]


def test_pinning_goes_through_the_chat_service_and_a_vanished_conversation_is_a_notice(
        qtbot: object, windows: list[MainWindow]) -> None:
    window = _window(qtbot, Sampling(temperature=0, max_new_tokens=20))
    windows.append(window)
    with Store() as other:
        kept = other.create_conversation("Kept")
        gone = other.create_conversation("Gone soon")
        window.sidebar.refresh()
        window.sidebar._toggle_pin(kept.id, True)  # what the context menu's Pin does
        assert [s.pinned for s in other.list_conversations() if s.id == kept.id] == [True]
        other.delete_conversation(gone.id)
    window.sidebar._toggle_pin(gone.id, True)  # the stale entry in the sidebar
    assert DELETED_ELSEWHERE in window.banner.text()


def test_an_edit_on_a_stale_view_is_refused_and_the_edited_text_kept(
        qtbot: object, windows: list[MainWindow]) -> None:
    window = _window(qtbot, Sampling(temperature=0, max_new_tokens=20))
    windows.append(window)
    _send(qtbot, window, "What is the capital of France?")
    conversation_id = window.conversation_id or 0
    with Store() as other:  # another process extends the conversation
        other.add_message(conversation_id, "user", "Written elsewhere")
        other.add_message(conversation_id, "assistant", "Answered elsewhere")
    before = _stored(window.store, conversation_id)
    qtbot.mouseClick(window.chat.messages[0].edit_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    window.composer.editor.setPlainText("What is the capital of Spain?")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert _stored(window.store, conversation_id) == before  # nothing deleted, nothing added
    assert window.composer.editor.toPlainText() == "What is the capital of Spain?"
    assert CHANGED_ELSEWHERE in window.banner.text()
    assert [w.text for w in window.chat.messages][-1] == "Answered elsewhere"
    assert not window.bridge.busy
