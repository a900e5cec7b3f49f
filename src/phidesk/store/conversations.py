"""The Store: conversations and their messages in one SQLite file; each Store is used by one thread.

Every write is its own transaction and is committed before the method returns, so killing the
process (even ``kill -9``) loses nothing already written. The database runs in WAL mode with
``synchronous=NORMAL``: a commit survives the process dying; only a power cut may lose the last few.

Messages form a tree (:mod:`phidesk.store.branches`): Regenerate and Edit add a version of a message beside the
earlier ones, and the conversation shows one branch, ending at its *leaf*. Several processes may open one database
(a second window, the CLI, a test). Writes that depend on what a window shows say so: ``add_message(...,
after=ID)``, ``delete_from_message``, ``delete_message`` and ``switch_version`` (``last_id=ID``) name the last
message of the branch the caller showed, and refuse with :class:`ConversationChangedError` when the conversation
shows another branch now (message ids are never reused, every added message becomes the leaf, and every switch
or deletion that changes the branch shown moves the leaf, so "same leaf" means "the caller's view is current");
a conversation deleted meanwhile raises :class:`ConversationMissingError`. None of them cuts off an answer
another live process is writing.
An answer still marked ``streaming`` when a store opens becomes ``interrupted`` (text kept) only if its
writer is gone (:mod:`phidesk.store.writers`); a store that closes marks its own unfinished answers so.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import EllipsisType, TracebackType
from typing import Any

from phidesk.errors import UserError
from phidesk.store import branches, opening, writers
from phidesk.store.records import (
    DEFAULT_TITLE,
    Conversation,
    ConversationSummary,
    NewMessage,
    StoredMessage,
    changed,
    check_role,
    check_status,
    dump_json,
    missing,
    summary_from_row,
)
from phidesk.store.text import snippet, title_from
from phidesk.store.versions import Versions

FILE_NAME = opening.FILE_NAME

_SUMMARY = """
    SELECT c.id, c.title, c.pinned, c.model_id, c.updated_at, c.created_at,
           coalesce((SELECT m.position + 1 FROM messages m WHERE m.id = c.leaf_id AND m.conversation_id = c.id), 0)
               AS message_count
    FROM conversations c
"""
_ORDER = " ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC"
# A search: the title or the text of any message (every version) contains the query, case-folded and literally.
_SEARCH = f"""
    SELECT * FROM (
        SELECT s.*, instr(casefold(s.title), :q) > 0 AS title_hit,
               (SELECT m.content FROM messages m
                WHERE m.conversation_id = s.id AND instr(casefold(m.content), :q) > 0
                ORDER BY m.position, m.id LIMIT 1) AS hit
        FROM ({_SUMMARY}) s
    ) c
    WHERE c.title_hit OR c.hit IS NOT NULL
"""


class Store(Versions):
    """The conversation history. Open, use from one thread, ``close()`` (or use it as a context manager).

    Other Store objects, in this process or others, may have the same database open.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else opening.default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._last_time = 0.0
        self.writer = writers.new_writer()
        try:
            self._db, self._version = opening.connect(self.path)
        except BaseException:
            writers.release(self.writer)
            raise

    # --- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """Close; an answer this store was still writing becomes ``interrupted`` (nobody can finish it now)."""
        with suppress(sqlite3.Error):  # already closed, or the disk refuses: the next start-up recovers it
            self._db.execute(
                "UPDATE messages SET status = 'interrupted' WHERE status = 'streaming' AND writer = ?", (self.writer,)
            )
        self._close_db()

    def _close_db(self) -> None:
        writers.release(self.writer)
        self._db.close()  # closing twice is harmless

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self._version

    # --- conversations ------------------------------------------------------------------------

    def create_conversation(
        self, title: str = DEFAULT_TITLE, model_id: str | None = None, system_prompt: str | None = None
    ) -> ConversationSummary:
        title = _clean_title(title)
        now = self._now()
        cursor = self._db.execute(
            "INSERT INTO conversations (title, model_id, system_prompt, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            (title, model_id, system_prompt, now, now),
        )
        return ConversationSummary(cursor.lastrowid or 0, title, False, model_id, now, now, 0, None)

    def list_conversations(self, search: str | None = None) -> list[ConversationSummary]:
        """Pinned first, then the most recently updated. ``search``: title or message text contains it."""
        query = (search or "").strip()
        if not query:
            return [summary_from_row(row) for row in self._db.execute(_SUMMARY + _ORDER)]
        rows = self._db.execute(_SEARCH + _ORDER, {"q": query.casefold()})
        return [summary_from_row(row, snippet(row["hit"], query) if row["hit"] else None) for row in rows]

    def get_conversation(self, conversation_id: int) -> Conversation:
        row = self._db.execute("SELECT * FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        if row is None:
            raise missing(conversation_id)
        rows = self._db.execute("SELECT * FROM messages WHERE conversation_id = ? ORDER BY id", (conversation_id,))
        shown, every = branches.read(rows.fetchall(), row["leaf_id"])
        summary = summary_from_row({**dict(row), "message_count": len(shown)})
        return Conversation(
            **vars(summary), system_prompt=row["system_prompt"], messages=tuple(shown), all_messages=tuple(every)
        )

    def rename(self, conversation_id: int, title: str) -> None:
        self._set(conversation_id, "title", _clean_title(title))

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        self._set(conversation_id, "pinned", int(bool(pinned)))

    def set_model(self, conversation_id: int, model_id: str | None) -> None:
        self._set(conversation_id, "model_id", model_id)

    def set_system_prompt(self, conversation_id: int, text: str | None) -> None:
        self._set(conversation_id, "system_prompt", text)

    def delete_conversation(self, conversation_id: int) -> None:
        """Delete it and its messages. Deleting one that is already gone is not an error; one with an answer
        another live process is still writing is refused (:class:`ConversationChangedError`)."""
        with self._transaction() as db:
            streaming = db.execute(
                "SELECT id, status, writer FROM messages WHERE conversation_id = ? AND status = 'streaming'",
                (conversation_id,),
            ).fetchall()
            self._check_not_written_elsewhere(conversation_id, streaming)
            db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))

    def auto_title(self, conversation_id: int, first_user_text: str) -> None:
        """Name a conversation after its first message, unless it already has a name of its own."""
        title = title_from(first_user_text)
        if title:
            self._db.execute(
                "UPDATE conversations SET title = ? WHERE id = ? AND title = ?", (title, conversation_id, DEFAULT_TITLE)
            )

    def insert_conversation(
        self,
        title: str,
        messages: Sequence[NewMessage],
        *,
        pinned: bool = False,
        model_id: str | None = None,
        system_prompt: str | None = None,
        created_at: float | None = None,
        parents: Sequence[int | None] | None = None,
        leaf: int | None = None,
    ) -> ConversationSummary:
        """Write a whole conversation in one transaction (import): all of it, or on any error nothing.

        ``parents``: for each message, the index of the message it follows (an earlier one) or None for a first
        message; None: each follows the one before it. ``leaf``: the index of the last message shown (None: the
        last one).
        """
        title = _clean_title(title)
        links = list(parents) if parents is not None else [i - 1 if i else None for i in range(len(messages))]
        if len(links) != len(messages) or any(p is not None and not 0 <= p < i for i, p in enumerate(links)):
            raise UserError("each message must follow an earlier message of the conversation")
        if leaf is not None and not 0 <= leaf < len(messages):
            raise UserError("the message shown last must be one of the conversation's")
        shown = leaf if leaf is not None else len(messages) - 1
        for message in messages:
            check_role(message.role)
            check_status(message.status)
        now = self._now()
        created = now if created_at is None else created_at
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO conversations (title, pinned, model_id, system_prompt, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (title, int(pinned), model_id, system_prompt, created, now),
            )
            conversation_id = cursor.lastrowid or 0
            ids: list[int] = []
            depth: list[int] = []
            for message, parent in zip(messages, links, strict=True):
                depth.append(0 if parent is None else depth[parent] + 1)
                parent_id = None if parent is None else ids[parent]
                ids.append(self._insert_message(db, conversation_id, depth[-1], message, now, parent_id=parent_id))
            if ids:
                db.execute("UPDATE conversations SET leaf_id = ? WHERE id = ?", (ids[shown], conversation_id))
        count = depth[shown] + 1 if messages else 0
        return ConversationSummary(conversation_id, title, pinned, model_id, now, created, count, None)

    # --- messages -----------------------------------------------------------------------------

    def add_message(
        self,
        conversation_id: int,
        role: str,
        content: str,
        *,
        images: Sequence[str] = (),
        model: str | None = None,
        provider: str | None = None,
        settings: dict[str, Any] | None = None,
        stats: dict[str, Any] | None = None,
        status: str = "complete",
        after: int | EllipsisType | None = ...,
        parent: int | EllipsisType | None = ...,
    ) -> StoredMessage:
        """Add a message; it becomes the last one shown, and the conversation moves to the top of the list.

        ``parent``: the message it follows; ``...`` (the default): the last message shown; None: a new first
        message. A parent that already has a message after it gets a new version of that message (a new branch).
        ``after``: the id of the last message the caller showed (None: it knew the conversation empty). If the
        conversation shows another branch now, or ends with an answer another process is still writing, or the
        parent is not in it, nothing is written and :class:`ConversationChangedError` is raised. ``...`` (the
        default): no check.
        """
        check_role(role)
        check_status(status)
        message = NewMessage(role, content, tuple(images), model, provider, settings, stats, status)
        now = self._now()
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone() is None:
                raise missing(conversation_id)
            leaf = branches.leaf(db, conversation_id)
            if after is not ...:
                if leaf != after:
                    raise changed(conversation_id)
                last = db.execute("SELECT id, status, writer FROM messages WHERE id = ?", (leaf,)).fetchall()
                self._check_not_written_elsewhere(conversation_id, last)
            parent_id = leaf if parent is ... else parent
            position = 0
            if parent_id is not None:
                row = db.execute(
                    "SELECT position FROM messages WHERE id = ? AND conversation_id = ?", (parent_id, conversation_id)
                ).fetchone()
                if row is None:
                    raise changed(conversation_id)
                position = row["position"] + 1
            message_id = self._insert_message(
                db, conversation_id, position, message, now, writer=self.writer, parent_id=parent_id
            )
            db.execute(
                "UPDATE conversations SET updated_at = ?, leaf_id = ? WHERE id = ?", (now, message_id, conversation_id)
            )
            versions = len(branches.siblings(db, conversation_id, parent_id))
        return StoredMessage(
            message_id,
            conversation_id,
            position,
            role,
            content,
            message.images,
            model,
            provider,
            settings,
            stats,
            status,
            now,
            now,
            parent_id,
            versions,  # the newest version
            versions,
        )

    def update_message(
        self,
        message_id: int,
        *,
        content: str | None = None,
        status: str | None = None,
        stats: dict[str, Any] | None = None,
        model: str | None = None,
        provider: str | None = None,
    ) -> None:
        """Change the fields given (None: leave as is). One UPDATE, committed at once: cheap enough per 0.5 s."""
        if status is not None:
            check_status(status)
        changes: dict[str, Any] = {
            "content": content,
            "status": status,
            "stats": dump_json(stats),
            "model": model,
            "provider": provider,
        }
        columns = [name for name, value in changes.items() if value is not None]
        assignments = "".join(f", {name} = :{name}" for name in columns)
        cursor = self._db.execute(
            f"UPDATE messages SET updated_at = :now{assignments} WHERE id = :id",
            {**{name: changes[name] for name in columns}, "now": self._now(), "id": message_id},
        )
        if cursor.rowcount == 0:
            raise UserError(f"there is no message with id {message_id}")

    def reopen_answer(self, conversation_id: int, message_id: int, *, content: str) -> None:
        """Make the last message of the branch shown, an answer, ``streaming`` again, written by this store (Continue).

        Refused with :class:`ConversationChangedError`, writing nothing, when it is no longer that last message, its
        text is no longer *content* (what the caller saw), or another live process is writing it;
        :class:`ConversationMissingError` when the conversation is gone.
        """
        with self._transaction() as db:
            conversation = db.execute("SELECT leaf_id FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
            if conversation is None:
                raise missing(conversation_id)
            last = db.execute(
                "SELECT id, role, content, status, writer FROM messages WHERE conversation_id = ? AND id = ?",
                (conversation_id, conversation["leaf_id"]),
            ).fetchone()
            if last is None or last["id"] != message_id or last["role"] != "assistant" or last["content"] != content:
                raise changed(conversation_id)
            self._check_not_written_elsewhere(conversation_id, [last])
            db.execute(
                "UPDATE messages SET status = 'streaming', writer = ?, updated_at = ? WHERE id = ?",
                (self.writer, self._now(), message_id),
            )

    # --- internals ----------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """Several statements as one write: committed together, or rolled back on any exception."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _insert_message(
        self,
        db: sqlite3.Connection,
        conversation_id: int,
        position: int,
        message: NewMessage,
        now: float,
        *,
        writer: str | None = None,
        parent_id: int | None = None,
    ) -> int:
        cursor = db.execute(
            "INSERT INTO messages (conversation_id, parent_id, position, role, content, images, model, provider,"
            " settings, stats, status, created_at, updated_at, writer)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                conversation_id,
                parent_id,
                position,
                message.role,
                message.content,
                dump_json(list(message.images)),
                message.model,
                message.provider,
                dump_json(message.settings),
                dump_json(message.stats),
                message.status,
                now if message.created_at is None else message.created_at,
                now,
                writer,
            ),
        )
        return cursor.lastrowid or 0

    def _set(self, conversation_id: int, column: str, value: object) -> None:
        cursor = self._db.execute(f"UPDATE conversations SET {column} = ? WHERE id = ?", (value, conversation_id))
        if cursor.rowcount == 0:
            raise missing(conversation_id)

    def _now(self) -> float:
        """The wall clock, made strictly increasing so that "most recent" is never a tie."""
        self._last_time = max(time.time(), self._last_time + 1e-6)
        return self._last_time


def _clean_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise UserError("a conversation's title cannot be empty")
    return title
