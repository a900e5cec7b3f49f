"""A chat-completion request body → what the engine needs, every field checked (pure functions and files).

Follows OpenAI's request shape closely enough that the official clients work unchanged; fields PhiDesk does not
use are ignored. Everything from the network is hostile until checked: types, ranges, sizes. Images arrive as data
URLs (decoded into a private temporary folder, deleted after the answer) or ``file://`` URLs, and only their headers
are read here (the worker decodes and cleans them, as for the window).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from phidesk.engine.images import inspect_image
from phidesk.engine.protocol import Message, Sampling
from phidesk.errors import UserError

MAX_BODY_BYTES = 16 * 2**20  # a whole request, images included
MAX_IMAGE_BYTES = 12 * 2**20  # one decoded image
MAX_IMAGES = 16  # per request (the worker keeps 16 cleaned images)
MAX_STOPS = 4  # as OpenAI
MAX_STOP_CHARS = 256
MAX_SCHEMA_BYTES = 64 * 1024
MAX_TOKENS_CAP = 32_768
ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant"}


class ApiError(Exception):
    """A request the server refuses: HTTP status, OpenAI error type and code, the field at fault."""

    def __init__(self, status: int, message: str, *, code: str | None = None, param: str | None = None,
                 kind: str = "invalid_request_error", headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.param, self.kind = status, code, param, kind
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"message": str(self), "type": self.kind, "param": self.param, "code": self.code}}


def bad(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code=code)


@dataclass
class ChatRequest:
    model: str | None
    messages: list[Message]
    sampling: Sampling
    stream: bool = False
    include_usage: bool = False
    stops: list[str] = field(default_factory=list)
    guidance: tuple[str, str] | None = None
    conversation: str = ""
    folder: Path | None = None  # the temporary folder of decoded images; delete with ``discard``

    def discard(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def parse_json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise bad("the request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise bad("the request body must be a JSON object")
    return data


def _number(data: dict[str, Any], name: str, low: float, high: float) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or not low <= value <= high:
        raise bad(f"'{name}' must be a number between {low:g} and {high:g}", name)
    return float(value)


def _whole(data: dict[str, Any], name: str, low: int, high: int) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad(f"'{name}' must be a whole number between {low} and {high}", name)
    return value


def sampling_from(data: dict[str, Any], defaults: Sampling) -> Sampling:
    """OpenAI's sampling fields over the user's defaults (temperature 0: greedy)."""
    if (n := data.get("n")) is not None and n != 1:
        raise bad("only n = 1 is supported: one answer per request", "n")
    temperature = _number(data, "temperature", 0.0, 2.0)
    top_p = _number(data, "top_p", 0.0, 1.0)
    if top_p == 0.0:
        top_p = 1e-6  # OpenAI allows 0 (only the likeliest token); the engine wants a number above 0
    limit = _whole(data, "max_completion_tokens", 1, MAX_TOKENS_CAP)
    if limit is None:
        limit = _whole(data, "max_tokens", 1, MAX_TOKENS_CAP)
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise bad("'seed' must be a whole number", "seed")
    changes: dict[str, Any] = {"min_new_tokens": 0}
    if temperature is not None:
        changes["temperature"] = temperature
    if top_p is not None:
        changes["top_p"] = top_p
    if limit is not None:
        changes["max_new_tokens"] = limit
    if seed is not None:
        changes["seed"] = seed % 2**31
    try:
        return replace(defaults, **changes).validate()
    except UserError as exc:
        raise bad(str(exc)) from None


def stops_from(data: dict[str, Any]) -> list[str]:
    stop = data.get("stop")
    if stop is None:
        return []
    items = [stop] if isinstance(stop, str) else stop
    if (not isinstance(items, list) or len(items) > MAX_STOPS
            or not all(isinstance(s, str) and 0 < len(s) <= MAX_STOP_CHARS for s in items)):
        raise bad(f"'stop' must be a string or a list of at most {MAX_STOPS} non-empty strings "
                  f"of up to {MAX_STOP_CHARS} characters", "stop")
    return list(items)


def guidance_from(data: dict[str, Any]) -> tuple[str, str] | None:
    """response_format → the engine's constrained decoding: a JSON schema (json_object: any object)."""
    fmt = data.get("response_format")
    if fmt is None:
        return None
    kind = fmt.get("type") if isinstance(fmt, dict) else None
    if kind == "text":
        return None
    if kind == "json_object":
        return "json_schema", json.dumps({"type": "object"})
    if kind == "json_schema":
        spec = fmt.get("json_schema") if isinstance(fmt, dict) else None
        schema = spec.get("schema") if isinstance(spec, dict) else None
        if not isinstance(schema, dict):
            raise bad("response_format.json_schema.schema must be a JSON object (a JSON schema)",
                      "response_format")
        text = json.dumps(schema)
        if len(text.encode()) > MAX_SCHEMA_BYTES:
            raise bad(f"the JSON schema is over {MAX_SCHEMA_BYTES // 1024} KB", "response_format")
        return "json_schema", text
    raise bad("response_format.type must be 'text', 'json_object' or 'json_schema'", "response_format")


class _Images:
    """The images of one request: data URLs decoded into a private temporary folder, file URLs checked."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.count = 0

    def take(self, url: object, param: str) -> str:
        if not isinstance(url, str):
            raise bad("image_url.url must be a string", param)
        self.count += 1
        if self.count > MAX_IMAGES:
            raise bad(f"at most {MAX_IMAGES} images per request", param)
        if url.startswith("data:"):
            path = self._decode(url, param)
        elif url.startswith("file:"):
            parsed = urlparse(url)
            if parsed.netloc not in ("", "localhost"):
                raise bad("a file URL must name a file on this machine (file:///path)", param)
            path = Path(url2pathname(unquote(parsed.path)))
            if not path.is_file():
                raise bad(f"no such image file: {path}", param)
            if path.stat().st_size > MAX_IMAGE_BYTES:
                raise bad(f"the image {path.name} is over {MAX_IMAGE_BYTES // 2**20} MB", param)
        else:
            raise bad("images must be data URLs (data:image/png;base64,…) or file URLs; PhiDesk never fetches "
                      "from the network", param)
        try:
            return str(inspect_image(path))
        except UserError as exc:
            raise bad(str(exc), param, "bad_image") from None

    def _decode(self, url: str, param: str) -> Path:
        head, _, payload = url.partition(",")
        if not head.endswith(";base64") or not head[5:].startswith("image/"):
            raise bad("an image data URL must be base64 (data:image/...;base64,...)", param)
        if len(payload) > MAX_IMAGE_BYTES * 4 // 3 + 4:
            raise bad(f"an image is over {MAX_IMAGE_BYTES // 2**20} MB", param)
        try:
            raw = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise bad("the image data URL is not valid base64", param) from None
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="phidesk-server-"))  # 0700: this user only
        path = self.folder / f"image-{self.count}"
        path.write_bytes(raw)
        return path


def _content(content: object, role: str, images: _Images, param: str) -> tuple[str, list[str]]:
    if content is None and role == "assistant":
        return "", []
    if isinstance(content, str):
        return content, []
    if not isinstance(content, list):
        raise bad("message content must be a string or a list of parts", param)
    texts: list[str] = []
    found: list[str] = []
    for j, part in enumerate(content):
        where = f"{param}[{j}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif kind == "image_url" and role == "user":
            image = part.get("image_url")
            found.append(images.take(image.get("url") if isinstance(image, dict) else image, where))
        else:
            raise bad("a content part must be {'type': 'text', 'text': ...} or, in a user message, "
                      "{'type': 'image_url', 'image_url': {'url': ...}}", where)
    return "\n".join(texts), found


def messages_from(data: dict[str, Any], vision: bool) -> tuple[list[Message], Path | None]:
    raw = data.get("messages")
    if not isinstance(raw, list) or not raw:
        raise bad("'messages' must be a non-empty list", "messages")
    images = _Images()
    try:
        messages = []
        for i, item in enumerate(raw):
            param = f"messages[{i}]"
            role = ROLES.get(item.get("role")) if isinstance(item, dict) else None  # type: ignore[arg-type]
            if role is None:
                raise bad("each message needs a role: system, user or assistant (tools are not supported)", param)
            text, found = _content(item.get("content"), role, images, f"{param}.content")
            if found and not vision:
                raise bad("this model reads text only; images need a vision model", param, "model_not_vision")
            messages.append(Message(role, text, found))
        if messages[-1].role != "user":
            raise bad("the last message must be the user's", "messages")
    except BaseException:
        if images.folder is not None:
            shutil.rmtree(images.folder, ignore_errors=True)
        raise
    return messages, images.folder


def conversation_key(model: str, messages: list[Message]) -> str:
    """The engine's cache key for a stateless client: its model, system prompt and first question.

    A client that resends the conversation with a new turn names the same cache, so the worker reads only the
    new turn; a different conversation gets its own cache (the worker keeps several).
    """
    system = [m.content for m in messages if m.role == "system"]
    first = next((m.content for m in messages if m.role == "user"), "")
    digest = hashlib.sha256(json.dumps([model, system, first]).encode("utf-8", "surrogatepass")).hexdigest()
    return f"server-{digest[:16]}"


def parse_chat(data: dict[str, Any], defaults: Sampling, *, model: str, vision: bool) -> ChatRequest:
    """*model*: the model that will answer (checked by the caller); *vision*: whether it reads images."""
    sampling = sampling_from(data, defaults)
    stops = stops_from(data)
    guidance = guidance_from(data)
    stream = data.get("stream") is True
    options = data.get("stream_options")
    include_usage = stream and isinstance(options, dict) and options.get("include_usage") is True
    messages, folder = messages_from(data, vision)
    return ChatRequest(model, messages, sampling, stream, include_usage, stops, guidance,
                       conversation_key(model, messages), folder)
