"""What the chat service hands back: the live Answer, a Refused request, a Returned question."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from phidesk.engine.protocol import AnswerStats, Failed, Message, Sampling

RETURNED = frozenset({"bad_image", "prompt_too_long"})  # failures that give the question back to its asker


@dataclass(frozen=True)
class Refused:
    """Nothing (more) was written. ``reason``: changed / missing (another window or process changed or deleted
    the conversation since it was read), disk_full or failed (the database refused; ``message`` says what to do),
    bad_text (the question holds lone surrogates, which neither the store nor the worker can take), busy (an
    answer is still being written; in that conversation, or by the engine), cannot_continue (Continue asked for an
    answer that cannot be continued: ``chat.continuing``).
    ``text`` / ``images``: what the user typed, given back (empty when it is safely stored)."""

    reason: str
    message: str = ""
    text: str = ""
    images: tuple[str, ...] = ()


@dataclass(frozen=True)
class Returned:
    """A question the model could not take, deleted from the conversation and handed back intact."""

    text: str
    images: tuple[str, ...]


@dataclass
class Answer:
    """The answer being written: its conversation and stored id, what the engine reads, what has come so far.

    It is written into its own conversation, whichever one is open meanwhile (``ChatService.open``); the window
    finds it there by ``conversation_id`` and ``message_id``, with ``text`` so far.
    """

    message_id: int
    messages: list[Message]
    sampling: Sampling
    conversation_id: int = 0
    question_id: int | None = None  # the question asked with it (None: Regenerate answers an earlier one)
    new_conversation: bool = False  # its question started the conversation
    text: str = ""
    status: str = "streaming"  # then complete / cancelled / error
    stats: AnswerStats | None = None
    failure: Failed | None = None
    outcome: Returned | Refused | None = None  # after a failure: the question handed back, or why it could not be
    image_tokens: list[int] = field(default_factory=list)
    dirty: bool = False
    resumed: str | None = None  # a continued answer: its status before (it goes back to it if the engine fails)
    model: str | None = None  # the model id it was asked of ("ENDPOINT/MODEL": a remote one)

    @property
    def cache_key(self) -> str:
        """The name of its conversation's KV cache in the worker (which keeps several)."""
        return f"conversation-{self.conversation_id}"


def stats_dict(stats: AnswerStats) -> dict[str, Any]:
    data = asdict(stats)
    data["prefill_tok_s"] = stats.prefill_tok_s
    return data
