"""What the conversation store hands out and takes in: frozen records, the allowed values, row conversion.

The records are plain values (no connection, no lazy loading), so the GUI can keep them, compare
them and pass them between threads. JSON columns (images, settings, stats) are decoded here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from phidesk.errors import UserError

DEFAULT_TITLE = "New chat"
ROLES = ("system", "user", "assistant")
STATUSES = ("complete", "streaming", "cancelled", "error", "interrupted")


@dataclass(frozen=True)
class StoredMessage:
    id: int
    conversation_id: int
    position: int  # 0, 1, 2…: its depth on its branch (its index in the branch shown, when shown)
    role: str  # system | user | assistant
    content: str
    images: tuple[str, ...]
    model: str | None
    provider: str | None
    settings: dict[str, Any] | None
    stats: dict[str, Any] | None
    status: str  # complete | streaming | cancelled | error | interrupted
    created_at: float
    updated_at: float
    parent_id: int | None = None  # the message this one follows; None: a first message
    version: int = 1  # 1-based index among its versions (the messages with the same parent, oldest first)
    versions: int = 1  # how many versions there are (Regenerate and Edit add one; < > in the window)


@dataclass(frozen=True)
class ConversationSummary:
    id: int
    title: str
    pinned: bool
    model_id: str | None
    updated_at: float  # last message added or removed (renaming or pinning does not reorder the list)
    created_at: float
    message_count: int  # the messages of the branch shown (what opening it shows), not every version
    snippet: str | None  # search hits in message text: a short excerpt around the first match


@dataclass(frozen=True)
class Conversation(ConversationSummary):
    system_prompt: str | None
    messages: tuple[StoredMessage, ...]  # the branch shown, first to last (each with its version and versions)
    all_messages: tuple[StoredMessage, ...] = ()  # every message of every version, oldest first (JSON export)


@dataclass(frozen=True)
class NewMessage:
    """A message to write with a whole conversation at once (import): no id and no position yet."""

    role: str
    content: str
    images: tuple[str, ...] = ()
    model: str | None = None
    provider: str | None = None
    settings: dict[str, Any] | None = None
    stats: dict[str, Any] | None = None
    status: str = "complete"
    created_at: float | None = None  # None: the time of writing


class ConversationMissingError(UserError):
    """The conversation is not (or no longer) in the store: deleted, perhaps by another window."""

    code = "conversation_missing"


class ConversationChangedError(UserError):
    """The conversation is no longer what the caller last read (another window or process changed it)."""

    code = "conversation_changed"


def check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"a message's role must be system, user or assistant, not {role!r}")


def check_status(status: str) -> None:
    if status not in STATUSES:
        raise UserError(f"a message's status must be one of {', '.join(STATUSES)}, not {status!r}")


def dump_json(value: Any) -> str | None:
    """A JSON column's text; None stays SQL NULL."""
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _load_json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def message_from_row(row: sqlite3.Row, version: int = 1, versions: int = 1) -> StoredMessage:
    return StoredMessage(
        id=row["id"],
        conversation_id=row["conversation_id"],
        position=row["position"],
        role=row["role"],
        content=row["content"],
        images=tuple(_load_json(row["images"]) or ()),
        model=row["model"],
        provider=row["provider"],
        settings=_load_json(row["settings"]),
        stats=_load_json(row["stats"]),
        status=row["status"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        parent_id=row["parent_id"],
        version=version,
        versions=versions,
    )


def summary_from_row(row: Mapping[str, Any], snippet: str | None = None) -> ConversationSummary:
    return ConversationSummary(
        id=row["id"],
        title=row["title"],
        pinned=bool(row["pinned"]),
        model_id=row["model_id"],
        updated_at=row["updated_at"],
        created_at=row["created_at"],
        message_count=row["message_count"],
        snippet=snippet,
    )


def missing(conversation_id: int) -> ConversationMissingError:
    return ConversationMissingError(f"there is no conversation with id {conversation_id}")


def changed(conversation_id: int) -> ConversationChangedError:
    return ConversationChangedError(f"conversation {conversation_id} has changed since it was read")
