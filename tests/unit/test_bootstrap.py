"""packaging/bootstrap.py's install stamp: pip runs again only when something it depends on changed.

bootstrap.py is a script, not a package module, so it is loaded from its file. The venvs are real ones
(``venv`` without pip: instant), the pyproject.toml a copy of the real one.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import venv
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_bootstrap() -> ModuleType:
    spec = importlib.util.spec_from_file_location("phidesk_bootstrap", ROOT / "packaging" / "bootstrap.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def boot(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    for name in ("PHIDESK_REINSTALL", "PHIDESK_TORCH", "PHIDESK_VENV"):
        monkeypatch.delenv(name, raising=False)
    return load_bootstrap()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    root.mkdir()
    shutil.copyfile(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


@pytest.fixture
def env_dir(tmp_path: Path) -> Path:
    path = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(path)
    return path


def installed(boot: ModuleType, checkout: Path, env_dir: Path, extras: str) -> str:
    """Record a successful install of *extras* as bootstrap does after pip succeeded; the key it used."""
    key = boot.install_key(checkout, env_dir, boot.torch_requirement())
    assert boot.needs_install(env_dir, key, extras)
    boot.write_stamp(env_dir, key, extras)
    return str(key)


def test_nothing_changed_skips_pip(boot: ModuleType, checkout: Path, env_dir: Path) -> None:
    installed(boot, checkout, env_dir, "convert")
    key = boot.install_key(checkout, env_dir, boot.torch_requirement())
    assert not boot.needs_install(env_dir, key, "convert")


def test_fewer_extras_than_installed_skip_pip(boot: ModuleType, checkout: Path, env_dir: Path) -> None:
    """`bootstrap.py test` installed convert+dev: the plain start after it needs nothing more."""
    key = installed(boot, checkout, env_dir, "convert,dev")
    assert not boot.needs_install(env_dir, key, "convert")


def test_other_extras_install_again(boot: ModuleType, checkout: Path, env_dir: Path) -> None:
    key = installed(boot, checkout, env_dir, "convert")
    assert boot.needs_install(env_dir, key, "convert,package")
    boot.write_stamp(env_dir, key, "convert,package")
    assert not boot.needs_install(env_dir, key, "convert")  # what was installed before is still there


def test_edited_pyproject_installs_again(boot: ModuleType, checkout: Path, env_dir: Path) -> None:
    installed(boot, checkout, env_dir, "convert")
    with (checkout / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n# a new dependency would be here\n")
    key = boot.install_key(checkout, env_dir, boot.torch_requirement())
    assert boot.needs_install(env_dir, key, "convert")


def test_other_torch_installs_again(boot: ModuleType, checkout: Path, env_dir: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    installed(boot, checkout, env_dir, "convert")
    monkeypatch.setenv("PHIDESK_TORCH", "torch==2.5.1")
    key = boot.install_key(checkout, env_dir, boot.torch_requirement())
    assert boot.needs_install(env_dir, key, "convert")


def test_recreated_venv_installs_again(boot: ModuleType, checkout: Path, env_dir: Path) -> None:
    installed(boot, checkout, env_dir, "convert")
    shutil.rmtree(env_dir)
    venv.EnvBuilder(with_pip=False).create(env_dir)
    key = boot.install_key(checkout, env_dir, boot.torch_requirement())
    assert boot.needs_install(env_dir, key, "convert")


def test_other_python_installs_again(boot: ModuleType, checkout: Path, env_dir: Path) -> None:
    key = installed(boot, checkout, env_dir, "convert")
    cfg = env_dir / "pyvenv.cfg"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(re.sub(r"^version(_info)?\s*=.*$", "version = 3.99.0", text, flags=re.MULTILINE), encoding="utf-8")
    assert cfg.read_text(encoding="utf-8") != text
    assert boot.install_key(checkout, env_dir, boot.torch_requirement()) != key


def test_reinstall_variable_forces_pip(boot: ModuleType, checkout: Path, env_dir: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    key = installed(boot, checkout, env_dir, "convert")
    monkeypatch.setenv("PHIDESK_REINSTALL", "1")
    assert boot.needs_install(env_dir, key, "convert")


@pytest.mark.parametrize("content", [b"", b"{not json", b"[1, 2]", b'{"key": 3, "extras": "convert"}', b"\xff" * 10])
def test_damaged_stamp_installs_again(boot: ModuleType, checkout: Path, env_dir: Path, content: bytes) -> None:
    key = installed(boot, checkout, env_dir, "convert")
    (env_dir / boot.STAMP_NAME).write_bytes(content)
    assert boot.needs_install(env_dir, key, "convert")


def test_without_node_the_skip_says_how_to_get_it(boot: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no npm, no node
    monkeypatch.delenv("CI", raising=False)
    boot.lint_workflows()
    assert "install Node.js 18+" in capsys.readouterr().err
