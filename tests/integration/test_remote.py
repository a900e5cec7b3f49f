"""PhiDesk as a client of PhiDesk: a RemoteClient against the local server (LocalServer on the real worker and the
starter, port 0), as a user with two machines would use `phidesk serve` on one from the other."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from phidesk.engine.protocol import Finished, Message, Sampling, Token
from phidesk.remote.client import RemoteClient
from phidesk.remote.endpoints import Endpoint, fetch_models
from phidesk.server import LocalServer
from tests.serving import starter_engine, starter_home

pytestmark = pytest.mark.slow

QUESTION = [Message("user", "What is the capital of France?")]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, starter_source: Path) -> Iterator[Path]:
    with starter_home(tmp_path_factory.mktemp("remote-home")) as folder:
        yield folder


@pytest.fixture(scope="module")
def server(home: Path) -> Iterator[LocalServer]:
    with starter_engine(home) as engine:
        local = LocalServer(engine, model_id="starter", port=0)
        local.start()
        yield local
        local.stop()


@pytest.fixture
def remote(server: LocalServer) -> Iterator[RemoteClient]:
    assert server.url is not None
    client = RemoteClient(Endpoint("other", server.url), "starter", timeout=120)
    yield client
    client.close()


def test_a_streamed_answer_from_another_phidesk(remote: RemoteClient, server: LocalServer) -> None:
    events = list(remote.generate(QUESTION, Sampling(temperature=0, max_new_tokens=40)))
    tokens = [e.text for e in events if isinstance(e, Token)]
    assert "Paris" in "".join(tokens)
    assert len(tokens) > 1  # streamed, not in one piece
    end = events[-1]
    assert isinstance(end, Finished)
    stats = end.stats
    assert stats.finish_reason in ("stop", "length")
    assert stats.prompt_tokens > 5  # from the server's usage, not counted here
    assert stats.generated_tokens >= len(tokens) - 1
    assert stats.ttft_s > 0
    assert stats.decode_tok_s > 0
    assert remote.usage_supported is True


def test_stop_mid_answer_closes_the_request(remote: RemoteClient, server: LocalServer) -> None:
    cut = server.serving.cut
    received: list[str] = []
    stopper = threading.Timer(0, remote.stop)
    end = None
    for event in remote.generate([Message("user", "Write a very long story.")],
                                 Sampling(temperature=0.8, seed=3, max_new_tokens=2000)):
        if isinstance(event, Token):
            received.append(event.text)
            if len(received) == 5:
                stopper.start()  # another thread, as the window's Stop
        end = event
    stopper.join()
    assert isinstance(end, Finished)
    assert end.stats.finish_reason == "cancelled"
    assert 5 <= len(received) < 2000
    for _ in range(200):  # the server notices the closed connection and stops its answer
        if server.serving.cut == cut + 1:
            break
        threading.Event().wait(0.05)
    assert server.serving.cut == cut + 1


def test_the_models_it_lists(server: LocalServer) -> None:
    assert server.url is not None
    assert "starter" in fetch_models(server.url, None)
