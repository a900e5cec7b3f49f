"""Settings → Local server in the real window: off by default; on, the real `openai` client gets answers from the
model the window has loaded, through the window's own worker; the status bar shows the address and copies it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import openai
import pytest
from PySide6.QtGui import QGuiApplication

from phidesk.engine.protocol import Sampling
from phidesk.gui.main_window import MainWindow
from tests.gui.test_window import ANSWER_TIMEOUT_MS, loaded_window, send

pytestmark = pytest.mark.slow


@pytest.fixture
def window(qtbot: object) -> Iterator[MainWindow]:
    yield from loaded_window(qtbot, Sampling(temperature=0, max_new_tokens=30))


def serving(qtbot: object, window: MainWindow) -> str:
    window.server_switch.apply(True, 0)  # a free port (the setting itself takes 1-65535)
    qtbot.waitUntil(lambda: window.server_switch.url is not None, timeout=ANSWER_TIMEOUT_MS)  # type: ignore[attr-defined]
    url = window.server_switch.url
    assert url is not None
    return url


def listening(url: str) -> bool:
    parts = urlsplit(url)
    with socket.socket() as probe:
        return probe.connect_ex((parts.hostname or "", parts.port or 0)) == 0


def test_the_server_is_off_unless_turned_on(window: MainWindow) -> None:
    assert window.prefs.server is False
    assert window.server_switch.server is None
    assert window.server_status.isHidden()


def test_the_window_serves_its_loaded_model_through_its_own_worker(qtbot: object, window: MainWindow) -> None:
    pid = window.bridge.client.worker_pid
    url = serving(qtbot, window)
    assert url.startswith("http://127.0.0.1:")
    assert url in window.server_status.text()
    seen_busy: list[bool] = []
    window.server_switch.changed.connect(lambda: seen_busy.append(window.server_switch.busy))
    result: dict[str, str] = {}
    model = window.model_id
    assert model is not None

    def ask() -> None:
        api = openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=120)
        stream = api.chat.completions.create(model=model, temperature=0, max_tokens=30, stream=True,
                                             messages=[{"role": "user", "content": "What is the capital of France?"}])
        result["text"] = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)

    thread = threading.Thread(target=ask)
    thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=ANSWER_TIMEOUT_MS)  # type: ignore[attr-defined]
    assert "Paris" in result["text"]
    assert window.bridge.client.worker_pid == pid  # the window's worker answered: no second model
    qtbot.waitUntil(lambda: seen_busy[-1:] == [False], timeout=ANSWER_TIMEOUT_MS)  # type: ignore[attr-defined]
    assert True in seen_busy  # the status bar said the server was answering
    send(qtbot, window, "What is the capital of France?")  # and the window's own chat goes on
    assert window.bridge.client.worker_pid == pid


def test_the_status_bar_copies_the_base_url(qtbot: object, window: MainWindow) -> None:
    url = serving(qtbot, window)
    window.server_status.click()
    assert QGuiApplication.clipboard().text() == url


def test_turning_it_off_closes_the_port(qtbot: object, window: MainWindow) -> None:
    url = serving(qtbot, window)
    assert listening(url)
    window.server_switch.apply(False, 0)
    assert window.server_status.isHidden()
    qtbot.waitUntil(lambda: not listening(url), timeout=ANSWER_TIMEOUT_MS)  # type: ignore[attr-defined]


def test_a_port_in_use_is_a_notice(qtbot: object, window: MainWindow) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        window.server_switch.apply(True, port)
        qtbot.waitUntil(lambda: not window.server_switch.on, timeout=ANSWER_TIMEOUT_MS)  # type: ignore[attr-defined]
    assert f"port {port}" in window.banner.text()
    assert "in use" in window.banner.text()
