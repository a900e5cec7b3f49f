"""The server's request checks and stop strings (no model): what a hostile or careless client can send."""

from __future__ import annotations

import base64
import io
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from phidesk.engine.protocol import Sampling
from phidesk.server.answers import StopScanner
from phidesk.server.requests import ApiError, conversation_key, parse_chat, parse_json

DEFAULTS = Sampling()


def chat(**body: object) -> dict[str, object]:
    return {"model": "starter", "messages": [{"role": "user", "content": "hi"}], **body}


def parse(body: dict[str, object], vision: bool = False):  # type: ignore[no-untyped-def]
    return parse_chat(body, DEFAULTS, model="starter", vision=vision)


def png_url(size: tuple[int, int] = (32, 24)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_openai_fields_become_the_engines_sampling() -> None:
    request = parse(chat(temperature=0, top_p=0.5, max_completion_tokens=7, seed=2**40 + 5, stop="END",
                         stream=True, stream_options={"include_usage": True}, unknown_field={"a": 1}))
    assert (request.sampling.temperature, request.sampling.top_p, request.sampling.max_new_tokens) == (0, 0.5, 7)
    assert request.sampling.seed == 5  # folded into the engine's range
    assert request.stops == ["END"]
    assert request.stream
    assert request.include_usage
    assert parse(chat(max_tokens=9)).sampling.max_new_tokens == 9
    assert parse(chat()).sampling.temperature == DEFAULTS.temperature  # the user's defaults otherwise


@pytest.mark.parametrize(("body", "param"), [
    (chat(n=2), "n"),
    (chat(temperature="hot"), "temperature"),
    (chat(temperature=float("nan")), "temperature"),
    (chat(max_tokens=0), "max_tokens"),
    (chat(max_tokens=True), "max_tokens"),
    (chat(seed=1.5), "seed"),
    (chat(stop=["a", "b", "c", "d", "e"]), "stop"),
    (chat(stop=[""]), "stop"),
    (chat(response_format={"type": "xml"}), "response_format"),
    (chat(response_format={"type": "json_schema", "json_schema": {"schema": "[]"}}), "response_format"),
    ({"model": "starter", "messages": []}, "messages"),
    ({"model": "starter", "messages": [{"role": "tool", "content": "x"}]}, "messages[0]"),
    ({"model": "starter", "messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
    ({"model": "starter", "messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]},
     "messages"),
    ({"model": "starter", "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]}]}, "messages[0].content[0]"),
])
def test_bad_fields_are_400s_naming_the_field(body: dict[str, object], param: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse(body, vision=True)
    assert caught.value.status == 400
    assert caught.value.param == param
    assert set(caught.value.body()["error"]) == {"message", "type", "param", "code"}


def test_json_that_is_not_an_object_or_too_deep_is_refused() -> None:
    for raw in (b"[1]", b"{", b"[" * 100_000 + b"]" * 100_000, b"\xff"):
        with pytest.raises(ApiError):
            parse_json(raw)


def test_response_formats_become_a_json_schema() -> None:
    assert parse(chat(response_format={"type": "json_object"})).guidance == ("json_schema", '{"type": "object"}')
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    guided = parse(chat(response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}))
    assert guided.guidance == ("json_schema", '{"type": "object", "properties": {"a": {"type": "integer"}}}')
    assert parse(chat(response_format={"type": "text"})).guidance is None
    huge = {"type": "object", "description": "x" * 70_000}
    with pytest.raises(ApiError, match="KB"):
        parse(chat(response_format={"type": "json_schema", "json_schema": {"schema": huge}}))


def test_images_are_decoded_to_private_files_and_deleted() -> None:
    body = {"model": "starter", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "What is it?"}, {"type": "image_url", "image_url": {"url": png_url()}}]}]}
    request = parse(body, vision=True)
    assert request.folder is not None
    image = Path(request.messages[0].images[0])
    assert image.is_file()
    assert request.folder.stat().st_mode & 0o077 == 0  # this user only
    assert request.messages[0].content == "What is it?"
    request.discard()
    assert not image.exists()
    with pytest.raises(ApiError, match="text only"):
        parse(body, vision=False)


def test_a_damaged_image_is_refused_and_leaves_no_file() -> None:
    temp = Path(tempfile.gettempdir())
    before = set(temp.glob("phidesk-server-*"))
    damaged = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\nnot really").decode()
    body = {"model": "starter", "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": damaged}}]}]}
    with pytest.raises(ApiError) as caught:
        parse(body, vision=True)
    assert caught.value.code == "bad_image"
    assert set(temp.glob("phidesk-server-*")) == before


def test_a_file_url_names_a_local_image(tmp_path: Path) -> None:
    picture = tmp_path / "a b.png"
    Image.new("RGB", (20, 20), "red").save(picture)
    body = {"model": "starter", "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": picture.as_uri()}}]}]}
    request = parse(body, vision=True)
    assert request.messages[0].images == [str(picture.resolve())]
    assert request.folder is None  # nothing decoded, nothing to delete
    body["messages"][0]["content"][0]["image_url"]["url"] = (tmp_path / "missing.png").as_uri()  # type: ignore
    with pytest.raises(ApiError, match="no such image"):
        parse(body, vision=True)


def test_a_resent_conversation_names_the_same_cache() -> None:
    first = parse(chat(messages=[{"role": "system", "content": "S"}, {"role": "user", "content": "Q1"}]))
    resent = parse(chat(messages=[{"role": "system", "content": "S"}, {"role": "user", "content": "Q1"},
                                  {"role": "assistant", "content": "A1"}, {"role": "user", "content": "Q2"}]))
    other = parse(chat(messages=[{"role": "system", "content": "S"}, {"role": "user", "content": "Other"}]))
    assert first.conversation == resent.conversation != other.conversation
    assert conversation_key("a", first.messages) != conversation_key("b", first.messages)


def test_stop_strings_are_cut_across_tokens() -> None:
    scanner = StopScanner(["</end>", "STOP"])
    out = "".join(scanner.feed(t) for t in ["Hello", " wor", "ld</", "en", "d> more"])
    assert out == "Hello world"
    assert scanner.stopped
    plain = StopScanner(["xyz"])
    assert "".join(plain.feed(t) for t in ["ab", "cx", "y"]) + plain.flush() == "abcxy"
    assert not plain.stopped
    assert StopScanner([]).feed("as is") == "as is"
