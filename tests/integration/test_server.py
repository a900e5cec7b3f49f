"""The local OpenAI-compatible server, driven by the real ``openai`` package against the real worker and starter.

One worker with the starter serves the whole module (a LocalServer on port 0); a second server on the same
engine checks the API key, which is also how the window shares its engine: one worker, never a second copy.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import openai
import pytest
from PIL import Image

from phidesk.engine.client import EngineClient
from phidesk.errors import UserError
from phidesk.server import LocalServer
from tests.serving import starter_engine, starter_home

pytestmark = pytest.mark.slow

QUESTION = "What is the capital of France?"
GREEDY = {"temperature": 0}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, starter_source: Path) -> Iterator[Path]:
    """A data folder with the starter installed, for the whole module."""
    with starter_home(tmp_path_factory.mktemp("server-home")) as folder:
        yield folder


@pytest.fixture(scope="module")
def engine(home: Path) -> Iterator[EngineClient]:
    with starter_engine(home) as client:
        yield client


class BusyCalls:
    """What the server told on_busy, in order, with a way to wait for the call that comes after the reply.

    The server says "not busy" once the answer has been sent, so a client can read the reply before that call."""

    def __init__(self) -> None:
        self.calls: list[bool] = []
        self._changed = threading.Condition()

    def __call__(self, busy: bool) -> None:
        with self._changed:
            self.calls.append(busy)
            self._changed.notify_all()

    def first(self, count: int) -> list[bool]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.calls) >= count, timeout=30)
            return self.calls[:count]


@pytest.fixture(scope="module")
def server(engine: EngineClient) -> Iterator[LocalServer]:
    busy = BusyCalls()
    local = LocalServer(engine, model_id="starter", port=0, on_busy=busy)
    local.busy_calls = busy  # type: ignore[attr-defined]
    local.start()
    yield local
    local.stop()


@pytest.fixture
def api(server: LocalServer) -> openai.OpenAI:
    assert server.url is not None
    return openai.OpenAI(base_url=server.url, api_key="unused", max_retries=0, timeout=120)


def ask(api: openai.OpenAI, text: str = QUESTION, **options: object) -> openai.types.chat.ChatCompletion:
    return api.chat.completions.create(model="starter", messages=[{"role": "user", "content": text}],
                                       **{**GREEDY, "max_tokens": 40, **options})  # type: ignore[arg-type]


def streamed(api: openai.OpenAI, messages: list[dict[str, object]], **options: object) -> tuple[str, list[object]]:
    chunks = list(api.chat.completions.create(model="starter", messages=messages, stream=True,  # type: ignore
                                              **{**GREEDY, "max_tokens": 40, **options}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    return text, chunks


def test_non_streamed_answer(api: openai.OpenAI, server: LocalServer) -> None:
    answer = ask(api)
    assert "Paris" in (answer.choices[0].message.content or "")
    assert answer.choices[0].finish_reason in ("stop", "length")
    assert answer.usage is not None
    assert answer.usage.prompt_tokens > 5
    assert answer.usage.completion_tokens > 0
    assert answer.usage.total_tokens == answer.usage.prompt_tokens + answer.usage.completion_tokens
    assert server.busy_calls.first(2) == [True, False]  # type: ignore[attr-defined]


def test_streamed_answer_ends_with_usage(api: openai.OpenAI) -> None:
    text, chunks = streamed(api, [{"role": "user", "content": QUESTION}], stream_options={"include_usage": True})
    assert "Paris" in text
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) > 1  # token by token
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] in (
        ["stop"], ["length"])
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens > 1


def test_a_stateless_second_turn_reads_only_what_is_new(api: openai.OpenAI) -> None:
    system = ("You are a patient teacher of young children. You explain things simply, with one short example, "
              "and you never use words a seven-year-old would not know. ") * 2
    messages: list[dict[str, object]] = [{"role": "system", "content": system},
                                         {"role": "user", "content": "Why is the sky blue during the day?"}]
    first = api.chat.completions.create(model="starter", messages=messages, temperature=0,  # type: ignore[arg-type]
                                        max_tokens=100)
    messages += [{"role": "assistant", "content": first.choices[0].message.content or ""},
                 {"role": "user", "content": "And two more?"}]
    second = api.chat.completions.create(model="starter", messages=messages, temperature=0,  # type: ignore[arg-type]
                                         max_tokens=20)
    usage = second.usage
    assert usage is not None
    assert usage.prompt_tokens_details is not None
    cached = usage.prompt_tokens_details.cached_tokens or 0
    assert usage.prompt_tokens - cached <= 16  # the new question and its template marks, nothing else
    assert cached >= 0.9 * usage.prompt_tokens, (cached, usage.prompt_tokens)


def test_stop_strings_cut_the_answer(api: openai.OpenAI) -> None:
    whole = ask(api).choices[0].message.content or ""
    assert "Paris" in whole
    cut = ask(api, stop=["Paris"])
    assert cut.choices[0].message.content == whole[: whole.index("Paris")]
    assert cut.choices[0].finish_reason == "stop"
    text, _ = streamed(api, [{"role": "user", "content": QUESTION}], stop=["Paris"])
    assert text == whole[: whole.index("Paris")]


def test_refusals_use_the_clients_own_exceptions(api: openai.OpenAI, server: LocalServer) -> None:
    with pytest.raises(openai.NotFoundError, match="gpt-4o"):
        api.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(openai.BadRequestError, match="n = 1"):
        ask(api, n=2)
    with pytest.raises(openai.BadRequestError, match="text only"):
        api.chat.completions.create(model="starter", messages=[{"role": "user", "content": [
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64," + png_base64()}}]}])
    with pytest.raises(openai.BadRequestError, match="temperature"):
        ask(api, temperature=7)


def test_models_lists_the_installed_ones(api: openai.OpenAI) -> None:
    models = api.models.list().data
    assert [m.id for m in models] == ["starter"]
    assert models[0].owned_by == "phidesk"
    assert models[0].model_extra == {"loaded": True, "vision": False}


def test_a_bad_or_missing_key_is_refused(engine: EngineClient, server: LocalServer) -> None:
    keyed = LocalServer(engine, model_id="starter", port=0, api_key="sesame")
    url = keyed.start()
    try:
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=url, api_key="wrong", max_retries=0).models.list()
        response = httpx.get(f"{url}/models")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_api_key"
        good = openai.OpenAI(base_url=url, api_key="sesame", max_retries=0, timeout=120)
        assert "Paris" in (ask(good).choices[0].message.content or "")
    finally:
        keyed.stop()
        keyed.stop()  # idempotent


def test_raw_http_errors_are_openai_error_objects(server: LocalServer) -> None:
    url = server.url
    assert url is not None
    cases = [
        (httpx.post(f"{url}/chat/completions", content=b"{not json", headers={"Content-Type": "application/json"}),
         400),
        (httpx.post(f"{url}/chat/completions", content=b"x" * (17 * 2**20),
                    headers={"Content-Type": "application/json"}), 413),
        (httpx.post(f"{url}/chat/completions", content=b"{}", headers={"Content-Type": "text/plain"}), 415),
        (httpx.get(f"{url}/nothing-here"), 404),
        (httpx.get(f"{url}/models", headers={"Host": "evil.example"}), 400),  # DNS rebinding
    ]
    for response, status in cases:
        assert response.status_code == status, response.text
        error = response.json()["error"]
        assert set(error) == {"message", "type", "param", "code"}
        assert "Traceback" not in response.text


def test_a_prompt_too_long_is_a_400(api: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        ask(api, "word " * 6000)
    assert caught.value.code == "context_length_exceeded"


def test_eight_concurrent_streams_arrive_whole_or_get_429(api: openai.OpenAI, server: LocalServer,
                                                          engine: EngineClient) -> None:
    prompts = [f"Count from {i} to {i + 5}." for i in range(8)]
    # Sampled with a seed, not greedy: a seeded sampled answer comes from a fresh generator, so it does not depend on
    # which KV caches the worker happens to keep; a greedy one does (a prompt read from a kept cache in other slices
    # can tip a near-tie the other way: "Count from 2 to 7." did).
    alone = {p: ask(api, p, max_tokens=24, temperature=0.7, seed=1).choices[0].message.content for p in prompts}
    pid = engine.worker_pid

    async def one(client: openai.AsyncOpenAI, prompt: str) -> str | None:
        try:
            stream = await client.chat.completions.create(
                model="starter", messages=[{"role": "user", "content": prompt}], stream=True, temperature=0.7,
                max_tokens=24, seed=1)
            return "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
        except openai.RateLimitError:
            return None

    async def all_of_them() -> list[str | None]:
        async with openai.AsyncOpenAI(base_url=server.url, api_key="unused", max_retries=0, timeout=300) as client:
            return await asyncio.gather(*(one(client, p) for p in prompts))

    results = asyncio.run(all_of_them())
    answered = [(p, r) for p, r in zip(prompts, results, strict=True) if r is not None]
    assert len(answered) == 8  # queue 8: one answering and seven waiting all fit
    for prompt, text in answered:
        assert text == alone[prompt], prompt
    assert engine.worker_pid == pid


def test_beyond_the_queue_requests_get_429(engine: EngineClient, home: Path) -> None:
    small = LocalServer(engine, model_id="starter", port=0, queue_size=1)
    url = small.start()
    try:
        async def run() -> list[int]:
            async with httpx.AsyncClient(timeout=300) as http:
                body = {"model": "starter", "messages": [{"role": "user", "content": "Tell me a story."}],
                        "max_tokens": 200, "temperature": 0}
                responses = await asyncio.gather(*(http.post(f"{url}/chat/completions", json=body)
                                                   for _ in range(4)))
                for r in responses:
                    if r.status_code == 429:
                        assert r.headers["Retry-After"].isdigit()
                        assert r.json()["error"]["type"] == "rate_limit_error"
                return sorted(r.status_code for r in responses)

        assert asyncio.run(run()) == [200, 200, 429, 429]
    finally:
        small.stop()


def test_a_client_that_leaves_mid_stream_frees_the_worker(api: openai.OpenAI, server: LocalServer,
                                                          engine: EngineClient) -> None:
    pid, cut = engine.worker_pid, server.serving.cut
    stream = api.chat.completions.create(model="starter", stream=True, max_tokens=2000, temperature=0.8, seed=3,
                                         messages=[{"role": "user", "content": "Write a very long story."}])
    for received, _chunk in enumerate(stream, 1):
        if received == 5:
            break
    stream.close()  # the connection goes
    assert "Paris" in (ask(api).choices[0].message.content or "")
    assert server.serving.cut == cut + 1  # the story was stopped, not left to run its 2,000 tokens
    assert engine.worker_pid == pid


def test_the_port_in_use_is_one_sentence(engine: EngineClient, server: LocalServer) -> None:
    assert server.url is not None
    port = int(server.url.rsplit(":", 1)[1].split("/")[0])
    with pytest.raises(UserError, match=f"port {port} .* in use"):
        LocalServer(engine, model_id="starter", port=port).start()
    with pytest.raises(UserError, match="API key"):
        LocalServer(engine, model_id="starter", host="0.0.0.0")


def png_base64(size: tuple[int, int] = (64, 48), color: str = "red") -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_an_image_question_to_the_vision_model(tmp_path: Path, home: Path) -> None:
    from tests.builders.tiny_phi3v import cached_tiny_phi3v

    model = cached_tiny_phi3v()
    client = EngineClient(log_path=tmp_path / "worker.log")
    try:
        client.load(model, "cpu", 8192)
        switched: list[str] = []

        def load(model_id: str) -> None:  # as `phidesk serve` does: the same worker loads the other model
            switched.append(model_id)
            client.load(home / "models" / model_id, "cpu", 4096)

        local = LocalServer(client, model_id="tiny-vision", port=0, load=load)
        url = local.start()
        temp = Path(tempfile.gettempdir())
        before = set(temp.glob("phidesk-server-*"))
        try:
            api = openai.OpenAI(base_url=url, api_key="x", max_retries=0, timeout=300)
            answer = api.chat.completions.create(model="tiny-vision", temperature=0, max_tokens=4, messages=[
                {"role": "user", "content": [{"type": "text", "text": "What colour is this?"},
                                             {"type": "image_url",
                                              "image_url": {"url": "data:image/png;base64," + png_base64()}}]}])
            assert answer.usage is not None
            assert answer.usage.completion_tokens == 4
            assert answer.usage.prompt_tokens > 1000  # the image's tokens are in the prompt
            assert set(temp.glob("phidesk-server-*")) == before  # the decoded image was deleted after the answer
            pid = client.worker_pid
            assert "Paris" in (ask(api).choices[0].message.content or "")  # another installed model: loaded
            assert switched == ["starter"]
            assert client.worker_pid == pid
            assert [(m.id, m.model_extra) for m in api.models.list().data] == [
                ("starter", {"loaded": True, "vision": False})]
        finally:
            local.stop()
    finally:
        client.close()




def _valid(value: object, schema: dict[str, object]) -> bool:
    """A small JSON-schema check: type, properties, required, enum, items (what the test's schema uses)."""
    kinds = {"object": dict, "array": list, "string": str, "integer": int, "boolean": bool, "number": (int, float)}
    kind = schema.get("type")
    if kind is not None and not isinstance(value, kinds[str(kind)]):  # type: ignore[arg-type]
        return False
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    if "enum" in schema and value not in schema["enum"]:  # type: ignore[operator]
        return False
    if isinstance(value, dict):
        props: dict[str, dict[str, object]] = schema.get("properties", {})  # type: ignore[assignment]
        if any(key not in value for key in schema.get("required", [])):  # type: ignore[attr-defined]
            return False
        if schema.get("additionalProperties") is False and set(value) - set(props):
            return False
        return all(_valid(v, props[k]) for k, v in value.items() if k in props)
    if isinstance(value, list) and "items" in schema:
        return all(_valid(v, schema["items"]) for v in value)  # type: ignore[arg-type]
    return True


PERSON = {"type": "object", "additionalProperties": False, "required": ["name", "age", "city"],
          "properties": {"name": {"type": "string"}, "age": {"type": "integer"},
                         "city": {"type": "string", "enum": ["Paris", "Rome", "Berlin"]}}}


def test_the_validator_refuses_what_breaks_the_schema() -> None:
    assert _valid({"name": "Ann", "age": 3, "city": "Rome"}, PERSON)
    assert not _valid({"name": "Ann", "age": "3", "city": "Rome"}, PERSON)
    assert not _valid({"name": "Ann", "age": 3, "city": "Oslo"}, PERSON)
    assert not _valid({"name": "Ann", "age": 3}, PERSON)
    assert not _valid({"name": "Ann", "age": 3, "city": "Rome", "x": 1}, PERSON)


def test_json_schema_answers_always_parse_and_validate(api: openai.OpenAI, engine: EngineClient) -> None:
    for seed in range(10):
        answer = api.chat.completions.create(
            model="starter", temperature=0.8, seed=seed, max_tokens=120,
            messages=[{"role": "user", "content": "Describe a person as JSON: name, age and city."}],
            response_format={"type": "json_schema", "json_schema": {"name": "person", "schema": PERSON}})
        text = answer.choices[0].message.content or ""
        assert _valid(json.loads(text), PERSON), text


def test_json_object_answers_parse(api: openai.OpenAI, engine: EngineClient) -> None:
    answer = api.chat.completions.create(model="starter", temperature=0.8, seed=1, max_tokens=80,
                                         messages=[{"role": "user", "content": "A JSON object about Paris."}],
                                         response_format={"type": "json_object"})
    assert isinstance(json.loads(answer.choices[0].message.content or ""), dict)


def test_a_client_that_leaves_the_queue_frees_its_place(engine: EngineClient) -> None:
    small = LocalServer(engine, model_id="starter", port=0, queue_size=1)
    url = small.start()
    long_story = {"model": "starter", "stream": True, "max_tokens": 2000, "temperature": 0.8, "seed": 5,
                  "messages": [{"role": "user", "content": "Write a very long story."}]}
    short = {"model": "starter", "max_tokens": 30, "temperature": 0,
             "messages": [{"role": "user", "content": QUESTION}]}
    results: dict[str, object] = {}

    def post(name: str, timeout: float) -> None:
        try:
            results[name] = httpx.post(f"{url}/chat/completions", json=short, timeout=timeout).status_code
        except httpx.TimeoutException:
            results[name] = "left"

    def until(check: object) -> None:
        for _ in range(1200):  # a generous bound that only stops a hang
            if check():  # type: ignore[operator]
                return
            threading.Event().wait(0.05)
        raise AssertionError("timed out")

    try:
        with httpx.stream("POST", f"{url}/chat/completions", json=long_story, timeout=120) as story:
            lines = story.iter_lines()
            next(lines)
            (answering,) = small.serving.jobs
            leaver = threading.Thread(target=post, args=("leaver", 1.0))
            leaver.start()
            until(lambda: small.serving.gate.waiting == 1)
            leaver.join()
            assert results["leaver"] == "left"
            until(lambda: small.serving.gate.waiting == 0)
            assert answering in small.serving.jobs  # its place was freed while the story still runs
            stayer = threading.Thread(target=post, args=("stayer", 120.0))
            stayer.start()
            until(lambda: small.serving.gate.waiting == 1)
        stayer.join()
        assert results["stayer"] == 200
    finally:
        small.stop()


def test_an_unexpected_failure_is_a_500_naming_the_log(engine: EngineClient, home: Path) -> None:
    def broken(_model_id: str) -> None:
        raise RuntimeError("the disk vanished")

    local = LocalServer(engine, model_id="elsewhere", port=0, load=broken)
    url = local.start()
    try:
        response = httpx.post(f"{url}/chat/completions", timeout=60, json={
            "model": "starter", "messages": [{"role": "user", "content": "hi"}]})
        assert response.status_code == 500
        error = response.json()["error"]
        assert error["type"] == "server_error"
        assert str(home / "logs" / "phidesk.log") in error["message"]
        assert "Traceback" not in response.text
    finally:
        local.stop()
