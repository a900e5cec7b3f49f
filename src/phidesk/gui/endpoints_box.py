"""The model manager's remote endpoints: each endpoint (name · host) with its models marked remote, Add endpoint…,
Edit…, Remove. No endpoint exists until the user adds one; with none, the box says everything stays here."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from phidesk.errors import UserError
from phidesk.gui.endpoint_dialog import EndpointDialog
from phidesk.gui.i18n import translate
from phidesk.gui.look import app_palette, icon
from phidesk.gui.plain import Button, ask, plain_label, warn
from phidesk.gui.signals import emit
from phidesk.gui.texts_view import localized
from phidesk.remote import endpoints as remote

log = logging.getLogger(__name__)
NAME_ROLE = Qt.ItemDataRole.UserRole


def read_endpoints() -> list[remote.Endpoint]:
    """The endpoints in the settings; a settings file that cannot be read lists none (its notice says why)."""
    try:
        return remote.load_endpoints()
    except (UserError, OSError) as exc:
        log.warning("endpoints not read: %s", exc)
        return []


class EndpointsBox(QGroupBox):
    changed = Signal()  # an endpoint was added, changed or removed: the picker lists its models again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Endpoints", "Remote endpoints (OpenAI API)"), parent)
        self.setObjectName("endpointsBox")
        layout = QVBoxLayout(self)
        self.empty = plain_label(translate(
            "Endpoints", "None: every answer is made on this computer. Add an endpoint to chat with models served "
            "elsewhere (GitHub Models, Azure AI, NVIDIA NIM, Ollama, LM Studio, another PhiDesk); what you send to "
            "them leaves this computer."), self)
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("endpointsTree")
        self.tree.setAccessibleName(translate("Endpoints", "Remote endpoints and their models"))
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.itemSelectionChanged.connect(self._on_selection)
        layout.addWidget(self.tree)
        row = QHBoxLayout()
        self.add_button = QPushButton(translate("Endpoints", "Add endpoint…"), self)
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button = QPushButton(translate("Endpoints", "Edit…"), self)
        self.edit_button.clicked.connect(lambda: self.edit(self.selected()))
        self.remove_button = QPushButton(translate("Endpoints", "Remove"), self)
        self.remove_button.clicked.connect(self._on_remove)
        for button in (self.add_button, self.edit_button, self.remove_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.dialog: EndpointDialog | None = None
        self.refresh()

    def refresh(self) -> None:
        self.tree.clear()
        cloud = icon("remote", app_palette())
        endpoints = read_endpoints()
        for endpoint in endpoints:
            top = QTreeWidgetItem(self.tree, [f"{endpoint.name} · {endpoint.host}"])
            top.setData(0, NAME_ROLE, endpoint.name)
            top.setIcon(0, cloud)
            for model in endpoint.models:
                child = QTreeWidgetItem(top, [translate("Endpoints", "{model} (remote)").format(model=model)])
                child.setData(0, NAME_ROLE, endpoint.name)
                child.setIcon(0, cloud)
            top.setExpanded(True)
        self.empty.setVisible(not endpoints)
        self.tree.setVisible(bool(endpoints))
        self._on_selection()

    def selected(self) -> remote.Endpoint | None:
        item = self.tree.currentItem()
        name = item.data(0, NAME_ROLE) if item is not None else None
        return next((e for e in read_endpoints() if e.name == name), None)

    @Slot()
    def _on_selection(self) -> None:
        chosen = self.tree.currentItem() is not None
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def edit(self, endpoint: remote.Endpoint | None, parent: QWidget | None = None) -> EndpointDialog:
        """Open Add endpoint (or Edit endpoint for *endpoint*) over *parent* (the model manager), window-modal; the
        list follows when it is saved."""
        dialog = EndpointDialog(parent or self.window(), endpoint)
        dialog.accepted.connect(self._on_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _on_saved(self) -> None:
        self.refresh()
        emit(self.changed)

    @Slot()
    def _on_remove(self) -> None:
        endpoint = self.selected()
        if endpoint is None:
            return
        answer = ask(self, translate("Endpoints", "Remove endpoint"),
                     translate("Endpoints", "Remove the endpoint {name} and its key? Conversations that used it stay "
                               "in the history.").format(name=endpoint.name))
        if answer == Button.Yes:
            self.remove(endpoint.name)

    def remove(self, name: str) -> None:
        try:
            remote.remove_endpoint(name)
        except (UserError, OSError) as exc:
            warn(self, translate("Endpoints", "Remove endpoint"), localized(exc))
            return
        self.refresh()
        emit(self.changed)
