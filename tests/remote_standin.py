"""A small stand-in for a remote OpenAI-API server that injects faults (Starlette + uvicorn, in the test process,
on 127.0.0.1 port 0). The requested model picks the behaviour:

- ``ok``: streams "Hello", " from", " the", " stand-in" with a finish_reason and usage (prompt 11, completion 4)
- ``nousage``: answers 400 naming stream_options when it is sent, else streams like ``ok`` without usage
- ``auth``: 401; ``missing``: 404; ``busy``: 429 with Retry-After: 7; ``boom``: 500
- ``cut``: streams 3 tokens, then ends the response without a finish_reason or [DONE]
- ``hang``: never answers (until the server stops)

Every request is recorded (path, model, body, Authorization header) in ``requests``.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

WORDS = ["Hello", " from", " the", " stand-in"]


def _chunk(content: str | None, finish: str | None = None, usage: dict[str, int] | None = None) -> str:
    choices = [] if usage is not None else [{"index": 0, "delta": {"content": content} if content else {},
                                             "finish_reason": finish}]
    data: dict[str, Any] = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "m",
                            "choices": choices}
    if usage is not None:
        data["usage"] = {**usage, "total_tokens": sum(usage.values())}
    return f"data: {json.dumps(data)}\n\n"


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": "test", "code": None}}, status, headers=headers)


class StandIn:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.requests: list[dict[str, Any]] = []
        self.release = threading.Event()
        self.app = Starlette(routes=[Route("/v1/chat/completions", self.chat, methods=["POST"]),
                                     Route("/v1/models", self.models)])
        self._sock = socket.socket()
        self._sock.bind((host, 0))
        self.host, self.port = host, self._sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}/v1"
        self._server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", timeout_graceful_shutdown=1,
                                                     lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def __enter__(self) -> StandIn:
        self._thread.start()
        for _ in range(500):
            if self._server.started:
                break
            threading.Event().wait(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._server.should_exit = True
        self._thread.join(10)
        self._sock.close()

    async def models(self, request: Request) -> Response:
        self.requests.append({"path": "/models", "auth": request.headers.get("authorization")})
        return JSONResponse({"object": "list", "data": [{"id": m, "object": "model", "created": 0, "owned_by": "t"}
                                                        for m in ("ok", "cut", "hang")]})

    async def chat(self, request: Request) -> Response:
        body = await request.json()
        model = body.get("model")
        self.requests.append({"path": "/chat/completions", "model": model, "body": body,
                              "auth": request.headers.get("authorization")})
        if model == "auth":
            return _error(401, "bad key")
        if model == "missing":
            return _error(404, "no such model")
        if model == "busy":
            return _error(429, "slow down", {"Retry-After": "7"})
        if model == "boom":
            return _error(500, "it broke")
        if model == "nousage" and "stream_options" in body:
            return _error(400, "unknown field stream_options")
        if model == "hang":
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return _error(503, "gone")
        usage = body.get("stream_options", {}).get("include_usage", False)

        async def events() -> AsyncIterator[str]:
            words = WORDS[:3] if model == "cut" else WORDS
            for i, word in enumerate(words):
                last = i == len(words) - 1 and model != "cut"
                yield _chunk(word, "stop" if last else None)
            if model == "cut":
                return
            if usage:
                yield _chunk(None, usage={"prompt_tokens": 11, "completion_tokens": 4})
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")
