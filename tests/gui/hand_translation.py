"""A hand-made translation (a .ts written by a test, compiled with PySide6's lrelease) installed with the Hindi
(India) locale as the default, for tests that a widget shows what the installed translation says."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator


def lrelease() -> str:
    found = shutil.which("pyside6-lrelease") or str(Path(sys.executable).with_name("pyside6-lrelease"))
    assert Path(found).exists(), "pyside6-lrelease is missing (it comes with PySide6)"
    return found


@contextmanager
def installed(ts_xml: str, folder: Path) -> Iterator[None]:
    source, compiled = folder / "hand_hi.ts", folder / "hand_hi.qm"
    source.write_text(ts_xml, encoding="utf-8")
    subprocess.run([lrelease(), str(source), "-qm", str(compiled)], check=True, capture_output=True, timeout=60)
    translator = QTranslator()
    assert translator.load(str(compiled))
    before = QLocale()
    QCoreApplication.installTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.Hindi, QLocale.Country.India))
    try:
        yield
    finally:
        QCoreApplication.removeTranslator(translator)
        QLocale.setDefault(before)
