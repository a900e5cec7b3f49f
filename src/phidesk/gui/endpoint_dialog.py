"""Add endpoint… / Edit endpoint…: a remote OpenAI-API server as a model source.

A name, a base URL (a preset fills in the documented one; Azure's is the user's own resource URL, so its preset only
says so in the field's placeholder), an API key (a password field) and the models to show: "Fetch" lists them from
the server's ``GET /models`` off the GUI thread as checkable items, or the user types one in. The key goes only to
the operating system's credential store (``remote.add_endpoint``); where there is none, the dialog says the key is
kept for this session only, and ``remote`` keeps it in this process's memory.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QThreadPool, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from phidesk.errors import UserError
from phidesk.gui.i18n import standard_buttons, translate
from phidesk.gui.plain import plain_label
from phidesk.gui.tasks import Task
from phidesk.gui.texts_view import localized
from phidesk.remote import endpoints as remote

log = logging.getLogger(__name__)

MAX_MODELS = 50  # what an endpoint keeps (the settings refuse more)


def key_for(name: str) -> str | None:
    """The endpoint's API key: this session's, else the credential store's (None: none, or it cannot be read)."""
    try:
        return remote.api_key(name)
    except Exception:  # a locked or broken keyring must not take the window down
        log.warning("the credential store could not be read for endpoint %r", name, exc_info=True)
        return None


def _is_template(url: str) -> bool:
    """A preset whose URL the user completes (Azure: their own resource)."""
    return not url.startswith(("http://", "https://")) or any(c in url for c in "<>{}")


class EndpointDialog(QDialog):
    """Adds (or, given *existing*, changes) one endpoint when accepted; ``saved`` is then the Endpoint."""

    def __init__(self, parent: QWidget | None = None, existing: remote.Endpoint | None = None) -> None:
        super().__init__(parent)
        self.existing = existing
        self.saved: remote.Endpoint | None = None
        self.setWindowTitle(translate("Endpoints", "Edit endpoint") if existing
                            else translate("Endpoints", "Add endpoint"))
        self.setObjectName("endpointDialog")
        form = QFormLayout()
        self.preset = QComboBox(self)
        self.preset.setAccessibleName(translate("Endpoints", "Preset"))
        self.preset.addItem(translate("Endpoints", "Other (type the base URL)"), "")
        for key, (shown, _url) in remote.PRESETS.items():
            self.preset.addItem(shown, key)
        self.preset.currentIndexChanged.connect(self._on_preset)
        form.addRow(translate("Endpoints", "Preset"), self.preset)
        self.name = QLineEdit(self)
        self.name.setAccessibleName(translate("Endpoints", "Endpoint name"))
        self.name.setPlaceholderText(translate("Endpoints", "a short name, e.g. team-gpu"))
        form.addRow(translate("Endpoints", "Name"), self.name)
        self.url = QLineEdit(self)
        self.url.setAccessibleName(translate("Endpoints", "Base URL"))
        self.url.setPlaceholderText("https://…/v1")
        form.addRow(translate("Endpoints", "Base URL"), self.url)
        self.key = QLineEdit(self)
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setAccessibleName(translate("Endpoints", "API key"))
        self.key.setPlaceholderText(translate("Endpoints", "optional: leave empty for a server without a key"))
        form.addRow(translate("Endpoints", "API key"), self.key)
        store = remote.credential_store()
        self.key_note = plain_label(
            translate("Endpoints", "The key is kept in {store}, never in PhiDesk's files.").format(
                store=localized(store))
            if store else translate("Endpoints", "This computer has no credential store PhiDesk can use: the key is "
                                    "kept for this session only, and PhiDesk asks for it again after a restart."),
            self)
        self.key_note.setWordWrap(True)
        form.addRow("", self.key_note)

        self.models = QListWidget(self)
        self.models.setAccessibleName(translate("Endpoints", "Models to show"))
        self.models.setMinimumHeight(140)
        self.fetch_button = QPushButton(translate("Endpoints", "Fetch"), self)
        self.fetch_button.setToolTip(translate("Endpoints", "List the models the server offers (GET /models)"))
        self.fetch_button.clicked.connect(self.fetch)
        self.typed = QLineEdit(self)
        self.typed.setAccessibleName(translate("Endpoints", "Model name to add"))
        self.typed.setPlaceholderText(translate("Endpoints", "or type a model name and press Enter"))
        self.typed.returnPressed.connect(self._add_typed)
        row = QHBoxLayout()
        row.addWidget(self.typed, 1)
        row.addWidget(self.fetch_button)
        column = QVBoxLayout()
        column.addWidget(self.models)
        column.addLayout(row)
        form.addRow(translate("Endpoints", "Models"), column)
        self.problem = plain_label("", self)
        self.problem.setObjectName("endpointProblem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        standard_buttons(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(560, 520)
        self._fetching: Task | None = None
        if existing is not None:
            self.name.setText(existing.name)
            self.name.setReadOnly(True)
            self.url.setText(existing.base_url)
            index = self.preset.findData(existing.preset)
            self.preset.blockSignals(True)
            self.preset.setCurrentIndex(max(index, 0))
            self.preset.blockSignals(False)
            self.key.setText(key_for(existing.name) or "")
            for model in existing.models:
                self._add_model(model, True)

    # --- presets and models --------------------------------------------------------------------------------
    @Slot(int)
    def _on_preset(self, _index: int) -> None:
        key = self.preset.currentData()
        if not key:
            return
        _shown, url = remote.PRESETS[key]
        if _is_template(url):  # the user's own resource: the placeholder says what goes there
            self.url.clear()
            self.url.setPlaceholderText(url)
            self.url.setFocus()
        else:
            self.url.setText(url)
        if not self.name.text() and not self.name.isReadOnly():
            self.name.setText(key)

    def _add_model(self, model: str, checked: bool) -> None:
        model = model.strip()
        if not model or self.models.findItems(model, Qt.MatchFlag.MatchExactly) or self.models.count() >= 500:
            return
        item = QListWidgetItem(model, self.models)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    @Slot()
    def _add_typed(self) -> None:
        self._add_model(self.typed.text(), True)
        self.typed.clear()

    def checked_models(self) -> list[str]:
        items = [self.models.item(i) for i in range(self.models.count())]
        return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]

    @Slot()
    def fetch(self) -> None:
        """GET /models on the pool; the list comes back as unchecked items (the few a user wants get checked)."""
        url, key = self.url.text().strip(), self.key.text().strip() or None
        if not url:
            self._say(translate("Endpoints", "Type the base URL first (or pick a preset)."))
            return
        self.fetch_button.setEnabled(False)
        self.fetch_button.setText(translate("Endpoints", "Fetching…"))
        self._say("")
        task = Task(lambda: remote.fetch_models(url, key))
        task.signals.done.connect(self._on_fetched)
        self._fetching = task
        QThreadPool.globalInstance().start(task)

    @Slot(object)
    def _on_fetched(self, result: object) -> None:
        self._fetching = None
        self.fetch_button.setEnabled(True)
        self.fetch_button.setText(translate("Endpoints", "Fetch"))
        if isinstance(result, Exception):
            self._say(translate("Endpoints", "The models could not be listed: {reason}. Type the model names "
                                "instead.").format(reason=localized(result)))
            return
        assert isinstance(result, list)
        if not result:
            self._say(translate("Endpoints", "The server lists no models: type the model names instead."))
        single = len(result) == 1 and self.models.count() == 0
        for model in result:
            self._add_model(str(model), single)

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    # --- saving --------------------------------------------------------------------------------------------
    def accept(self) -> None:
        name, url, key = self.name.text().strip(), self.url.text().strip(), self.key.text().strip() or None
        models = self.checked_models()
        if not name or not url:
            self._say(translate("Endpoints", "Give the endpoint a name and a base URL."))
            return
        if not models:
            self._say(translate("Endpoints", "Choose at least one model: Fetch lists them, or type a name."))
            return
        if len(models) > MAX_MODELS:
            self._say(translate("Endpoints", "Choose at most {count} models.").format(count=MAX_MODELS))
            return
        endpoint = remote.Endpoint(name=name, base_url=url, models=models, preset=self.preset.currentData() or "")
        try:
            remote.add_endpoint(endpoint, key)  # replaces the one with its name; the key: the credential store
            if key is None and self.existing is not None:  # the key was cleared: the endpoint has none now
                remote.set_api_key(name, None)
        except (UserError, OSError) as exc:
            self._say(localized(exc))
            return
        except Exception as exc:  # a credential store that fails (locked, refused): said here, nothing lost
            log.warning("endpoint %r not saved", name, exc_info=True)
            self._say(translate("Endpoints", "The key could not be stored: {reason}").format(
                reason=type(exc).__name__))
            return
        self.saved = endpoint
        super().accept()
