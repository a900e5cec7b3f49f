"""Text from data (model names and ids, titles, file names, error messages, hub files) shown safely.

A ``QLabel``, ``QMessageBox`` or tooltip guesses "rich text" when a string looks like HTML, so a
conversation title or a model name such as ``<img src='/some/fifo'>`` would be drawn as markup and
could make Qt read a local file on the GUI thread. Everything that may carry such a string goes
through here: labels and message boxes in ``Qt.PlainText`` format, tooltips as escaped rich text.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent, QShowEvent
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


class ElidedLabel(QLabel):
    """A one-line plain-text label that takes the width it is given and ends with "…" when its text is longer;
    the tooltip then holds all of it. Its minimum width is a few characters, so a long title never makes the window
    wider (a plain label's minimum is its whole text)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._full = ""
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.updateGeometry()
        self._fit()

    def full_text(self) -> str:
        return self._full

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        return QSize(metrics.horizontalAdvance(self._full) + margins.left() + margins.right() + 2,
                     super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(self.fontMetrics().horizontalAdvance("M…") * 2, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
            self._fit()

    def _fit(self) -> None:
        # not laid out yet (hidden): all of it, cut when it gets its width
        shown = (self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, self.contentsRect().width())
                 if self.isVisible() else self._full)
        self.setText(shown)
        self.setAccessibleDescription(self._full)  # a screen reader says all of it
        self.setToolTip(tooltip(self._full) if shown != self._full else "")


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
