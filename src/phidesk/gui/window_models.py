"""Which model the main window has: load (at start, on request, for a conversation), unload, and the offer to
switch to a vision model when a question carries images."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QMainWindow

from phidesk.engine.protocol import Loaded
from phidesk.gui.plain import Button, ask, tooltip
from phidesk.models import library
from phidesk.store import ConversationMissingError

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel

    from phidesk.chat import ChatService
    from phidesk.gui.bridge import EngineBridge
    from phidesk.gui.composer import Composer
    from phidesk.gui.model_pane import ModelPane
    from phidesk.settings import Settings


class WindowModels(QMainWindow):
    if TYPE_CHECKING:  # what MainWindow provides
        prefs: Settings
        service: ChatService
        bridge: EngineBridge
        composer: Composer
        models: ModelPane
        status_model: QLabel
        status_context: QLabel
        model_id: str | None
        _pending: tuple[str, list[str]] | None

        @property
        def conversation_id(self) -> int | None: ...
        def send(self, text: str, images: list[str]) -> None: ...
        def show_notice(self, text: str) -> None: ...
        def _gone(self, conversation_id: int) -> None: ...

    def load_model(self, model_id: str, force: bool = False) -> None:
        if self.bridge.busy and not force:
            return
        if self.bridge.busy:
            self.show_notice("Wait for the answer to finish (or stop it) before loading another model.")
            return
        model = library.installed(model_id)
        if model is None or model.info is None:
            self.show_notice(f"Model '{model_id}' is not usable: {model.problem if model else 'not installed'}")
            return
        self.model_id = model_id
        self.status_model.setText(f"loading {model_id}…")
        self.bridge.load(model.path, self.prefs.provider, self.prefs.context_cap, self.prefs.gpu_index,
                         threads=self.prefs.threads, kv_budget_mb=self.prefs.kv_budget_mb,
                         system_prompt=self.prefs.system_prompt, sampling=self.prefs.sampling)
        if self.conversation_id is not None and force:
            try:
                self.service.set_model(self.conversation_id, model_id)
            except ConversationMissingError:
                self._gone(self.conversation_id)

    @Slot(object)
    def _on_loaded(self, event: Loaded) -> None:
        self.status_model.setText(f"{self.model_id} · {event.provider.upper()}")
        self.status_model.setToolTip(tooltip("\n".join(event.fallback_reasons) or f"running on {event.provider}"))
        self.status_context.setText(f"context 0 / {event.max_length:,}")
        self.models.set_loaded(self.model_id, event.provider, event, auto=self.prefs.provider == "auto")
        if self._pending is not None:
            text, images = self._pending
            self._pending = None
            self.send(text, images)

    @Slot(str, bool)
    def _on_load_failed(self, message: str, _user_error: bool) -> None:
        self.model_id = None  # so the next message tries to load again
        self.status_model.setText("no model")
        self.models.set_loaded(None)
        pending, self._pending = self._pending, None
        if pending is not None:  # the question that was waiting for this model goes back, images included
            text, images = pending
            self.composer.set_text(text)
            self.composer.add_images(images)
            message += " (your message is back in the box)"
        self.show_notice(f"The model could not be loaded: {message}")

    def _on_unload(self) -> None:
        if self.bridge.busy:
            return
        self.bridge.unload()
        self.model_id = None
        self.status_model.setText("no model")
        self.models.set_loaded(None)

    def _offer_vision(self, text: str, images: list[str]) -> None:
        vision = [m.id for m in library.list_models() if m.info and m.info.vision]
        if vision:
            answer = ask(self, "Images need a vision model",
                         f"{self.model_id} reads text only. "
                         f"Switch this conversation to {vision[0]} to ask about images?")
            if answer == Button.Yes:
                self._pending = (text, images)
                self.load_model(vision[0], force=True)
                return
        else:
            self.show_notice(f"{self.model_id} reads text only. To ask about images, add a vision model such as "
                             "Phi-3.5-vision (microsoft/Phi-3.5-vision-instruct-onnx).")
        self.composer.set_text(text)
        self.composer.add_images(images)
