"""Turn dropping, prefix reuse and prefill slicing, with a word counter standing in for a tokenizer."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from phidesk.engine.prompt import PromptTooLongError, SliceSizer, answer_reserve, common_prefix, fit_conversation
from phidesk.engine.protocol import Message
from phidesk.errors import UserError


def words(messages: Sequence[Message]) -> int:
    """One token per word, plus one per message for its role marker."""
    return sum(len(m.content.split()) + 1 for m in messages)


def _words(n: int, tag: str) -> str:
    return " ".join(f"{tag}{i}" for i in range(n))


SYSTEM = Message("system", _words(4, "s"))  # 5 tokens
U1 = Message("user", _words(9, "a"))  # 10
A1 = Message("assistant", _words(9, "b"))  # 10
U2 = Message("user", _words(4, "c"))  # 5
A2 = Message("assistant", _words(4, "d"))  # 5
U3 = Message("user", _words(2, "e"))  # 3
CONVERSATION = [SYSTEM, U1, A1, U2, A2, U3]  # 38 tokens


def test_counter_is_as_documented() -> None:
    assert words(CONVERSATION) == 38


def test_fits_drops_nothing() -> None:
    kept, dropped, tokens = fit_conversation(CONVERSATION, words, 38)
    assert kept == CONVERSATION
    assert dropped == 0
    assert tokens == 38


def test_drops_oldest_turn_first_and_keeps_system() -> None:
    kept, dropped, tokens = fit_conversation(CONVERSATION, words, 37)
    assert kept == [SYSTEM, U2, A2, U3]
    assert dropped == 1
    assert tokens == 18


def test_drops_several_turns() -> None:
    kept, dropped, tokens = fit_conversation(CONVERSATION, words, 17)
    assert kept == [SYSTEM, U3]
    assert dropped == 2
    assert tokens == 8


def test_kept_conversation_starts_with_user_after_system() -> None:
    for budget in range(8, 39):
        kept, _dropped, _tokens = fit_conversation(CONVERSATION, words, budget)
        assert kept[0] == SYSTEM
        assert kept[1].role == "user"
        assert kept[-1] == U3


def test_turn_with_several_replies_is_dropped_whole() -> None:
    extra = Message("assistant", "more")
    conversation = [SYSTEM, U1, A1, extra, U3]
    kept, dropped, tokens = fit_conversation(conversation, words, 10)
    assert kept == [SYSTEM, U3]
    assert dropped == 1
    assert tokens == 8


def test_newest_message_too_long_raises() -> None:
    with pytest.raises(PromptTooLongError) as excinfo:
        fit_conversation(CONVERSATION, words, 7)
    message = str(excinfo.value)
    assert "8 tokens" in message
    assert "at most 7" in message


def test_prompt_too_long_is_a_user_error() -> None:
    assert issubclass(PromptTooLongError, UserError)


def test_system_prompt_alone_too_long_raises() -> None:
    with pytest.raises(PromptTooLongError, match="needs 5 tokens and at most 4"):
        fit_conversation([SYSTEM], words, 4)


def test_without_system_prompt() -> None:
    conversation = [U1, A1, U2, A2, U3]  # 33 tokens
    kept, dropped, tokens = fit_conversation(conversation, words, 14)
    assert kept == [U2, A2, U3]
    assert dropped == 1
    assert tokens == 13


def test_without_system_prompt_newest_too_long() -> None:
    with pytest.raises(PromptTooLongError, match="needs 3 tokens and at most 2"):
        fit_conversation([U1, A1, U3], words, 2)


def test_system_message_later_in_list_is_not_special() -> None:
    # Only a leading system message is protected.
    conversation = [U1, Message("system", "x"), U3]
    kept, dropped, _tokens = fit_conversation(conversation, words, 3)
    assert kept == [U3]
    assert dropped == 1


def test_input_is_not_modified() -> None:
    conversation = list(CONVERSATION)
    fit_conversation(conversation, words, 17)
    assert conversation == CONVERSATION


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([], [], 0),
        ([1, 2, 3], [], 0),
        ([1, 2, 3], [1, 2, 3], 3),
        ([1, 2, 3], [1, 2, 3, 4, 5], 3),
        ([1, 2, 3, 4], [1, 2, 9, 4], 2),
        ([7, 2], [1, 2], 0),
        ((5, 6), [5, 6, 7], 2),
    ],
)
def test_common_prefix(a: Sequence[int], b: Sequence[int], expected: int) -> None:
    assert common_prefix(a, b) == expected
    assert common_prefix(b, a) == expected


@pytest.mark.parametrize(
    ("max_length", "max_new_tokens", "expected"),
    [
        (4096, 1024, 1024),  # the answer limit when it is small enough
        (4096, 100, 100),
        (4096, 4000, 1024),  # at most a quarter of the context
        (1000, 1024, 250),
        (3, 1024, 1),  # never zero
        (4096, 0, 1),
    ],
)
def test_answer_reserve(max_length: int, max_new_tokens: int, expected: int) -> None:
    assert answer_reserve(max_length, max_new_tokens) == expected


# --- SliceSizer ----------------------------------------------------------------------------


def test_slice_sizer_starts_small() -> None:
    sizer = SliceSizer(target_s=0.5, first=64, lo=16, hi=512)
    assert sizer.next(10_000) == 64


def test_slice_sizer_never_exceeds_remaining() -> None:
    sizer = SliceSizer(first=64)
    assert sizer.next(10) == 10
    assert sizer.next(1) == 1


def test_slice_sizer_grows_for_a_fast_model() -> None:
    sizer = SliceSizer(target_s=0.5, first=64, lo=16, hi=512)
    sizer.observe(64, 0.25)  # 256 tokens/s -> 128 tokens take 0.5 s
    assert sizer.next(10_000) == 128


def test_slice_sizer_shrinks_for_a_slow_model() -> None:
    sizer = SliceSizer(target_s=0.5, first=64, lo=16, hi=512)
    sizer.observe(64, 1.0)  # 64 tokens/s -> 32 tokens take 0.5 s
    assert sizer.next(10_000) == 32


def test_slice_sizer_converges_to_target_seconds() -> None:
    rate = 300.0  # a simulated model's prefill speed, tokens per second
    sizer = SliceSizer(target_s=0.4, first=16, lo=8, hi=1024)
    for _ in range(3):
        size = sizer.next(100_000)
        sizer.observe(size, size / rate)
    assert sizer.next(100_000) / rate == pytest.approx(0.4, abs=2 / rate)


def test_slice_sizer_stays_within_bounds() -> None:
    sizer = SliceSizer(target_s=0.5, first=64, lo=16, hi=512)
    sizer.observe(100_000, 1.0)
    assert sizer.next(1_000_000) == 512
    sizer.observe(1, 10.0)
    assert sizer.next(1_000_000) == 16


@pytest.mark.parametrize(("tokens", "seconds"), [(0, 1.0), (64, 0.0), (-1, 1.0), (64, -1.0)])
def test_slice_sizer_ignores_meaningless_observations(tokens: int, seconds: float) -> None:
    sizer = SliceSizer(first=64)
    sizer.observe(tokens, seconds)
    assert sizer.next(10_000) == 64
