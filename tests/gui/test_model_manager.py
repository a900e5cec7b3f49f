"""The model manager as its own dialog: sections, Esc, its size kept; the catalog's builds that cannot run here
listed apart; Import… names the model (checked with the library's rules) and imports it off the GUI thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialogButtonBox

from phidesk import settings
from phidesk.gui.catalog_tree import ID_ROLE, OTHER_BUILDS
from phidesk.gui.model_import import ImportNameDialog
from phidesk.gui.model_manager import ModelManagerDialog
from phidesk.gui.model_pane import ModelPane
from phidesk.models import library
from phidesk.models.hardware import CpuInfo, Hardware, ProviderStatus, RamInfo
from phidesk.models.report import machine_report

HANG_GUARD_MS = 120_000  # only stops a hang: a copy of the starter takes about a second


def test_dialog_is_non_modal_opens_at_a_section_closes_on_esc_and_keeps_its_size(qtbot: object,
                                                                                 phidesk_home: Path) -> None:
    settings.update({"ui": {"geometry": "kept"}})  # the main window's own layout must survive the dialog
    dialog = ModelManagerDialog()
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    assert not dialog.isModal()
    dialog.show_section("installed")
    qtbot.waitExposed(dialog)  # type: ignore[attr-defined]
    assert dialog.isVisible()
    assert dialog.focusWidget() is dialog.pane.tree
    dialog.show_section("catalog")
    assert dialog.focusWidget() is dialog.pane.catalog
    with pytest.raises(ValueError, match="unknown section"):
        dialog.show_section("nowhere")
    dialog.resize(700, 555)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # type: ignore[attr-defined]
    assert not dialog.isVisible()
    assert settings.load().ui == {"geometry": "kept", "model_manager": [700, 555]}
    again = ModelManagerDialog()
    qtbot.addWidget(again)  # type: ignore[attr-defined]
    assert again.size() == QSize(700, 555)


def test_builds_this_computer_cannot_run_are_listed_apart_with_the_reason(qtbot: object, phidesk_home: Path) -> None:
    linux_without_gpu = Hardware(os="linux", arch="x86_64", cpu=CpuInfo("test CPU", 8, 16, ["avx2"]),
                                 ram=RamInfo(24_000, 23_500), gpus=[], providers={"cpu": ProviderStatus(True)})
    pane = ModelPane()
    qtbot.addWidget(pane)  # type: ignore[attr-defined]
    pane._on_report(machine_report(hardware=linux_without_gpu))
    top = [pane.catalog.topLevelItem(i) for i in range(pane.catalog.topLevelItemCount())]
    groups = [item for item in top if item is not None and item.text(0) == OTHER_BUILDS]
    assert len(groups) == 1
    group = groups[0]
    assert not group.flags() & Qt.ItemFlag.ItemIsSelectable
    assert group.data(0, ID_ROLE) is None
    children = [group.child(i) for i in range(group.childCount())]
    assert {child.text(1) for child in children} == {"cuda", "dml"}
    assert all(child.text(3) == "cannot run" for child in children)
    dml = next(child for child in children if child.text(1) == "dml")
    assert "DirectML runs on Windows only" in dml.toolTip(3)
    runnable = [item for item in top if item is not group]
    assert runnable
    assert all(item.text(1) == "cpu" and item.text(3) != "cannot run" for item in runnable)


def test_import_name_is_prefilled_and_checked_with_the_library_rules(qtbot: object, starter_installed: Path,
                                                                   tmp_path: Path) -> None:
    source = tmp_path / "My Model.Q4_K_M.gguf"
    source.write_bytes(b"GGUF")
    dialog = ImportNameDialog(source)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.model_id() == "my-model.q4_k_m"
    assert ok.isEnabled()
    assert dialog.problem.text() == ""
    dialog.name.setText("starter")  # installed already
    assert not ok.isEnabled()
    assert dialog.problem.text() == "A model named 'starter' is already installed: choose another name."
    dialog.name.setText("Bad Name!")
    assert not ok.isEnabled()
    assert "lower-case letters" in dialog.problem.text()
    dialog.name.setText("")
    assert dialog.problem.text() == "Give the model a name."
    dialog.name.setText("x" * (library.MAX_ID_CHARS + 1))
    assert not ok.isEnabled()
    dialog.name.setText("mine")
    assert ok.isEnabled()
    dialog.accept()
    assert dialog.result() == ImportNameDialog.DialogCode.Accepted


def test_a_folder_imports_under_the_name_given_in_the_background(qtbot: object, phidesk_home: Path,
                                                                 starter_source: Path) -> None:
    pane = ModelPane()
    qtbot.addWidget(pane)  # type: ignore[attr-defined]
    row = pane.import_path(str(starter_source), "my-phi")
    assert pane.imports_layout.indexOf(row) >= 0  # shown at once; the copy runs on the pool
    qtbot.waitUntil(lambda: library.installed("my-phi") is not None, timeout=HANG_GUARD_MS)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: pane.imports_layout.count() == 0, timeout=HANG_GUARD_MS)  # type: ignore[attr-defined]
    names = [pane.tree.topLevelItem(i).text(0) for i in range(pane.tree.topLevelItemCount())]  # type: ignore[union-attr]
    assert names == ["my-phi"]
    assert library.id_problem("my-phi") == "a model named 'my-phi' is already installed: choose another name"
