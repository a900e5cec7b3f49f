"""Import… in the model manager: a model folder or a GGUF file, a name for it, and the import with progress.

The name is checked with the library's id rules (``library.id_problem``) as it is typed, so a name that is
taken or could not be a folder is refused with its reason before anything is copied or converted. A GGUF
file is converted by its own process (``library.import_path`` → ``phidesk.models.convert``), started from a
pool task, never on the GUI thread; its progress lines come back as a queued signal; Cancel ends the
converter and leaves nothing installed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from phidesk.gui.i18n import translate
from phidesk.gui.plain import plain_label
from phidesk.gui.signals import emit
from phidesk.gui.texts_view import localized, sentence
from phidesk.models import library

FOLDER, GGUF = "folder", "gguf"


def pick_source(parent: QWidget | None, kind: str) -> Path | None:
    """Ask for a model folder (*kind* FOLDER) or a .gguf file (GGUF); None if the user gave up."""
    if kind == FOLDER:
        path = QFileDialog.getExistingDirectory(
            parent, translate("ImportModel", "Import an onnxruntime-genai or Hugging Face model folder"),
            str(Path.home()))
    else:
        path, _ = QFileDialog.getOpenFileName(parent, translate("ImportModel", "Import a GGUF model file"),
                                              str(Path.home()), translate("ImportModel", "GGUF models (*.gguf)"))
    return Path(path) if path else None


class ImportNameDialog(QDialog):
    """The name a model is installed under: prefilled from the file or folder name, checked as it is typed."""

    def __init__(self, source: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("ImportModel", "Name the model"))
        layout = QVBoxLayout(self)
        if source.is_file():
            what = translate("ImportModel", "Import {name}, a GGUF file (converted for onnxruntime-genai; this takes a "
                                            "few minutes), as:")
        else:
            what = translate("ImportModel", "Import {name}, a model folder (copied), as:")
        layout.addWidget(plain_label(what.format(name=source.name), self))
        self.name = QLineEdit(library.slug(source.name), self)
        self.name.setAccessibleName(translate("ImportModel", "Model name"))
        self.name.setMaxLength(library.MAX_ID_CHARS + 1)  # one more, so "too long" can be said
        layout.addWidget(self.name)
        self.problem = plain_label("", self)
        self.problem.setAccessibleName(translate("ImportModel", "Why this name cannot be used"))
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(translate("ImportModel", "Import"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._check)
        self._check(self.name.text())

    def _check(self, text: str) -> None:
        problem = library.id_problem(text.strip())
        self.problem.setText(sentence(localized(problem)) if problem else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)

    def accept(self) -> None:
        self._check(self.name.text())  # taken meanwhile (another window, the CLI)?
        if library.id_problem(self.model_id()) is None:
            super().accept()

    def model_id(self) -> str:
        return self.name.text().strip()


class ImportRow(QWidget):
    """One running import: what, as what, its last progress line, and Cancel. The task's result comes to the
    row (a receiver in the GUI thread: the task and its signals object are gone by the time it is delivered)."""

    finished = Signal(object)  # the import's result: the InstalledModel, or the exception

    def __init__(self, source: Path, model_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_id = model_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        self.label = plain_label(
            translate("ImportModel", "Importing {name} as {model}…").format(name=source.name, model=model_id), self)
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        row = QHBoxLayout()
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # the converter reports steps, not a fraction
        self.bar.setAccessibleName(
            translate("ImportModel", "Progress of the import of {model}").format(model=model_id))
        row.addWidget(self.bar, 1)
        self.cancel = QPushButton(translate("ImportModel", "Cancel"), self)
        self.cancel.setAccessibleName(translate("ImportModel", "Cancel the import of {model}").format(model=model_id))
        row.addWidget(self.cancel)
        layout.addLayout(row)
        self.step = QLabel("", self)
        self.step.setTextFormat(Qt.TextFormat.PlainText)  # the converter's lines come from outside
        self.step.setAccessibleName(translate("ImportModel", "Import step"))
        layout.addWidget(self.step)

    @Slot(str)
    def show_progress(self, line: str) -> None:
        self.step.setText(line[:200])

    @Slot(object)
    def on_done(self, result: object) -> None:
        emit(self.finished, result)
