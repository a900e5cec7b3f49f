"""The window beside hostile model folders and beside other PhiDesk processes that share the settings file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from phidesk import paths, settings
from phidesk.gui.main_window import MainWindow
from phidesk.gui.settings_dialog import SettingsDialog
from phidesk.models import library
from phidesk.store import Store

LOAD_TIMEOUT_MS = 120_000


def _open(qtbot: object, prefs: settings.Settings) -> MainWindow:
    window = MainWindow(Store(), prefs)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    if window.bridge.current is None:
        with qtbot.waitSignal(window.bridge.loaded, timeout=LOAD_TIMEOUT_MS):  # type: ignore[attr-defined]
            pass
    return window


def _phidesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "phidesk", *args], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ), check=False)


def test_the_window_starts_beside_a_model_with_a_deeply_nested_config(
        qtbot: object, starter_installed: Path, model_copy: Path) -> None:
    (model_copy / "genai_config.json").write_text('{"model": ' + "[" * 100_000 + "]" * 100_000 + "}",
                                                  encoding="utf-8")
    shutil.copytree(model_copy, paths.models_dir() / "deep")
    paths.settings_file().parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file().write_text('{"version": 1, "default_model": "deep", "provider": "cpu"}', encoding="utf-8")
    window = _open(qtbot, settings.load())
    try:
        assert window.model_id == "starter"  # the broken default is passed over
        rows = {window.models.tree.topLevelItem(i).text(0): window.models.tree.topLevelItem(i)
                for i in range(window.models.tree.topLevelItemCount())}
        assert rows["deep"].text(4) == "broken"
        assert "genai_config.json: nested 100001 levels deep" in rows["deep"].toolTip(0)
        assert rows["starter"].text(4).startswith("loaded")
    finally:
        window.close()
        window.store.close()


def test_closing_the_window_keeps_what_other_processes_changed_meanwhile(
        qtbot: object, starter_installed: Path, starter_source: Path) -> None:
    library.import_path(starter_source, "other")
    settings.save(settings.Settings(provider="cpu", default_model="starter"))
    window = _open(qtbot, settings.load())
    try:
        # meanwhile the CLI, another process, sets another default model
        result = _phidesk("models", "default", "other")
        assert result.returncode == 0, result.stderr

        def change_the_system_prompt() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, SettingsDialog)
            dialog.system.setPlainText("Be brief.")
            dialog.accept()

        QTimer.singleShot(0, change_the_system_prompt)
        window.open_settings()  # this window changes only the system prompt
    finally:
        window.close()  # and writes its size and layout
        window.store.close()
    stored = settings.load()
    assert (stored.default_model, stored.system_prompt, stored.provider) == ("other", "Be brief.", "cpu")
    assert isinstance(stored.ui.get("geometry"), str)


def test_the_dialog_reports_only_what_the_user_changed(qtbot: object, phidesk_home: Path) -> None:
    prefs = settings.Settings(provider="cpu", default_model="mine", ui={"geometry": "AAA"})
    dialog = SettingsDialog(prefs, ["starter"], None)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    assert dialog.changes() == {}
    dialog.temperature.setValue(0.1)
    dialog.context.setValue(8192)
    assert dialog.changes() == {"context_cap": 8192, "sampling": {"temperature": 0.1}}


@pytest.mark.parametrize("damage", ["deep", "binary"])
def test_a_damaged_settings_file_does_not_stop_the_window(qtbot: object, starter_installed: Path,
                                                          damage: str) -> None:
    path = paths.settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"[" * 100_000 if damage == "deep" else b"\xff\xfe\x81")
    window = _open(qtbot, settings.load())
    try:
        assert window.model_id == "starter"
        assert len(list(path.parent.glob("settings.json.bad-*"))) == 1
    finally:
        window.close()
        window.store.close()
