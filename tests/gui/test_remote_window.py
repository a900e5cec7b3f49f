"""Remote endpoints in the real window, against PhiDesk's own server on the starter (a real HTTP server, a real
worker) and a stand-in that injects faults: Add endpoint (Fetch lists "starter"; the key goes to the credential store
only), the picker marks remote models, the first send asks once, the answer streams and is stored, Stop, Offline,
and the notices of a 401, a 429, a stream cut mid-answer and a server that never answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from phidesk.gui.main_window import MainWindow
from phidesk.remote import client as client_mod
from phidesk.remote import endpoints
from tests.gui.remote_fixtures import (
    ANSWER_TIMEOUT_MS,
    KEY,
    add,
    close,
    credential_file,
    pick,
    remote_window,
    server_url,
)
from tests.gui.remote_standin import MODEL, standin
from tests.remote_standin import StandIn

pytestmark = pytest.mark.slow
__all__ = ["credential_file", "server_url"]  # fixtures
QUESTION = "What is the capital of France?"


@pytest.fixture
def window(qtbot: object, phidesk_home: Path, credential_file: Path) -> Iterator[MainWindow]:
    win = remote_window(qtbot)
    yield win
    close(win)


def type_and_send(qtbot: object, window: MainWindow, text: str) -> None:
    window.composer.editor.setPlainText(text)
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)  # type: ignore[attr-defined]


def confirm(qtbot: object, window: MainWindow, button: QMessageBox.StandardButton) -> str:
    qtbot.waitUntil(lambda: window.confirm_box is not None, timeout=5000)  # type: ignore[attr-defined]
    box = window.confirm_box
    assert box is not None
    text = box.text()
    box.button(button).click()
    return text


def stored(window: MainWindow) -> list[tuple[str, str, str, str | None]]:
    assert window.conversation_id is not None
    return [(m.role, m.content, m.status, m.model)
            for m in window.store.get_conversation(window.conversation_id).messages]


def ask_remote(qtbot: object, window: MainWindow, name: str, url: str, model: str = MODEL, *,
               key: str | None = None, ends: str = "failed") -> None:
    """Add endpoint *name* at *url* offering *model*, pick it, ask, say Yes to sending, and wait until the answer
    *ends* ("failed" or "finished")."""
    add(name, url, [model], key=key)
    pick(window, f"{name}/{model}")
    with qtbot.waitSignal(getattr(window.bridge, ends), timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
        type_and_send(qtbot, window, QUESTION)
        confirm(qtbot, window, QMessageBox.StandardButton.Yes)


def ask_the_team(qtbot: object, window: MainWindow, server_url: str) -> None:
    """The first question to PhiDesk's own server (endpoint "team", with its key), answered."""
    ask_remote(qtbot, window, "team", server_url, "starter", key=KEY, ends="finished")


def test_add_endpoint_fetches_the_models_and_keeps_the_key_in_the_credential_store(
        qtbot: object, window: MainWindow, server_url: str, credential_file: Path, phidesk_home: Path) -> None:
    assert endpoints.load_endpoints() == []  # none until the user adds one
    assert window.endpoints.tree.isHidden()
    dialog = window.endpoints.edit(None)
    dialog.preset.setCurrentIndex(dialog.preset.findData("phidesk"))
    assert dialog.url.text() == "http://127.0.0.1:8765/v1"  # the preset's documented URL
    assert dialog.name.text() == "phidesk"
    dialog.name.setText("team")
    dialog.url.setText(server_url)
    dialog.key.setText(KEY)
    assert dialog.key.echoMode() == dialog.key.EchoMode.Password
    dialog.fetch_button.click()
    qtbot.waitUntil(lambda: dialog.models.count() > 0, timeout=30_000)  # type: ignore[attr-defined]
    assert [dialog.models.item(i).text() for i in range(dialog.models.count())] == ["starter"]
    assert dialog.checked_models() == ["starter"]  # the only one: checked
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert [(e.name, e.base_url, e.models) for e in endpoints.load_endpoints()] == [("team", server_url, ["starter"])]
    assert endpoints.api_key("team") == KEY
    assert KEY.encode() not in credential_file.read_bytes()  # the file store encodes it…
    import keyring

    assert keyring.get_password("PhiDesk", "team") == KEY  # …in the credential store
    for path in phidesk_home.rglob("*"):  # and in no file of PhiDesk's
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path
    assert not window.endpoints.tree.isHidden()
    # the picker (and the models pane) list it, marked remote
    window.refresh_header(reread=True)
    index = window.header.picker.findData("team/starter")
    assert index >= 0
    assert window.header.picker.itemText(index) == "starter · team"
    assert not window.header.picker.itemIcon(index).isNull()
    assert "remote" in window.header.picker.itemData(index, Qt.ItemDataRole.ToolTipRole)


def test_fetch_from_a_wrong_key_says_why_and_keeps_the_dialog(
        qtbot: object, window: MainWindow, server_url: str) -> None:
    dialog = window.endpoints.edit(None)
    dialog.name.setText("team")
    dialog.url.setText(server_url)
    dialog.key.setText("wrong")
    dialog.fetch_button.click()
    qtbot.waitUntil(dialog.problem.isVisible, timeout=30_000)  # type: ignore[attr-defined]
    assert "key" in dialog.problem.text()
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()  # nothing checked: it stays open
    assert dialog.isVisible()
    assert endpoints.load_endpoints() == []
    dialog.reject()


def test_the_first_send_asks_once_then_the_answer_streams_and_is_stored(
        qtbot: object, window: MainWindow, server_url: str) -> None:
    add("team", server_url, ["starter"])
    pick(window, "team/starter")
    assert window.chat_model == "team/starter"
    assert window.bridge.client.worker_pid is None  # nothing loads on this computer
    host = server_url.split("/")[2]
    tokens: list[str] = []
    window.bridge.token.connect(tokens.append)
    type_and_send(qtbot, window, QUESTION)
    with qtbot.waitSignal(window.bridge.finished, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
        asked = confirm(qtbot, window, QMessageBox.StandardButton.Yes)
    assert asked == f"This conversation will be sent to {host}. Send?"
    assert len(tokens) > 1  # streamed
    assert "Paris" in window.chat.messages[-1].text
    messages = stored(window)
    assert messages[0][:3] == ("user", QUESTION, "complete")
    assert messages[1][0] == "assistant"
    assert "Paris" in messages[1][1]
    assert messages[1][2:] == ("complete", "team/starter")
    assert window.header.remote_chip.isVisible()
    assert window.header.remote_chip.text() == f"remote: {host}"
    assert "tok/s" in window.chat.messages[-1].note.text()  # the answer's figures, as for a local one
    assert window.status_model.text() == "no model loaded"  # on this computer; it used to read "no model"
    # the second question of the conversation goes without asking
    with qtbot.waitSignal(window.bridge.finished, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
        type_and_send(qtbot, window, "And of Germany?")
        assert window.confirm_box is None
    assert len(stored(window)) == 4
    assert window.bridge.client.worker_pid is None
    # a new conversation asks again
    window.new_conversation()
    type_and_send(qtbot, window, QUESTION)
    confirm(qtbot, window, QMessageBox.StandardButton.Cancel)
    assert window.composer.editor.toPlainText() == QUESTION  # given back, nothing sent
    assert window.conversation_id is None


def test_a_conversation_that_used_a_remote_model_says_so_after_a_restart(
        qtbot: object, window: MainWindow, server_url: str) -> None:
    ask_the_team(qtbot, window, server_url)
    conversation = window.conversation_id
    assert conversation is not None
    close(window)
    again = remote_window(qtbot)
    try:
        again.open_conversation(conversation)
        assert again.header.remote_chip.isVisible()
        assert again.chat_model == "team/starter"
        with qtbot.waitSignal(again.bridge.finished, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
            type_and_send(qtbot, again, "And of Germany?")
            assert again.confirm_box is None  # it was sent there before: no second question
    finally:
        close(again)


def test_stop_closes_the_request_and_keeps_the_answer_so_far(qtbot: object, window: MainWindow) -> None:
    with standin("endless") as server:
        add("chatty", server.url, [MODEL], key=None)
        pick(window, f"chatty/{MODEL}")
        tokens: list[str] = []
        window.bridge.token.connect(tokens.append)
        type_and_send(qtbot, window, "Write a very long story about a lighthouse keeper.")
        confirm(qtbot, window, QMessageBox.StandardButton.Yes)
        qtbot.waitUntil(lambda: len(tokens) >= 5, timeout=ANSWER_TIMEOUT_MS)  # type: ignore[attr-defined]
        with qtbot.waitSignal(window.bridge.finished, timeout=30_000):  # type: ignore[attr-defined]
            qtbot.keyClick(window, Qt.Key.Key_Escape)  # type: ignore[attr-defined]
        assert server.closed.wait(10)  # the server saw the request closed
    assert not window.bridge.busy
    assert window.composer.send_button.isVisible()
    role, text, status, model = stored(window)[-1]
    assert (role, status, model) == ("assistant", "cancelled", f"chatty/{MODEL}")
    assert text.startswith("word0 word1 word2 word3 word4 ")
    assert text == window.chat.messages[-1].text
    assert window.chat.messages[-1].note.text().startswith("stopped")


def test_offline_blocks_remote_models_with_a_notice(qtbot: object, phidesk_home: Path, credential_file: Path,
                                                    server_url: str) -> None:
    window = remote_window(qtbot, offline=True)
    try:
        add("team", server_url, ["starter"])
        pick(window, "team/starter")
        type_and_send(qtbot, window, QUESTION)
        assert window.confirm_box is None
        assert "Offline is on" in window.banner.text()
        assert window.composer.editor.toPlainText() == QUESTION
        assert window.conversation_id is None
        assert not window.bridge.busy
    finally:
        close(window)


def test_a_wrong_key_shows_a_notice_with_edit_endpoint(qtbot: object, window: MainWindow, server_url: str) -> None:
    add("team", server_url, ["starter"], key="wrong")
    pick(window, "team/starter")
    with qtbot.waitSignal(window.bridge.failed, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
        type_and_send(qtbot, window, QUESTION)
        confirm(qtbot, window, QMessageBox.StandardButton.Yes)
    host = server_url.split("/")[2]
    assert f"{host} refused the API key" in window.banner.text()
    notice = window.banner.notices[-1]
    assert [b.text() for b in notice.buttons] == ["Edit endpoint"]
    notice.buttons[0].click()
    dialog = window.endpoints.dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.name.text() == "team"
    dialog.key.setText(KEY)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert endpoints.api_key("team") == KEY


def test_answers_from_one_endpoint_keep_what_it_accepts(qtbot: object, window: MainWindow) -> None:
    """The window made a client per answer, so an endpoint that refuses stream_options got a refused request before
    every answer."""
    with StandIn() as server:
        ask_remote(qtbot, window, "lab", server.url, "nousage", ends="finished")
        with qtbot.waitSignal(window.bridge.finished, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
            type_and_send(qtbot, window, "And of Germany?")
    chats = [r for r in server.requests if r["path"] == "/chat/completions"]
    assert ["stream_options" in r["body"] for r in chats] == [True, False, False]  # refused once, not per answer
    assert [m[1] for m in stored(window)][1::2] == ["Hello from the stand-in"] * 2


def test_a_rate_limit_says_how_long_to_wait(qtbot: object, window: MainWindow) -> None:
    with standin("429") as server:
        ask_remote(qtbot, window, "busy", server.url)
    assert "is busy for you (rate limit): send again in 7 second" in window.banner.text()  # the wait it asked for


def test_a_stream_cut_mid_answer_keeps_the_part_and_marks_it(qtbot: object, window: MainWindow) -> None:
    with standin("cut", events=3) as server:
        ask_remote(qtbot, window, "flaky", server.url)
    assert "broke in the middle of the answer" in window.banner.text()
    role, text, _status, _model = stored(window)[-1]
    assert role == "assistant"
    assert text == "part0 part1 part2 "
    assert window.chat.messages[-1].text == text
    assert window.chat.messages[-1].note.text() == "cut: the connection to the server broke here"


def test_regenerate_in_a_remote_conversation_asks_the_endpoint_again(
        qtbot: object, window: MainWindow, server_url: str) -> None:
    ask_the_team(qtbot, window, server_url)
    with qtbot.waitSignal(window.bridge.finished, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
        window.chat.regenerate_requested.emit(1)
        assert window.confirm_box is None  # confirmed for this conversation already
    assert window.bridge.client.worker_pid is None  # no local model was started for it
    answer = window.store.get_conversation(window.conversation_id or 0).messages[-1]
    assert (answer.version, answer.status, answer.model) == (2, "complete", "team/starter")
    assert "Paris" in answer.content


def test_a_server_that_never_answers_can_be_stopped_while_the_window_stays_live(
        qtbot: object, window: MainWindow) -> None:
    with standin("hang") as server:
        add("silent", server.url, [MODEL], key=None)
        pick(window, f"silent/{MODEL}")
        type_and_send(qtbot, window, QUESTION)
        confirm(qtbot, window, QMessageBox.StandardButton.Yes)
        qtbot.waitUntil(lambda: window.bridge.busy, timeout=5000)  # type: ignore[attr-defined]
        ticks: list[int] = []
        timer = QTimer(window)
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start(10)
        qtbot.wait(500)  # type: ignore[attr-defined]  # the request is out and nothing comes back
        timer.stop()
        assert len(ticks) >= 10  # the event loop ran all along (not a figure of speed: 10 of ~50 possible)
        assert window.composer.stop_button.isVisible()
        host = server.url.split("//")[1].split("/")[0]
        assert window.chat.messages[-1].note.text() == f"waiting for {host}…"  # who is silent, not "thinking…"
        with qtbot.waitSignal(window.bridge.finished, timeout=30_000):  # type: ignore[attr-defined]
            qtbot.keyClick(window, Qt.Key.Key_Escape)  # type: ignore[attr-defined]
        assert server.closed.wait(10)  # the request was closed, not left hanging
    assert not window.bridge.busy
    assert window.composer.send_button.isVisible()
    assert stored(window)[0][:2] == ("user", QUESTION)  # the question is kept
    assert window.chat.messages[-1].note.text() == "stopped"  # no figures: no dangling " · "


def test_a_server_that_never_answers_times_out_with_a_notice(
        qtbot: object, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_mod, "DEFAULT_TIMEOUT_S", 1.0)  # the real wait is 60 s
    with standin("hang") as server:
        ask_remote(qtbot, window, "silent", server.url)
        assert server.closed.wait(10)
    assert "did not answer in time" in window.banner.text()
    assert "127.0.0.1" in window.banner.text()
    assert not window.bridge.busy
    assert window.composer.send_button.isVisible()
    assert window.composer.editor.isEnabled()
    assert stored(window)[0][:2] == ("user", QUESTION)


def test_with_no_local_model_the_welcome_points_to_the_remote_models(qtbot: object, window: MainWindow) -> None:
    assert "remote endpoints" not in window.chat.welcome.text()  # none added yet: only how to get a model
    assert "No model is installed yet" in window.chat.welcome.text()
    add("team", "http://127.0.0.1:9/v1", ["phi"], key=None)
    window.new_conversation()
    assert "No model is installed yet" in window.chat.welcome.text()
    assert "You have added remote endpoints: pick one of their models" in window.chat.welcome.text()
