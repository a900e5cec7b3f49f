"""The Store: conversations and their messages in one SQLite file; each Store is used by one thread.

Every write is its own transaction and is committed before the method returns, so killing the
process (even ``kill -9``) loses nothing already written. The database runs in WAL mode with
``synchronous=NORMAL``: a commit survives the process dying; only a power cut may lose the last few.

Several processes may open one database (a second window, the CLI, a test). Writes that depend on what a
window shows say so: ``add_message(..., after=ID)`` and ``delete_from_message(conversation, message, last_id=ID)``
name the last message the caller knew, and refuse with :class:`ConversationChangedError` when the conversation's
last message is another one now (message ids are never reused, and messages are only ever appended or cut
off from some point to the end, so "same last message" means "same conversation"); a conversation deleted
meanwhile raises :class:`ConversationMissingError`. Neither cuts off an answer another live process is writing.
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
from phidesk.store import opening, writers
from phidesk.store.records import (
    DEFAULT_TITLE,
    Conversation,
    ConversationChangedError,
    ConversationMissingError,
    ConversationSummary,
    NewMessage,
    StoredMessage,
    check_role,
    check_status,
    dump_json,
    message_from_row,
    summary_from_row,
)
from phidesk.store.text import snippet, title_from

FILE_NAME = opening.FILE_NAME

_SUMMARY = """
    SELECT c.id, c.title, c.pinned, c.model_id, c.updated_at, c.created_at,
           (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count
    FROM conversations c
"""
_ORDER = " ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC"
# A search: the title or the text of any message contains the query, compared case-folded and literally.
_SEARCH = f"""
    SELECT * FROM (
        SELECT s.*, instr(casefold(s.title), :q) > 0 AS title_hit,
               (SELECT m.content FROM messages m
                WHERE m.conversation_id = s.id AND instr(casefold(m.content), :q) > 0
                ORDER BY m.position LIMIT 1) AS hit
        FROM ({_SUMMARY}) s
    ) c
    WHERE c.title_hit OR c.hit IS NOT NULL
"""


class Store:
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
            raise _missing(conversation_id)
        messages = tuple(
            message_from_row(m)
            for m in self._db.execute(
                "SELECT * FROM messages WHERE conversation_id = ? ORDER BY position", (conversation_id,)
            )
        )
        summary = summary_from_row({**dict(row), "message_count": len(messages)})
        return Conversation(**vars(summary), system_prompt=row["system_prompt"], messages=messages)

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
    ) -> ConversationSummary:
        """Write a whole conversation in one transaction (import): all of it, or on any error nothing."""
        title = _clean_title(title)
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
            for position, message in enumerate(messages):
                self._insert_message(db, conversation_id, position, message, now)
        return ConversationSummary(conversation_id, title, pinned, model_id, now, created, len(messages), None)

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
    ) -> StoredMessage:
        """Append a message at the end of the conversation; the conversation moves to the top of the list.

        ``after``: the id of the last message the caller knew (None: it knew the conversation empty). If the
        conversation ends with another message now, or with an answer another process is still writing,
        nothing is written and :class:`ConversationChangedError` is raised. ``...`` (the default): no check.
        """
        check_role(role)
        check_status(status)
        message = NewMessage(role, content, tuple(images), model, provider, settings, stats, status)
        now = self._now()
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone() is None:
                raise _missing(conversation_id)
            if after is not ...:
                last = db.execute(
                    "SELECT id, status, writer FROM messages WHERE conversation_id = ? ORDER BY position DESC LIMIT 1",
                    (conversation_id,),
                ).fetchone()
                if (last["id"] if last else None) != after:
                    raise _changed(conversation_id)
                if last is not None:
                    self._check_not_written_elsewhere(conversation_id, [last])
            (position,) = db.execute(
                "SELECT coalesce(max(position) + 1, 0) FROM messages WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
            message_id = self._insert_message(db, conversation_id, position, message, now, writer=self.writer)
            db.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id))
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
        """Make the conversation's last message, an answer, ``streaming`` again, written by this store (Continue).

        Refused with :class:`ConversationChangedError`, writing nothing, when it is no longer the last message, its
        text is no longer *content* (what the caller saw), or another live process is writing it;
        :class:`ConversationMissingError` when the conversation is gone.
        """
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone() is None:
                raise _missing(conversation_id)
            last = db.execute(
                "SELECT id, role, content, status, writer FROM messages WHERE conversation_id = ? "
                "ORDER BY position DESC LIMIT 1",
                (conversation_id,),
            ).fetchone()
            if last is None or last["id"] != message_id or last["role"] != "assistant" or last["content"] != content:
                raise _changed(conversation_id)
            self._check_not_written_elsewhere(conversation_id, [last])
            db.execute(
                "UPDATE messages SET status = 'streaming', writer = ?, updated_at = ? WHERE id = ?",
                (self.writer, self._now(), message_id),
            )

    def delete_from_message(
        self, conversation_id: int, message_id: int, *, last_id: int | EllipsisType | None = ...
    ) -> list[int]:
        """Delete message ``message_id`` and every one after it (Edit, Regenerate); return the ids deleted.

        ``last_id``: the id of the last message the caller knew (``...``: no check). Refused with
        :class:`ConversationChangedError`, deleting nothing, when the message is no longer in the conversation,
        the conversation ends with another message now, or an answer among those to delete is still being
        written by another live process; :class:`ConversationMissingError` when the conversation is gone.
        """
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone() is None:
                raise _missing(conversation_id)
            row = db.execute(
                "SELECT position FROM messages WHERE id = ? AND conversation_id = ?", (message_id, conversation_id)
            ).fetchone()
            if row is None:
                raise _changed(conversation_id)
            doomed = db.execute(
                "SELECT id, status, writer FROM messages WHERE conversation_id = ? AND position >= ? ORDER BY position",
                (conversation_id, row["position"]),
            ).fetchall()
            if last_id is not ... and doomed[-1]["id"] != last_id:
                raise _changed(conversation_id)
            self._check_not_written_elsewhere(conversation_id, doomed)
            db.execute(
                "DELETE FROM messages WHERE conversation_id = ? AND position >= ?", (conversation_id, row["position"])
            )
            db.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (self._now(), conversation_id))
        return [r["id"] for r in doomed]

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

    def _check_not_written_elsewhere(self, conversation_id: int, rows: Sequence[sqlite3.Row]) -> None:
        for row in rows:
            if row["status"] == "streaming" and row["writer"] != self.writer and writers.is_alive(row["writer"]):
                raise ConversationChangedError(
                    f"an answer in conversation {conversation_id} is still being written elsewhere"
                )

    def _insert_message(
        self,
        db: sqlite3.Connection,
        conversation_id: int,
        position: int,
        message: NewMessage,
        now: float,
        *,
        writer: str | None = None,
    ) -> int:
        cursor = db.execute(
            "INSERT INTO messages (conversation_id, position, role, content, images, model, provider, settings,"
            " stats, status, created_at, updated_at, writer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                conversation_id,
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
            raise _missing(conversation_id)

    def _now(self) -> float:
        """The wall clock, made strictly increasing so that "most recent" is never a tie."""
        self._last_time = max(time.time(), self._last_time + 1e-6)
        return self._last_time


def _clean_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise UserError("a conversation's title cannot be empty")
    return title


def _missing(conversation_id: int) -> ConversationMissingError:
    return ConversationMissingError(f"there is no conversation with id {conversation_id}")


def _changed(conversation_id: int) -> ConversationChangedError:
    return ConversationChangedError(f"conversation {conversation_id} has changed since it was read")
