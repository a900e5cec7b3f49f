"""The worker keeps several conversations' KV caches and reads the system prompt before the first question."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from phidesk.engine.client import EngineClient
from phidesk.engine.protocol import Finished, Loaded, Message, Sampling
from phidesk.engine.worker import Worker

GREEDY = Sampling(temperature=0, max_new_tokens=24)
HANG_GUARD_S = 60  # only stops a hang
SYSTEM = ("You are a careful assistant for a small bakery. " * 12).strip()


def ask(client: EngineClient, messages: list[Message], conversation: str) -> tuple[str, Finished]:
    text, finished = "", None
    for event in client.generate(messages, GREEDY, conversation=conversation):
        text += getattr(event, "text", "")
        if isinstance(event, Finished):
            finished = event
    assert finished is not None
    return text, finished


def engine(starter_source: Path, tmp_path: Path, budget_mb: int, system: str = "") -> EngineClient:
    client = EngineClient(log_path=tmp_path / "worker.log")
    client.load(starter_source, "cpu", 2048, kv_budget_mb=budget_mb, system_prompt=system, sampling=GREEDY)
    return client


@pytest.fixture
def roomy(starter_source: Path, tmp_path: Path) -> Iterator[EngineClient]:
    client = engine(starter_source, tmp_path, 4096)
    yield client
    client.close()


def _switch_back(client: EngineClient) -> Finished:
    a = [Message("user", "Tell me about the river Thames in two sentences.")]
    answer_a, _ = ask(client, a, "a")
    ask(client, [Message("user", "What is the capital of Peru? One word.")], "b")
    a += [Message("assistant", answer_a), Message("user", "And the Seine?")]
    return ask(client, a, "a")[1]


def test_coming_back_to_a_conversation_reads_only_its_new_tokens(roomy: EngineClient) -> None:
    loaded = roomy.loaded
    assert isinstance(loaded, Loaded)
    assert loaded.kv_caches >= 2
    back = _switch_back(roomy)
    assert back.stats.cache == "kept"
    assert back.stats.new_prompt_tokens < 20  # "And the Seine?" and the turn markers, not the whole conversation


def test_with_room_for_one_cache_the_other_conversation_is_read_again(starter_source: Path, tmp_path: Path) -> None:
    loaded_mb = 1  # less than one cache: one is always kept, the one in use
    client = engine(starter_source, tmp_path, loaded_mb)
    try:
        assert client.loaded is not None
        assert client.loaded.kv_caches == 1
        back = _switch_back(client)
        assert back.stats.cache != "kept"
        assert back.stats.new_prompt_tokens > 40
    finally:
        client.close()


def test_a_new_conversation_starts_from_the_system_prompt_read_in_advance(starter_source: Path,
                                                                          tmp_path: Path) -> None:
    client = engine(starter_source, tmp_path, 4096, SYSTEM)
    try:
        deadline = time.monotonic() + HANG_GUARD_S
        while not client.warmed and time.monotonic() < deadline:  # the worker reads it while nothing else waits
            time.sleep(0.02)
        assert client.warmed
        assert client.warmed[0] > 100
        question = [Message("system", SYSTEM), Message("user", "Do you sell rye bread?")]
        _, first = ask(client, question, "new-1")
        assert first.stats.cache == "spare"
        assert first.stats.new_prompt_tokens < 20
        assert first.stats.prompt_tokens > client.warmed[0]
        # The spare is read again for the next new conversation.
        while len(client.warmed) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        _, second = ask(client, [Message("system", SYSTEM), Message("user", "And scones?")], "new-2")
        assert second.stats.cache == "spare"
        assert second.stats.new_prompt_tokens < 20
    finally:
        client.close()


def test_a_question_sent_as_the_model_loads_is_read_at_once_not_after_the_spare(
        starter_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The worker gives the front end a moment after a load before it makes the spare (a whole-context KV cache, then
    # a slice on every core). Stretched here so that the question surely comes within it, however slow the machine.
    monkeypatch.setenv("PHIDESK_SPARE_SETTLE_MS", str(HANG_GUARD_S * 10 * 1000))
    client = engine(starter_source, tmp_path, 4096, SYSTEM)
    try:
        _, first = ask(client, [Message("system", SYSTEM), Message("user", "Do you sell rye bread?")], "new-1")
        assert first.stats.cache == "new"  # not the spare, begun as the model loaded and read a slice first
        assert first.stats.new_prompt_tokens == first.stats.prompt_tokens
        assert client.warmed == []  # no spare was read meanwhile, nor after the answer (the worker still waits)
    finally:
        client.close()


def test_the_spare_reads_its_last_token_alone_onto_what_it_read(starter_source: Path) -> None:
    # The runtime's first append onto a generator's cache costs a few ms more once per process: the spare pays it,
    # not the first question. A short system prompt fits one slice, which used to be one call.
    worker = Worker(io.BytesIO())  # in this process, on the real runtime and model
    worker.load({"path": str(starter_source), "provider": "cpu", "context_cap": 2048,
                 "system_prompt": "You are a careful assistant.", "sampling": asdict(GREEDY)})
    appended: list[list[int]] = []
    runtime = worker.og

    class Recorded:  # the real generator, its appends written down
        def __init__(self, model: Any, params: Any) -> None:
            self.generator = runtime.Generator(model, params)

        def append_tokens(self, tokens: list[int]) -> None:
            appended.append(list(tokens))
            self.generator.append_tokens(tokens)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.generator, name)

    worker.og = SimpleNamespace(GeneratorParams=runtime.GeneratorParams, Generator=Recorded)
    prefix = worker.warm.prefix
    assert prefix is not None
    assert 1 < len(prefix) < 64  # within the first slice
    while worker.warm.wanted(worker):
        worker.warm.fill_slice(worker)
    assert appended == [prefix[:-1], prefix[-1:]]
    assert worker.slots.spare is not None
    assert worker.slots.spare.cached == prefix
    worker.unload()


def test_a_template_with_nothing_before_the_question_still_gets_a_made_generator(model_copy: Path,
                                                                                 tmp_path: Path) -> None:
    # Making a generator allocates its KV cache for the whole context: the spare is made ahead even when there is
    # no common start to read, and the first question uses it.
    (model_copy / "chat_template.jinja").write_text(
        "{% for m in messages %}{{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}A:{% endif %}",
        encoding="utf-8")
    client = engine(model_copy, tmp_path, 4096)
    try:
        assert client.loaded is not None
        assert client.loaded.spare_tokens == 0
        deadline = time.monotonic() + HANG_GUARD_S
        while not client.warmed and time.monotonic() < deadline:
            time.sleep(0.02)
        assert client.warmed == [0]
        _, first = ask(client, [Message("user", "Hello there")], "new-1")
        assert first.stats.cache == "spare"
        assert first.stats.new_prompt_tokens == first.stats.prompt_tokens  # nothing to skip, only the allocation
    finally:
        client.close()
