"""The command line's rough edges, without a model: a display that cannot be opened, --context, a damaged
settings file, the catalog's recommended build, --help, and what --ep auto says when it falls back.

Each runs ``python -m phidesk`` as a user would, in a throw-away PHIDESK_HOME: bad input is exit 2 with one
line on stderr that starts "phidesk: " and quotes what was given, and never a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from phidesk import paths


def phidesk(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "phidesk", *args], input=stdin, capture_output=True, text=True,
                          timeout=120, env=env if env is not None else dict(os.environ), check=False)


def one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("phidesk: ")
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


# --- a display that cannot be opened --------------------------------------------------------------


def unused_x_display() -> str:
    """A display number no X server listens on (no socket file, no abstract socket, no lock file)."""
    listening = Path("/proc/net/unix").read_text(encoding="utf-8") if Path("/proc/net/unix").exists() else ""
    for n in range(99, 999):
        socket_path = f"/tmp/.X11-unix/X{n}"
        if not Path(socket_path).exists() and socket_path not in listening and not Path(f"/tmp/.X{n}-lock").exists():
            return f":{n}"
    raise AssertionError("no free X display number")


def stale_display_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env["DISPLAY"] = unused_x_display()
    return env


@pytest.mark.linux
def test_gui_with_a_stale_display_exits_2_naming_it(phidesk_home: Path) -> None:
    env = stale_display_env()
    line = one_line_error(phidesk("gui", env=env), "no display could be opened", f"DISPLAY={env['DISPLAY']!r}")
    assert "phidesk chat" in line


@pytest.mark.linux
def test_gui_with_no_display_variable_exits_2(phidesk_home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "DISPLAY")}
    one_line_error(phidesk("gui", env=env), "no display", "DISPLAY is set")


@pytest.mark.linux
def test_plain_phidesk_with_a_stale_display_falls_back_to_the_terminal_chat(phidesk_home: Path) -> None:
    env = stale_display_env()
    result = phidesk(env=env, stdin="What is the capital of France?\n")  # stdin is a pipe, not a terminal
    assert "Traceback" not in result.stderr
    assert result.returncode == 2, result.stderr  # the chat's own answer here: no model is installed
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    assert f"DISPLAY={env['DISPLAY']!r}" in lines[0]
    assert "starting the chat in this terminal" in lines[0]
    assert "no model is installed" in lines[1]


@pytest.mark.linux
def test_offscreen_needs_no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    from phidesk import display

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setenv("DISPLAY", unused_x_display())
    assert display.problem() is None


def accepts(path: str) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(path)
        except OSError:
            return False
    return True


@pytest.fixture
def xvfb() -> Iterator[str]:
    """A real X server (Xvfb) on an unused display number."""
    if shutil.which("Xvfb") is None:
        pytest.skip("needs Xvfb")
    name = unused_x_display()
    proc = subprocess.Popen(["Xvfb", name, "-nolisten", "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30  # only stops a hang
        while not accepts(f"/tmp/.X11-unix/X{name[1:]}") and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # the socket file appears a moment before the server listens on it
        assert proc.poll() is None, "Xvfb did not start"
        yield name
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.linux
def test_a_live_x_server_is_a_display(xvfb: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from phidesk import display

    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", xvfb)
    assert display.problem() is None
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert display.problem() is None


@pytest.mark.linux
def test_a_wayland_socket_is_a_display_only_while_it_accepts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from phidesk import display

    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-test")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(tmp_path / "wayland-test"))
        server.listen(1)
        assert display.problem() is None
    problem = display.problem()  # the socket file is still there, but nothing accepts
    assert problem is not None
    assert "WAYLAND_DISPLAY='wayland-test'" in problem


# --- --context -------------------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["100", "0", "2000000", "4k"])
def test_context_outside_the_settings_range_is_one_line(phidesk_home: Path, given: str) -> None:
    line = one_line_error(phidesk("chat", "--context", given, "hi"), "--context", repr(given))
    if given != "4k":
        assert "between 256 and 1048576" in line


# --- a damaged settings file -------------------------------------------------------------------------


def test_a_damaged_settings_file_is_set_aside_with_one_warning(phidesk_home: Path) -> None:
    path = paths.settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"theme": "dark",', encoding="utf-8")
    result = phidesk("models", "list")
    assert result.returncode == 0, result.stderr
    kept = [p.name for p in path.parent.glob("settings.json.bad-*")]
    assert len(kept) == 1
    assert not path.exists()
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("phidesk: warning: settings file ")
    assert str(path) in lines[0]
    assert kept[0] in lines[0]
    assert phidesk("models", "list").stderr == ""  # said once: the file is gone now


# --- catalog, --help ------------------------------------------------------------------------------------


def test_catalog_json_marks_one_recommended_build(phidesk_home: Path) -> None:
    result = phidesk("models", "catalog", "--json")
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)
    report = json.loads(phidesk("hardware", "--json").stdout)
    best = report["recommended"]
    marked = [(e["id"], e["variant"]) for e in entries if e["recommended"] is True]
    assert marked == ([(best["id"], best["variant"])] if best else [])
    assert all(e["recommended"] in (True, False) for e in entries)


def test_help_lists_gui(phidesk_home: Path) -> None:
    result = phidesk("--help")
    assert result.returncode == 0
    assert "gui" in result.stdout.split("{", 1)[1].split("}", 1)[0].split(",")
    assert "desktop window" in result.stdout
    gui_help = phidesk("gui", "--help")
    assert gui_help.returncode == 0, gui_help.stderr
    assert "usage: phidesk gui" in gui_help.stdout


# --- what --ep auto says when it falls back ---------------------------------------------------------


# The README section this points to keeps its name: the text is checked here as users see it.
CUDA_MISSING = "CUDA unavailable: the CUDA build of onnxruntime-genai is not installed (see README: GPU builds)"


def test_auto_says_why_it_passed_over_a_gpu_the_machine_has() -> None:
    from phidesk.engine.runtime import fallback_note
    from phidesk.models.gpus import GpuInfo, gpu_providers

    nvidia = [GpuInfo("nvidia", "RTX 4090", 24564, 0, "nvml")]
    note = fallback_note("auto", "cpu", [CUDA_MISSING], gpu_providers(nvidia, "linux"))
    assert note == f"--ep auto runs on CPU: {CUDA_MISSING}"
    dml = "DirectML unavailable: this onnxruntime-genai build has no DirectML (Windows only)"
    intel = [GpuInfo("intel", "Iris Xe", 128, 0, "dxgi")]
    assert fallback_note("auto", "cpu", [dml], gpu_providers(intel, "windows")) == f"--ep auto runs on CPU: {dml}"


def test_auto_is_quiet_when_nothing_the_machine_has_was_passed_over() -> None:
    from phidesk.engine.runtime import fallback_note
    from phidesk.models.gpus import GpuInfo, gpu_providers

    assert fallback_note("auto", "cpu", [CUDA_MISSING], gpu_providers([], "linux")) is None  # no NVIDIA GPU
    assert fallback_note("auto", "cuda", [], {"cuda"}) is None  # no fallback
    assert fallback_note("cpu", "cpu", [CUDA_MISSING], {"cuda"}) is None  # chosen by hand
    software = [GpuInfo("microsoft", "Microsoft Basic Render Driver", 0, 0, "dxgi")]
    assert gpu_providers(software, "windows") == set()


def test_this_machines_gpus_decide_the_note() -> None:
    from phidesk.engine.runtime import fallback_note
    from phidesk.models.gpus import gpu_providers
    from phidesk.models.hardware import detect, os_name

    hardware = detect(probe=False)
    have = gpu_providers(hardware.gpus, os_name())
    note = fallback_note("auto", "cpu", [CUDA_MISSING], have)
    if any(g.vendor == "nvidia" for g in hardware.gpus):
        assert note is not None
        assert "CUDA" in note
    else:
        assert note is None
