"""The GUI-stall probe's canary: a gap of its own process is reported, on the clock the window's gaps use."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from phidesk.gui.probe import CANARY_OVER_MS, Canary, steal_ms

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGSTOP stops the canary for a known time")

STOPPED_S = 0.3


def test_the_canary_reports_the_time_it_could_not_run() -> None:
    canary = Canary()  # returns once it is in its loop
    try:
        os.kill(canary.process.pid, signal.SIGSTOP)
        time.sleep(STOPPED_S)
        resumed = time.perf_counter()
        os.kill(canary.process.pid, signal.SIGCONT)
        assert canary.process.stdout is not None
        gaps = []
        while not gaps or gaps[-1][1] < resumed:  # lines as gaps end; a shorter one of a busy machine may come first
            start, end = (float(x) for x in canary.process.stdout.readline().split())
            gaps.append((start, end))
        start, end = gaps[-1]
        # the gap holds the stop, on the same clock as this process's (the canary may finish one 5 ms sleep after
        # the signal is sent: it cannot make progress for long after that)
        assert start < resumed <= end
        assert end - start >= STOPPED_S - 0.05
        assert (end - start) * 1000 > CANARY_OVER_MS
    finally:
        assert isinstance(canary.stop(), list)
    assert canary.process.returncode is not None  # ended


def test_steal_is_a_count_on_linux() -> None:
    first = steal_ms()
    if sys.platform.startswith("linux"):
        assert 0 <= first <= steal_ms()
    else:
        assert first == -1.0
