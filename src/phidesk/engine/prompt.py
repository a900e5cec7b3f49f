"""Prompt assembly rules that need no model: turn dropping, prefix reuse, prefill slicing.

The worker owns the tokenizer and the template; these functions take a token-counting
callable so they can be tested on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from phidesk.engine.protocol import Message
from phidesk.errors import UserError


class PromptTooLongError(UserError):
    """Even the system prompt plus the newest message does not fit the context."""

    code = "prompt_too_long"


def answer_reserve(max_length: int, max_new_tokens: int) -> int:
    """Tokens kept free for the answer when deciding whether a conversation fits."""
    return max(1, min(max_new_tokens, max_length // 4))


def fit_conversation(
    messages: Sequence[Message],
    count_tokens: Callable[[Sequence[Message]], int],
    budget: int,
) -> tuple[list[Message], int, int]:
    """Drop the oldest turns (never the system prompt) until the prompt fits *budget* tokens.

    A turn is a user message with the replies that follow it, so the conversation always
    starts with a user message after the system prompt. Returns (messages, dropped_turns,
    prompt_tokens). Raises PromptTooLongError when the newest turn alone does not fit.
    """
    system = [m for m in messages[:1] if m.role == "system"]
    rest = list(messages[len(system) :])
    dropped = 0
    while True:
        kept = system + rest
        tokens = count_tokens(kept)
        if tokens <= budget:
            return kept, dropped, tokens
        next_user = next((i for i, m in enumerate(rest) if i > 0 and m.role == "user"), None)
        if next_user is None:
            raise PromptTooLongError(
                f"the message is too long: the prompt needs {tokens} tokens and at most {budget} fit "
                "(raise the context setting or shorten the message)"
            )
        rest = rest[next_user:]
        dropped += 1


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """Length of the longest shared start of two token sequences."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class SliceSizer:
    """Picks prefill slice sizes so that progress (and a stop check) comes about every
    *target_s* seconds, whatever the model's speed: small first, then sized from the rate seen.

    Every slice is a smaller batch for the matrix multiplications than one whole-prompt call, so
    slices are kept large: at least 64 tokens, about a second each. With 16-token slices (0.5 s)
    the Phi-3.5-mini-shaped model read a 3,000-token prompt at 0.88 × the bare loop's rate
    (benchmarks/RESULTS.md). Stop does not wait for a slice: during a prefill it ends the worker.
    """

    def __init__(self, target_s: float = 1.0, first: int = 64, lo: int = 64, hi: int = 1024) -> None:
        self.target_s, self.lo, self.hi = target_s, lo, hi
        self.size = first

    def next(self, remaining: int) -> int:
        return max(1, min(self.size, remaining))

    def observe(self, tokens: int, seconds: float) -> None:
        if tokens <= 0 or seconds <= 0:
            return
        rate = tokens / seconds
        self.size = int(max(self.lo, min(self.hi, rate * self.target_s)))
