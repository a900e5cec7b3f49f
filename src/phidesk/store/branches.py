"""Versions of messages: a conversation's messages form a tree, and one branch of it is shown.

Each message names the one it follows (``parent_id``; None for a first message); Regenerate and Edit add a
*version*: another message with the same parent. ``conversations.leaf_id`` is the last message of the branch
shown, which is read from the leaf back to the first message. The versions of a message are its siblings,
oldest (lowest id) first. Message ids only grow and a child is always written after its parent, so the newest
message under a message is the most recently written leaf there: where a switch of version lands.

These functions run inside the Store's transactions, on its connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from phidesk.store.records import StoredMessage, message_from_row

# Every message under (and including) :root, in the conversation :c. UNION, not UNION ALL: a damaged file with a
# cycle of parents still ends.
_SUBTREE = """
    WITH RECURSIVE sub(id) AS (
        SELECT id FROM messages WHERE id = :root AND conversation_id = :c
        UNION
        SELECT m.id FROM messages m JOIN sub ON m.parent_id = sub.id WHERE m.conversation_id = :c
    )
"""


def read(rows: Sequence[sqlite3.Row], leaf_id: int | None) -> tuple[list[StoredMessage], list[StoredMessage]]:
    """The branch shown (first to last) and every message (oldest first), each with its version numbers.

    ``rows``: all of the conversation's messages, by id. A leaf that is not among them (a damaged or
    hand-edited file) falls back to the newest message.
    """
    by_id = {row["id"]: row for row in rows}
    children: dict[int | None, list[int]] = {}
    for row in rows:
        children.setdefault(row["parent_id"], []).append(row["id"])

    def stored(row: sqlite3.Row) -> StoredMessage:
        family = children.get(row["parent_id"], [row["id"]])
        return message_from_row(row, family.index(row["id"]) + 1, len(family))

    every = [stored(row) for row in rows]
    if leaf_id not in by_id:
        leaf_id = rows[-1]["id"] if rows else None
    branch: list[StoredMessage] = []
    seen: set[int] = set()
    while leaf_id is not None and leaf_id in by_id and leaf_id not in seen:
        seen.add(leaf_id)
        row = by_id[leaf_id]
        branch.append(stored(row))
        leaf_id = row["parent_id"]
    branch.reverse()
    return branch, every


def leaf(db: sqlite3.Connection, conversation_id: int) -> int | None:
    """The last message of the branch shown (the newest message if the stored leaf is missing)."""
    row = db.execute(
        "SELECT m.id FROM conversations c JOIN messages m ON m.id = c.leaf_id AND m.conversation_id = c.id"
        " WHERE c.id = ?",
        (conversation_id,),
    ).fetchone()
    return row["id"] if row is not None else newest_under(db, conversation_id, None)


def newest_under(db: sqlite3.Connection, conversation_id: int, message_id: int | None) -> int | None:
    """The newest message under ``message_id`` (itself if none is): the most recently written leaf there.

    ``None``: the whole conversation (None when it is empty).
    """
    if message_id is None:
        row = db.execute("SELECT max(id) AS id FROM messages WHERE conversation_id = ?", (conversation_id,)).fetchone()
    else:
        row = db.execute(_SUBTREE + "SELECT max(id) AS id FROM sub", {"root": message_id, "c": conversation_id})
        row = row.fetchone()
    newest: int | None = row["id"]
    return newest


def subtree(db: sqlite3.Connection, conversation_id: int, message_id: int) -> list[sqlite3.Row]:
    """The message and every one under it (id, parent_id, position, status, writer), by id."""
    return db.execute(
        _SUBTREE + "SELECT m.id, m.parent_id, m.position, m.status, m.writer FROM messages m"
        " WHERE m.id IN (SELECT id FROM sub) ORDER BY m.id",
        {"root": message_id, "c": conversation_id},
    ).fetchall()


def ancestors(db: sqlite3.Connection, conversation_id: int, message_id: int | None) -> set[int]:
    """``message_id`` and every message before it on its branch."""
    found: set[int] = set()
    while message_id is not None and message_id not in found:
        row = db.execute(
            "SELECT parent_id FROM messages WHERE id = ? AND conversation_id = ?", (message_id, conversation_id)
        ).fetchone()
        if row is None:
            break
        found.add(message_id)
        message_id = row["parent_id"]
    return found


def siblings(db: sqlite3.Connection, conversation_id: int, parent_id: int | None) -> list[int]:
    """The versions of a message: the ids of the messages following ``parent_id``, oldest first."""
    return [
        row["id"]
        for row in db.execute(
            "SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? ORDER BY id",
            (conversation_id, parent_id),
        )
    ]
