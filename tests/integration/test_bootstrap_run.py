"""packaging/bootstrap.py run for real: Ctrl+C during setup, and a second start that does not run pip.

Ctrl+C is sent as a terminal sends it, to bootstrap's whole process group (bootstrap is started in a
session of its own here); the venvs are throw-away ones (``PHIDESK_VENV``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import threading
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.test_bootstrap import load_bootstrap

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP = ROOT / "packaging" / "bootstrap.py"
DEADLINE_S = 180  # only stops a hang: a venv with pip takes seconds


class Lines:
    """The lines of a stream as they come, read by a thread."""

    def __init__(self, stream: object) -> None:
        self.lines: list[str] = []
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()

    def wait_for(self, *prefixes: str) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: any(x.startswith(prefixes) for x in self.lines), timeout=DEADLINE_S)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PHIDESK_REINSTALL", "PHIDESK_TORCH")}
    env.update(PHIDESK_VENV=str(tmp_path / "venv"), PHIDESK_HOME=str(tmp_path / "home"))
    return env


@pytest.fixture
def started(env: dict[str, str]) -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:  # a failed test: Ctrl+C first, so that bootstrap ends the pip it started
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        with proc:  # closes the pipes and waits
            pass


def start(procs: list[subprocess.Popen[str]], env: dict[str, str], *args: str) -> tuple[subprocess.Popen[str], Lines]:
    proc = subprocess.Popen([sys.executable, str(BOOTSTRAP), *args], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    procs.append(proc)
    assert proc.stderr is not None
    return proc, Lines(proc.stderr)


def ctrl_c(proc: subprocess.Popen[str], lines: Lines) -> tuple[int, list[str], str]:
    os.killpg(proc.pid, signal.SIGINT)  # the terminal's Ctrl+C: the foreground process group
    assert proc.stdout is not None
    out = proc.stdout.read()
    code = proc.wait(timeout=DEADLINE_S)
    lines.thread.join(timeout=DEADLINE_S)
    return code, lines.lines, out


@pytest.mark.posix
def test_ctrl_c_while_creating_the_venv_stops_with_one_line(env: dict[str, str], started: list) -> None:
    boot = load_bootstrap()
    venv_dir = Path(env["PHIDESK_VENV"])
    proc, lines = start(started, env)
    assert lines.wait_for("Creating ")
    code, err, out = ctrl_c(proc, lines)

    assert (code, err[1:], out) == (130, [boot.STOPPED], ""), err
    assert not venv_dir.exists(), err  # no half-made venv that the next start would take for a whole one


@pytest.mark.posix
@pytest.mark.slow
def test_ctrl_c_during_pip_records_nothing(env: dict[str, str], started: list) -> None:
    boot = load_bootstrap()
    env["PHIDESK_TORCH"] = boot.DEFAULT_TORCH  # the user's choice: no probe of the CPU index
    venv_dir = Path(env["PHIDESK_VENV"])
    proc, lines = start(started, env)
    assert lines.wait_for("Looking in ", "Collecting ", "Processing ")  # pip's own first lines: it is at work
    code, err, _ = ctrl_c(proc, lines)

    assert code == 130, err
    assert err[-1] == boot.STOPPED
    assert not [x for x in err if "Traceback" in x or "cancelled" in x.lower()], err  # pip never saw the SIGINT
    assert boot.venv_python(venv_dir).exists()
    assert not (venv_dir / boot.STAMP_NAME).exists()


def linked_venv(path: Path) -> None:
    """A real venv (no pip in it) that sees the packages of the one running these tests."""
    venv.EnvBuilder(with_pip=False).create(path)
    purelib = Path(sysconfig.get_paths(vars={"base": str(path), "platbase": str(path)})["purelib"])
    here = sysconfig.get_paths()["purelib"]
    (purelib / "tests-shared-packages.pth").write_text(f"import site; site.addsitedir({here!r})\n", encoding="utf-8")


@pytest.mark.posix
def test_second_start_hands_args_to_phidesk_without_pip(env: dict[str, str], starter_installed: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PHIDESK_REINSTALL", "PHIDESK_TORCH"):
        monkeypatch.delenv(name, raising=False)
    boot = load_bootstrap()
    venv_dir = Path(env["PHIDESK_VENV"])
    linked_venv(venv_dir)
    boot.write_stamp(venv_dir, boot.install_key(ROOT, venv_dir, boot.DEFAULT_TORCH), "convert")
    stamp = (venv_dir / boot.STAMP_NAME).read_bytes()
    env.update(PYTHONPATH=str(ROOT / "src"), PHIDESK_HOME=os.environ["PHIDESK_HOME"])
    python = str(boot.venv_python(venv_dir))
    direct = subprocess.run([python, "-m", "phidesk", "--version"], env=env, capture_output=True, text=True,
                            timeout=DEADLINE_S, check=True)

    proc = subprocess.run([sys.executable, str(BOOTSTRAP), "--", "--version"], env=env, capture_output=True,
                          text=True, timeout=DEADLINE_S, check=False)

    assert (proc.returncode, proc.stdout, proc.stderr) == (0, direct.stdout, "Starting PhiDesk…\n")
    assert (venv_dir / boot.STAMP_NAME).read_bytes() == stamp
