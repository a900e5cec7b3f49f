"""Text from data (model names and ids, titles, file names, error messages, hub files) shown safely.

A ``QLabel``, ``QMessageBox`` or tooltip guesses "rich text" when a string looks like HTML, so a
conversation title or a model name such as ``<img src='/some/fifo'>`` would be drawn as markup and
could make Qt read a local file on the GUI thread. Everything that may carry such a string goes
through here: labels and message boxes in ``Qt.PlainText`` format, tooltips as escaped rich text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from phidesk.gui.i18n import standard_buttons
from phidesk.gui.markdown import escape

Button = QMessageBox.StandardButton


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows *text* literally, whatever it contains."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def tooltip(text: str) -> str:
    """A tooltip that shows *text* literally (tooltips have no plain-text switch: escape it as rich text)."""
    return "<qt>" + escape(text).replace("\n", "<br>") + "</qt>" if text else ""


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, *,
         buttons: QMessageBox.StandardButton, default: QMessageBox.StandardButton) -> QMessageBox.StandardButton:
    box = QMessageBox(icon, title, "", buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    box.setDefaultButton(default)
    standard_buttons(box)
    return Button(box.exec())


def ask(parent: QWidget | None, title: str, text: str,
        buttons: QMessageBox.StandardButton = Button.Yes | Button.No,
        default: QMessageBox.StandardButton = Button.NoButton) -> QMessageBox.StandardButton:
    """``QMessageBox.question`` with the text shown literally."""
    return _box(parent, QMessageBox.Icon.Question, title, text, buttons=buttons, default=default)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """``QMessageBox.warning`` with the text shown literally."""
    _box(parent, QMessageBox.Icon.Warning, title, text, buttons=Button.Ok, default=Button.Ok)


def inform(parent: QWidget | None, title: str, text: str) -> None:
    """``QMessageBox.information`` with the text shown literally."""
    _box(parent, QMessageBox.Icon.Information, title, text, buttons=Button.Ok, default=Button.Ok)
