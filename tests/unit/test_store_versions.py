"""Versions of messages in the store (real SQLite files): Regenerate and Edit keep every earlier version, one
branch is shown, switching and deleting never lose the rest, and the migration from version 2 keeps everything."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from phidesk.store import ConversationChangedError, ConversationMissingError, Store, schema
from phidesk.store.conversations import FILE_NAME


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / FILE_NAME


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as opened:
        yield opened


def _sql(path: Path, query: str, *args: Any) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(query, args).fetchall()


def _shown(store: Store, conversation_id: int) -> list[str]:
    return [m.content for m in store.get_conversation(conversation_id).messages]


def _turn(store: Store) -> tuple[int, list[int]]:
    """A conversation q1 a1 q2 a2; its id and the message ids."""
    conv = store.create_conversation()
    ids = [store.add_message(conv.id, role, text).id
           for role, text in [("user", "q1"), ("assistant", "a1"), ("user", "q2"), ("assistant", "a2")]]
    return conv.id, ids


def test_a_version_2_database_becomes_a_tree_and_never_reuses_an_id(db_path: Path) -> None:
    with closing(sqlite3.connect(db_path, isolation_level=None)) as conn:  # as PhiDesk with schema 2 left it
        schema.MIGRATIONS[1](conn)
        schema.MIGRATIONS[2](conn)
        conn.execute("PRAGMA user_version = 2")
        conn.execute("INSERT INTO conversations (id, title, created_at, updated_at) VALUES (7, 'Old', 0, 0)")
        conn.execute("INSERT INTO conversations (id, title, created_at, updated_at) VALUES (8, 'Empty', 0, 0)")
        for i, role in enumerate(["user", "assistant", "user", "assistant"]):
            conn.execute(
                "INSERT INTO messages (conversation_id, position, role, content, status, created_at, updated_at)"
                " VALUES (7, ?, ?, ?, 'complete', 0, 0)", (i, role, f"m{i}"))
        conn.execute("DELETE FROM messages WHERE position = 3")  # id 4 was handed out, then deleted (Regenerate)
    with Store(db_path) as store:
        assert store.schema_version == 3
        conv = store.get_conversation(7)
        assert [(m.id, m.parent_id, m.position, m.content) for m in conv.messages] == [
            (1, None, 0, "m0"), (2, 1, 1, "m1"), (3, 2, 2, "m2")]
        assert {s.id: s.message_count for s in store.list_conversations()} == {7: 3, 8: 0}
        assert store.get_conversation(8).messages == ()
        assert store.add_message(7, "assistant", "again", after=3).id == 5  # 4 is never handed out again
    assert _sql(db_path, "SELECT id, leaf_id FROM conversations ORDER BY id") == [(7, 5), (8, None)]
    assert _sql(db_path, "PRAGMA integrity_check") == [("ok",)]


def test_a_version_2_database_whose_messages_were_all_deleted_keeps_counting(db_path: Path) -> None:
    with closing(sqlite3.connect(db_path, isolation_level=None)) as conn:
        schema.MIGRATIONS[1](conn)
        schema.MIGRATIONS[2](conn)
        conn.execute("PRAGMA user_version = 2")
        conn.execute("INSERT INTO conversations (id, title, created_at, updated_at) VALUES (1, 't', 0, 0)")
        for i in range(3):
            conn.execute("INSERT INTO messages (conversation_id, position, role, content, status, created_at,"
                         " updated_at) VALUES (1, ?, 'user', 'x', 'complete', 0, 0)", (i,))
        conn.execute("DELETE FROM messages")
    with Store(db_path) as store:
        assert store.add_message(1, "user", "new", after=None).id == 4


def test_two_answers_to_one_question_are_two_versions(store: Store, db_path: Path) -> None:
    conv_id, (q1, a1, q2, a2) = _turn(store)
    again = store.add_message(conv_id, "assistant", "a2 again", after=a2, parent=q2)  # Regenerate
    assert (again.parent_id, again.position, again.version, again.versions) == (q2, 3, 2, 2)
    conv = store.get_conversation(conv_id)
    assert [m.content for m in conv.messages] == ["q1", "a1", "q2", "a2 again"]
    assert [(m.version, m.versions) for m in conv.messages] == [(1, 1), (1, 1), (1, 1), (2, 2)]
    assert [m.id for m in conv.all_messages] == [q1, a1, q2, a2, again.id]
    assert conv.message_count == store.list_conversations()[0].message_count == 4
    assert _sql(db_path, "SELECT count(*) FROM messages") == [(5,)]

    edited = store.add_message(conv_id, "user", "q1 edited", after=again.id, parent=None)  # Edit the first question
    assert (edited.parent_id, edited.position) == (None, 0)
    conv = store.get_conversation(conv_id)
    assert [(m.content, m.version, m.versions) for m in conv.messages] == [("q1 edited", 2, 2)]
    assert store.list_conversations()[0].message_count == 1
    assert _sql(db_path, "SELECT count(*) FROM messages") == [(6,)]


def test_switching_versions_shows_the_newest_branch_under_each(store: Store) -> None:
    conv_id, (q1, _a1, q2, a2) = _turn(store)
    b2 = store.add_message(conv_id, "assistant", "b2", parent=q2).id
    q1b = store.add_message(conv_id, "user", "q1b", parent=None).id
    a1b = store.add_message(conv_id, "assistant", "a1b").id
    assert _shown(store, conv_id) == ["q1b", "a1b"]

    back = store.switch_version(conv_id, q1b, -1, last_id=a1b)
    assert [m.content for m in back.messages] == ["q1", "a1", "q2", "b2"]  # the newest branch under q1
    assert back.messages[0].version == 1
    shown = store.switch_version(conv_id, b2, -1, last_id=b2)
    assert [m.content for m in shown.messages][-1] == "a2"
    assert store.switch_version(conv_id, a2, -5).messages[-1].id == a2  # clamped: still the first version
    # a version already on the branch shown keeps the branch as it is
    assert store.switch_version(conv_id, q1, 0).messages[-1].id == a2
    assert store.switch_version(conv_id, q1, 1).messages[-1].id == a1b
    assert store.switch_version(conv_id, a1b, 0).messages[-1].id == a1b


def test_a_stale_or_streaming_view_cannot_switch(db_path: Path) -> None:
    with Store(db_path) as a, Store(db_path) as b:
        conv_id, (_q1, _a1, q2, _a2) = _turn(a)
        b2 = a.add_message(conv_id, "assistant", "b2", parent=q2).id
        seen_by_b = b.get_conversation(conv_id).messages[-1].id
        assert seen_by_b == b2
        a.switch_version(conv_id, b2, -1, last_id=b2)  # window A shows a2 again
        with pytest.raises(ConversationChangedError):
            b.add_message(conv_id, "user", "typed in B", after=seen_by_b)  # B still shows b2
        with pytest.raises(ConversationChangedError):
            b.switch_version(conv_id, q2, 0, last_id=seen_by_b)
        assert _shown(a, conv_id) == ["q1", "a1", "q2", "a2"]
        streaming = a.add_message(conv_id, "assistant", "", parent=q2, status="streaming").id
        for store in (a, b):
            with pytest.raises(ConversationChangedError, match="still being written"):
                store.switch_version(conv_id, streaming, -1)
            with pytest.raises(ConversationChangedError, match="still being written"):
                store.delete_message(conv_id, streaming)
        with pytest.raises(ConversationChangedError):
            a.switch_version(conv_id, 999, 1)
        a.update_message(streaming, content="c2", status="complete")
        assert b.switch_version(conv_id, streaming, -1).messages[-1].id == b2


def test_deleting_one_message_keeps_the_rest(store: Store, db_path: Path) -> None:
    conv_id, (q1, a1, q2, a2) = _turn(store)
    b2 = store.add_message(conv_id, "assistant", "b2", parent=q2).id
    conv = store.delete_message(conv_id, b2, last_id=b2)  # the version shown goes: the newest left is shown
    assert [m.content for m in conv.messages] == ["q1", "a1", "q2", "a2"]
    assert conv.messages[-1].versions == 1
    conv = store.delete_message(conv_id, a1, last_id=a2)  # in the middle of the branch shown: it stays
    assert [(m.content, m.position) for m in conv.messages] == [("q1", 0), ("q2", 1), ("a2", 2)]
    assert conv.messages[1].parent_id == q1
    assert store.list_conversations()[0].message_count == 3
    with pytest.raises(ConversationChangedError):
        store.delete_message(conv_id, q2, last_id=q2)  # the caller's view is stale
    with pytest.raises(ConversationChangedError):
        store.delete_message(conv_id, a1)  # gone already
    for message_id in (q1, q2, a2):
        store.delete_message(conv_id, message_id)
    assert store.get_conversation(conv_id).messages == ()
    assert _sql(db_path, "SELECT count(*), (SELECT leaf_id FROM conversations) FROM messages") == [(0, None)]
    assert store.add_message(conv_id, "user", "fresh", after=None).position == 0
    with pytest.raises(ConversationMissingError):
        store.delete_message(conv_id + 1, q1)


def test_cutting_off_a_question_takes_every_version_after_it(store: Store, db_path: Path) -> None:
    conv_id, (_q1, a1, q2, _a2) = _turn(store)
    store.add_message(conv_id, "assistant", "b2", parent=q2)
    q2b = store.add_message(conv_id, "user", "q2b", parent=a1).id
    a2b = store.add_message(conv_id, "assistant", "a2b").id
    assert sorted(store.delete_from_message(conv_id, q2b, last_id=a2b)) == [q2b, a2b]
    assert _shown(store, conv_id) == ["q1", "a1", "q2", "b2"]  # back to the newest branch left
    assert len(store.delete_from_message(conv_id, q2)) == 3
    assert _shown(store, conv_id) == ["q1", "a1"]
    assert _sql(db_path, "SELECT count(*) FROM messages") == [(2,)]


def test_search_finds_every_version(store: Store) -> None:
    conv_id, (_q1, _a1, q2, _a2) = _turn(store)
    store.add_message(conv_id, "assistant", "a hidden zebra answer", parent=q2)
    store.switch_version(conv_id, q2, 0)
    store.add_message(conv_id, "assistant", "the newest", parent=q2)
    (hit,) = store.list_conversations("zebra")
    assert hit.id == conv_id
    assert hit.snippet is not None
    assert "zebra" in hit.snippet
    assert "zebra" not in " ".join(_shown(store, conv_id))
    assert hit.message_count == 4
