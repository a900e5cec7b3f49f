"""The CPU threads a model computes with: one per physical core unless the user sets a number."""

from __future__ import annotations

from pathlib import Path

import psutil
import pytest

from phidesk import settings
from phidesk.engine.client import EngineClient
from phidesk.engine.runtime import default_threads, resolve_threads
from phidesk.errors import UserError


def _threads_of(pid: int) -> int:
    return psutil.Process(pid).num_threads()


@pytest.mark.linux
def test_the_worker_computes_with_the_threads_asked_for(starter_source: Path, tmp_path: Path) -> None:
    counts = {}
    for asked in (1, 3):
        with EngineClient(log_path=tmp_path / "worker.log") as client:
            loaded = client.load(starter_source, "cpu", 1024, threads=asked)
            assert loaded.threads == asked
            pid = client.worker_pid
            assert pid is not None
            counts[asked] = _threads_of(pid)
    # onnxruntime's intra-op pool has one thread fewer than the count (the caller's thread is the other one)
    assert counts[3] - counts[1] == 2, counts


def test_automatic_is_one_thread_per_physical_core_this_process_may_use() -> None:
    cores = psutil.cpu_count(logical=False) or 1
    assert 1 <= default_threads() <= cores
    assert resolve_threads(0) == default_threads()
    assert resolve_threads(5) == 5


def test_the_setting_is_checked(phidesk_home: Path) -> None:
    assert settings.Settings(threads=4).validate().threads == 4
    with pytest.raises(UserError, match="threads must be 0"):
        settings.Settings(threads=-1).validate()
