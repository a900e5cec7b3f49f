"""Settings: system prompt with presets, sampling, context cap, provider, theme, language; and this
conversation's own model and system prompt. A new language applies when PhiDesk starts again: the dialog offers
to restart now (:mod:`phidesk.gui.restart`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from phidesk.engine.protocol import PROVIDERS
from phidesk.engine.runtime import MAX_THREADS, default_threads
from phidesk.gui import i18n_files, restart
from phidesk.gui.i18n import standard_buttons, translate
from phidesk.gui.presets import NONE, PRESETS, presets
from phidesk.settings import Settings
from phidesk.settings import changes as settings_changes
from phidesk.texts import QT_TRANSLATE_NOOP

__all__ = ["PRESETS", "SettingsDialog"]

THEME_NAMES = {"system": QT_TRANSLATE_NOOP("Settings", "System"), "light": QT_TRANSLATE_NOOP("Settings", "Light"),
               "dark": QT_TRANSLATE_NOOP("Settings", "Dark")}


def language_choices(current: str) -> list[tuple[str, str]]:
    """(setting value, shown name) of each language: System, then each language named in itself (English,
    हिन्दी…): English and every translation PhiDesk ships, and *current* if it is none of those."""
    codes = ["en", *(c for c in i18n_files.available() if c != "en")]
    if current not in ("system", *codes):
        codes.append(current)
    return [("system", translate("Settings", "System")),
            *((code, "English" if code == "en" else QLocale(code).nativeLanguageName() or code) for code in codes)]


def _spin(low: float, high: float, step: float, value: float, decimals: int = 2) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setValue(value)
    return box


def _int_spin(low: int, high: int, value: int, step: int = 1) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setValue(value)
    return box


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, models: list[str], conversation: tuple[str | None, str | None] | None,
                 parent: QWidget | None = None, gpus: list[tuple[int, str]] | None = None) -> None:
        """*conversation* is (model_id, system_prompt) of the open conversation, or None;
        *gpus* the (index, description) of this machine's GPUs / DirectML adapters."""
        super().__init__(parent)
        self.gpus = gpus or []
        self.setWindowTitle(translate("Settings", "Settings"))
        self.setMinimumWidth(520)
        self.setAccessibleName(translate("Settings", "Settings"))
        self.settings = settings
        self.restart_offered: bool | None = None  # None: not asked; else whether the user chose Restart now
        tabs = QTabWidget(self)
        tabs.addTab(self._general(settings), translate("Settings", "General"))
        tabs.addTab(self._sampling(settings), translate("Settings", "Sampling"))
        self.conversation_tab: QWidget | None = None
        if conversation is not None:
            self.conversation_tab = self._conversation(models, *conversation)
            tabs.addTab(self.conversation_tab, translate("Settings", "This conversation"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        standard_buttons(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)

    def _general(self, s: Settings) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.preset = QComboBox()
        self.preset_texts: dict[str, str] = {}
        for key, shown, text in presets():
            self.preset.addItem(shown, key)
            self.preset_texts[key] = text
        self.preset.setAccessibleName(translate("Settings", "System prompt preset"))
        self.preset.currentIndexChanged.connect(self._on_preset)
        form.addRow(translate("Settings", "Preset"), self.preset)
        self.system = QPlainTextEdit(s.system_prompt)
        self.system.setAccessibleName(translate("Settings", "System prompt"))
        self.system.setMaximumHeight(110)
        form.addRow(translate("Settings", "System prompt"), self.system)
        self.context = _int_spin(256, 131072, s.context_cap, 256)
        self.context.setAccessibleName(translate("Settings", "Context size in tokens"))
        self.context.setToolTip(translate("Settings", "Prompt + answer. Memory for it is reserved when a model loads."))
        form.addRow(translate("Settings", "Context (tokens)"), self.context)
        self.provider = QComboBox()
        for key in PROVIDERS:  # "auto" is a word, the others are names (cpu, cuda, dml)
            self.provider.addItem(translate("Settings", "auto") if key == "auto" else key, key)
        self.provider.setCurrentIndex(max(0, self.provider.findData(s.provider)))
        self.provider.setAccessibleName(translate("Settings", "Execution provider"))
        form.addRow(translate("Settings", "Provider"), self.provider)
        self.threads = _int_spin(0, MAX_THREADS, s.threads, 1)
        self.threads.setSpecialValueText(
            translate("Settings", "Automatic ({threads}: one per core)").format(threads=default_threads()))
        self.threads.setAccessibleName(translate("Settings", "CPU threads"))
        self.threads.setToolTip(translate("Settings", "Threads the model computes with on the CPU. More than this "
                                                      "machine's cores makes it slower."))
        form.addRow(translate("Settings", "CPU threads"), self.threads)
        self.kv_budget = _int_spin(0, 1 << 20, s.kv_budget_mb, 256)
        self.kv_budget.setSpecialValueText(translate("Settings", "Automatic (half of the memory free after loading)"))
        self.kv_budget.setSuffix(" MB")
        self.kv_budget.setAccessibleName(translate("Settings", "Memory for conversations kept warm"))
        self.kv_budget.setToolTip(translate("Settings", "Each conversation kept warm holds a KV cache for the whole "
                                                        "context (the models pane shows its size): switching back to "
                                                        "it reads only its new text."))
        form.addRow(translate("Settings", "Kept conversations"), self.kv_budget)
        self.gpu = QComboBox()
        self.gpu.addItem(translate("Settings", "Automatic (the high-performance GPU)"), None)
        for index, description in self.gpus:
            self.gpu.addItem(f"{index}: {description}", index)
        if s.gpu_index is not None:
            found = self.gpu.findData(s.gpu_index)
            if found < 0:
                self.gpu.addItem(translate("Settings", "{index}: (not found now)").format(index=s.gpu_index),
                                 s.gpu_index)
                found = self.gpu.count() - 1
            self.gpu.setCurrentIndex(found)
        self.gpu.setAccessibleName(translate("Settings", "GPU or DirectML adapter"))
        form.addRow(translate("Settings", "GPU"), self.gpu)
        self.theme = QComboBox()
        for key, name in THEME_NAMES.items():
            self.theme.addItem(translate("Settings", name), key)
        self.theme.setCurrentIndex(max(0, self.theme.findData(s.theme)))
        self.theme.setAccessibleName(translate("Settings", "Theme"))
        form.addRow(translate("Settings", "Theme"), self.theme)
        self.language = QComboBox()
        for code, name in language_choices(s.language):
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(s.language)))
        self.language.setAccessibleName(translate("Settings", "Language of the window"))
        self.language.setToolTip(translate("Settings", "System follows the language of your computer. A new "
                                                       "language applies when PhiDesk starts again."))
        form.addRow(translate("Settings", "Language"), self.language)
        self.offline = QCheckBox(translate("Settings", "Offline: never download anything"))
        self.offline.setChecked(s.offline)
        self.offline.setToolTip(translate("Settings", "PhiDesk uses the network only to download a model you chose; "
                                                      "this refuses even that."))
        self.offline.setAccessibleName(translate("Settings", "Offline mode"))
        form.addRow(translate("Settings", "Network"), self.offline)
        self.server = QCheckBox(translate("Settings", "Serve the loaded model to other apps on this computer"))
        self.server.setChecked(s.server)
        self.server.setToolTip(translate("Settings", "An OpenAI-compatible API on 127.0.0.1 (this computer only), "
                                                     "through the same model process as this window. Off: PhiDesk "
                                                     "listens on no port."))
        self.server.setAccessibleName(translate("Settings", "Local server"))
        self.server_port = _int_spin(1, 65535, s.server_port)
        self.server_port.setAccessibleName(translate("Settings", "Local server port"))
        self.server_port.setEnabled(s.server)
        self.server.toggled.connect(self.server_port.setEnabled)
        row = QHBoxLayout()
        row.addWidget(self.server, 1)
        row.addWidget(QLabel(translate("Settings", "Port")))
        row.addWidget(self.server_port)
        form.addRow(translate("Settings", "Local server"), row)
        return page

    def _sampling(self, s: Settings) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        p = s.sampling
        self.temperature = _spin(0, 2, 0.05, p.temperature)
        self.temperature.setAccessibleName(translate("Settings", "Temperature"))
        self.temperature.setToolTip(translate("Settings", "0 = always the most likely word (greedy)"))
        form.addRow(translate("Settings", "Temperature"), self.temperature)
        self.top_p = _spin(0.01, 1, 0.05, p.top_p)
        self.top_p.setAccessibleName(translate("Settings", "Top p"))
        form.addRow(translate("Settings", "Top-p"), self.top_p)
        self.top_k = _int_spin(0, 1000, p.top_k)
        self.top_k.setAccessibleName(translate("Settings", "Top k"))
        form.addRow(translate("Settings", "Top-k (0 = off)"), self.top_k)
        self.repetition = _spin(0.5, 3, 0.05, p.repetition_penalty)
        self.repetition.setAccessibleName(translate("Settings", "Repetition penalty"))
        form.addRow(translate("Settings", "Repetition penalty"), self.repetition)
        self.max_new = _int_spin(1, 131072, p.max_new_tokens, 64)
        self.max_new.setAccessibleName(translate("Settings", "Maximum new tokens"))
        form.addRow(translate("Settings", "Max new tokens"), self.max_new)
        note = QLabel(translate("Settings", "Changing sampling settings makes the next answer re-read the "
                                            "conversation."))
        note.setWordWrap(True)
        form.addRow(note)
        return page

    def _conversation(self, models: list[str], model_id: str | None, system: str | None) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.conv_model = QComboBox()
        self.conv_model.addItem(translate("Settings", "(default model)"), None)
        for model in models:
            self.conv_model.addItem(model, model)
        if model_id in models:
            self.conv_model.setCurrentIndex(models.index(model_id) + 1)
        self.conv_model.setAccessibleName(translate("Settings", "Model for this conversation"))
        form.addRow(translate("Settings", "Model"), self.conv_model)
        self.conv_system = QPlainTextEdit(system or "")
        self.conv_system.setPlaceholderText(translate("Settings", "(empty: use the general system prompt)"))
        self.conv_system.setAccessibleName(translate("Settings", "System prompt for this conversation"))
        self.conv_system.setMaximumHeight(110)
        form.addRow(translate("Settings", "System prompt"), self.conv_system)
        return page

    def _on_preset(self, _index: int) -> None:
        key = self.preset.currentData()
        if key in self.preset_texts and key != NONE:
            self.system.setPlainText(self.preset_texts[key])

    def accept(self) -> None:
        """OK: a new language offers to start PhiDesk again (else it applies at the next start)."""
        parent = self.parentWidget()
        if self.language.currentData() != self.settings.language and self.restart_offered is None:
            self.restart_offered = self.offer_restart()
        super().accept()
        if self.restart_offered and parent is not None:
            restart.request(parent.window())  # after the window has saved the settings

    def offer_restart(self) -> bool:
        """Ask "Restart now / Later"; whether the user chose to restart now."""
        box = QMessageBox(QMessageBox.Icon.Question, translate("Settings", "Language"),
                          translate("Settings", "PhiDesk shows the new language when it starts again. Restart "
                                                "now? Your conversations are kept."), parent=self)
        now = box.addButton(translate("Settings", "Restart now"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(translate("Settings", "Later"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(now)
        self.restart_box = box  # for tests
        box.exec()
        return box.clickedButton() is now

    def result_settings(self) -> Settings:
        sampling = replace(self.settings.sampling, temperature=round(self.temperature.value(), 3),
                           top_p=round(self.top_p.value(), 3), top_k=self.top_k.value(),
                           repetition_penalty=round(self.repetition.value(), 3),
                           max_new_tokens=self.max_new.value())
        return replace(self.settings, system_prompt=self.system.toPlainText().strip(),
                       context_cap=self.context.value(), provider=str(self.provider.currentData()),
                       threads=self.threads.value(), kv_budget_mb=self.kv_budget.value(),
                       theme=self.theme.currentData(), language=self.language.currentData(),
                       gpu_index=self.gpu.currentData(), sampling=sampling, offline=self.offline.isChecked(),
                       server=self.server.isChecked(), server_port=self.server_port.value())

    def changes(self) -> dict[str, Any]:
        """Only the settings the user changed here, for ``settings.update`` (never the whole start-up copy)."""
        return settings_changes(self.settings, self.result_settings())

    def result_conversation(self) -> tuple[str | None, str | None] | None:
        if self.conversation_tab is None:
            return None
        text = self.conv_system.toPlainText().strip()
        return self.conv_model.currentData(), text or None
