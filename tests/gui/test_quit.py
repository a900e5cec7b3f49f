"""Quitting after an image question: the real app in its own process exits 0, without aborting.

PySide6 6.12.0's ``SignalInstance.emit`` takes a reference away from ``True`` on every emit from
Python; on Python 3.11 a few thousand emits (here the tokens of one long answer) deallocate ``True``
and the process aborts with "Fatal Python error: bool_dealloc", typically at quit.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from phidesk import settings
from phidesk.engine.protocol import Sampling
from phidesk.models import library
from tests.builders.tiny_phi3v import cached_tiny_phi3v

ROOT = Path(__file__).resolve().parents[2]
ANSWER_TOKENS = 3_000


@pytest.mark.slow
def test_ctrl_q_after_a_long_image_answer_exits_0(phidesk_home: Path, tmp_path: Path) -> None:
    library.import_path(cached_tiny_phi3v(), "tiny-vision")
    settings.save(settings.Settings(
        default_model="tiny-vision", provider="cpu", context_cap=8192,
        sampling=Sampling(temperature=0, max_new_tokens=ANSWER_TOKENS, min_new_tokens=ANSWER_TOKENS)))
    picture = tmp_path / "red.png"
    Image.new("RGB", (320, 240), "red").save(picture)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "gui" / "quit_driver.py"), str(picture)],
                          capture_output=True, text=True, timeout=400, env=env, check=False)
    assert "Fatal Python error" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 0, proc.stderr[-3000:]
    said = re.findall(r"^driver: (.*)$", proc.stderr, re.MULTILINE)
    assert said == [f"answered with {ANSWER_TOKENS} tokens"], proc.stderr[-3000:]


def test_every_emit_in_the_app_goes_through_the_safe_emit() -> None:
    """A plain ``signal.emit(...)`` from Python would bring the drain back."""
    plain = [f"{path.relative_to(ROOT)}:{number}"
             for path in sorted((ROOT / "src" / "phidesk" / "gui").rglob("*.py")) if path.name != "signals.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\.emit\(", line)]
    assert plain == []


def test_many_void_qt_calls_do_not_use_up_none() -> None:
    """PySide6 6.12 drops a reference to None on each void call; 100,000 calls must not abort the process."""
    script = ("import sys\nimport phidesk.gui.signals\nfrom PySide6.QtWidgets import QApplication, QLabel\n"
              "app = QApplication(sys.argv)\nlabel = QLabel()\n"
              "for _ in range(100_000):\n    label.setText('x')\nprint('alive')\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert "none_dealloc" not in done.stderr
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "alive"
