"""Constrained decoding: answers that match a JSON schema, a regex or a grammar (onnxruntime-genai's guidance),
with a real worker running the real starter model."""

from __future__ import annotations

import json
import re
from pathlib import Path

from phidesk.engine.client import EngineClient
from phidesk.engine.protocol import (
    MAX_GUIDANCE_BYTES,
    Event,
    Failed,
    Finished,
    Loaded,
    Message,
    Sampling,
    Token,
    Warmed,
)
from tests.integration.test_worker_pipe import RawWorker

SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string", "maxLength": 24}, "country": {"type": "string", "maxLength": 24},
                   "population": {"type": "integer", "minimum": 0, "maximum": 100000000}},
    "required": ["city", "country", "population"],
    "additionalProperties": False,
}
JSON_GUIDANCE = ("json_schema", json.dumps(SCHEMA))
QUESTION = [Message("user", "What is the capital of France? Answer in JSON.")]
GREEDY = Sampling(temperature=0, max_new_tokens=40)


def run(client: EngineClient, messages: list[Message], sampling: Sampling, guidance: tuple[str, str] | None = None,
        conversation: str = "") -> tuple[str, list[Event]]:
    events = list(client.generate(messages, sampling, conversation=conversation, guidance=guidance))
    return "".join(e.text for e in events if isinstance(e, Token)), events


def finished(events: list[Event]) -> Finished:
    last = events[-1]
    assert isinstance(last, Finished), last
    return last


def valid(text: str) -> bool:
    """Whether *text* is one JSON object that matches SCHEMA (checked by hand: the keys, their types, bounds)."""
    data = json.loads(text)
    return (isinstance(data, dict) and set(data) == {"city", "country", "population"}
            and isinstance(data["city"], str) and len(data["city"]) <= 24
            and isinstance(data["country"], str) and len(data["country"]) <= 24
            and isinstance(data["population"], int) and 0 <= data["population"] <= 100000000)


def test_a_json_schema_answer_parses_and_validates_every_time_with_sampling(client: EngineClient) -> None:
    outcomes = []
    for seed in range(10):
        sampling = Sampling(temperature=0.9, top_p=0.95, top_k=50, max_new_tokens=120, seed=seed)
        text, events = run(client, QUESTION, sampling, JSON_GUIDANCE)
        outcomes.append((finished(events).stats.finish_reason, text))
    assert [reason for reason, _ in outcomes] == ["stop"] * 10, outcomes
    assert all(valid(text) for _, text in outcomes), outcomes


def test_without_guidance_the_same_question_is_not_json(client: EngineClient) -> None:
    """What the test above rests on: the starter does not answer in this schema by itself."""
    text, _ = run(client, QUESTION, GREEDY)
    try:
        matches = valid(text)
    except ValueError:  # not JSON at all
        matches = False
    assert not matches, text


def test_a_regex_guides_the_answer(client: EngineClient) -> None:
    pattern = r"(Yes|No), the capital is [A-Z][a-z]+\."
    for seed in range(3):
        text, events = run(client, [Message("user", "Is Paris the capital of France?")],
                           Sampling(temperature=0.8, max_new_tokens=30, seed=seed), ("regex", pattern))
        assert finished(events).stats.finish_reason == "stop"
        assert re.fullmatch(pattern, text), text


def test_a_lark_grammar_guides_the_answer(client: EngineClient) -> None:
    grammar = 'start: "The answer is " NUMBER "."\nNUMBER: /[0-9]{1,3}/'
    text, events = run(client, [Message("user", "What is 2 + 2?")], GREEDY, ("lark_grammar", grammar))
    assert finished(events).stats.finish_reason == "stop"
    assert re.fullmatch(r"The answer is [0-9]{1,3}\.", text), text


def test_a_schema_the_runtime_refuses_is_a_user_error_and_the_worker_goes_on(client: EngineClient) -> None:
    pid = client.worker_pid
    for bad in [("json_schema", "{not json"), ("json_schema", json.dumps({"type": "florp"})), ("regex", "((")]:
        _, events = run(client, QUESTION, GREEDY, bad)
        failed = events[-1]
        assert isinstance(failed, Failed), events
        assert (failed.code, failed.user_error) == ("bad_guidance", True)
        assert bad[0] in failed.message
        assert "\n" not in failed.message
    text, events = run(client, [Message("user", "What is the capital of France?")], GREEDY)
    assert "Paris" in text
    assert client.worker_pid == pid  # the same worker answered: nothing crashed or restarted


def test_bad_kinds_and_sizes_are_refused_before_the_worker(client: EngineClient) -> None:
    pid = client.worker_pid
    cases = [("xml_schema", "{}"), ("regex", ""), ("json_schema", "x" * (MAX_GUIDANCE_BYTES + 1))]
    for kind, data in cases:
        _, events = run(client, QUESTION, GREEDY, (kind, data))
        assert len(events) == 1, events
        assert isinstance(events[0], Failed)
        assert events[0].code == "bad_guidance"
    assert client.worker_pid == pid


def test_a_refused_schema_keeps_the_conversation_cache(client: EngineClient) -> None:
    """The schema is compiled before the conversation's KV cache is freed for a guided generator."""
    messages = [Message("user", "What is the capital of France?")]
    text, _ = run(client, messages, GREEDY, conversation="c1")
    _, events = run(client, messages, GREEDY, ("json_schema", "{not json"), conversation="c1")
    assert isinstance(events[-1], Failed)
    messages += [Message("assistant", text), Message("user", "And of Germany?")]
    _, events = run(client, messages, GREEDY, conversation="c1")
    stats = finished(events).stats
    assert stats.new_prompt_tokens < 20 < stats.prompt_tokens, stats


def test_a_conversation_resent_with_the_same_schema_reads_only_its_new_turn(client: EngineClient) -> None:
    """A generator made with guidance serves the next request with the same guidance: the runtime starts its
    matcher over on appended tokens, so the second answer is whole JSON again and the history is not re-read."""
    messages = list(QUESTION)
    text, events = run(client, messages, GREEDY, JSON_GUIDANCE, conversation="json")
    assert valid(text), text
    messages += [Message("assistant", text), Message("user", "And the capital of Germany? Answer in JSON.")]
    text2, events = run(client, messages, GREEDY, JSON_GUIDANCE, conversation="json")
    stats = finished(events).stats
    assert valid(text2), text2
    assert stats.new_prompt_tokens < 25 < stats.prompt_tokens, stats


def test_guidance_is_not_left_on_the_next_unguided_answer(client: EngineClient) -> None:
    run(client, QUESTION, GREEDY, ("regex", "(Yes|No)"), conversation="k")
    text, _ = run(client, [Message("user", "What is the capital of France?")], GREEDY, conversation="k")
    assert "Paris" in text


def test_a_worker_given_a_bad_guidance_on_its_pipe_refuses_it(starter_source: Path, tmp_path: Path) -> None:
    """The pipe is hostile too: the worker checks the guidance itself, whatever the client did."""
    worker = RawWorker(tmp_path / "worker.log")
    try:
        worker.next()  # Ready
        worker.send(json.dumps({"op": "load", "path": str(starter_source), "provider": "cpu",
                                "context_cap": 1024}).encode())
        assert isinstance(worker.next(), Loaded)
        for request_id, guidance in [(1, ["florp", "x"]), (2, "json"), (3, ["regex", 5]),
                                     (4, ["regex", "a" * (MAX_GUIDANCE_BYTES + 1)])]:
            worker.send(json.dumps({"op": "generate", "id": request_id, "messages": [{"role": "user",
                                    "content": "Hi"}], "sampling": {"temperature": 0, "max_new_tokens": 4},
                                    "guidance": guidance}).encode())
            while isinstance(event := worker.next(), Warmed):  # the spare cache read the system prompt
                pass
            assert isinstance(event, Failed), event
            assert (event.id, event.code) == (request_id, "bad_guidance")
        worker.send(json.dumps({"op": "generate", "id": 9, "messages": [{"role": "user", "content": "Hi"}],
                                "sampling": {"temperature": 0, "max_new_tokens": 4}}).encode())
        while not isinstance(event := worker.next(), (Finished, Failed)):
            pass
        assert isinstance(event, Finished)
    finally:
        worker.close()


def test_a_vision_answer_follows_its_guidance(tmp_path: Path) -> None:
    """A vision turn makes a fresh generator each time: it gets the guidance too (the tiny phi3v fixture's weights are
    random, so only the guidance can make its answer match), and a refused schema leaves the worker serving."""
    from PIL import Image

    from tests.builders.tiny_phi3v import cached_tiny_phi3v

    picture = tmp_path / "red.png"
    Image.new("RGB", (64, 48), "red").save(picture)
    question = [Message("user", "Is it red?", [str(picture)])]
    with EngineClient(log_path=tmp_path / "worker.log") as engine:
        engine.load(cached_tiny_phi3v(), "cpu", 4096)
        pid = engine.worker_pid
        text, events = run(engine, question, Sampling(temperature=0, max_new_tokens=8), ("regex", "(yes|no)"))
        assert finished(events).stats.finish_reason == "stop"
        assert text in ("yes", "no")
        _, events = run(engine, question, GREEDY, ("json_schema", "{not json"))
        assert isinstance(events[-1], Failed)
        assert events[-1].code == "bad_guidance"
        assert engine.worker_pid == pid


def test_continuing_an_answer_under_guidance_is_refused(client: EngineClient) -> None:
    """The runtime's matcher starts over on the continued text, which would make a second JSON object after the
    first half: refused in words, and the worker goes on."""
    events = list(client.generate([*QUESTION, Message("assistant", '{"city": "Par')], GREEDY, continue_last=True,
                                  guidance=JSON_GUIDANCE))
    assert isinstance(events[-1], Failed)
    assert events[-1].code == "bad_guidance"
    text, _ = run(client, [Message("user", "What is the capital of France?")], GREEDY)
    assert "Paris" in text
