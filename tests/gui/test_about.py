"""The About dialog and `phidesk about`: real versions, providers and folders, and Copy for a bug report."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from phidesk import settings
from phidesk.gui.about import AboutDialog
from phidesk.gui.main_window import MainWindow
from phidesk.store import Store

REPORT = {"providers": {"cpu": {"ok": True, "unverified": False},
                        "cuda": {"ok": False, "reason": "this onnxruntime-genai build has no CUDA support"}}}


def test_about_shows_versions_providers_and_folders_and_copies_them(qtbot: object, phidesk_home: Path) -> None:
    dialog = AboutDialog(REPORT, ("starter", "cpu"))
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    genai = metadata.version("onnxruntime-genai")
    assert dialog.values["onnxruntime-genai"].text() == f"onnxruntime-genai {genai}"
    assert dialog.values["Provider CPU"].text() == "available (loads a model)"
    assert "no CUDA support" in dialog.values["Provider CUDA"].text()
    assert dialog.values["Loaded model"].text() == "starter on CPU"
    assert dialog.values["Privacy"].text().startswith("PhiDesk sends nothing")
    privacy = dialog.values["Privacy"].text()
    assert "The runtime's own telemetry (onnxruntime, onnxruntime-genai) is turned off" in privacy
    assert dialog.values["Privacy"].textFormat() == Qt.TextFormat.PlainText  # shown as written: no &#x27;
    assert dialog.values["Data folder"].text() == str(phidesk_home / "data")
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    copied = QGuiApplication.clipboard().text()
    assert f"onnxruntime-genai {genai}" in copied
    assert str(phidesk_home / "models") in copied
    assert dialog.copy_button.text() == "Copied"


def test_the_about_button_and_f1_open_about_from_the_window(qtbot: object, phidesk_home: Path) -> None:
    window = MainWindow(Store(), settings.Settings())
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()

    def open_dialogs() -> list[AboutDialog]:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, AboutDialog) and w.isVisible()]

    try:
        qtbot.mouseClick(window.about_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
        assert len(open_dialogs()) == 1
        assert "PhiDesk" in open_dialogs()[0].values
        open_dialogs()[0].close()
        f1 = [s for s in window.findChildren(QShortcut) if s.key() == QKeySequence("F1")]
        assert len(f1) == 1
        f1[0].activated.emit()  # offscreen windows get no key focus for shortcuts: fire it as Qt would
        assert len(open_dialogs()) == 1
        open_dialogs()[0].close()
    finally:
        window.close()
        window.store.close()


def test_phidesk_about_prints_the_same_rows(phidesk_home: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "phidesk", "about"], capture_output=True, text=True, check=False,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"onnxruntime-genai {metadata.version('onnxruntime-genai')}" in done.stdout
    assert "Provider CPU" in done.stdout
    assert str(phidesk_home / "data") in done.stdout
