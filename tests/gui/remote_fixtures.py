"""Shared by the window's remote tests: PhiDesk's own server on the starter (LocalServer, port 0, with an API key),
a real file-based credential store in a temporary folder, and a window whose data folder holds no local model."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from phidesk import settings
from phidesk.engine.protocol import Sampling
from phidesk.gui.main_window import MainWindow
from phidesk.remote import endpoints
from phidesk.server.local import LocalServer
from phidesk.store import Store
from tests.serving import starter_engine, starter_home

KEY = "sesame-test-key-4711"  # the server's key: a wrong one gets a real 401
ANSWER_TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory, starter_source: Path) -> Iterator[str]:
    """PhiDesk's own OpenAI-compatible server on the starter, in a data folder of its own."""
    with ExitStack() as running:
        with starter_home(tmp_path_factory.mktemp("remote-server-home")) as folder:  # the worker starts in it
            engine = running.enter_context(starter_engine(folder))
            server = LocalServer(engine, model_id="starter", port=0, api_key=KEY)
            url = server.start()
            running.callback(server.stop)
        yield url


@pytest.fixture
def credential_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real keyring backend (keyrings.alt's file store) in a temporary folder outside PHIDESK_HOME, chosen on
    purpose (PYTHON_KEYRING_BACKEND) as a user would."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    ring = PlaintextKeyring()
    path = tmp_path / "credentials" / "keyring.cfg"
    ring.file_path = str(path)  # type: ignore[misc]
    before = keyring.get_keyring()
    keyring.set_keyring(ring)
    yield path
    keyring.set_keyring(before)


def remote_window(qtbot: object, sampling: Sampling | None = None, offline: bool = False) -> MainWindow:
    store = Store()
    prefs = settings.Settings(provider="cpu", offline=offline,
                              sampling=sampling or Sampling(temperature=0, max_new_tokens=30))
    window = MainWindow(store, prefs)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    return window


def close(window: MainWindow) -> None:
    window.close()
    window.store.close()


def add(name: str, url: str, models: list[str], key: str | None = KEY) -> None:
    endpoints.add_endpoint(endpoints.Endpoint(name=name, base_url=url, models=models), key)


def pick(window: MainWindow, model_id: str) -> None:
    """The user picks *model_id* in the header's picker."""
    window.refresh_header(reread=True)
    index = window.header.picker.findData(model_id)
    assert index >= 0, f"{model_id} is not in the picker"
    window.header.picker.setCurrentIndex(index)
    window.header.picker.activated.emit(index)
