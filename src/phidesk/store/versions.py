"""The Store's writes that change which messages a conversation shows: cutting off, deleting one message,
switching versions (mixed into :class:`phidesk.store.Store`; the tree itself is :mod:`phidesk.store.branches`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from types import EllipsisType
from typing import TYPE_CHECKING

from phidesk.store import branches, writers
from phidesk.store.records import Conversation, ConversationChangedError, changed, missing


class Versions:
    """Deleting and switching versions; every method is one transaction, checked like ``Store.add_message``."""

    if TYPE_CHECKING:
        writer: str

        def _transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def _now(self) -> float: ...

        def get_conversation(self, conversation_id: int) -> Conversation: ...

    def delete_from_message(
        self, conversation_id: int, message_id: int, *, last_id: int | EllipsisType | None = ...
    ) -> list[int]:
        """Delete message ``message_id`` and every message after it, in every version; return the ids deleted.

        (A question the model could not take goes with its answer.) If the branch shown went through it, the
        branch shown becomes the most recently written one left after its parent. ``last_id``: the last message
        of the branch the caller showed (``...``: no check). Refused with :class:`ConversationChangedError`,
        deleting nothing, when the message is no longer in the conversation, the conversation shows another
        branch now, or an answer among those to delete is still being written by another live process;
        :class:`ConversationMissingError` when the conversation is gone.
        """
        with self._transaction() as db:
            self._check_leaf(db, conversation_id, last_id)
            doomed = branches.subtree(db, conversation_id, message_id)
            if not doomed:
                raise changed(conversation_id)
            self._check_not_written_elsewhere(conversation_id, doomed)
            leaf = branches.leaf(db, conversation_id)
            ids = [r["id"] for r in doomed]
            db.executemany("DELETE FROM messages WHERE id = ?", [(i,) for i in ids])
            if leaf in ids:
                leaf = branches.newest_under(db, conversation_id, doomed[0]["parent_id"])
            self._removed(db, conversation_id, leaf)
        return ids

    def delete_message(
        self, conversation_id: int, message_id: int, *, last_id: int | EllipsisType | None = ...
    ) -> Conversation:
        """Delete one message (one version); return the conversation as it is now.

        Kept simple: the messages after it follow its parent instead (they stay, one step closer to the start,
        beside the message's other versions), so deleting a question keeps its answers. If it was the last
        message shown, the branch shown becomes the most recently written one after its parent; if it was
        earlier on the branch shown, that branch stays (without it). Refused with
        :class:`ConversationChangedError`, deleting nothing, when the message is not in the conversation, the
        conversation shows another branch than ``last_id`` now, or the message is an answer still being written
        (by any live writer); :class:`ConversationMissingError` when the conversation is gone.
        """
        with self._transaction() as db:
            self._check_leaf(db, conversation_id, last_id)
            row = db.execute(
                "SELECT id, parent_id, status, writer FROM messages WHERE id = ? AND conversation_id = ?",
                (message_id, conversation_id),
            ).fetchone()
            if row is None:
                raise changed(conversation_id)
            self._check_not_streaming(conversation_id, [row])
            leaf = branches.leaf(db, conversation_id)
            below = [r["id"] for r in branches.subtree(db, conversation_id, message_id) if r["id"] != message_id]
            db.executemany("UPDATE messages SET position = position - 1 WHERE id = ?", [(i,) for i in below])
            db.execute("UPDATE messages SET parent_id = ? WHERE parent_id = ?", (row["parent_id"], message_id))
            db.execute("DELETE FROM messages WHERE id = ?", (message_id,))
            if leaf == message_id:
                leaf = branches.newest_under(db, conversation_id, row["parent_id"])
            self._removed(db, conversation_id, leaf)
        return self.get_conversation(conversation_id)

    def switch_version(
        self, conversation_id: int, message_id: int, delta: int, *, last_id: int | EllipsisType | None = ...
    ) -> Conversation:
        """Show version ``version + delta`` of message ``message_id`` (clamped to the versions there are).

        The branch shown then goes on to the most recently written message after that version; a version
        already on the branch shown leaves the branch as it is. Returns the conversation as it is now. Refused
        with :class:`ConversationChangedError`, changing nothing, when the message is not in the conversation,
        the conversation shows another branch than ``last_id`` now, or its last message is an answer still
        being written (by any live writer); :class:`ConversationMissingError` when the conversation is gone.
        """
        with self._transaction() as db:
            self._check_leaf(db, conversation_id, last_id)
            row = db.execute(
                "SELECT parent_id FROM messages WHERE id = ? AND conversation_id = ?", (message_id, conversation_id)
            ).fetchone()
            if row is None:
                raise changed(conversation_id)
            leaf = branches.leaf(db, conversation_id)
            last = db.execute("SELECT id, status, writer FROM messages WHERE id = ?", (leaf,)).fetchall()
            self._check_not_streaming(conversation_id, last)
            versions = branches.siblings(db, conversation_id, row["parent_id"])
            target = versions[max(0, min(len(versions) - 1, versions.index(message_id) + delta))]
            if target not in branches.ancestors(db, conversation_id, leaf):
                leaf = branches.newest_under(db, conversation_id, target)
                db.execute("UPDATE conversations SET leaf_id = ? WHERE id = ?", (leaf, conversation_id))
        return self.get_conversation(conversation_id)

    def _removed(self, db: sqlite3.Connection, conversation_id: int, leaf: int | None) -> None:
        """Messages were removed: the conversation shows the branch ending at ``leaf`` and moves up the list."""
        db.execute(
            "UPDATE conversations SET updated_at = ?, leaf_id = ? WHERE id = ?", (self._now(), leaf, conversation_id)
        )

    def _check_leaf(self, db: sqlite3.Connection, conversation_id: int, last_id: int | EllipsisType | None) -> None:
        """The conversation exists and (unless ``last_id`` is ``...``) still shows the branch ending at ``last_id``."""
        if db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone() is None:
            raise missing(conversation_id)
        if last_id is not ... and branches.leaf(db, conversation_id) != last_id:
            raise changed(conversation_id)

    def _check_not_streaming(self, conversation_id: int, rows: Sequence[sqlite3.Row]) -> None:
        for row in rows:
            if row["status"] == "streaming" and (row["writer"] == self.writer or writers.is_alive(row["writer"])):
                raise ConversationChangedError(
                    f"an answer in conversation {conversation_id} is still being written: wait until it is finished"
                )

    def _check_not_written_elsewhere(self, conversation_id: int, rows: Sequence[sqlite3.Row]) -> None:
        for row in rows:
            if row["status"] == "streaming" and row["writer"] != self.writer and writers.is_alive(row["writer"]):
                raise ConversationChangedError(
                    f"an answer in conversation {conversation_id} is still being written elsewhere"
                )
