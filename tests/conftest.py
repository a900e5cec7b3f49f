"""Shared fixtures: a throw-away PHIDESK_HOME per test and the real starter model, built once per machine.

The starter is converted from the SmolLM2 GGUF on PyPI by the same code as
``phidesk models starter`` and cached in the per-machine cache folder (``PHIDESK_CACHE``
if set, else the user cache), so only the first test run on a machine pays for it.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PHIDESK_CACHE", str(Path(platformdirs.user_cache_dir("PhiDesk", appauthor=False))))
# A shell without job control starts background commands with SIGINT ignored, and an ignored signal stays
# ignored across exec: the processes the tests start would then never see the Ctrl+C the tests send them.
# Handling it here (not ignoring it) makes every child start with the default, as it does from a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


STARTER_FIXTURES = {"starter_source", "starter_installed", "model_copy", "client"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs the starter model is ``slow`` whether or not it says so: ``-m "not slow"`` never
    builds the starter (a minute or more on a fresh machine) nor starts a worker for it."""
    for item in items:
        if STARTER_FIXTURES & set(getattr(item, "fixturenames", ())) and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked posix / linux / windows run only there (skipped elsewhere, with the reason)."""
    from tests.platforms import ON

    for name, here in ON.items():
        if item.get_closest_marker(name) is not None and not here:
            pytest.skip(f"needs {name}")


@pytest.fixture
def phidesk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "phidesk-home"
    home.mkdir()
    monkeypatch.setenv("PHIDESK_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def starter_source() -> Path:
    """The cached, converted starter model folder (read-only: copy it before changing anything)."""
    from phidesk.models import starter

    return starter.build_cached()


@pytest.fixture
def starter_installed(phidesk_home: Path, starter_source: Path) -> Path:
    """The starter installed in this test's PHIDESK_HOME (hard links to the read-only cache: instant)."""
    from phidesk.models import starter

    return starter.ensure_starter().path


@pytest.fixture
def model_copy(tmp_path: Path, starter_source: Path) -> Path:
    """A private copy of the starter model folder that a test may damage (writable: the cache is read-only)."""
    dest = tmp_path / "model-copy"
    shutil.copytree(starter_source, dest, copy_function=shutil.copyfile)
    return dest


@pytest.fixture
def client(starter_source: Path, tmp_path: Path) -> Iterator[object]:
    """A real EngineClient with the starter loaded in a real worker process."""
    from phidesk.engine.client import EngineClient

    engine = EngineClient(log_path=tmp_path / "worker.log")
    engine.load(starter_source, "cpu", 4096)
    yield engine
    engine.close()
