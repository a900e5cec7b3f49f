"""What the window says at start-up about things found on the way: a damaged settings file set aside."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from phidesk import paths

ROOT = Path(__file__).resolve().parents[2]


def test_a_damaged_settings_file_is_a_notice_in_the_window(phidesk_home: Path) -> None:
    path = paths.settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"theme": "dark",', encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "gui" / "notice_driver.py")], capture_output=True,
                          text=True, timeout=120, env=env, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    kept = [p.name for p in path.parent.glob("settings.json.bad-*")]
    assert len(kept) == 1
    banner = [line for line in proc.stdout.splitlines() if line.startswith("banner: ")]
    assert len(banner) == 1, proc.stdout
    assert str(path) in banner[0]
    assert kept[0] in banner[0]
    assert "default settings" in banner[0]
