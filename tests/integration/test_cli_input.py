"""What a user may type that is not a clean question: bytes that are not UTF-8, an empty prompt, lone surrogates;
and how PhiDesk starts its children (each in a session of its own)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from phidesk.chat import ChatService, Refused
from phidesk.engine.client import EngineClient
from phidesk.engine.protocol import Failed, Finished, Message, Sampling
from phidesk.store import Store

SRC = Path(__file__).resolve().parents[2] / "src" / "phidesk"
WARNING = "phidesk: your input is not valid UTF-8; undecodable bytes were replaced"
GREEDY = Sampling(temperature=0, max_new_tokens=8)


def phidesk_bytes(*args: str | bytes, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "phidesk", *args], input=stdin, capture_output=True, timeout=300,
                          env=dict(os.environ), check=False)


def test_latin1_on_stdin_is_replaced_with_a_warning(starter_installed: Path) -> None:
    result = phidesk_bytes("chat", "--temperature", "0", "--max-tokens", "8", stdin="Café crème?\n".encode("latin-1"))
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode().splitlines()[0] == WARNING  # then only the note that 8 tokens were the limit
    assert result.stdout.strip()  # answered


@pytest.mark.posix  # argv is bytes only on POSIX
def test_latin1_in_the_prompt_argument_is_replaced_with_a_warning(starter_installed: Path) -> None:
    result = phidesk_bytes("chat", "--temperature", "0", "--max-tokens", "8", "Café crème?".encode("latin-1"))
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode().splitlines()[0] == WARNING  # then only the note that 8 tokens were the limit
    assert result.stdout.strip()


@pytest.mark.parametrize("prompt", ["", "   ", " \t\n "])
def test_an_empty_prompt_argument_exits_2_in_one_line(phidesk_home: Path, prompt: str) -> None:
    result = phidesk_bytes("chat", prompt)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert "prompt is empty" in lines[0]


def test_the_engine_refuses_lone_surrogates_and_keeps_its_worker(client: EngineClient) -> None:
    pid = client.worker_pid
    events = list(client.generate([Message("user", "caf\udce9?")], GREEDY))
    assert len(events) == 1, events
    assert isinstance(events[0], Failed)
    assert events[0].code == "bad_text"
    assert events[0].user_error
    assert client.worker_pid == pid  # refused before anything reached the worker
    answer = list(client.generate([Message("user", "What is the capital of France?")], GREEDY))
    assert isinstance(answer[-1], Finished)
    assert client.worker_pid == pid


def test_the_chat_service_gives_back_a_question_with_lone_surrogates(phidesk_home: Path) -> None:
    with Store() as store:
        service = ChatService(store, None)
        refused = service.ask("caf\udce9?", sampling=GREEDY)
        assert isinstance(refused, Refused)
        assert (refused.reason, refused.text) == ("bad_text", "caf\udce9?")  # handed back, nothing lost
        assert "not valid Unicode" in refused.message
        assert store.list_conversations() == []  # nothing half-stored


@pytest.mark.posix
def test_the_worker_runs_in_a_session_of_its_own(client: EngineClient) -> None:
    pid = client.worker_pid
    assert pid is not None
    assert os.getsid(pid) == pid != os.getsid(0)  # a terminal's Ctrl+C (its foreground group) cannot reach it


def test_every_process_phidesk_starts_gets_a_session_of_its_own() -> None:
    """Every subprocess call in the app passes paths.helper_popen_kwargs() (the converter's own child, the model
    builder, stays in the converter's group on purpose: ending that group ends both)."""
    calls = []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"subprocess\.(run|Popen|call|check_call|check_output)\(", text):
            depth, end = 0, match.end() - 1
            for end in range(match.end() - 1, len(text)):  # the call's whole argument list
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                if depth == 0:
                    break
            calls.append((path.relative_to(SRC).as_posix(), text[match.start():end + 1]))
    assert len(calls) >= 8
    missing = [name for name, call in calls if "helper_popen_kwargs()" not in call and name != "models/convert.py"]
    assert missing == []
