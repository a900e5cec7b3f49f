"""Which stored answers can be continued (pure: stored message values in, a yes or no out)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from phidesk.chat import can_continue, cut_at_limit
from phidesk.store import StoredMessage

ANSWER = StoredMessage(1, 1, 1, "assistant", "Once upon a time", (), "starter", "cpu", None,
                       {"finish_reason": "stop"}, "complete", 0.0, 0.0)


@pytest.mark.parametrize(("changes", "cut", "continuable"), [
    ({}, False, False),  # the model ended it itself
    ({"stats": {"finish_reason": "length"}}, True, True),  # cut at the token limit
    ({"status": "cancelled", "stats": {"finish_reason": "cancelled"}}, False, True),  # stopped
    ({"status": "cancelled", "stats": None}, False, True),  # stopped before any stats were written
    ({"status": "cancelled", "content": ""}, False, False),  # stopped before any text: nothing to go on from
    ({"stats": {"finish_reason": "length"}, "content": ""}, True, False),
    ({"status": "error", "stats": {"finish_reason": "length"}}, False, False),
    ({"status": "streaming"}, False, False),
    ({"role": "user", "status": "cancelled"}, False, False),
    ({"stats": None}, False, False),
    ({"stats": ["not", "a", "dict"]}, False, False),  # stats from an imported file: checked, not trusted
])
def test_which_answers_can_be_continued(changes: dict[str, Any], cut: bool, continuable: bool) -> None:
    message = replace(ANSWER, **changes)
    assert cut_at_limit(message) is cut
    assert can_continue(message) is continuable
