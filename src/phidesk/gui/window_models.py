"""Which model the main window has: this chat's model (the header's picker), loading it when the user sends or picks
one, unload, the context meter, the model manager, and the offer to switch to a vision model when a question
carries images."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QMainWindow

from phidesk.engine.protocol import Loaded
from phidesk.errors import UserError
from phidesk.gui.figures import decimal, number
from phidesk.gui.i18n import translate
from phidesk.gui.plain import Button, ask, tooltip
from phidesk.gui.texts_view import localized
from phidesk.models import library
from phidesk.store import ConversationMissingError
from phidesk.texts import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel

    from phidesk.chat import ChatService
    from phidesk.gui.bridge import EngineBridge
    from phidesk.gui.composer import Composer
    from phidesk.gui.header import ChatHeader
    from phidesk.gui.model_manager import ModelManagerDialog
    from phidesk.gui.model_pane import ModelPane
    from phidesk.gui.notices import Action
    from phidesk.gui.server_switch import ServerSwitch
    from phidesk.settings import Settings
    from phidesk.store import Store, StoredMessage


WAIT = QT_TRANSLATE_NOOP("MainWindow", "Wait for the answer to finish (or stop it) before loading another model.")


def last_stats(messages: Sequence[StoredMessage]) -> dict[str, Any] | None:
    """The stats of the conversation's last answer that has some: what the context held after it."""
    for message in reversed(messages):
        if message.role == "assistant" and message.stats:
            return message.stats
    return None


class WindowModels(QMainWindow):
    if TYPE_CHECKING:  # what MainWindow provides
        prefs: Settings
        store: Store
        service: ChatService
        bridge: EngineBridge
        server_switch: ServerSwitch
        composer: Composer
        models: ModelPane
        model_manager: ModelManagerDialog
        header: ChatHeader
        status_model: QLabel
        status_speed: QLabel
        model_id: str | None
        chat_model: str | None
        _context_stats: dict[str, Any] | None
        _loaded_max: int
        _usable_models: list[str] | None
        _pending: tuple[str, list[str]] | None

        @property
        def conversation_id(self) -> int | None: ...
        def remote_choices(self) -> list[tuple[str, str, str, str]]: ...
        def remote_host(self, model_id: str | None) -> str | None: ...
        def used_remote_host(self) -> str | None: ...
        def send(self, text: str, images: list[str]) -> None: ...
        def show_notice(self, text: str, actions: list[Action] | None = None, kind: str = "info") -> None: ...
        def _gone(self, conversation_id: int) -> None: ...

    def load_model(self, model_id: str, force: bool = False) -> None:
        if self.bridge.busy and not force:
            return
        if self.bridge.busy:
            self.show_notice(translate("MainWindow", WAIT))
            return
        model = library.installed(model_id)
        if model is None:
            self.show_notice(translate("MainWindow", "Model '{model}' is not usable: not installed").format(
                model=model_id))
            return
        if model.info is None:
            self.show_notice(translate("MainWindow", "Model '{model}' is not usable: {problem}").format(
                model=model_id, problem=localized(model.problem)))
            return
        self.model_id = model_id
        if force:
            self.chat_model = model_id
        self.status_model.setText(translate("MainWindow", "loading {model}…").format(model=model_id))
        self._loaded_max = 0
        self.refresh_header(translate("Header", "loading…"))
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
        self.status_model.setToolTip(tooltip("\n".join(event.fallback_reasons) or translate(
            "MainWindow", "running on {provider}").format(provider=event.provider)))
        self._loaded_max = event.max_length
        self.server_switch.set_model(self.model_id)
        self.refresh_header()
        self.show_context(self._context_stats)
        if event.vision:
            self._offer_context(event)
        self.models.set_loaded(self.model_id, event.provider, event, auto=self.prefs.provider == "auto")
        if self._pending is not None:  # in a turn of its own: this one has the load's work already
            QTimer.singleShot(0, self, self._send_pending)

    def _send_pending(self) -> None:
        """The message that waited for its model goes. Should another load have begun in between, it waits on: that
        load's end sends it, or gives it back to the composer."""
        if self._pending is None or self.bridge.current is None or self.bridge.busy:
            return
        text, images = self._pending
        self._pending = None
        self.send(text, images)

    @Slot(str, bool)
    def _on_load_failed(self, message: str, _user_error: bool) -> None:
        self.model_id = None  # so the next message tries to load again
        self.server_switch.set_model(None)
        self.status_model.setText(translate("MainWindow", "no model loaded"))
        self.refresh_header()
        self.models.set_loaded(None)
        pending, self._pending = self._pending, None
        if pending is not None:  # the question that was waiting for this model goes back, images included
            text, images = pending
            self.composer.set_text(text)
            self.composer.add_images(images)
            self.show_notice(translate("MainWindow", "The model could not be loaded: {reason} (your message is "
                                       "back in the box)").format(reason=message))
            return
        self.show_notice(translate("MainWindow", "The model could not be loaded: {reason}").format(reason=message))

    def _on_unload(self) -> None:
        if self.bridge.busy:
            return
        self.bridge.unload()
        self.model_id = None
        self.server_switch.set_model(None)
        self.status_model.setText(translate("MainWindow", "no model loaded"))
        self.models.set_loaded(None)
        self.refresh_header()

    def _offer_vision(self, text: str, images: list[str]) -> None:
        vision = [m.id for m in library.list_models() if m.info and m.info.vision]
        if vision:
            answer = ask(self, translate("MainWindow", "Images need a vision model"),
                         translate("MainWindow", "{model} reads text only. Switch this conversation to {vision} to "
                                   "ask about images?").format(model=self.model_id, vision=vision[0]))
            if answer == Button.Yes:
                self._pending = (text, images)
                self.load_model(vision[0], force=True)
                return
        else:
            self.show_notice(translate("MainWindow", "{model} reads text only. To ask about images, add a vision "
                                       "model such as Phi-3.5-vision (microsoft/Phi-3.5-vision-instruct-onnx).").format(
                model=self.model_id))
        self.composer.set_text(text)
        self.composer.add_images(images)

    # --- the header: this chat's model, its context, the model manager -------------------------------------
    def refresh_header(self, state: str | None = None, *, reread: bool = False) -> None:
        """The picker and its states. The installed models are read again only when asked (*reread*: the user opens
        the picker): reading every model folder on the GUI thread at each load was the longest stall of a start."""
        loaded = self.bridge.current
        if state is None:
            state = loaded.provider.upper() if loaded is not None and self.model_id else ""
        if reread or self._usable_models is None:
            self._usable_models = [m.id for m in library.list_models() if m.usable]
        self.header.set_models(self._usable_models, self.chat_model, self.model_id, state, self.remote_choices())
        self.header.set_remote(self.used_remote_host())

    @Slot(str)
    def _on_model_chosen(self, model_id: str) -> None:
        """The user picked a model for this chat: it becomes the chat's model and loads now."""
        if self.bridge.busy:
            self.show_notice(translate("MainWindow", WAIT))
            self.refresh_header()
            return
        self.chat_model = model_id
        if self.remote_host(model_id) is not None:  # nothing loads: the endpoint answers
            if self.conversation_id is not None:
                self.service.set_model(self.conversation_id, model_id)
            self.refresh_header()
            return
        if model_id != self.model_id or self.bridge.current is None:
            self.load_model(model_id, force=True)
        elif self.conversation_id is not None:
            self.service.set_model(self.conversation_id, model_id)

    @Slot()
    def open_model_manager(self) -> None:
        self.model_manager.show_section("catalog")
        self.refresh_header()  # back to this chat's model in the picker

    def show_context(self, stats: dict[str, Any] | None) -> None:
        """The meter and the status bar's speed: this chat's last answer, against the loaded context if the loaded
        model is this chat's."""
        self._context_stats = stats
        if stats is None:
            self.header.set_context(None, None)
            self.status_speed.setText("")
            self.status_speed.setVisible(False)
            return
        used = int(stats.get("prompt_tokens", 0)) + int(stats.get("generated_tokens", 0))
        total = self._loaded_max if self.bridge.current is not None and self.model_id == self.chat_model else 0
        self.header.set_context(used, total or None, int(stats.get("dropped_turns", 0)))
        if stats.get("decode_tok_s"):
            self.status_speed.setText(translate("MainWindow", "first token {seconds} s · {speed} tok/s").format(
                seconds=decimal(float(stats.get("ttft_s", 0)), 2), speed=decimal(float(stats["decode_tok_s"]), 1)))
        self.status_speed.setVisible(bool(self.status_speed.text()))

    @Slot()
    def edit_system_prompt(self) -> None:
        """This chat's own system prompt (empty: the general one from Settings)."""
        from PySide6.QtWidgets import QInputDialog

        conversation_id = self.conversation_id
        current = self.service.draft_system_prompt
        if conversation_id is not None:
            try:
                current = self.store.get_conversation(conversation_id).system_prompt
            except ConversationMissingError:
                self._gone(conversation_id)
                return
        text, ok = QInputDialog.getMultiLineText(
            self, translate("Header", "This chat's system prompt"),
            translate("Header", "What the model is told before this conversation (empty: the general one from "
                      "Settings):"), current or "")
        if not ok:
            return
        if conversation_id is None:  # a new chat: kept for the conversation its first question makes
            self.service.draft_system_prompt = text.strip() or None
        elif conversation_id == self.conversation_id:
            self.service.set_system_prompt(conversation_id, text.strip() or None)

    def _offer_context(self, event: Loaded) -> None:
        """One image costs ~1,900 tokens: at 4,096 two never fit. Offer the largest context memory allows."""
        import psutil

        from phidesk.models.context_offer import IMAGE_TOKENS, images_that_fit, larger_context

        offer = larger_context(event.max_length, event.context_length, event.kv_cache_mb,
                               psutil.virtual_memory().available / 2**20)
        if offer is None:
            return
        fit_now, fit_then = images_that_fit(event.max_length), images_that_fit(offer.tokens)

        def accept() -> None:
            from phidesk import settings as settings_module

            self.prefs = replace(self.prefs, context_cap=offer.tokens)
            try:
                settings_module.update({"context_cap": offer.tokens})
            except (UserError, OSError) as exc:
                self.show_notice(translate("MainWindow", "The larger context applies to this window but could not be "
                                           "saved: {reason}").format(reason=localized(exc)))
            if self.model_id:
                self.load_model(self.model_id)

        self.show_notice(
            translate("MainWindow", "One image costs about {image} tokens, so this {context}-token context holds %n "
                      "image(s) with a question. This computer has room for {offer} tokens ({then} images): "
                      "{arithmetic}.", None, fit_now).format(
                image=number(IMAGE_TOKENS), context=number(event.max_length), offer=number(offer.tokens),
                then=number(fit_then), arithmetic=localized(offer.arithmetic())),
            [(translate("MainWindow", "Use {tokens} tokens").format(tokens=number(offer.tokens)), accept)],
            kind="context")
