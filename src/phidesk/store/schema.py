"""The conversation database's tables and their migrations, versioned with ``PRAGMA user_version``.

``MIGRATIONS[n]`` turns a version n-1 database into version n (version 0 is an empty file). Each step
runs in its own transaction together with the new ``user_version``, so a step that fails leaves the
database exactly at the version before it. A database from a newer PhiDesk is refused, never changed.
To change the schema, add the next number here; never edit a step that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from phidesk.errors import UserError

Migration = Callable[[sqlite3.Connection], None]


def sql(*statements: str) -> Migration:
    """A migration made of SQL statements, run in order."""

    def run(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)

    return run


_V1 = sql(
    """
    CREATE TABLE conversations (
        id            INTEGER PRIMARY KEY,
        title         TEXT    NOT NULL,
        pinned        INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
        model_id      TEXT,
        system_prompt TEXT,
        created_at    REAL    NOT NULL,
        updated_at    REAL    NOT NULL
    )
    """,
    """
    CREATE TABLE messages (
        id              INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        position        INTEGER NOT NULL,
        role            TEXT    NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
        content         TEXT    NOT NULL,
        images          TEXT    NOT NULL DEFAULT '[]',  -- JSON list of file paths
        model           TEXT,
        provider        TEXT,
        settings        TEXT,                           -- JSON object or NULL
        stats           TEXT,                           -- JSON object or NULL
        status          TEXT    NOT NULL CHECK (status IN ('complete', 'streaming', 'cancelled', 'error',
                                                           'interrupted')),
        created_at      REAL    NOT NULL,
        updated_at      REAL    NOT NULL,
        UNIQUE (conversation_id, position)
    )
    """,
    "CREATE INDEX conversations_order ON conversations (pinned DESC, updated_at DESC)",
    # Only the messages of an answer cut off by a crash: found on every start, normally none.
    "CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming'",
)

# Version 2: two processes on one database. Message ids are never reused (AUTOINCREMENT), so "the last message
# the view knew" identifies what a window saw; each message records its writer (pid, process start time, store), so
# the start-up recovery of ``streaming`` answers leaves alone an answer another live process is still writing.
_V2 = sql(
    """
    CREATE TABLE messages_v2 (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        position        INTEGER NOT NULL,
        role            TEXT    NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
        content         TEXT    NOT NULL,
        images          TEXT    NOT NULL DEFAULT '[]',  -- JSON list of file paths
        model           TEXT,
        provider        TEXT,
        settings        TEXT,                           -- JSON object or NULL
        stats           TEXT,                           -- JSON object or NULL
        status          TEXT    NOT NULL CHECK (status IN ('complete', 'streaming', 'cancelled', 'error',
                                                           'interrupted')),
        created_at      REAL    NOT NULL,
        updated_at      REAL    NOT NULL,
        writer          TEXT,                           -- "pid:start time:store" of the process that wrote it
        UNIQUE (conversation_id, position)
    )
    """,
    "INSERT INTO messages_v2 (id, conversation_id, position, role, content, images, model, provider, settings,"
    " stats, status, created_at, updated_at) SELECT id, conversation_id, position, role, content, images, model,"
    " provider, settings, stats, status, created_at, updated_at FROM messages",
    "DROP TABLE messages",  # nothing references messages: no cascade
    "ALTER TABLE messages_v2 RENAME TO messages",
    "CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming'",
)

# Version 3: versions of a message (Regenerate and Edit keep the earlier ones). Messages form a tree: ``parent_id``
# is the message this one follows (NULL for a first message) and ``position`` its depth on its branch, so
# UNIQUE (conversation_id, position) goes; ``conversations.leaf_id`` is the last message of the branch shown. Each
# message's parent becomes the one before it, each conversation's leaf its last message. The table is rebuilt
# (SQLite cannot drop a constraint), and its AUTOINCREMENT counter carried over: an id is never handed out twice.
_V3 = sql(
    """
    CREATE TABLE messages_v3 (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        parent_id       INTEGER,                        -- the message this one follows; NULL: a first message
        position        INTEGER NOT NULL,               -- depth on its branch: 0, 1, 2…
        role            TEXT    NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
        content         TEXT    NOT NULL,
        images          TEXT    NOT NULL DEFAULT '[]',  -- JSON list of file paths
        model           TEXT,
        provider        TEXT,
        settings        TEXT,                           -- JSON object or NULL
        stats           TEXT,                           -- JSON object or NULL
        status          TEXT    NOT NULL CHECK (status IN ('complete', 'streaming', 'cancelled', 'error',
                                                           'interrupted')),
        created_at      REAL    NOT NULL,
        updated_at      REAL    NOT NULL,
        writer          TEXT                            -- "pid:start time:store" of the process that wrote it
    )
    """,
    "INSERT INTO messages_v3 (id, conversation_id, parent_id, position, role, content, images, model, provider,"
    " settings, stats, status, created_at, updated_at, writer) SELECT m.id, m.conversation_id,"
    " (SELECT p.id FROM messages p WHERE p.conversation_id = m.conversation_id AND p.position < m.position"
    "  ORDER BY p.position DESC LIMIT 1),"
    " m.position,"  # positions were 0, 1, 2… without gaps: already the depth
    " m.role, m.content, m.images, m.model, m.provider, m.settings, m.stats, m.status, m.created_at, m.updated_at,"
    " m.writer FROM messages m ORDER BY m.id",
    "DELETE FROM sqlite_sequence WHERE name = 'messages_v3'",
    "INSERT INTO sqlite_sequence (name, seq) SELECT 'messages_v3', max(seq) FROM (SELECT seq FROM sqlite_sequence"
    " WHERE name = 'messages' UNION ALL SELECT max(id) FROM messages_v3) HAVING max(seq) IS NOT NULL",
    "DROP TABLE messages",  # nothing references messages: no cascade
    "ALTER TABLE messages_v3 RENAME TO messages",
    "CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming'",
    "CREATE INDEX messages_children ON messages (conversation_id, parent_id)",
    "ALTER TABLE conversations ADD COLUMN leaf_id INTEGER",  # the last message of the branch shown; NULL: none
    "UPDATE conversations SET leaf_id = (SELECT m.id FROM messages m WHERE m.conversation_id = conversations.id"
    " ORDER BY m.position DESC, m.id DESC LIMIT 1)",
)

MIGRATIONS: dict[int, Migration] = {1: _V1, 2: _V2, 3: _V3}


def latest_version() -> int:
    return max(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def migrate(conn: sqlite3.Connection, name: str = "the conversation database") -> int:
    """Bring the database up to ``latest_version()``; return the version it is at now.

    ``conn`` must be in autocommit mode (``isolation_level=None``): the transactions are explicit.
    """
    latest = latest_version()
    if sorted(MIGRATIONS) != list(range(1, latest + 1)):
        raise RuntimeError(f"schema migrations must be numbered 1..{latest} without gaps")
    current = user_version(conn)
    if current > latest:
        raise UserError(
            f"{name} has schema version {current}, but this PhiDesk knows only up to {latest}: "
            "it was written by a newer PhiDesk"
        )
    for version in range(current + 1, latest + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version:d}")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return latest
