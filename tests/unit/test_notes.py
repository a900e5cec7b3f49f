"""The note under an answer: one short line, the essentials first."""

from __future__ import annotations

from phidesk.gui.notes import stats_note


def test_the_note_is_one_short_line_with_the_essentials_first() -> None:
    stats = {"generated_tokens": 1_182, "decode_tok_s": 41.25, "ttft_s": 0.214, "prompt_tokens": 3_905,
             "image_tokens": [1_912, 1_912]}
    note = stats_note(stats)
    assert note == "1,182 tokens · 41.2 tok/s · first token 0.21 s · images 1,912 + 1,912 of 3,905 prompt tokens"
    assert "\n" not in note
    assert stats_note({"generated_tokens": 5, "decode_tok_s": 9.0, "ttft_s": 0.5}) == (
        "5 tokens · 9.0 tok/s · first token 0.50 s")
