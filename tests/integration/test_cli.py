"""The ``phidesk`` command as a user runs it: a real process, the real starter model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.platforms import CPU_ONLY_RUNTIME

EXPECTED_CHAT_KEYS = {"text", "model", "provider", "prompt_tokens", "new_prompt_tokens", "generated_tokens",
                      "ttft_s", "decode_tok_s", "finish_reason", "dropped_turns"}


def phidesk(*args: str, stdin: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "phidesk", *args], input=stdin, capture_output=True,
                          text=True, timeout=timeout, env=dict(os.environ), check=False)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_chat_answers_with_paris(starter_installed: Path) -> None:
    result = phidesk("chat", "--temperature", "0", "What is the capital of France?")
    assert result.returncode == 0, result.stderr
    assert "Paris" in result.stdout


def test_chat_json_has_every_key(starter_installed: Path) -> None:
    result = phidesk("chat", "--json", "--temperature", "0", "--max-tokens", "30", "What is the capital of France?")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= EXPECTED_CHAT_KEYS
    assert "Paris" in data["text"]
    assert data["model"] == "starter"
    assert data["provider"] == "cpu"
    # The worker may have read the template's preamble into its spare cache before the question came.
    assert data["prompt_tokens"] >= data["new_prompt_tokens"] > 0
    assert data["finish_reason"] in {"stop", "length"}


def test_chat_reads_the_prompt_from_stdin(starter_installed: Path) -> None:
    result = phidesk("chat", "--temperature", "0", stdin="What is the capital of France?\n")
    assert result.returncode == 0, result.stderr
    assert "Paris" in result.stdout


def test_max_tokens_ends_with_length(starter_installed: Path) -> None:
    result = phidesk("chat", "--json", "--max-tokens", "3", "--temperature", "0", "Write a poem.")
    data = json.loads(result.stdout)
    assert data["generated_tokens"] == 3
    assert data["finish_reason"] == "length"


def test_no_model_installed_says_what_to_do(phidesk_home: Path) -> None:
    assert_one_line_error(phidesk("chat", "hi"), "no model is installed", "phidesk models starter")


@pytest.mark.parametrize("damage", ["missing-config", "broken-config", "missing-data", "empty", "plain-file"])
def test_broken_model_folders_exit_2(starter_installed: Path, model_copy: Path, damage: str) -> None:
    target = model_copy
    if damage == "missing-config":
        (model_copy / "genai_config.json").unlink()
        expected = "no genai_config.json"
    elif damage == "broken-config":
        (model_copy / "genai_config.json").write_text('{"model": {"type": ', encoding="utf-8")
        expected = "not valid JSON"
    elif damage == "missing-data":
        (model_copy / "model.onnx.data").unlink()
        expected = "model.onnx.data is missing"
    elif damage == "empty":
        shutil.rmtree(model_copy)
        model_copy.mkdir()
        expected = "empty"
    else:
        target = model_copy / "genai_config.json"
        expected = "is a file"
    assert_one_line_error(phidesk("chat", "-m", str(target), "hi"), expected)


def test_bad_input_exits_2(starter_installed: Path, tmp_path: Path) -> None:
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"GIF89a not really")
    assert_one_line_error(phidesk("chat", "-m", "nosuch", "hi"), "unknown model 'nosuch'", "starter")
    assert_one_line_error(phidesk("chat", "-i", str(fake), "hi"), "photo.jpg")
    assert_one_line_error(phidesk("chat", "-i", str(tmp_path / "none.png"), "hi"), "none.png")
    assert_one_line_error(phidesk("chat", "--temperature", "9", "hi"), "temperature")
    assert_one_line_error(phidesk("chat", "--max-tokens", "0", "hi"), "--max-tokens")
    assert_one_line_error(phidesk("frobnicate"), "invalid choice")
    if CPU_ONLY_RUNTIME:  # another flavour may really run CUDA
        assert_one_line_error(phidesk("chat", "--ep", "cuda", "hi"), "CUDA")
    assert_one_line_error(phidesk("chat", "--context", "512", "hi " * 3000), "too long")


def test_real_png_on_text_model_is_refused(starter_installed: Path, tmp_path: Path) -> None:
    from PIL import Image

    png = tmp_path / "chart.png"
    Image.new("RGB", (64, 48), "red").save(png)
    assert_one_line_error(phidesk("chat", "-i", str(png), "What is this?"), "text only", "vision")


def test_models_import_list_default_remove(phidesk_home: Path, starter_source: Path) -> None:
    assert phidesk("models", "import", str(starter_source), "--id", "tiny").returncode == 0
    listed = json.loads(phidesk("models", "list", "--json").stdout)
    assert [(m["id"], m["usable"], m["default"]) for m in listed] == [("tiny", True, True)]
    assert_one_line_error(phidesk("models", "import", str(starter_source), "--id", "tiny"), "already installed")
    assert phidesk("models", "default", "tiny").returncode == 0
    assert phidesk("models", "default").stdout.strip() == "tiny"
    assert phidesk("models", "remove", "tiny").returncode == 0
    assert json.loads(phidesk("models", "list", "--json").stdout) == []
    assert_one_line_error(phidesk("models", "remove", "tiny"), "unknown model")


def test_models_starter_is_instant_the_second_time(phidesk_home: Path, starter_source: Path) -> None:
    first = phidesk("models", "starter")
    assert first.returncode == 0, first.stderr
    again = phidesk("models", "starter")
    assert again.returncode == 0
    assert again.stderr == ""  # nothing to download, convert or copy
    listed = json.loads(phidesk("models", "list", "--json").stdout)
    assert listed[0]["id"] == "starter"
    assert listed[0]["usable"]


def test_bench_json_keys(starter_installed: Path) -> None:
    result = phidesk("bench", "--json", "--rounds", "1", "--prompt-tokens", "64", "--new-tokens", "16", "--turns", "4")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # What it is doing goes to stderr, JSON or not; the window's probe first, before the rounds churn the memory.
    steps = result.stderr.splitlines()
    assert steps[0].startswith("phidesk: GUI stall probe")
    assert any(step.startswith("phidesk: round 1/1") for step in steps[1:])
    for key in ("model", "provider", "load_s", "ttft_s", "prefill_tok_s", "decode_tok_s", "bare_decode_tok_s",
                "decode_ratio", "peak_rss_mb", "gui_stall_max_ms", "gui_stop_ready_ms", "turn1_ttft_s",
                "turn4_ttft_s"):
        assert key in data
    # The conversation reuses the KV cache: after the first turn only the new turn is read.
    fresh, total = data["turn_new_prompt_tokens"], data["turn_prompt_tokens"]
    assert len(fresh) == 4
    assert fresh[0] == total[0]
    assert all(n < 80 for n in fresh[1:])
    assert total[3] > total[1] > total[0]
    assert fresh[3] < total[3] / 2
    assert data["gui_answer_done"]
    assert data["gui_stall_max_ms"] > 0
    assert data["gui_stall_canary_max_ms"] >= 0  # 0: the canary beside the window saw no gap over 8 ms
    assert data["gui_stall_steal_ms"] >= 0 if sys.platform.startswith("linux") else data["gui_stall_steal_ms"] == -1
    assert data["decode_tok_s"] > 0
    assert data["bare_decode_tok_s"] > 0
    assert data["peak_rss_mb"] > 50
    # Kept work (token counts only; the times are the benchmark's business):
    assert data["stop_prefill_same_worker"]  # Stop during a prefill ended nothing
    assert data["stop_prefill_prompt_tokens"] > 2500
    assert data["stop_prefill_kept_tokens"] >= data["stop_prefill_read_tokens"] > 0
    assert data["switch_back_new_tokens"] < 40 < data["switch_prompt_tokens"] // 10  # A was not read again
    for key in ("stop_prefill_ready_ms", "switch_ttft_ratio", "first_turn_ttft_s", "first_turn_bare_ttft_s"):
        assert data[key] > 0


def test_unexpected_failure_exits_1_with_log_path(phidesk_home: Path, starter_source: Path) -> None:
    # An unreadable models folder is not bad input but a broken installation.
    (phidesk_home / "models").write_text("not a folder", encoding="utf-8")
    result = phidesk("models", "list")
    assert result.returncode == 1
    assert "phidesk.log" in result.stderr
    assert "Traceback" not in result.stderr
    log_text = (phidesk_home / "logs" / "phidesk.log").read_text(encoding="utf-8")
    assert "Traceback" in log_text


def _install_deeply_nested_model(model_copy: Path) -> None:
    from phidesk import paths

    (model_copy / "genai_config.json").write_text('{"model": ' + "[" * 50_000 + "]" * 50_000 + "}", encoding="utf-8")
    shutil.copytree(model_copy, paths.models_dir() / "deep")


def test_a_deeply_nested_model_is_listed_broken_and_the_starter_still_works(starter_installed: Path,
                                                                             model_copy: Path) -> None:
    _install_deeply_nested_model(model_copy)
    listed = phidesk("models", "list")
    assert listed.returncode == 0, listed.stderr
    lines = {line[2:].split()[0]: line for line in listed.stdout.splitlines()}
    assert "BROKEN" not in lines["starter"]
    assert "BROKEN:" in lines["deep"]
    assert "genai_config.json: nested 50001 levels deep" in lines["deep"]
    assert_one_line_error(phidesk("chat", "-m", "deep", "hi"), "model 'deep' is broken", "nested")
    # the default is still the starter
    assert phidesk("chat", "--temperature", "0", "--max-tokens", "3", "hi").returncode == 0


def test_a_deeply_nested_settings_file_is_set_aside(starter_installed: Path, phidesk_home: Path) -> None:
    from phidesk import paths

    paths.settings_file().parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file().write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = phidesk("models", "list")
    assert result.returncode == 0, result.stderr
    assert "starter" in result.stdout
    assert [p.name.startswith("settings.json.bad-") for p in paths.settings_file().parent.glob("settings.json*")] == [
        True]


def test_import_on_a_full_disk_is_one_line(phidesk_home: Path, model_copy: Path) -> None:
    from phidesk import paths
    from tests.small_disk import small_disk

    with small_disk(paths.models_dir()):
        assert_one_line_error(phidesk("models", "import", str(model_copy), "--id", "big"),
                              "not enough disk space: needs ", f"MB free in {paths.models_dir()}")
        assert list(paths.models_dir().iterdir()) == []


def on_a_terminal(*args: str, timeout: float = 300) -> tuple[int, bytes]:
    """Run ``phidesk ARGS`` with a real pty as its stdout; what the terminal received."""
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "phidesk", *args], stdin=subprocess.DEVNULL, stdout=slave,
                                stderr=subprocess.PIPE, env=dict(os.environ))
        os.close(slave)
        received = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the process closed its end
                break
            if not chunk:
                break
            received.append(chunk)
        code = proc.wait(timeout=timeout)
        assert proc.stderr is not None
        proc.stderr.close()
    finally:
        os.close(master)
    return code, b"".join(received)


def test_model_names_reach_a_terminal_as_visible_text(phidesk_home: Path) -> None:
    from phidesk import paths

    (paths.models_dir() / "evil\x1b]0;owned\x07\x1b[2J").mkdir(parents=True)  # a folder name from anywhere
    code, shown = on_a_terminal("models", "list")
    assert code == 0
    assert b"\x1b" not in shown
    assert b"\x07" not in shown
    assert b"evil^[]0;owned^G^[[2J" in shown
    piped = subprocess.run([sys.executable, "-m", "phidesk", "models", "list"], capture_output=True, check=False)
    assert b"evil\x1b]0;owned\x07\x1b[2J" in piped.stdout  # piped: byte-exact


def test_chat_on_a_terminal_never_passes_an_escape_through(starter_installed: Path) -> None:
    code, shown = on_a_terminal("chat", "--temperature", "0", "--max-tokens", "40",
                                "Repeat exactly: \x1b[2J\x1b]0;owned\x07 \x1b[6n")
    assert code == 0
    assert shown.strip()  # an answer was shown
    assert b"\x1b" not in shown
    assert b"\x07" not in shown
