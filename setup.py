"""The translations compiled into the wheel: ``resources/i18n/*.ts`` → ``phidesk/resources/i18n/*.qm``.

Everything else is in pyproject.toml. ``lrelease`` comes with PySide6, which the wheel build has
(packaging/backend/phidesk_backend.py asks for it); without it the .qm are left out and PhiDesk compiles
them into its cache at the first start. An editable install reads resources/ in place and does the same.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


def lrelease() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return None
    exe = Path(spec.origin).parent / ("lrelease.exe" if sys.platform == "win32" else "lrelease")
    return exe if exe.is_file() else None


class BuildWithTranslations(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        sources = sorted((Path(__file__).parent / "resources" / "i18n").glob("phidesk_*.ts"))
        tool = lrelease()
        if sources and tool is None:
            print("warning: PySide6's lrelease not found: the .qm files are left out of the build", file=sys.stderr)
            return
        target = Path(self.build_lib) / "phidesk" / "resources" / "i18n"
        target.mkdir(parents=True, exist_ok=True)
        for ts in sources:
            subprocess.run([str(tool), "-silent", str(ts), "-qm", str(target / f"{ts.stem}.qm")], check=True)


setup(cmdclass={"build_py": BuildWithTranslations})
