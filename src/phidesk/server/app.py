"""The HTTP side: Starlette routes for /v1/models and /v1/chat/completions, OpenAI's shapes and errors.

Every refusal is OpenAI's error object with its HTTP status; anything unexpected is logged with its traceback and
answered 500 naming the log file, never with the traceback. A streamed answer's headers are sent once its first
event has come (after its turn in the queue and the prompt's rendering), so a prompt that cannot fit is still a
400, not an error inside the stream.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from phidesk.engine.client import EngineClient
from phidesk.engine.line import Turn
from phidesk.engine.protocol import AnswerStats, Event, Failed, Finished, Loaded, PrefillProgress, Sampling, Token
from phidesk.server.answers import BusyError, Gate, Job, StopScanner
from phidesk.server.requests import MAX_BODY_BYTES, ApiError, ChatRequest, bad, parse_chat, parse_json

log = logging.getLogger(__name__)
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1", "[::1]"}
RETRY_AFTER_S = 2
USER_CODES = {"prompt_too_long": "context_length_exceeded"}


@dataclass
class Serving:
    """What the routes share: the engine, the model it answers with, the queue, the options."""

    engine: EngineClient
    model_id: str | None
    api_key: str | None
    gate: Gate
    defaults: Sampling
    log_file: Path
    load: Callable[[str], None] | None = None
    loopback_only: bool = True
    jobs: set[Job] = field(default_factory=set)
    cut: int = 0  # answers stopped before their end (a client that left, a stop string)

    def installed(self) -> dict[str, bool]:
        """Installed model ids → whether it reads images."""
        from phidesk.models import library

        return {m.id: bool(m.info and m.info.vision) for m in library.list_models() if m.usable}


def _error(exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


def _engine_error(event: Failed, log_file: Path) -> ApiError:
    if event.user_error:
        return bad(event.message, "messages", USER_CODES.get(event.code, event.code))
    log.error("server: the engine failed (%s): %s", event.code, event.message)
    return ApiError(500, f"the model failed to answer ({event.message}); see {log_file}", code=event.code,
                    kind="server_error")


class Guard:
    """ASGI wrapper: loopback Host names only (no DNS rebinding), the API key, errors as OpenAI's objects."""

    def __init__(self, app: ASGIApp, serving: Serving) -> None:
        self.app, self.serving = app, serving

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        problem: ApiError | None = None
        if self.serving.loopback_only and name not in LOOPBACK_NAMES:
            problem = ApiError(400, "this server answers only requests addressed to 127.0.0.1 or localhost",
                               code="bad_host")
        elif scope.get("method") != "OPTIONS" and not self._key_ok(headers.get("authorization", "")):
            problem = ApiError(401, "missing or wrong API key: send 'Authorization: Bearer KEY'",
                               code="invalid_api_key", kind="authentication_error")
        if problem is not None:
            await _error(problem)(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        except Exception:
            log.exception("server: unexpected error")
            response = _error(ApiError(500, f"unexpected server error; see {self.serving.log_file}",
                                       kind="server_error", code="internal_error"))
            with contextlib.suppress(Exception):  # the response had started already
                await response(scope, receive, send)

    def _key_ok(self, authorization: str) -> bool:
        key = self.serving.api_key
        if key is None:
            return True
        scheme, _, given = authorization.partition(" ")
        return hmac.compare_digest(given.strip().encode("utf-8", "replace") if scheme.lower() == "bearer" else b"",
                                   key.encode("utf-8"))


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ApiError(413, f"the request body is over {MAX_BODY_BYTES // 2**20} MB", code="body_too_large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ApiError(413, f"the request body is over {MAX_BODY_BYTES // 2**20} MB", code="body_too_large")
        chunks.append(chunk)
    return b"".join(chunks)


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _unless_gone(request: Request, work: Awaitable[Any]) -> tuple[bool, Any]:
    """Await *work* unless the client disconnects first (then *work* is cancelled): (gone, result)."""
    task = asyncio.ensure_future(work)
    watch = asyncio.ensure_future(_until_disconnect(request.receive))
    try:
        await asyncio.wait({task, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watch.cancel()
        if not task.done():
            task.cancel()
    if task.done() and not task.cancelled():
        return False, task.result()
    return True, None


def _usage(stats: AnswerStats, tokens: int) -> dict[str, Any]:
    completion = max(stats.generated_tokens, tokens)
    cached = max(0, stats.prompt_tokens - stats.new_prompt_tokens)
    return {"prompt_tokens": stats.prompt_tokens, "completion_tokens": completion,
            "total_tokens": stats.prompt_tokens + completion, "prompt_tokens_details": {"cached_tokens": cached}}


class Chat:
    """The route handlers, over one Serving."""

    def __init__(self, serving: Serving) -> None:
        self.s = serving

    async def models(self, _request: Request) -> Response:
        created = int(time.time())
        loaded = self.s.model_id
        data = [{"id": model_id, "object": "model", "created": created, "owned_by": "phidesk",
                 "loaded": model_id == loaded, "vision": vision}
                for model_id, vision in self.s.installed().items()]
        if loaded is not None and all(d["id"] != loaded for d in data):  # a folder given by path
            data.append({"id": loaded, "object": "model", "created": created, "owned_by": "phidesk",
                         "loaded": True, "vision": bool(self.s.engine.loaded and self.s.engine.loaded.vision)})
        return JSONResponse({"object": "list", "data": data})

    def _model(self, data: dict[str, Any]) -> tuple[str, bool]:
        """The model that answers (loading another one headless), and whether it reads images."""
        asked, loaded = data.get("model"), self.s.model_id
        if asked is not None and not isinstance(asked, str):
            raise bad("'model' must be a string", "model")
        installed = self.s.installed()
        name = asked or loaded
        if name is None:
            raise ApiError(503, "no model is loaded in PhiDesk", code="model_not_loaded",
                           headers={"Retry-After": str(RETRY_AFTER_S)}, kind="server_error")
        if name == loaded:
            vision = bool(self.s.engine.loaded and self.s.engine.loaded.vision) or installed.get(name, False)
            return name, vision
        if name not in installed:
            known = ", ".join(installed) or "none"
            raise ApiError(404, f"the model '{name}' does not exist (installed: {known})", param="model",
                           code="model_not_found")
        if self.s.load is None:
            raise bad(f"the model '{name}' is not loaded: PhiDesk serves the model its window has loaded "
                      f"({loaded})", "model", "model_not_loaded")
        return name, installed[name]

    async def completions(self, request: Request) -> Response:
        try:
            if "json" not in request.headers.get("content-type", ""):
                raise ApiError(415, "send the body as JSON, with 'Content-Type: application/json'",
                               code="unsupported_media_type")
            data = parse_json(await _read_body(request))
            model, vision = self._model(data)
            chat = parse_chat(data, self.s.defaults, model=model, vision=vision)
        except ApiError as exc:
            return _error(exc)
        try:
            return await self._answer(request, chat)
        except ApiError as exc:
            chat.discard()
            return _error(exc)
        except BaseException:
            chat.discard()
            raise

    async def _answer(self, request: Request, chat: ChatRequest) -> Response:
        try:
            gone, _ = await _unless_gone(request, self.s.gate.acquire())
        except BusyError:
            raise ApiError(429, f"PhiDesk is busy: {self.s.gate.waiting} requests wait already; try again shortly",
                           code="busy", kind="rate_limit_error",
                           headers={"Retry-After": str(RETRY_AFTER_S)}) from None
        if gone:
            chat.discard()
            return Response(status_code=499)

        def ended() -> None:
            self.s.cut += job.cut
            self.s.jobs.discard(job)
            chat.discard()
            self.s.gate.release()

        job = Job(lambda turn: self._events(chat, turn), ended)
        self.s.jobs.add(job)
        job.start()
        gone, first = await _unless_gone(request, self._first(job))
        if gone:
            job.cancel()
            return Response(status_code=499)
        if isinstance(first, Failed):
            job.cancel()
            raise _engine_error(first, self.s.log_file)
        ident, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if chat.stream:
            return StreamingResponse(self._sse(job, chat, ident, created), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        gone, result = await _unless_gone(request, self._collect(job, chat))
        if gone:
            job.cancel()
            return Response(status_code=499)
        text, finish, stats, tokens = result
        chat.discard()  # the worker has read the images: they go before the client has its answer
        if finish == "error":
            raise _engine_error(stats, self.s.log_file)
        return JSONResponse({
            "id": ident, "object": "chat.completion", "created": created, "model": chat.model,
            "system_fingerprint": None,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text, "refusal": None},
                         "logprobs": None, "finish_reason": finish}],
            "usage": _usage(stats, tokens)})

    def _events(self, chat: ChatRequest, turn: Turn) -> Iterator[Event]:
        """On the answer's thread: switch the model if asked (headless), then the engine's events."""
        if chat.model != self.s.model_id and self.s.load is not None and chat.model is not None:
            self.s.load(chat.model)
            self.s.model_id = chat.model
        return self.s.engine.generate(chat.messages, chat.sampling, conversation=chat.conversation,
                                      guidance=chat.guidance, turn=turn)

    @staticmethod
    async def _first(job: Job) -> Event | None:
        """The first event that says the answer has begun (the prompt fits: reading it starts) or failed."""
        while True:
            event = await job.next()
            if isinstance(event, Loaded):  # the worker was restarted and the model loaded again
                continue
            if isinstance(event, PrefillProgress):
                job.prompt_tokens, job.new_prompt_tokens = event.prompt_tokens, event.total
            else:
                job.first = event  # a token, the end or a failure: handed on to whoever reads the answer
            return event

    async def _collect(self, job: Job, chat: ChatRequest) -> tuple[str, str, Any, int]:
        parts: list[str] = []
        async for kind, value in _answer_parts(job, chat):
            if kind == "text":
                parts.append(value)
            elif kind == "error":
                return "", "error", value, 0
            else:
                return "".join(parts), kind, value, job.tokens
        return "".join(parts), "stop", AnswerStats(), job.tokens

    async def _sse(self, job: Job, chat: ChatRequest, ident: str, created: int) -> AsyncIterator[bytes]:
        def chunk(delta: dict[str, Any], finish: str | None, **more: Any) -> bytes:
            body: dict[str, Any] = {"id": ident, "object": "chat.completion.chunk", "created": created,
                                    "model": chat.model, "system_fingerprint": None,
                                    "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                                 "finish_reason": finish}], **more}
            if chat.include_usage and "usage" not in body:
                body["usage"] = None
            return f"data: {json.dumps(body, ensure_ascii=False)}\n\n".encode()

        try:
            yield chunk({"role": "assistant", "content": ""}, None)
            async for kind, value in _answer_parts(job, chat):
                if kind == "text":
                    if value:
                        yield chunk({"content": value}, None)
                elif kind == "error":
                    error = _engine_error(value, self.s.log_file)
                    yield f"data: {json.dumps(error.body())}\n\n".encode()
                    break
                else:
                    yield chunk({}, kind)
                    if chat.include_usage:
                        usage = {"id": ident, "object": "chat.completion.chunk", "created": created,
                                 "model": chat.model, "system_fingerprint": None, "choices": [],
                                 "usage": _usage(value, job.tokens)}
                        yield f"data: {json.dumps(usage)}\n\n".encode()
                    break
            chat.discard()
            yield b"data: [DONE]\n\n"
        finally:
            job.cancel()  # the client went away mid-answer (or the answer ended: then it changes nothing)


async def _answer_parts(job: Job, chat: ChatRequest) -> AsyncIterator[tuple[str, Any]]:
    """("text", str)… then (finish_reason, AnswerStats) or ("error", Failed); stop strings cut here."""
    scanner = StopScanner(chat.stops)
    backlog: collections.deque[Event | None] = collections.deque()
    if job.first is not None:
        backlog.append(job.first)
        job.first = None
    while True:
        event = backlog.popleft() if backlog else await job.next()
        backlog.extend(job.ready())
        if event is None:
            yield "error", Failed(code="server_error", message="the answer ended without a result")
            return
        if isinstance(event, Token):
            job.tokens += 1
            text = event.text
            while backlog and isinstance(backlog[0], Token):  # the client fell behind: one chunk for what waits
                more = backlog.popleft()
                assert isinstance(more, Token)
                job.tokens += 1
                text += more.text
            text = scanner.feed(text)
            yield "text", text
            if scanner.stopped:
                job.cancel()
                yield "stop", AnswerStats(prompt_tokens=job.prompt_tokens, new_prompt_tokens=job.new_prompt_tokens,
                                          generated_tokens=job.tokens)
                return
        elif isinstance(event, Finished):
            yield "text", scanner.flush()
            stats = event.stats
            reason = "length" if stats.finish_reason == "length" else "stop"
            yield reason, stats
            return
        elif isinstance(event, Failed):
            yield "error", event
            return
        elif isinstance(event, PrefillProgress):
            job.prompt_tokens, job.new_prompt_tokens = event.prompt_tokens, event.total


def build_app(serving: Serving, cors: str | None = None) -> ASGIApp:
    chat = Chat(serving)
    routes = [Route("/v1/models", chat.models, methods=["GET"]),
              Route("/v1/chat/completions", chat.completions, methods=["POST"])]
    middleware = []
    if cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=[cors], allow_methods=["GET", "POST"],
                                     allow_headers=["Authorization", "Content-Type"]))

    async def not_found(request: Request, _exc: Exception) -> Response:
        return _error(ApiError(404, f"no such endpoint: {request.method} {request.url.path} (PhiDesk serves "
                                    "GET /v1/models and POST /v1/chat/completions)", code="not_found"))

    async def not_allowed(request: Request, _exc: Exception) -> Response:
        return _error(ApiError(405, f"{request.method} is not allowed on {request.url.path}",
                               code="method_not_allowed"))

    app = Starlette(routes=routes, middleware=middleware, exception_handlers={404: not_found, 405: not_allowed})
    return Guard(app, serving)
