"""`phidesk endpoints …` and `phidesk chat -m ENDPOINT/MODEL` against the fault-injecting stand-in, with a real
credential store (keyrings.alt's file store in a temporary folder, chosen through keyring's own environment)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest

from phidesk import cli
from phidesk.remote import endpoints
from tests.remote_standin import WORDS, StandIn

KEY = "sk-remote-test-5d1f0c"


@pytest.fixture
def store_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "credential-store"
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    keyring.core.init_backend()
    yield folder
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    keyring.core.init_backend()


@pytest.fixture
def standin(phidesk_home: Path) -> Iterator[StandIn]:
    with StandIn() as server:
        yield server


def run(args: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(args)


@pytest.mark.usefixtures("store_folder")
def test_add_fetch_chat_list_remove(standin: StandIn, phidesk_home: Path,
                                    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    assert run(["endpoints", "add", "fake", standin.url, "--key-stdin"], monkeypatch, KEY + "\n") == 0
    out = capsys.readouterr().out
    assert "fake/ok" in out and "fake/hang" in out  # noqa: PT018 - one line of output
    assert standin.requests[0]["auth"] == f"Bearer {KEY}"  # GET /models with the key
    assert endpoints.credential_store() is not None
    assert keyring.get_password(endpoints.SERVICE, "fake") == KEY  # in the store…

    assert run(["chat", "-m", "fake/ok", "--temperature", "0", "Say hello."], monkeypatch) == 0
    captured = capsys.readouterr()
    assert "".join(WORDS) in captured.out
    assert f"this conversation will be sent to 127.0.0.1:{standin.port}" in captured.err
    assert standin.requests[-1]["auth"] == f"Bearer {KEY}"

    assert run(["models", "list"], monkeypatch) == 0
    assert f"fake/ok                      remote: 127.0.0.1:{standin.port}" in capsys.readouterr().out

    for file in phidesk_home.rglob("*"):  # …and nowhere under PHIDESK_HOME, nor in any log line
        if file.is_file():
            assert KEY.encode() not in file.read_bytes(), file
    assert all(KEY not in r.getMessage() for r in caplog.records)

    assert run(["endpoints", "remove", "fake"], monkeypatch) == 0
    assert keyring.get_password(endpoints.SERVICE, "fake") is None
    assert endpoints.load_endpoints() == []


@pytest.mark.parametrize(("model", "code"), [("auth", 2), ("busy", 2), ("boom", 1), ("cut", 1)])
def test_chat_errors_are_one_line_with_their_exit_code(standin: StandIn, model: str, code: int,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    endpoints.add_endpoint(endpoints.Endpoint("fake", standin.url, [model]), None)
    assert run(["chat", "-m", f"fake/{model}", "hi"], monkeypatch) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert "this conversation will be sent to" in err[0]
    assert len(err) == 2
    assert ("log:" in err[1]) == (code == 1)


@pytest.mark.parametrize("args", [["endpoints", "add", "x", "ftp://host/v1", "--model", "m"],
                                  ["endpoints", "add", "a/b", "http://host/v1", "--model", "m"],
                                  ["endpoints", "add", "az", "--preset", "azure", "--model", "m"],
                                  ["endpoints", "remove", "nothing"]])
def test_bad_endpoint_input_exits_2(args: list[str], phidesk_home: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert run(args, monkeypatch) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert endpoints.load_endpoints() == []


def test_without_a_credential_store_the_key_is_kept_for_the_session_only(
        standin: StandIn, phidesk_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends import fail

    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert endpoints.credential_store() is None
        endpoints.add_endpoint(endpoints.Endpoint("fake", standin.url, ["ok"]), KEY)
        assert endpoints.api_key("fake") == KEY  # this process only
        for file in phidesk_home.rglob("*"):
            if file.is_file():
                assert KEY.encode() not in file.read_bytes(), file
        endpoints.set_session_key("fake", None)
        monkeypatch.setenv("PHIDESK_API_KEY_FAKE", "from-the-environment")
        assert endpoints.api_key("fake") == "from-the-environment"
    finally:
        keyring.set_keyring(previous)
