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


CONTINUE_MARK = "PHIDESK-CONTINUE-HERE-91d2"  # stands for where a continued answer goes on, while it is rendered


def continuation_prompt(messages: Sequence[Message], render: Callable[[list[Message]], str]) -> str:
    """The prompt that makes the model go on with the last message, an assistant answer left open.

    Templates differ in how they close a turn, so none of their markers is guessed: the conversation is rendered
    with the answer closed and a mark after its text, and cut at the mark. The text before the mark must end with
    the answer exactly (a template that trims or rewrites it would make the model continue something else), and
    the mark must appear once: otherwise a UserError (``cannot_continue``), never a guess.
    """
    if not messages or messages[-1].role != "assistant" or not messages[-1].content:
        raise UserError("only an answer with some text can be continued", "cannot_continue")
    last = messages[-1]
    text = render([*messages[:-1], Message("assistant", last.content + CONTINUE_MARK, list(last.images))])
    cut = text.find(CONTINUE_MARK)
    if cut < 0 or text.count(CONTINUE_MARK) != 1 or not text[:cut].endswith(last.content):
        raise UserError("this model's chat template changes the answer's text, so it cannot be continued exactly: "
                        "press Regenerate instead", "cannot_continue")
    return text[:cut]


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
