"""The import contracts in pyproject.toml hold, and deny by default: a module nobody listed is covered.

Each probe is a new module in a copy of the sources; the contract it breaks is named by its id.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("importlinter")

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(cwd: Path, src: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    command = [str(LINT), str(ROOT / "pyproject.toml"), "--no-cache", "--no-logo"]
    for contract in contracts:
        command += ["--contract", contract]
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def lint_binary() -> Path:
    if not LINT.exists():
        pytest.skip("lint-imports is not installed next to this Python (pip install import-linter)")
    return LINT


def test_the_contracts_hold(lint_binary: Path) -> None:
    done = lint(ROOT, ROOT / "src")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("module", "source", "contract"),
    [
        ("_probe_core.py", "import PySide6", "qt-only-in-gui"),  # a new top-level core module
        ("gui/_probe_gui.py", "import onnxruntime_genai", "runtime-only-in-children"),  # the window's process
        ("store/_probe_store.py", "import phidesk.engine.worker", "children-not-imported"),
        ("models/_probe_models.py", "import phidesk.gui.plain", "layers"),  # the core reaching up to Qt
        ("engine/_probe_engine.py", "import phidesk.engine.client", "no-circles"),  # half of a circle …
        ("server/_probe_server.py", "import phidesk.gui.plain", "layers"),  # the server is Qt-free, below the window
        ("server/_probe_qt.py", "import PySide6", "qt-only-in-gui"),
    ],
)
def test_a_new_module_is_covered_without_being_listed(
    lint_binary: Path, tmp_path: Path, module: str, source: str, contract: str
) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "phidesk", src / "phidesk", ignore=shutil.ignore_patterns("__pycache__"))
    probe = src / "phidesk" / module
    probe.write_text(f'"""A probe."""\n\n{source}  # noqa: F401\n', encoding="utf-8")
    if contract == "no-circles":  # … and its other half
        client = src / "phidesk" / "engine" / "client.py"
        client.write_text(client.read_text(encoding="utf-8") + "\nfrom phidesk.engine import _probe_engine  # noqa\n",
                          encoding="utf-8")
    done = lint(tmp_path, src, contract)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "BROKEN" in output
    assert probe.stem in output
