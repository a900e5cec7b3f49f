"""Which answers can be continued, and how the window and the CLI say so. Qt-free.

An answer can be continued when it stopped before the model ended it: the user pressed Stop (``cancelled``), or it
reached the token limit (``complete`` with ``finish_reason`` ``length`` in its stats, shown as "cut at the token
limit"). Only the conversation's last message is continued (``ChatService.continue_answer``); the new text is
appended to that same message.
"""

from __future__ import annotations

from phidesk.store import StoredMessage

CUT_NOTE = "cut at the token limit"
CANNOT_CONTINUE = ("Only the last answer can be continued, and only after Stop or when it was cut at the token "
                   "limit; press Regenerate for a new answer.")


def cut_at_limit(message: StoredMessage) -> bool:
    """An answer that ended because it reached the token limit (max new tokens, or the context), not by itself."""
    stats = message.stats if isinstance(message.stats, dict) else {}
    return message.role == "assistant" and message.status == "complete" and stats.get("finish_reason") == "length"


def can_continue(message: StoredMessage) -> bool:
    """Whether *message*, when it is the conversation's last, can be continued: an answer with some text that was
    stopped, or cut at the token limit."""
    if message.role != "assistant" or not message.content:
        return False
    return message.status == "cancelled" or cut_at_limit(message)
