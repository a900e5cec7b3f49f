"""The About dialog: versions, runtime flavour, providers, folders, and Copy for a bug report.

Labels and the fixed values are shown in the window's language; "Copy for a bug report" copies the English
text (:func:`phidesk.about.about_text`), which the people reading bug reports read.
"""

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
from phidesk.engine.runtime import provider_name
from phidesk.gui.i18n import standard_buttons, translate
from phidesk.gui.plain import plain_label
from phidesk.texts import QT_TRANSLATE_NOOP

LABELS = {label: label for label in (
    QT_TRANSLATE_NOOP("About", "Qt bindings"), QT_TRANSLATE_NOOP("About", "System"),
    QT_TRANSLATE_NOOP("About", "Privacy"), QT_TRANSLATE_NOOP("About", "Providers"),
    QT_TRANSLATE_NOOP("About", "Loaded model"), QT_TRANSLATE_NOOP("About", "Data folder"),
    QT_TRANSLATE_NOOP("About", "Models folder"), QT_TRANSLATE_NOOP("About", "Settings folder"),
    QT_TRANSLATE_NOOP("About", "Logs folder"), QT_TRANSLATE_NOOP("About", "Cache folder"))}
"""The rows' English labels (from :mod:`phidesk.about`) that have a translation; the others are names."""

VALUES = {value: value for value in (
    QT_TRANSLATE_NOOP("About", "available (loads a model)"),
    QT_TRANSLATE_NOOP("About", "available (compiled in; not yet tried with a model)"),
    QT_TRANSLATE_NOOP("About", "not checked yet (the Models pane checks them at start)"),
    QT_TRANSLATE_NOOP("About", "PhiDesk sends nothing: it uses the network only to download a model you chose. "
                               "The runtime's own telemetry (onnxruntime, onnxruntime-genai) is turned off in "
                               "every process."))}
"""Values that are fixed texts; the others (versions, paths, reasons) are shown as they are."""


def shown_label(label: str) -> str:
    """A row's label in the window's language."""
    if label.startswith("Provider ") and label != "Providers":
        return translate("About", "Provider {name}").format(name=label.removeprefix("Provider "))
    return translate("About", LABELS[label]) if label in LABELS else label


REASONS = {reason: reason for reason in (
    QT_TRANSLATE_NOOP("About", "the CUDA build of onnxruntime-genai is not installed (see README: GPU builds)"),
    QT_TRANSLATE_NOOP("About", "this onnxruntime-genai build has no DirectML (Windows only)"),
    QT_TRANSLATE_NOOP("About", "DirectML is Windows only"),
    QT_TRANSLATE_NOOP("About", "unknown reason"),
    QT_TRANSLATE_NOOP("About", "not installed"))}
"""The providers' fixed reasons (phidesk.engine.runtime / providers; the machine report keeps them as text)."""


def shown_value(value: str) -> str:
    if value.startswith("not available: "):
        reason = value.removeprefix("not available: ")
        if reason in REASONS:
            reason = translate("About", REASONS[reason])
        elif reason.startswith("no usable NVIDIA GPU ("):
            reason = translate("About", "no usable NVIDIA GPU ({detail})").format(
                detail=reason.removeprefix("no usable NVIDIA GPU (").removesuffix(")"))
        return translate("About", "not available: {reason}").format(reason=reason)
    if value in REASONS:
        return translate("About", REASONS[value])
    for suffix, text in ((" (from Python)", QT_TRANSLATE_NOOP("About", "{version} (from Python)")),
                         (" (packaged app)", QT_TRANSLATE_NOOP("About", "{version} (packaged app)"))):
        if value.endswith(suffix):
            return translate("About", text).format(version=value.removesuffix(suffix))
    return translate("About", VALUES[value]) if value in VALUES else value


class AboutDialog(QDialog):
    def __init__(self, report: dict[str, Any] | None, loaded: tuple[str, str] | None,
                 icon: QPixmap | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("About", "About PhiDesk"))
        self.setAccessibleName(translate("About", "About PhiDesk"))
        self.text = about_text(report, loaded)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        if icon is not None and not icon.isNull():
            picture = QLabel(self)
            picture.setPixmap(icon.scaled(72, 72, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))
            top.addWidget(picture)
        title = QLabel("<h2>PhiDesk</h2><p>{}</p>".format(
            translate("About", "Offline chat with small language models. Nothing you type or show it leaves this "
                               "computer unless you start a download.")), self)
        title.setWordWrap(True)
        top.addWidget(title, 1)
        layout.addLayout(top)
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for label, value in about_rows(report, loaded):
            # paths, reasons and names shown literally (an escaped ' showed as &#x27;)
            text = shown_value(value)
            if label == "Loaded model" and loaded is not None:
                text = translate("About", "{model} on {provider}").format(model=loaded[0],
                                                                          provider=provider_name(loaded[1]))
            shown = plain_label(text, self)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setAccessibleName(shown_label(label))
            form.addRow(translate("About", "{label}:").format(label=shown_label(label)), shown)
            self.values[label] = shown
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        standard_buttons(buttons)
        self.copy_button = QPushButton(translate("About", "Copy for a bug report"), self)
        self.copy_button.setAccessibleName(translate("About", "Copy these details for a bug report"))
        self.copy_button.clicked.connect(self.copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        width = 640  # paths and provider reasons on one line each; as tall as the rows need at that width
        self.resize(width, layout.heightForWidth(width) if layout.hasHeightForWidth() else self.sizeHint().height())

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text)
        self.copy_button.setText(translate("About", "Copied"))
