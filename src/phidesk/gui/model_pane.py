"""The model manager pane: installed models (size, text/vision, provider) with Load and Unload.

The catalog, downloads and hardware summary of the model-manager issue will join this pane.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from phidesk.models import library

ID_ROLE = Qt.ItemDataRole.UserRole


class ModelPane(QWidget):
    load_requested = Signal(str)
    unload_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        title = QLabel("<b>Installed models</b>", self)
        layout.addWidget(title)
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName("Installed models")
        self.tree.setHeaderLabels(["Model", "Type", "Size", "Context", "Status"])
        self.tree.setRootIsDecorated(False)
        self.tree.itemDoubleClicked.connect(lambda item, _col: self.load_requested.emit(item.data(0, ID_ROLE)))
        layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        self.load_button = QPushButton("Load", self)
        self.load_button.setAccessibleName("Load the selected model")
        self.load_button.clicked.connect(self._on_load)
        self.unload_button = QPushButton("Unload", self)
        self.unload_button.setAccessibleName("Unload the model")
        self.unload_button.clicked.connect(self.unload_requested)
        buttons.addWidget(self.load_button)
        buttons.addWidget(self.unload_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.hint = QLabel(
            "More models: <code>phidesk models import PATH</code> (an onnxruntime-genai folder, a GGUF file or a "
            "Hugging Face checkpoint). Phi-3.5 downloads from the catalog are coming to this pane.", self)
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.loaded_id: str | None = None
        self.loaded_provider = ""

    def refresh(self) -> None:
        self.tree.clear()
        for model in library.list_models():
            info = model.info
            status = ""
            if model.id == self.loaded_id:
                status = f"loaded · {self.loaded_provider.upper()}"
            elif not model.usable:
                status = "broken"
            item = QTreeWidgetItem([
                model.id,
                ("vision" if info.vision else "text") if info else "-",
                f"{info.size_bytes / 1e6:,.0f} MB" if info else "-",
                f"{info.context_length:,}" if info else "-",
                status,
            ])
            item.setData(0, ID_ROLE, model.id)
            if model.problem:
                item.setToolTip(0, model.problem)
            self.tree.addTopLevelItem(item)
        for column in range(self.tree.columnCount()):
            self.tree.resizeColumnToContents(column)

    def set_loaded(self, model_id: str | None, provider: str = "") -> None:
        self.loaded_id, self.loaded_provider = model_id, provider
        self.refresh()

    @Slot()
    def _on_load(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            self.load_requested.emit(item.data(0, ID_ROLE))
