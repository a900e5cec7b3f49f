"""The model manager as its own window: the catalog with verdicts, downloads and installed models (ModelPane)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from phidesk.gui.model_pane import ModelPane


class ModelManagerDialog(QDialog):
    """Non-modal; Esc closes it; downloads go on while it is closed (the pane lives as long as the window)."""

    def __init__(self, pane: ModelPane, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pane = pane
        self.setWindowTitle("Models — PhiDesk")
        self.setModal(False)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(pane)
        self.resize(900, 640)
