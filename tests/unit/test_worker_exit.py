"""How a worker's end is described: by its signal, and only SIGKILL hints at memory."""

from __future__ import annotations

import pytest

from phidesk.engine.client import _describe_exit


@pytest.mark.posix  # a Windows exit status is never negative
@pytest.mark.parametrize(
    ("code", "expected"),
    [(-9, "killed by signal 9 (SIGKILL); out of memory?"), (-11, "crashed: signal 11 (SIGSEGV)"),
     (-6, "crashed: signal 6 (SIGABRT)"), (-15, "ended by signal 15 (SIGTERM)"), (-200, "ended by signal 200"),
     (3, "exit status 3"), (None, "its output ended")],
)
def test_an_exit_is_described_as_it_was(code: int | None, expected: str) -> None:
    text = _describe_exit(code)
    assert text.startswith(expected)
    if code != -9:
        assert "memory" not in text
