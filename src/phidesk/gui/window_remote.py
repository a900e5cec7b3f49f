"""The main window's remote models: the models of the endpoints the user added, offered in the picker; a question to
one of them (the Offline setting blocks it; the first one of a conversation asks "This conversation will be sent to
HOST. Send?"); the "remote: HOST" chip of a conversation that used one; a failure turned into a notice with what to
do (the endpoint's key, its models, the wait a rate limit asked for).

The confirmation is remembered per conversation and host: in memory for this session, and for good by what the
conversation holds: an answer already written there by one of that endpoint's models means it was sent there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow, QMessageBox

from phidesk.gui.endpoints_box import read_endpoints
from phidesk.gui.i18n import standard_buttons, translate
from phidesk.gui.plain import Button
from phidesk.remote import endpoints as remote
from phidesk.remote.client import RemoteClient

if TYPE_CHECKING:
    from phidesk.chat import ChatService
    from phidesk.engine.protocol import Failed
    from phidesk.gui.bridge import EngineBridge
    from phidesk.gui.composer import Composer
    from phidesk.gui.endpoints_box import EndpointsBox
    from phidesk.gui.header import ChatHeader
    from phidesk.gui.notices import Action
    from phidesk.remote.client import KeptClients
    from phidesk.settings import Settings
    from phidesk.store import Store

log = logging.getLogger(__name__)


def is_remote(model_id: str | None) -> bool:
    """An "ENDPOINT/MODEL" id (installed models' ids never hold a "/")."""
    return bool(model_id) and "/" in (model_id or "")


def endpoint_name(model_id: str) -> str:
    return model_id.split("/", 1)[0]


class WindowRemote(QMainWindow):
    if TYPE_CHECKING:  # what MainWindow provides
        prefs: Settings
        store: Store
        service: ChatService
        bridge: EngineBridge
        composer: Composer
        header: ChatHeader
        endpoints: EndpointsBox
        chat_model: str | None
        _confirmed: set[tuple[int | None, str]]
        _remote_clients: KeptClients
        confirm_box: QMessageBox | None

        @property
        def conversation_id(self) -> int | None: ...
        def show_notice(self, text: str, actions: list[Action] | None = None, kind: str = "info") -> None: ...
        def open_settings(self) -> None: ...
        def _give_back(self, text: str, images: list[str]) -> None: ...
        def _go_on(self, text: str, images: list[str]) -> None: ...

    # --- what the picker and the header show --------------------------------------------------------------
    def remote_choices(self) -> list[tuple[str, str, str, str]]:
        """(id, model, endpoint's name, host) of every remote model, for the picker."""
        return [(f"{e.name}/{m}", m, e.name, e.host) for e in read_endpoints() for m in e.models]

    def remote_host(self, model_id: str | None) -> str | None:
        """The host a remote model's questions go to (its endpoint's name if the endpoint is gone), else None."""
        if not is_remote(model_id):
            return None
        assert model_id is not None
        found = remote.remote_model(model_id)
        return found[0].host if found is not None else endpoint_name(model_id)

    def used_remote_host(self) -> str | None:
        """The chip: the host of the remote model this conversation uses, or of the last remote answer in it."""
        host = self.remote_host(self.chat_model)
        if host:
            return host
        for message in reversed(self.service.messages):
            if message.role == "assistant" and is_remote(message.model):
                return self.remote_host(message.model)
        return None

    # --- a question to a remote model ---------------------------------------------------------------------
    def send_remote(self, model_id: str, text: str, images: list[str]) -> None:
        """The checks before a remote question: the Offline setting, the endpoint, the confirmation; then the
        question goes on as any other (``_go_on``). Whatever stops it gives the text back."""
        self.remote_checked(model_id, lambda: self._go_on(text, images), lambda: self._give_back(text, images))

    def remote_checked(self, model_id: str, then: Callable[[], None], back: Callable[[], None]) -> None:
        """*then* once the Offline setting, the endpoint and the conversation's confirmation allow *model_id*;
        else a notice, and *back* (what the user typed goes back to the composer)."""
        found = remote.remote_model(model_id)
        if found is None:
            back()
            self.show_notice(translate("RemoteChat", "The endpoint {endpoint} is no longer set up: add it again under "
                                       "Models → Remote endpoints, or pick another model.").format(
                endpoint=endpoint_name(model_id)))
            return
        endpoint, _model = found
        host = endpoint.host
        if self.prefs.offline:
            back()
            blocked = translate("RemoteChat", "Offline is on (Settings → Network), so nothing is sent to {host}: "
                                "turn it off to use {endpoint}, or pick a model on this computer.")
            self.show_notice(blocked.format(host=host, endpoint=endpoint.name),
                             [(translate("RemoteChat", "Settings…"), self.open_settings)])
            return
        if not self._was_confirmed(endpoint.name, host):
            self._confirm(host, then, back)
            return
        then()

    def _was_confirmed(self, endpoint: str, host: str) -> bool:
        conversation_id = self.conversation_id
        if (conversation_id, host) in self._confirmed:
            return True
        return conversation_id is not None and any(
            m.role == "assistant" and (m.model or "").startswith(endpoint + "/") for m in self.service.messages)

    def _confirm(self, host: str, then: Callable[[], None], back: Callable[[], None]) -> None:
        """Asks without blocking (window-modal); Send goes on with the question, Cancel gives it back."""
        box = QMessageBox(QMessageBox.Icon.Question, translate("RemoteChat", "Send to {host}?").format(host=host), "",
                          Button.Yes | Button.Cancel, self)
        box.setObjectName("remoteConfirm")
        box.setText(translate("RemoteChat", "This conversation will be sent to {host}. Send?").format(host=host))
        box.setInformativeText(translate("RemoteChat", "Its messages leave this computer for that server each time you "
                                         "send. PhiDesk asks once per conversation."))
        box.setDefaultButton(Button.Yes)
        standard_buttons(box)
        box.button(Button.Yes).setText(translate("RemoteChat", "Send"))
        conversation_id = self.conversation_id
        self.confirm_box = box

        def done(result: int) -> None:
            self.confirm_box = None
            box.deleteLater()  # a hidden box would stay the active window: Esc (Stop) must reach this one
            self.activateWindow()
            self.composer.editor.setFocus()
            if Button(result) != Button.Yes:
                back()
                return
            self._confirmed.add((conversation_id, host))
            if self.conversation_id != conversation_id:  # the user went elsewhere meanwhile: nothing is sent
                back()
                return
            then()

        box.finished.connect(done)
        box.open()

    def confirmed_new_conversation(self, conversation_id: int) -> None:
        """A new chat's first question made *conversation_id*: the confirmation given for the new chat is its."""
        for held, host in list(self._confirmed):
            if held is None:
                self._confirmed.discard((None, host))
                self._confirmed.add((conversation_id, host))

    def remote_client(self, model_id: str) -> RemoteClient | None:
        """The client for an answer from *model_id*, with the endpoint's key (None: the endpoint is gone): one per
        model, kept (:class:`KeptClients`), so call it only between answers. (A connection is not reused from one
        answer to the next all the same: openai closes a stream's response at [DONE], before the end of its body,
        and the pool drops it.)"""
        return self._remote_clients.get(model_id)

    # --- a remote answer that failed ----------------------------------------------------------------------
    def remote_notice(self, failure: Failed, model_id: str | None) -> None:
        """What to do about a remote failure, by its code; the endpoint's own words stay in the log."""
        code = failure.code
        found = remote.remote_model(model_id) if model_id else None
        host = found[0].host if found else (endpoint_name(model_id) if model_id else "")
        model = found[1] if found else ""
        edit: list[Action] = ([(translate("RemoteChat", "Edit endpoint"), lambda: self.edit_endpoint(found[0]))]
                              if found else [])
        if code == "remote_unreachable":
            text = translate("RemoteChat", "{host} could not be reached: check the base URL and your network.")
        elif code == "remote_auth":
            text = translate("RemoteChat", "{host} refused the API key: check the key (Edit endpoint).")
        elif code == "remote_not_found":
            text = translate("RemoteChat", "{host} has no model {model}: check the model names (Edit endpoint) or pick "
                             "another model.")
        elif code == "remote_rate_limited":
            wait = getattr(failure, "retry_after_s", None)
            text = (translate("RemoteChat", "{host} is busy for you (rate limit): send again in %n second(s).", None,
                              max(1, round(wait))) if wait
                    else translate("RemoteChat", "{host} is busy for you (rate limit): wait a little, then send "
                                   "again."))
            edit = []
        elif code == "remote_server_error":
            text = translate("RemoteChat", "{host} had a server error: try again later, or pick another model.")
            edit = []
        elif code == "remote_stream_broken":
            text = translate("RemoteChat", "The connection to {host} broke in the middle of the answer: what came is "
                             "kept, marked as cut. Regenerate to ask again.")
            edit = []
        elif code == "remote_timeout":
            text = translate("RemoteChat", "{host} did not answer in time: try again later.")
            edit = []
        elif code == "remote_offline":
            text = translate("RemoteChat", "Offline is on (Settings → Network), so nothing was sent to {host}.")
            edit = [(translate("RemoteChat", "Settings…"), self.open_settings)]
        else:
            return
        self.show_notice(text.format(host=host, model=model), edit)

    def edit_endpoint(self, endpoint: remote.Endpoint) -> None:
        """Edit endpoint (a notice's action): the model manager's dialog for it, in front of this window."""
        self.endpoints.edit(endpoint, self)
