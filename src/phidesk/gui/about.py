"""The About dialog: versions, runtime flavour, providers, folders, and Copy for a bug report."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from phidesk.about import about_rows, about_text
from phidesk.gui.plain import plain_label


class AboutDialog(QDialog):
    def __init__(self, report: dict[str, Any] | None, loaded: tuple[str, str] | None,
                 icon: QPixmap | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About PhiDesk")
        self.setAccessibleName("About PhiDesk")
        self.text = about_text(report, loaded)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        if icon is not None and not icon.isNull():
            picture = QLabel(self)
            picture.setPixmap(icon.scaled(72, 72, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))
            top.addWidget(picture)
        title = QLabel("<h2>PhiDesk</h2><p>Offline chat with small language models. Nothing you type or show "
                       "it leaves this computer unless you start a download.</p>", self)
        title.setWordWrap(True)
        top.addWidget(title, 1)
        layout.addLayout(top)
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for label, value in about_rows(report, loaded):
            shown = plain_label(value, self)  # paths, reasons and names shown literally (an escaped ' showed as &#x27;)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setAccessibleName(label)
            form.addRow(f"{label}:", shown)
            self.values[label] = shown
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("Copy for a bug report", self)
        self.copy_button.setAccessibleName("Copy these details for a bug report")
        self.copy_button.clicked.connect(self.copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        width = 640  # paths and provider reasons on one line each; as tall as the rows need at that width
        self.resize(width, layout.heightForWidth(width) if layout.hasHeightForWidth() else self.sizeHint().height())

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text)
        self.copy_button.setText("Copied")
