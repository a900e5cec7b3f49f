"""Guidance (constrained decoding) as it travels: what is refused before the runtime sees it, and the compact
JSON whitespace a schema gets unless it says otherwise."""

from __future__ import annotations

import json

import pytest

from phidesk.engine.protocol import MAX_GUIDANCE_BYTES, check_guidance, compact_json
from phidesk.errors import UserError


@pytest.mark.parametrize(("value", "fragment"), [
    (("xml", "{}"), "unknown guidance kind"),
    (("json_schema",), "pair"),
    ("json_schema", "pair"),
    ({"kind": "regex"}, "pair"),
    ((None, "x"), "unknown guidance kind"),
    (("regex", 5), "non-empty text"),
    (("regex", "  "), "non-empty text"),
    (("regex", "a\ud800"), "not valid Unicode"),
    (("lark_grammar", "é" * (MAX_GUIDANCE_BYTES // 2 + 1)), "at most 65,536"),  # bytes, not characters
])
def test_bad_guidance_is_refused(value: object, fragment: str) -> None:
    with pytest.raises(UserError) as info:
        check_guidance(value)
    assert info.value.code == "bad_guidance"
    assert fragment in str(info.value)


def test_good_guidance_passes_as_a_pair() -> None:
    assert check_guidance(None) is None
    assert check_guidance(["regex", "a+"]) == ("regex", "a+")  # as it comes off the wire
    assert check_guidance(("json_schema", "x" * MAX_GUIDANCE_BYTES)) == ("json_schema", "x" * MAX_GUIDANCE_BYTES)


def test_a_schema_gets_compact_whitespace_unless_it_says_otherwise() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    kind, data = compact_json(("json_schema", json.dumps(schema))) or ("", "")
    assert kind == "json_schema"
    assert json.loads(data) == {**schema, "x-guidance": {"whitespace_flexible": False}}
    own = {**schema, "x-guidance": {"whitespace_flexible": True}}
    assert compact_json(("json_schema", json.dumps(own))) == ("json_schema", json.dumps(own))
    for untouched in [("json_schema", "{not json"), ("json_schema", "[1]"), ("regex", "{}"), None,
                      ("json_schema", "[" * 100_000 + "]" * 100_000)]:
        assert compact_json(untouched) == untouched
