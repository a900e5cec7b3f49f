"""``phidesk serve``: the real command in its own process, stopped with Ctrl+C (SIGINT) as a terminal would."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx2 as httpx
import psutil
import pytest

DEADLINE_S = 120.0  # only stops a hang


def phidesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "phidesk", *args], capture_output=True, text=True, timeout=120,
                          check=False)


def test_help_says_what_it_exposes() -> None:
    done = phidesk("serve", "--help")
    assert done.returncode == 0
    for words in ("127.0.0.1", "--api-key", "--port", "--queue", "--cors", "OpenAI-compatible"):
        assert words in done.stdout


@pytest.mark.parametrize("args", [["--host", "0.0.0.0"], ["--port", "70000"], ["--queue", "0"]])
def test_bad_options_exit_2_with_one_line(phidesk_home: Path, args: list[str]) -> None:
    done = phidesk("serve", *args)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.posix
def test_serve_answers_then_ctrl_c_ends_it_cleanly(starter_installed: Path) -> None:
    with subprocess.Popen([sys.executable, "-m", "phidesk", "serve", "--port", "0"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as proc:
        _serve_and_interrupt(proc)


def _serve_and_interrupt(proc: subprocess.Popen[str]) -> None:
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("PhiDesk serves starter at http://127.0.0.1:"), first
        url = first.split(" at ")[1].strip()
        assert "curl " + url in proc.stdout.readline()
        workers = psutil.Process(proc.pid).children()
        assert len(workers) == 1
        models = httpx.get(f"{url}/models", timeout=30).json()
        assert models["data"][0]["id"] == "starter"
        answer = httpx.post(f"{url}/chat/completions", timeout=DEADLINE_S, json={
            "model": "starter", "temperature": 0, "max_tokens": 30,
            "messages": [{"role": "user", "content": "What is the capital of France?"}]}).json()
        assert "Paris" in answer["choices"][0]["message"]["content"]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=DEADLINE_S) == 0, proc.stderr.read() if proc.stderr else ""
        assert not workers[0].is_running() or workers[0].status() == psutil.STATUS_ZOMBIE
        assert proc.stderr is not None
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_port_in_use_exits_2_with_one_line(starter_installed: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = phidesk("serve", "--port", str(port))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[-1] == f"phidesk: port {port} on 127.0.0.1 is in use by another program: choose another with --port"
    assert "Traceback" not in done.stderr
