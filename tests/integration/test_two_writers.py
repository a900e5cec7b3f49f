"""benchmarks/two_writers.py, shortened: two processes edit one conversation; every message is accounted for.

By hand, the full minute: ``python benchmarks/two_writers.py --seconds 60``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "two_writers.py"


def _run(tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    done = subprocess.run([sys.executable, str(SCRIPT), "--db", str(tmp_path / "c.sqlite3"), "--seed", "7", *extra],
                          capture_output=True, text=True, timeout=300, check=False)
    return done.returncode, json.loads(done.stdout)


@pytest.mark.slow
def test_two_processes_editing_one_conversation_lose_and_double_nothing(tmp_path: Path) -> None:
    code, result = _run(tmp_path, "--seconds", "5")
    assert code == 0, result
    assert (result["lost"], result["unexplained"], result["duplicate_contents"], result["deleted_unseen"]) == (
        0, 0, 0, 0)
    assert result["positions_ok"]
    assert result["messages_in_db"] == result["added"] - result["deleted"]
    assert result["refused"]["editor"] > 0  # the stale views really met: the race was exercised


@pytest.mark.slow
def test_without_the_checks_a_stale_editor_deletes_what_it_never_saw(tmp_path: Path) -> None:
    """The same run as PhiDesk wrote before (no "last message I knew"): the count above can fail."""
    code, result = _run(tmp_path, "--seconds", "3", "--unchecked")
    assert code == 1
    assert result["deleted_unseen"] > 0
