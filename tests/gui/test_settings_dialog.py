"""The settings dialog: what it shows and what it returns (no model needed)."""

from __future__ import annotations

from pathlib import Path

from phidesk import paths, settings
from phidesk.gui.settings_dialog import PRESETS, SettingsDialog


def test_dialog_returns_edited_settings(qtbot: object, phidesk_home: Path) -> None:
    prefs = settings.Settings(provider="cpu", context_cap=4096)
    dialog = SettingsDialog(prefs, ["starter", "phi-3.5-mini-instruct"], ("starter", None),
                            gpus=[(0, "NVIDIA H100 (81,559 MB)"), (1, "Other GPU (8,192 MB)")])
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.preset.setCurrentText("Concise")
    dialog.temperature.setValue(0)
    dialog.context.setValue(8192)
    dialog.provider.setCurrentText("dml")
    dialog.gpu.setCurrentIndex(dialog.gpu.findData(1))
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.conv_model.setCurrentIndex(2)
    dialog.conv_system.setPlainText("Answer in French.")
    assert not dialog.offline.isChecked()
    dialog.offline.setChecked(True)
    new = dialog.result_settings()
    assert new.offline
    assert new.system_prompt == PRESETS["Concise"]
    assert new.sampling.temperature == 0
    assert new.sampling.greedy
    assert (new.context_cap, new.provider, new.gpu_index, new.theme) == (8192, "dml", 1, "dark")
    assert dialog.result_conversation() == ("phi-3.5-mini-instruct", "Answer in French.")
    settings.save(new)
    assert settings.load() == new  # and it persists


def test_a_bad_gpu_index_in_the_file_falls_back(phidesk_home: Path) -> None:
    path = paths.settings_file()
    path.write_text('{"version": 1, "gpu_index": -3, "provider": "cuda"}', encoding="utf-8")
    loaded = settings.load()
    assert loaded.gpu_index is None
    assert loaded.provider == "cuda"
