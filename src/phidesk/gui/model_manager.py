"""The model manager in a window of its own: the models pane (catalog with verdicts, downloads, installed).

Non-modal: the chat stays usable while a download runs. Closing (Esc, the window's close button) only hides
it, so downloads and imports go on and it opens again as it was; its size is kept in the settings
(``ui.model_manager``, merged key by key, so the main window's own layout is left alone).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize
from PySide6.QtGui import QCloseEvent, QHideEvent
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from phidesk import settings as settings_module
from phidesk.errors import UserError
from phidesk.gui.i18n import translate
from phidesk.gui.model_pane import ModelPane

log = logging.getLogger(__name__)

SECTIONS = ("catalog", "installed")
DEFAULT_SIZE = QSize(820, 680)
UI_KEY = "model_manager"


class ModelManagerDialog(QDialog):
    def __init__(self, pane: ModelPane | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("ModelManager", "Models"))
        self.setModal(False)
        self.setSizeGripEnabled(True)
        self.pane = pane if pane is not None else ModelPane(self)
        self.pane.setParent(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pane)
        self.resize(self._kept_size())
        self.section = "catalog"

    def add_section(self, widget: QWidget) -> None:
        """A part under the models pane (the remote endpoints)."""
        layout = self.layout()
        assert layout is not None
        layout.addWidget(widget)

    @staticmethod
    def _kept_size() -> QSize:
        try:
            kept = settings_module.load().ui.get(UI_KEY)
        except (UserError, OSError):
            kept = None
        if isinstance(kept, list) and len(kept) == 2 and all(isinstance(x, int) and 200 <= x <= 20_000 for x in kept):
            return QSize(kept[0], kept[1])
        return DEFAULT_SIZE

    def show_section(self, section: str) -> None:
        """Show the dialog (raised, focused) at the catalog ("Get models") or the installed models."""
        if section not in SECTIONS:
            raise ValueError(f"unknown section {section!r} (one of {', '.join(SECTIONS)})")
        self.show()
        self.raise_()
        self.activateWindow()
        target = self.pane.catalog if section == "catalog" else self.pane.tree
        target.setFocus()
        self.section = section

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt's name)
        self._save_size()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self._save_size()
        super().closeEvent(event)

    def _save_size(self) -> None:
        size = [self.width(), self.height()]
        try:
            if settings_module.load().ui.get(UI_KEY) != size:
                settings_module.update({"ui": {UI_KEY: size}})
        except (UserError, OSError) as exc:  # hiding must not fail because the settings cannot be written
            log.warning("could not save the model manager's size: %s", exc)
