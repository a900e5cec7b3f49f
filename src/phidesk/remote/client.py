"""RemoteClient: one model on a remote OpenAI-API endpoint, with the local engine client's event interface.

``generate`` yields ``Token`` events as the server streams them (server-sent events, parsed by the ``openai``
package), then ``Finished(stats)`` or a :class:`RemoteFailed` (a ``Failed`` with ``retry_after_s`` and
``partial``). Failure codes (stable; the window maps them to notices):

- ``remote_unreachable``: no connection (wrong host or port, the server is not running, no network)
- ``remote_auth``: 401 or 403 (the key is missing, wrong or not allowed this model)
- ``remote_not_found``: 404 (the model, or the URL's path, does not exist there)
- ``remote_rate_limited``: 429; ``retry_after_s`` (and the message's ``seconds`` value) is the wait it asked for
- ``remote_server_error``: 5xx, or another answer the client cannot use
- ``remote_stream_broken``: the stream ended mid-answer; the tokens so far were already yielded (``partial``)
- ``remote_timeout``: the server did not answer within the client's timeout
- ``remote_offline``: the Offline setting blocks every remote endpoint (no connection is made)

``stop()`` (any thread) closes the HTTP response at once; the answer then ends with ``Finished`` whose
``finish_reason`` is ``cancelled``.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from phidesk import settings as settings_mod
from phidesk.engine.protocol import AnswerStats, Event, Failed, Finished, Guidance, Message, Sampling, Token, unsendable
from phidesk.errors import UserError
from phidesk.remote.endpoints import Endpoint, api_key, remote_model, unknown_endpoint
from phidesk.remote.errors import CODES, RemoteError, _text, call_errors, offline_error
from phidesk.texts import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from phidesk.engine.line import Turn

log = logging.getLogger(__name__)
__all__ = [
    "CODES",
    "USER_CODES",
    "KeptClients",
    "RemoteClient",
    "RemoteError",
    "RemoteFailed",
    "call_errors",
    "client_for",
    "offline_error",
]

USER_CODES = frozenset({"remote_unreachable", "remote_auth", "remote_not_found", "remote_rate_limited",
                        "remote_offline"})  # the user can act (URL, key, model, wait, Offline); else the server's
DEFAULT_TIMEOUT_S = 60.0  # the longest wait for the server's next bytes (connecting: CONNECT_TIMEOUT_S)
CONNECT_TIMEOUT_S = 10.0


@dataclass
class RemoteFailed(Failed):
    """A remote answer's failure: ``retry_after_s`` (429: the wait asked for), ``partial`` (the tokens yielded
    before it are an incomplete answer)."""

    retry_after_s: float | None = None
    partial: bool = False


def image_url(path: str) -> str:
    """A ``data:`` URL of the image at *path*, after the engine's checks (format, size, bomb); scaled as for a local
    vision model. UserError (``bad_image``) for a file that is not a usable image."""
    from phidesk.engine.images import prepare_image

    return "data:image/png;base64," + base64.b64encode(prepare_image(path).png).decode("ascii")


def _wire_messages(messages: Sequence[Message], images: Sequence[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)
    for i, m in enumerate(messages):
        attached = [*m.images, *(images if i == last_user else ())]
        if attached and m.role == "user":
            parts: list[dict[str, Any]] = [{"type": "text", "text": m.content}]
            parts += [{"type": "image_url", "image_url": {"url": image_url(p)}} for p in attached]
            out.append({"role": m.role, "content": parts})
        else:
            out.append({"role": m.role, "content": m.content})
    return out


class _Sockets:
    """The network backend of one RemoteClient's connection pool, wrapped to remember the sockets it opened, so
    that ``stop()`` can wake a request still waiting for the server's first byte (before there is a response to
    close: a server that never answers). Shutting a socket down wakes a ``recv`` blocked on it in another thread."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self.refuse = False  # set by shut_down until the next answer: a connection made meanwhile is shut at once

    def connect_tcp(self, *args: Any, **kwargs: Any) -> Any:
        stream = self._backend.connect_tcp(*args, **kwargs)
        sock = stream.get_extra_info("socket")
        if isinstance(sock, socket.socket):
            with self._lock:
                self._open = [s for s in self._open if s.fileno() != -1]
                self._open.append(sock)
                refuse = self.refuse
            if refuse:  # stop() came while this connection was being made
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        return stream

    def __getattr__(self, name: str) -> Any:  # connect_unix_socket, sleep: as the backend does them
        return getattr(self._backend, name)

    def shut_down(self) -> None:
        with self._lock:
            held, self._open = self._open, []
            self.refuse = True
        for sock in held:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class RemoteClient:
    """One model (*model*) on one endpoint. Thread use: ``generate`` on one thread at a time; ``stop`` and
    ``close`` from any thread. *offline*: whether the Offline setting is on now (default: settings.json's)."""

    def __init__(self, endpoint: Endpoint, model: str, api_key: str | None = None, *,
                 timeout: float | None = None, connect_timeout: float | None = None,
                 offline: Callable[[], bool] | None = None) -> None:
        self.endpoint, self.model = endpoint, model
        self._key = api_key
        # None: the module's defaults as they are when the client is made (not when this module was imported)
        self.timeout = DEFAULT_TIMEOUT_S if timeout is None else timeout
        self.connect_timeout = CONNECT_TIMEOUT_S if connect_timeout is None else connect_timeout
        self._offline = offline or (lambda: settings_mod.load().offline)
        self._lock = threading.Lock()
        self._stream: Any = None
        self._stopped = False
        self._client: Any = None
        self._sockets: _Sockets | None = None
        self.usage_supported: bool | None = None  # whether stream_options.include_usage was accepted

    @classmethod
    def for_model(cls, model_id: str, **kwargs: Any) -> RemoteClient:
        """The client of an ``ENDPOINT/MODEL`` id, with the endpoint's key (:func:`endpoints.api_key`);
        RemoteError (``unknown_endpoint``) when ENDPOINT is not an endpoint the user added."""
        found = remote_model(model_id)
        if found is None:
            raise unknown_endpoint(model_id.partition("/")[0])
        endpoint, model = found
        return cls(endpoint, model, api_key(endpoint.name), **kwargs)

    @property
    def model_id(self) -> str:
        return self.endpoint.model_id(self.model)

    def serves(self, endpoint: Endpoint, api_key: str | None) -> bool:
        """Whether this client is still right for *endpoint* with *api_key* (neither changed since it was made)."""
        return self.endpoint == endpoint and self._key == api_key

    def _openai(self) -> Any:
        if self._client is None:
            import httpx2
            from openai import OpenAI

            self._client = OpenAI(
                base_url=self.endpoint.base_url, api_key=self._key or "none", max_retries=0,
                timeout=httpx2.Timeout(self.timeout, connect=self.connect_timeout))
            # The pool's backend is not public API; where a release moves it, Stop still works once the response
            # has begun (``_close_stream``) and the wait for a silent server ends at the timeout.
            pool = getattr(getattr(self._client._client, "_transport", None), "_pool", None)
            if pool is not None and hasattr(pool, "_network_backend"):
                self._sockets = _Sockets(pool._network_backend)
                pool._network_backend = self._sockets
        return self._client

    def generate(
        self, messages: Sequence[Message], sampling: Sampling | None = None, images: Sequence[str] = (), *,
        conversation: str = "", continue_last: bool = False, guidance: Guidance | None = None,
        turn: Turn | None = None,
    ) -> Iterator[Event]:
        """Stream one answer: Token…, then Finished (``cancelled`` after ``stop()``) or RemoteFailed.

        *conversation* is not used (the server keeps no cache of ours); *continue_last* sends the messages as they
        are (ending with the answer to go on with: servers that continue it, do); *guidance* ``json_schema`` is
        sent as ``response_format``; other kinds are refused (``bad_guidance``). *turn*: ``turn.cancel()`` stops
        this answer like ``stop()``.
        """
        del conversation, continue_last
        sampling = (sampling or Sampling()).validate()
        with self._lock:
            self._stopped = False
            if self._sockets is not None:
                self._sockets.refuse = False
        if turn is not None and turn.asked:  # cancelled before it began (stop() stops it once it runs)
            yield Finished(stats=AnswerStats(finish_reason="cancelled"))
            return
        if self._offline():
            yield self._failed(offline_error())
            return
        if (problem := unsendable(messages)) is not None:
            yield RemoteFailed(code="bad_text", message=problem, user_error=True)
            return
        try:
            body = self._body(messages, sampling, images, guidance)
        except UserError as exc:
            yield RemoteFailed(code=exc.code, message=str(exc), user_error=True)
            return
        yield from self._answer(body)

    def _body(self, messages: Sequence[Message], sampling: Sampling, images: Sequence[str],
              guidance: Guidance | None) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "messages": _wire_messages(messages, images), "stream": True,
                                "temperature": sampling.temperature, "max_tokens": sampling.max_new_tokens}
        if not sampling.greedy:
            body["top_p"] = sampling.top_p
        if sampling.seed is not None:
            body["seed"] = sampling.seed
        if guidance is not None:
            if guidance[0] != "json_schema":
                raise UserError(_text(QT_TRANSLATE_NOOP(
                    "Remote", "a remote endpoint takes only a JSON schema as the answer's form, not {kind}"),
                    kind=guidance[0]), "bad_guidance")
            import json

            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": "answer", "schema": json.loads(guidance[1])}}
        return body

    def _failed(self, error: RemoteError, *, partial: bool = False) -> RemoteFailed:
        return RemoteFailed(code=error.code, message=error.args[0], user_error=error.user_error,
                            retry_after_s=error.retry_after_s, partial=partial)

    def _open(self, body: dict[str, Any]) -> Any:
        """The streaming response; with usage asked for when the endpoint accepts it (a 400 naming
        stream_options: asked again without it, and the tokens are counted instead)."""
        import openai

        client = self._openai()
        if self.usage_supported is not False:
            try:
                stream = client.chat.completions.create(**body, stream_options={"include_usage": True})
                self.usage_supported = True
                return stream
            except openai.BadRequestError as exc:
                if "stream_options" not in str(exc) and "include_usage" not in str(exc):
                    raise
                self.usage_supported = False
        return client.chat.completions.create(**body)

    def _answer(self, body: dict[str, Any]) -> Iterator[Event]:
        start = time.perf_counter()
        first: float | None = None
        count, usage, finish, text_seen = 0, None, None, False
        error: RemoteError | None = None
        try:
            with call_errors(self.endpoint.base_url, self.model):
                stream = self._open(body)
                with self._lock:
                    self._stream = stream
                    stopped = self._stopped
                if stopped:
                    self._close_stream()
                for chunk in stream:
                    if getattr(chunk, "usage", None) is not None:
                        usage = chunk.usage
                    for choice in chunk.choices or ():
                        piece = getattr(choice.delta, "content", None) if choice.delta is not None else None
                        if piece:
                            if first is None:
                                first = time.perf_counter()
                            count += 1
                            text_seen = True
                            yield Token(text=piece)
                        if choice.finish_reason:
                            finish = choice.finish_reason
        except RemoteError as exc:
            error = exc
        except (GeneratorExit, KeyboardInterrupt):
            self.stop()
            raise
        finally:
            with self._lock:
                stream, self._stream = self._stream, None
                stopped = self._stopped
            if stream is not None:
                with contextlib.suppress(Exception):
                    stream.close()
        end = time.perf_counter()
        if stopped:
            yield Finished(stats=self._stats(start, first, end, count=count, usage=usage, finish="cancelled"))
        elif error is not None and not text_seen:
            yield self._failed(error)
        elif error is not None or finish is None:
            why = error.args[0] if error is not None else ""
            yield self._failed(RemoteError(_text(QT_TRANSLATE_NOOP(
                "Remote", "the answer from {host} broke off before its end: what came is kept, marked incomplete. "
                "{why}"), host=self.endpoint.host, why=why), "remote_stream_broken", user_error=False),
                partial=True)
        else:
            yield Finished(stats=self._stats(start, first, end, count=count, usage=usage,
                                             finish="length" if finish == "length" else "stop"))

    @staticmethod
    def _stats(start: float, first: float | None, end: float, *, count: int, usage: Any, finish: str) -> AnswerStats:
        prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
        generated = int(getattr(usage, "completion_tokens", 0) or 0) or count
        details = getattr(usage, "prompt_tokens_details", None)
        cached = int(getattr(details, "cached_tokens", 0) or 0) if details is not None else 0
        ttft = (first - start) if first is not None else 0.0
        decode = (generated - 1) / (end - first) if first is not None and generated > 1 and end > first else 0.0
        return AnswerStats(prompt_tokens=prompt, new_prompt_tokens=max(prompt - cached, 0),
                           generated_tokens=generated, ttft_s=ttft, prefill_s=ttft, decode_tok_s=decode,
                           finish_reason=finish, cache="remote")

    def _close_stream(self) -> None:
        """Close the running response now: shut its socket down (which wakes a read blocked on it), then close."""
        with self._lock:
            stream = self._stream
        if stream is None:
            return
        response = getattr(stream, "response", None)
        network = getattr(response, "extensions", {}).get("network_stream") if response is not None else None
        sock = network.get_extra_info("socket") if network is not None else None
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(Exception):
            stream.close()

    def stop(self) -> None:
        """Stop the answer being streamed (any thread; returns at once): its HTTP response is closed, or, while
        the server has not answered yet, the connection the request went out on."""
        with self._lock:
            self._stopped = True
            waiting = self._stream is None
        self._close_stream()
        if waiting and self._sockets is not None:
            self._sockets.shut_down()

    def close(self) -> None:
        self.stop()
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()


class KeptClients:
    """One RemoteClient per ``ENDPOINT/MODEL`` id, kept while its endpoint and key stay as they are, so that it
    remembers what its endpoint accepts (no refused stream_options before each answer). The endpoint, its URL and its
    key are read again at each ``get``, so an endpoint changed or removed meanwhile is never used as it was; a client
    replaced is closed, so ``get`` a client only between its answers. *key_of* reads an endpoint's key; *options*
    go to each new RemoteClient (``offline``)."""

    def __init__(self, key_of: Callable[[str], str | None] = api_key, **options: Any) -> None:
        self._key_of = key_of
        self._options = options
        self._clients: dict[str, RemoteClient] = {}
        self._lock = threading.Lock()

    def get(self, model_id: str) -> RemoteClient | None:
        """The client of *model_id*, or None when it is no remote model of an endpoint the user added."""
        found = remote_model(model_id)
        if found is None:
            return None
        endpoint, model = found
        key = self._key_of(endpoint.name)
        with self._lock:
            kept = self._clients.get(model_id)
            if kept is not None and kept.serves(endpoint, key):
                return kept
            client = self._clients[model_id] = RemoteClient(endpoint, model, key, **self._options)
        if kept is not None:
            kept.close()
        return client

    def close(self) -> None:
        """Every kept client closed (and forgotten)."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()


_kept = KeptClients()


def client_for(model_id: str) -> RemoteClient | None:
    """The kept RemoteClient of an ``ENDPOINT/MODEL`` id (:class:`KeptClients`), or None for any other id (a local
    model): the chat service's ``clients``."""
    return _kept.get(model_id)
