"""What goes wrong with a remote endpoint: RemoteError, and the exceptions of the openai package and the HTTP
layer turned into one (a stable code and a Text the window translates, context "Remote")."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from phidesk.errors import UserError
from phidesk.texts import QT_TRANSLATE_NOOP, Text

log = logging.getLogger(__name__)

CODES = ("remote_unreachable", "remote_auth", "remote_not_found", "remote_rate_limited", "remote_server_error",
         "remote_stream_broken", "remote_timeout", "remote_offline")
"""The failure codes of a remote answer (stable: the window maps them to notices); see phidesk.remote.client."""


def _text(template: str, **values: object) -> Text:
    return Text("Remote", template, **values)


class RemoteError(UserError):
    """A remote endpoint could not be used. ``code``: one of client.CODES (or ``bad_endpoint``); ``user_error``:
    the user can fix it (key, URL, model, Offline) rather than the server; ``retry_after_s``: a 429's wait."""

    def __init__(self, message: str, code: str, *, user_error: bool = True,
                 retry_after_s: float | None = None) -> None:
        super().__init__(message, code)
        self.user_error = user_error
        self.retry_after_s = retry_after_s


def offline_error() -> RemoteError:
    return RemoteError(_text(QT_TRANSLATE_NOOP(
        "Remote", "Offline is on: remote endpoints are blocked. Turn Offline off in Settings to use them.")),
        "remote_offline")


def _retry_after(headers: Any) -> float | None:
    value = headers.get("retry-after") if headers is not None else None
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and 0 <= seconds < 86400 else None


def error_for(exc: BaseException, host: str, model: str) -> RemoteError:
    """The RemoteError (code, Text) that an exception from the openai package or the HTTP layer means."""
    import openai

    if isinstance(exc, RemoteError):
        return exc
    if isinstance(exc, openai.APITimeoutError) or "timeout" in type(exc).__name__.lower():
        return RemoteError(_text(QT_TRANSLATE_NOOP(
            "Remote", "{host} did not answer in time: try again later, or check that the server is working"),
            host=host), "remote_timeout", user_error=False)
    if isinstance(exc, openai.APIConnectionError):
        return RemoteError(_text(QT_TRANSLATE_NOOP(
            "Remote", "cannot reach {host}: check the address, that the server is running, and the network"),
            host=host), "remote_unreachable")
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status in (401, 403):
            return RemoteError(_text(QT_TRANSLATE_NOOP(
                "Remote", "{host} refused the API key (HTTP {status}): check the endpoint's key"),
                host=host, status=status), "remote_auth")
        if status == 404:
            return RemoteError(_text(QT_TRANSLATE_NOOP(
                "Remote", "{host} has no model {model} (HTTP 404): check the model name and the base URL"),
                host=host, model=model or "?"), "remote_not_found")
        if status == 429:
            wait = _retry_after(exc.response.headers)
            if wait is None:
                return RemoteError(_text(QT_TRANSLATE_NOOP(
                    "Remote", "{host} is receiving too many requests (HTTP 429): wait a little, then try again"),
                    host=host), "remote_rate_limited")
            return RemoteError(_text(QT_TRANSLATE_NOOP(
                "Remote", "{host} is receiving too many requests (HTTP 429): try again in {seconds:g} s"),
                host=host, seconds=wait), "remote_rate_limited", retry_after_s=wait)
        return RemoteError(_text(QT_TRANSLATE_NOOP(
            "Remote", "{host} failed to answer (HTTP {status}): try again later"), host=host, status=status),
            "remote_server_error", user_error=False)
    return RemoteError(_text(QT_TRANSLATE_NOOP(
        "Remote", "{host} sent an answer PhiDesk cannot use ({kind})"), host=host, kind=type(exc).__name__),
        "remote_server_error", user_error=False)


@contextlib.contextmanager
def call_errors(base_url: str, model: str) -> Iterator[None]:
    """Turn what the openai package or the HTTP layer raise inside into a RemoteError."""
    try:
        yield
    except RemoteError:
        raise
    except Exception as exc:
        if type(exc).__module__.split(".")[0] not in ("openai", "httpx2", "httpx", "httpcore", "h11", "ssl"):
            raise
        log.info("remote %s: %s", urlsplit(base_url).netloc, type(exc).__name__)
        raise error_for(exc, urlsplit(base_url).netloc, model) from exc


