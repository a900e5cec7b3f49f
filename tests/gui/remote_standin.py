"""A small OpenAI-API stand-in that injects faults, for the window's remote tests: a real HTTP server (Starlette on
uvicorn, port 0, a daemon thread) whose chat answer is a 429 with Retry-After, a stream cut after a few events, or
an endless stream that records when its client closed the request, or no answer at all (``hang``: the request is
read and then nothing is sent until the client goes away, which the stand-in records too)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

MODEL = "standin"


def _chunk(text: str) -> bytes:
    body = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": MODEL,
            "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]}
    return f"data: {json.dumps(body)}\n\n".encode()


@dataclass
class StandIn:
    url: str
    closed: threading.Event = field(default_factory=threading.Event)  # an endless answer's client went away


def app(mode: str, events: int, closed: threading.Event) -> Starlette:
    async def models(_request: Request) -> Response:
        return JSONResponse({"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": "test"}]})

    async def chat(_request: Request) -> Response:
        if mode == "429":
            return JSONResponse({"error": {"message": "slow down", "type": "rate_limit", "code": "rate_limited"}},
                                status_code=429, headers={"Retry-After": "7"})

        if mode == "hang":  # never a byte of an answer; notice when the client gives up
            try:
                while not await _request.is_disconnected():
                    await asyncio.sleep(0.02)
            finally:
                closed.set()
            return Response(status_code=204)

        async def cut() -> AsyncIterator[bytes]:  # N content events, then the connection ends: no finish, no [DONE]
            for i in range(events):
                yield _chunk(f"part{i} ")
                await asyncio.sleep(0.01)

        async def endless() -> AsyncIterator[bytes]:  # until the client closes the request
            try:
                i = 0
                while True:
                    yield _chunk(f"word{i} ")
                    i += 1
                    await asyncio.sleep(0.02)
            finally:
                closed.set()

        return StreamingResponse(cut() if mode == "cut" else endless(), media_type="text/event-stream")

    return Starlette(routes=[Route("/v1/models", models), Route("/v1/chat/completions", chat, methods=["POST"])])


@contextmanager
def standin(mode: str, events: int = 3) -> Iterator[StandIn]:
    """Serve the stand-in (*mode* "429", "cut", "endless" or "hang") while the block runs."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    closed = threading.Event()
    server = uvicorn.Server(uvicorn.Config(app(mode, events, closed), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield StandIn(f"http://127.0.0.1:{port}/v1", closed)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
