"""Bounded JSON reading and atomic writing (phidesk.jsonfile), on real files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from phidesk import jsonfile
from phidesk.errors import UserError
from tests.small_disk import fill, small_disk

DEEP = "[" * 100_000 + "]" * 100_000


def test_deep_nesting_is_refused_before_the_parser_recurses() -> None:
    with pytest.raises(jsonfile.JSONFileError) as excinfo:
        jsonfile.loads(DEEP, "deep.json")
    message = str(excinfo.value)
    assert message == "deep.json: nested 100000 levels deep (at most 64 allowed)"


def test_nesting_depth_counts_arrays_and_objects_but_not_brackets_in_strings() -> None:
    text = json.dumps({"a": [1, {"b": "[[[{{{\\\"]]"}], "c": "}}}"})
    assert jsonfile.nesting_depth(text) == 3
    assert jsonfile.loads(text, "x") == json.loads(text)
    assert jsonfile.nesting_depth("7") == 0


def test_depth_at_the_limit_is_accepted_and_one_more_is_not() -> None:
    assert jsonfile.loads("[" * 64 + "]" * 64, "x", max_depth=64) is not None
    with pytest.raises(jsonfile.JSONFileError, match="nested 65 levels"):
        jsonfile.loads("[" * 65 + "]" * 65, "x", max_depth=64)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"a": ', "not valid JSON (line 1, column 7"),
        (b"\xff\xfe\x81", "not a text file (not UTF-8)"),
        ("[" + "9" * 5000 + "]", "not valid JSON (Exceeds the limit"),
        ("x" * 9000, "larger than 8 KB"),
    ],
    ids=["truncated", "binary", "huge-integer", "too-large"],
)
def test_bad_json_has_a_one_line_reason(text: str | bytes, fragment: str) -> None:
    with pytest.raises(jsonfile.JSONFileError) as excinfo:
        jsonfile.loads(text, "f.json", max_bytes=8192)
    assert str(excinfo.value).startswith("f.json: ")
    assert fragment in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


def test_nan_refused_when_asked() -> None:
    assert jsonfile.loads("[NaN]", "x")[0] != 0
    with pytest.raises(jsonfile.JSONFileError, match="NaN is not a number JSON allows"):
        jsonfile.loads("[NaN]", "x", allow_nan=False)


def test_read_checks_the_size_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text("[" + "1," * 1000 + "1]", encoding="utf-8")
    with pytest.raises(jsonfile.JSONFileError, match=r"big\.json: larger than 1 KB"):
        jsonfile.read(path, max_bytes=1024)


@pytest.mark.posix  # named pipes
def test_read_refuses_a_named_pipe_instead_of_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    with pytest.raises(jsonfile.JSONFileError, match="not a regular file"):
        jsonfile.read(path)


def test_read_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        jsonfile.read(tmp_path / "none.json")


def test_read_object_wants_an_object(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1]", encoding="utf-8")
    with pytest.raises(jsonfile.JSONFileError, match="expected a JSON object, found a list"):
        jsonfile.read_object(path)


def test_write_atomic_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    jsonfile.write_atomic(path, {"x": 1})
    jsonfile.write_atomic(path, {"x": "ü"})
    assert json.loads(path.read_text(encoding="utf-8")) == {"x": "ü"}
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_write_atomic_on_a_full_disk_says_so_and_keeps_the_old_file(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        path = disk / "a.json"
        jsonfile.write_atomic(path, {"old": True})
        fill(disk)
        with pytest.raises(jsonfile.DiskFullError) as excinfo:
            jsonfile.write_atomic(path, {"new": "x" * 100_000})
        assert str(excinfo.value).startswith("disk full: ")
        assert isinstance(excinfo.value, UserError)
        assert json.loads(path.read_text(encoding="utf-8")) == {"old": True}
        assert sorted(p.name for p in disk.iterdir()) == ["a.json", "filler"]
