"""Two Store objects (and two processes) on one database: nothing one writes is lost to the other's stale view."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import psutil
import pytest

from phidesk.store import ConversationChangedError, ConversationMissingError, Store, schema
from phidesk.store.conversations import FILE_NAME


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / FILE_NAME


@pytest.fixture
def two(db_path: Path) -> Iterator[tuple[Store, Store]]:
    a, b = Store(db_path), Store(db_path)
    yield a, b
    a.close()
    b.close()


def _contents(store: Store, conversation_id: int) -> list[str]:
    return [m.content for m in store.get_conversation(conversation_id).messages]


def test_regenerate_after_the_other_store_extended_refuses_and_deletes_nothing(two: tuple[Store, Store]) -> None:
    a, b = two
    conv = a.create_conversation()
    u1 = a.add_message(conv.id, "user", "u1", after=None)
    a1 = a.add_message(conv.id, "assistant", "a1", after=u1.id)
    seen_by_b = b.get_conversation(conv.id).messages  # B shows [u1, a1]
    u2 = a.add_message(conv.id, "user", "u2", after=a1.id)
    a.add_message(conv.id, "assistant", "a2", after=u2.id)
    with pytest.raises(ConversationChangedError):
        b.delete_from_message(conv.id, seen_by_b[1].id, last_id=seen_by_b[-1].id)  # B regenerates a1
    with pytest.raises(ConversationChangedError):
        b.add_message(conv.id, "user", "B's question", after=seen_by_b[-1].id)
    assert _contents(a, conv.id) == ["u1", "a1", "u2", "a2"]
    fresh = b.get_conversation(conv.id).messages  # B reloads; now it may regenerate the last answer
    assert b.delete_from_message(conv.id, fresh[3].id, last_id=fresh[3].id) == [fresh[3].id]
    assert _contents(a, conv.id) == ["u1", "a1", "u2"]


def test_a_regenerated_answer_never_gets_the_old_answers_id(two: tuple[Store, Store]) -> None:
    a, b = two
    conv = a.create_conversation()
    u1 = a.add_message(conv.id, "user", "u1")
    old = a.add_message(conv.id, "assistant", "old answer", after=u1.id)
    stale_last = b.get_conversation(conv.id).messages[-1].id
    a.delete_from_message(conv.id, old.id, last_id=old.id)
    new = a.add_message(conv.id, "assistant", "new answer", after=u1.id)
    assert new.id != old.id  # else B's stale view would still pass the check
    with pytest.raises(ConversationChangedError):
        b.delete_from_message(conv.id, stale_last, last_id=stale_last)
    assert _contents(b, conv.id) == ["u1", "new answer"]


def test_sending_into_a_conversation_deleted_by_the_other_store(two: tuple[Store, Store]) -> None:
    a, b = two
    conv = a.create_conversation()
    last = a.add_message(conv.id, "user", "hello").id
    b.delete_conversation(conv.id)
    with pytest.raises(ConversationMissingError, match=f"no conversation with id {conv.id}"):
        a.add_message(conv.id, "user", "typed after the delete", after=last)
    with pytest.raises(ConversationMissingError):
        a.delete_from_message(conv.id, last, last_id=last)


def test_opening_a_second_store_leaves_the_first_ones_answer_streaming(two: tuple[Store, Store], db_path: Path) -> None:
    a, _b = two
    conv = a.create_conversation()
    question = a.add_message(conv.id, "user", "Tell me a story")
    answer = a.add_message(conv.id, "assistant", "", status="streaming", after=question.id)
    a.update_message(answer.id, content="Once upon")
    with Store(db_path) as third:
        assert third.get_conversation(conv.id).messages[-1].status == "streaming"
    a.update_message(answer.id, content="Once upon a time", status="complete")
    assert a.get_conversation(conv.id).messages[-1].status == "complete"


def test_an_answer_being_written_elsewhere_cannot_be_cut_off(two: tuple[Store, Store]) -> None:
    a, b = two
    conv = a.create_conversation()
    question = a.add_message(conv.id, "user", "q")
    answer = a.add_message(conv.id, "assistant", "", status="streaming", after=question.id)
    with pytest.raises(ConversationChangedError, match="still being written elsewhere"):
        b.delete_from_message(conv.id, answer.id, last_id=answer.id)  # regenerate it from B
    with pytest.raises(ConversationChangedError, match="still being written elsewhere"):
        b.add_message(conv.id, "user", "next", after=answer.id)
    with pytest.raises(ConversationChangedError, match="still being written elsewhere"):
        b.delete_conversation(conv.id)
    a.update_message(answer.id, content="done", status="complete")
    b.add_message(conv.id, "user", "next", after=answer.id)
    assert _contents(a, conv.id) == ["q", "done", "next"]


def test_a_closed_stores_answer_becomes_interrupted(db_path: Path) -> None:
    a = Store(db_path)
    conv = a.create_conversation()
    answer = a.add_message(conv.id, "assistant", "half", status="streaming")
    with Store(db_path) as b:
        a.close()
        (got,) = b.get_conversation(conv.id).messages
        assert (got.id, got.content, got.status) == (answer.id, "half", "interrupted")


_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from phidesk.store import Store
    store = Store(Path(sys.argv[1]))
    conv = store.create_conversation()
    answer = store.add_message(conv.id, "assistant", "", status="streaming")
    store.update_message(answer.id, content="still writing")
    print(conv.id, flush=True)
    sys.stdin.readline()  # stays alive (and keeps writing, as far as anyone can tell) until told
    """
)


def test_recovery_marks_only_answers_whose_writer_process_is_gone(db_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(db_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        conversation_id = int(child.stdout.readline())
        with Store(db_path) as store:  # a second process starts while the first is writing
            assert [(m.content, m.status) for m in store.get_conversation(conversation_id).messages] == [
                ("still writing", "streaming")
            ]
        child.kill()  # the writer dies without finishing
        child.wait(timeout=60)
        with Store(db_path) as store:
            assert [(m.content, m.status) for m in store.get_conversation(conversation_id).messages] == [
                ("still writing", "interrupted")
            ]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=60)
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()


@pytest.mark.parametrize(
    ("writer", "alive"),
    [
        (None, False),
        ("garbage", False),
        ("{pid}:{start}:someone", True),  # a live process, its own start time
        ("{pid}:{wrong}:someone", False),  # the pid was reused by a later process
    ],
)
def test_a_reused_pid_does_not_keep_an_answer_streaming(db_path: Path, writer: str | None, alive: bool) -> None:
    parent = psutil.Process(os.getppid())  # a process that outlives this test
    start = parent.create_time()
    Store(db_path).close()
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute("INSERT INTO conversations (title, created_at, updated_at) VALUES ('t', 0, 0)")
        conn.execute(
            "INSERT INTO messages (conversation_id, position, role, content, status, created_at, updated_at, writer)"
            " VALUES (1, 0, 'assistant', 'x', 'streaming', 0, 0, ?)",
            (writer.format(pid=parent.pid, start=start, wrong=start - 3600) if writer else None,),
        )
    with Store(db_path) as store:
        assert store.get_conversation(1).messages[0].status == ("streaming" if alive else "interrupted")


def test_a_version_1_database_is_migrated_with_its_messages(db_path: Path) -> None:
    with closing(sqlite3.connect(db_path, isolation_level=None)) as conn:  # as PhiDesk 1 left it
        schema.MIGRATIONS[1](conn)
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO conversations (id, title, created_at, updated_at) VALUES (7, 'From v1', 0, 0)")
        for i, (content, status) in enumerate([("m0", "complete"), ("m1", "complete"), ("cut off", "streaming")]):
            conn.execute(
                "INSERT INTO messages (id, conversation_id, position, role, content, status, created_at, updated_at)"
                " VALUES (?, 7, ?, 'user', ?, ?, 0, 0)",
                (10 + i, i, content, status),
            )
    with Store(db_path) as store:
        assert store.schema_version == schema.latest_version()
        messages = store.get_conversation(7).messages
        assert [(m.id, m.content, m.status) for m in messages] == [
            (10, "m0", "complete"), (11, "m1", "complete"), (12, "cut off", "interrupted")
        ]
        store.delete_from_message(7, 12, last_id=12)
        assert store.add_message(7, "assistant", "again", after=11).id == 13  # 12 is never handed out again
