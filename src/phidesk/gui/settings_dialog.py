"""Settings: system prompt with presets, sampling, context cap, provider, theme; and this conversation's
own model and system prompt."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from phidesk.engine.protocol import PROVIDERS
from phidesk.engine.runtime import MAX_THREADS, default_threads
from phidesk.settings import THEMES, Settings
from phidesk.settings import changes as settings_changes

PRESETS = {
    "(none)": "",
    "Helpful assistant": "You are a helpful, honest assistant. Answer clearly and concisely.",
    "Concise": "Answer in as few words as possible. No preamble.",
    "Coding helper": "You are an expert programmer. Give correct, idiomatic code with short explanations. "
                     "Use fenced code blocks with the language named.",
    "Teacher": "Explain step by step, with simple examples, as to a curious student.",
}


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
        self.setWindowTitle("Settings")
        self.setMinimumWidth(520)
        self.setAccessibleName("Settings")
        self.settings = settings
        tabs = QTabWidget(self)
        tabs.addTab(self._general(settings), "General")
        tabs.addTab(self._sampling(settings), "Sampling")
        self.conversation_tab: QWidget | None = None
        if conversation is not None:
            self.conversation_tab = self._conversation(models, *conversation)
            tabs.addTab(self.conversation_tab, "This conversation")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)

    def _general(self, s: Settings) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.preset = QComboBox()
        self.preset.addItems(list(PRESETS))
        self.preset.setAccessibleName("System prompt preset")
        self.preset.currentTextChanged.connect(self._on_preset)
        form.addRow("Preset", self.preset)
        self.system = QPlainTextEdit(s.system_prompt)
        self.system.setAccessibleName("System prompt")
        self.system.setMaximumHeight(110)
        form.addRow("System prompt", self.system)
        self.context = _int_spin(256, 131072, s.context_cap, 256)
        self.context.setAccessibleName("Context size in tokens")
        self.context.setToolTip("Prompt + answer. Memory for it is reserved when a model loads.")
        form.addRow("Context (tokens)", self.context)
        self.provider = QComboBox()
        self.provider.addItems(list(PROVIDERS))
        self.provider.setCurrentText(s.provider)
        self.provider.setAccessibleName("Execution provider")
        form.addRow("Provider", self.provider)
        self.threads = _int_spin(0, MAX_THREADS, s.threads, 1)
        self.threads.setSpecialValueText(f"Automatic ({default_threads()}: one per core)")
        self.threads.setAccessibleName("CPU threads")
        self.threads.setToolTip("Threads the model computes with on the CPU. More than this machine's cores "
                                "makes it slower.")
        form.addRow("CPU threads", self.threads)
        self.kv_budget = _int_spin(0, 1 << 20, s.kv_budget_mb, 256)
        self.kv_budget.setSpecialValueText("Automatic (half of the memory free after loading)")
        self.kv_budget.setSuffix(" MB")
        self.kv_budget.setAccessibleName("Memory for conversations kept warm")
        self.kv_budget.setToolTip("Each conversation kept warm holds a KV cache for the whole context (the models "
                                  "pane shows its size): switching back to it reads only its new text.")
        form.addRow("Kept conversations", self.kv_budget)
        self.gpu = QComboBox()
        self.gpu.addItem("Automatic (the high-performance GPU)", None)
        for index, description in self.gpus:
            self.gpu.addItem(f"{index}: {description}", index)
        if s.gpu_index is not None:
            found = self.gpu.findData(s.gpu_index)
            if found < 0:
                self.gpu.addItem(f"{s.gpu_index}: (not found now)", s.gpu_index)
                found = self.gpu.count() - 1
            self.gpu.setCurrentIndex(found)
        self.gpu.setAccessibleName("GPU or DirectML adapter")
        form.addRow("GPU", self.gpu)
        self.theme = QComboBox()
        self.theme.addItems(list(THEMES))
        self.theme.setCurrentText(s.theme)
        self.theme.setAccessibleName("Theme")
        form.addRow("Theme", self.theme)
        self.offline = QCheckBox("Offline: never download anything")
        self.offline.setChecked(s.offline)
        self.offline.setToolTip("PhiDesk uses the network only to download a model you chose; this refuses even that.")
        self.offline.setAccessibleName("Offline mode")
        form.addRow("Network", self.offline)
        return page

    def _sampling(self, s: Settings) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        p = s.sampling
        self.temperature = _spin(0, 2, 0.05, p.temperature)
        self.temperature.setAccessibleName("Temperature")
        self.temperature.setToolTip("0 = always the most likely word (greedy)")
        form.addRow("Temperature", self.temperature)
        self.top_p = _spin(0.01, 1, 0.05, p.top_p)
        self.top_p.setAccessibleName("Top p")
        form.addRow("Top-p", self.top_p)
        self.top_k = _int_spin(0, 1000, p.top_k)
        self.top_k.setAccessibleName("Top k")
        form.addRow("Top-k (0 = off)", self.top_k)
        self.repetition = _spin(0.5, 3, 0.05, p.repetition_penalty)
        self.repetition.setAccessibleName("Repetition penalty")
        form.addRow("Repetition penalty", self.repetition)
        self.max_new = _int_spin(1, 131072, p.max_new_tokens, 64)
        self.max_new.setAccessibleName("Maximum new tokens")
        form.addRow("Max new tokens", self.max_new)
        note = QLabel("Changing sampling settings makes the next answer re-read the conversation.")
        note.setWordWrap(True)
        form.addRow(note)
        return page

    def _conversation(self, models: list[str], model_id: str | None, system: str | None) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.conv_model = QComboBox()
        self.conv_model.addItem("(default model)", None)
        for model in models:
            self.conv_model.addItem(model, model)
        if model_id in models:
            self.conv_model.setCurrentIndex(models.index(model_id) + 1)
        self.conv_model.setAccessibleName("Model for this conversation")
        form.addRow("Model", self.conv_model)
        self.conv_system = QPlainTextEdit(system or "")
        self.conv_system.setPlaceholderText("(empty: use the general system prompt)")
        self.conv_system.setAccessibleName("System prompt for this conversation")
        self.conv_system.setMaximumHeight(110)
        form.addRow("System prompt", self.conv_system)
        return page

    def _on_preset(self, name: str) -> None:
        if name in PRESETS and name != "(none)":
            self.system.setPlainText(PRESETS[name])

    def result_settings(self) -> Settings:
        sampling = replace(self.settings.sampling, temperature=round(self.temperature.value(), 3),
                           top_p=round(self.top_p.value(), 3), top_k=self.top_k.value(),
                           repetition_penalty=round(self.repetition.value(), 3),
                           max_new_tokens=self.max_new.value())
        return replace(self.settings, system_prompt=self.system.toPlainText().strip(),
                       context_cap=self.context.value(), provider=self.provider.currentText(),
                       threads=self.threads.value(), kv_budget_mb=self.kv_budget.value(),
                       theme=self.theme.currentText(),
                       gpu_index=self.gpu.currentData(), sampling=sampling, offline=self.offline.isChecked())

    def changes(self) -> dict[str, Any]:
        """Only the settings the user changed here, for ``settings.update`` (never the whole start-up copy)."""
        return settings_changes(self.settings, self.result_settings())

    def result_conversation(self) -> tuple[str | None, str | None] | None:
        if self.conversation_tab is None:
            return None
        text = self.conv_system.toPlainText().strip()
        return self.conv_model.currentData(), text or None
