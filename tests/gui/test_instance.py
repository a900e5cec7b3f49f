"""One PhiDesk per user and data folder: a real second `python -m phidesk gui` hands over its files and exits 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from phidesk import paths
from phidesk.gui.instance import LOCK_NAME, SingleInstance

LAUNCH_TIMEOUT_MS = 60_000


def _launch(*args: str, cwd: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")  # PHIDESK_HOME: this test's home
    return subprocess.Popen([sys.executable, "-m", "phidesk", "gui", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(qtbot: object, proc: subprocess.Popen[str]) -> tuple[int, str]:
    """Wait for a launch to exit while this test's event loop runs (the running instance answers from it)."""
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=LAUNCH_TIMEOUT_MS)  # type: ignore[attr-defined]
    _out, err = proc.communicate(timeout=10)
    return proc.returncode, err


@pytest.fixture
def running(phidesk_home: Path) -> Iterator[tuple[SingleInstance, list[list[str]]]]:
    instance = SingleInstance()
    received: list[list[str]] = []
    instance.received.connect(received.append)
    assert instance.claim()
    yield instance, received
    instance.release()


def test_a_second_launch_hands_its_file_to_the_running_one_and_exits_0(
        qtbot: object, running: tuple[SingleInstance, list[list[str]]], tmp_path: Path) -> None:
    _instance, received = running
    Image.new("RGB", (8, 8), "red").save(tmp_path / "photo.png")
    code, err = _finish(qtbot, _launch("photo.png", cwd=tmp_path))  # relative to the launch's own folder
    assert code == 0, err
    assert received == [[str(tmp_path / "photo.png")]]
    code, err = _finish(qtbot, _launch(cwd=tmp_path))  # no files: only "come forward"
    assert code == 0, err
    assert received[-1] == []


@pytest.mark.posix  # a crash is simulated with SIGKILL
def test_a_stale_socket_and_lock_of_a_crashed_instance_are_taken_over(
        qtbot: object, phidesk_home: Path, tmp_path: Path) -> None:
    crashed = textwrap.dedent("""
        import os, signal
        from phidesk.gui.app import create_app
        from phidesk.gui.instance import SingleInstance
        app = create_app()
        instance = SingleInstance()
        assert instance.claim()
        print(instance.address, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", crashed], env=env, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert (paths.data_dir() / LOCK_NAME).exists()  # left behind by the crash
    assert Path(result.stdout.strip()).exists()  # the socket file too (a Unix socket; this test is POSIX-only)
    instance = SingleInstance()
    received: list[list[str]] = []
    instance.received.connect(received.append)
    try:
        assert instance.claim()  # not "already running": the crashed one is gone
        code, err = _finish(qtbot, _launch("notes.json", cwd=tmp_path))
        assert code == 0, err
        assert received == [[str(tmp_path / "notes.json")]]
    finally:
        instance.release()


def test_separate_data_folders_do_not_meet(
        running: tuple[SingleInstance, list[list[str]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, _received = running
    monkeypatch.setenv("PHIDESK_HOME", str(tmp_path / "another-home"))
    other = SingleInstance()
    try:
        assert other.name != first.name
        assert other.claim()  # a second PhiDesk with its own data folder runs on its own
    finally:
        other.release()


def test_an_unknown_option_is_one_line_and_exit_2(phidesk_home: Path, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-m", "phidesk", "gui", "--frobnicate"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "phidesk gui: unknown option --frobnicate (usage: phidesk gui [IMAGE or conversation .json ...])"
    ]


@pytest.mark.slow
def test_two_real_windows_the_second_launch_exits_and_the_first_opens_its_image(
        phidesk_home: Path, tmp_path: Path) -> None:
    """Both launches are real `python -m phidesk gui` processes; the first shows the handed-over image."""
    Image.new("RGB", (8, 8), "blue").save(tmp_path / "photo.png")
    first = _launch(cwd=tmp_path)
    log = paths.logs_dir() / "phidesk.log"
    try:
        deadline = time.monotonic() + 60
        while "window shown" not in (log.read_text(encoding="utf-8") if log.exists() else ""):
            assert first.poll() is None, first.communicate()[1]
            assert time.monotonic() < deadline, "the first window did not come up"
            time.sleep(0.2)
        second = subprocess.run([sys.executable, "-m", "phidesk", "gui", "photo.png"], cwd=tmp_path,
                                env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), capture_output=True, text=True,
                                timeout=60, check=False)
        assert second.returncode == 0, second.stderr
        assert first.poll() is None  # the first window runs on
        text = log.read_text(encoding="utf-8")
        assert "a later launch handed over 1 argument(s)" in text
        assert "handed it 1 file(s)" in text
        assert "attached 1 image(s) to the composer" in text
    finally:
        first.kill()
        first.communicate(timeout=60)
