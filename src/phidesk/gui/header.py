"""The bar over the conversation: the model picker, this chat's context use, its system prompt, the model manager.

The picker lists the installed models with their state (loaded and on which provider, loading, not loaded), the
models of the remote endpoints the user added (marked: a cloud icon and the endpoint's name) and "Get models…",
which opens the model manager. Picking a model is a user's choice: the window gives it to this
conversation and loads it. Showing a conversation only selects its model here; nothing loads until the user sends
or picks. The meter shows the tokens the last answer of this chat used of the loaded context, and says in its
tooltip what happens when it fills. A conversation that used a remote model says so: a "remote: HOST" chip.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QProgressBar, QToolButton, QWidget

from phidesk.gui.figures import number
from phidesk.gui.i18n import translate
from phidesk.gui.look import app_palette, icon
from phidesk.gui.plain import ElidedLabel, plain_label, tooltip
from phidesk.gui.signals import emit
from phidesk.texts import QT_TRANSLATE_NOOP

GET_MODELS = "\x00get-models"  # the picker's last entry (not a model id: ids never hold NUL)
FULL_NOTE = QT_TRANSLATE_NOOP("Header", "When a conversation no longer fits, the oldest turns are left out of what "
                              "the model reads (they stay in the history, and the answer's note says how many were "
                              "left out).")


class _Picker(QComboBox):
    opening = Signal()  # the list is about to show: the window fills it with what is installed now

    def showPopup(self) -> None:  # noqa: N802 (Qt override)
        emit(self.opening)
        super().showPopup()


class ChatHeader(QWidget):
    model_chosen = Signal(str)  # the user picked an installed model for this chat
    get_models = Signal()  # "Get models…"
    system_prompt_requested = Signal()
    picker_opening = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatHeader")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.setSpacing(8)
        self.title = ElidedLabel(translate("Header", "New chat"), self)  # a long title is cut, never widens the window
        self.title.setObjectName("chatTitle")
        self.title.setAccessibleName(translate("Header", "Conversation title"))
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        row.addWidget(self.title, 1)
        self.remote_chip = plain_label("", self)
        self.remote_chip.setObjectName("remoteChip")
        self.remote_chip.setStyleSheet("QLabel#remoteChip { border: 1px solid palette(highlight); border-radius: 8px;"
                                       " padding: 1px 8px; }")
        self.remote_chip.setVisible(False)
        row.addWidget(self.remote_chip)
        self.picker = _Picker(self)
        self.picker.opening.connect(lambda: emit(self.picker_opening))
        self.picker.setObjectName("modelPicker")
        self.picker.setAccessibleName(translate("Header", "Model for this chat"))
        self.picker.setToolTip(translate("Header", "The model this chat uses; it loads when you send or pick one"))
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.picker.setMinimumContentsLength(14)
        # as wide as its longest entry, up to about 40 characters: a longer name is cut rather than widening the
        # window (each entry's tooltip has all of it)
        self.picker.setMaximumWidth(self.picker.fontMetrics().averageCharWidth() * 40 + 48)
        self.picker.activated.connect(self._on_activated)
        row.addWidget(self.picker)
        self.meter = QProgressBar(self)
        self.meter.setObjectName("contextMeter")
        self.meter.setAccessibleName(translate("Header", "Context used by this chat"))
        self.meter.setTextVisible(True)
        self.meter.setFixedWidth(190)
        self.meter.setRange(0, 1)
        self.meter.setValue(0)
        self.meter.setFormat(translate("Header", "context: no answer yet"))
        self.meter.setToolTip(translate("Header", FULL_NOTE))
        row.addWidget(self.meter)
        self.system_button = QToolButton(self)
        self.system_button.setText(translate("Header", "System prompt…"))
        self.system_button.setAccessibleName(translate("Header", "This chat's system prompt"))
        self.system_button.setToolTip(translate("Header", "What the model is told before this chat (empty: the general "
                                                "one in Settings)"))
        self.system_button.clicked.connect(lambda: emit(self.system_prompt_requested))
        row.addWidget(self.system_button)
        self._models: list[str] = []
        self._remote: list[str] = []

    # --- the picker -------------------------------------------------------------------------------------
    def set_models(self, models: list[str], selected: str | None, loaded: str | None, state: str,
                   remote: list[tuple[str, str, str, str]] | None = None) -> None:
        """*models*: installed usable ids; *selected*: this chat's model; *loaded*: the one the worker has, with
        *state* ("CPU", "loading…") shown next to it; *remote*: (id "ENDPOINT/MODEL", model, endpoint's name, host)
        of each remote model."""
        self._models = list(models)
        self._remote = [model_id for model_id, _model, _endpoint, _host in remote or []]
        self.picker.blockSignals(True)
        self.picker.clear()
        for model_id in models:
            label = f"{model_id} · {state}" if model_id == loaded and state else model_id
            self.picker.addItem(label, model_id)
            shown = state if model_id == loaded and state else translate("Header", "not loaded")
            self.picker.setItemData(self.picker.count() - 1, tooltip(f"{model_id}: {shown}"),
                                    Qt.ItemDataRole.ToolTipRole)
        cloud = icon("remote", app_palette()) if remote else None
        for model_id, model, endpoint, host in remote or []:
            self.picker.addItem(f"{model} · {endpoint}", model_id)
            index = self.picker.count() - 1
            if cloud is not None:
                self.picker.setItemIcon(index, cloud)
            self.picker.setItemData(index, tooltip(translate("Header", "{model} on {endpoint} (remote: what you send "
                                                             "goes to {host})").format(model=model, endpoint=endpoint,
                                                                                      host=host)),
                                    Qt.ItemDataRole.ToolTipRole)
        if selected and selected not in models and selected not in self._remote:
            self.picker.addItem(translate("Header", "{model} (not installed)").format(model=selected), selected)
        if models or remote:
            self.picker.insertSeparator(self.picker.count())
        self.picker.addItem(translate("Header", "Get models…"), GET_MODELS)
        index = self.picker.findData(selected) if selected else -1
        self.picker.setCurrentIndex(index if index >= 0 else (0 if models or remote else self.picker.count() - 1))
        self.picker.blockSignals(False)

    def selected_model(self) -> str | None:
        data = self.picker.currentData()
        return data if isinstance(data, str) and data != GET_MODELS else None

    def _on_activated(self, index: int) -> None:
        data = self.picker.itemData(index)
        if data == GET_MODELS:
            emit(self.get_models)
        elif isinstance(data, str) and (data in self._models or data in self._remote):
            emit(self.model_chosen, data)

    # --- the meter --------------------------------------------------------------------------------------
    def set_context(self, used: int | None, total: int | None, dropped: int = 0) -> None:
        if used is None or not total:
            self.meter.setRange(0, 1)
            self.meter.setValue(0)
            self.meter.setFormat(translate("Header", "context: no answer yet") if used is None
                                 else translate("Header", "context: {used} tokens").format(used=number(used)))
            return
        self.meter.setRange(0, total)
        self.meter.setValue(min(used, total))
        shown = (translate("Header", "{used} / {total} tokens · full") if dropped
                 else translate("Header", "{used} / {total} tokens"))
        self.meter.setFormat(shown.format(used=number(used), total=number(total)))
        self.meter.setAccessibleDescription(translate("Header", "{used} of {total} tokens of the context used").format(
            used=number(used), total=number(total)))

    def set_remote(self, host: str | None) -> None:
        """The "remote: HOST" chip of a conversation that used (or is set to use) a remote model; None hides it."""
        self.remote_chip.setVisible(bool(host))
        if host:
            chip = translate("Header", "remote: {host}").format(host=host)
            metrics = self.remote_chip.fontMetrics()  # a host name can be long: cut in the middle, whole in the tip
            cut = metrics.elidedText(chip, Qt.TextElideMode.ElideMiddle, metrics.averageCharWidth() * 36)
            self.remote_chip.setText(cut)
            self.remote_chip.setToolTip(tooltip(translate("Header", "This conversation is sent to {host} to be "
                                                          "answered").format(host=host)))
            self.remote_chip.setAccessibleName(translate("Header", "Remote conversation: sent to {host}").format(
                host=host))

    def set_title(self, title: str) -> None:
        self.title.set_full_text(title)
