"""A data folder with the starter installed and a worker that has it loaded: what the tests of PhiDesk's own server
(and of PhiDesk as its client) stand on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from phidesk.engine.client import EngineClient


@contextmanager
def starter_home(folder: Path) -> Iterator[Path]:
    """PHIDESK_HOME is *folder*, with the starter installed there, while the block runs."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PHIDESK_HOME", str(folder))
        from phidesk.models import starter

        starter.ensure_starter()
        yield folder


@contextmanager
def starter_engine(home: Path) -> Iterator[EngineClient]:
    """A worker with *home*'s starter loaded (CPU, 4,096 tokens), closed after the block."""
    client = EngineClient(log_path=home / "worker.log")
    try:
        client.load(home / "models" / "starter", "cpu", 4096)
        yield client
    finally:
        client.close()
