"""An answer cut into segments (prose runs, top-level code blocks): a stream re-parsed from its last segment
gives the same segments as parsing the whole text."""

from __future__ import annotations

import random

from phidesk.gui.segments import PROSE_CHARS, split

TEXT = (
    "Intro with *emphasis*.\n\n```python\ndef f():\n    return 1\n```\n\nA title\n-------\n\n"
    "- a list\n- with items\n\n  continued\n\n> a quote\n> more\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    "    indented code\n\n```\nno language\n```\nend\n" + "Long prose line of the answer. " * 80 + "\n\n"
)


def streamed(text: str, rng: random.Random) -> list[object]:
    segments = split(text[:0])
    at = 0
    while at < len(text):
        at += rng.randint(1, 40)
        shown = text[:at]
        segments = segments[:-1] + split(shown, segments[-1].start)  # what the message widget does
    return segments


def test_streaming_from_the_last_segment_equals_a_full_parse() -> None:
    text = TEXT * 3
    for seed in range(5):
        assert streamed(text, random.Random(seed)) == split(text)


def test_code_blocks_are_their_own_segments_with_language_and_code() -> None:
    segments = split(TEXT)
    code = [s for s in segments if s.kind == "code"]
    assert [(s.language, s.code) for s in code] == [("python", "def f():\n    return 1"), ("", "indented code"),
                                                    ("", "no language")]
    assert "".join(s.source for s in segments) == TEXT  # nothing lost, nothing doubled
    assert all(len(s.source) < PROSE_CHARS + 2_600 for s in segments if s.kind == "prose")


def test_a_half_typed_fence_is_a_code_segment_without_code() -> None:
    last = split("Text\n\n```pyth")[-1]
    assert (last.kind, last.language, last.code) == ("code", "pyth", "")
