"""The conversation store on real SQLite files: CRUD, order, search, crash safety, migrations, export and import."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from phidesk import paths
from phidesk.errors import UserError
from phidesk.store import (
    Conversation,
    Store,
    export_json,
    export_markdown,
    import_json,
    schema,
)
from phidesk.store.conversations import FILE_NAME

MULTILINGUAL = {
    "hindi": "नमस्ते दुनिया, आप कैसे हैं?",
    "chinese": "你好，世界！今天天气很好。",
    "arabic": "مرحبا بالعالم، كيف حالك؟",
    "emoji": "Party 🎉🦄 — family 👨‍👩‍👧‍👦 and flags 🇫🇷",
}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "history" / "conversations.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as opened:
        yield opened


def _sql(path: Path, query: str, *args: Any) -> list[tuple[Any, ...]]:
    """Run one query on a separate connection, as another program would see the file."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(query, args).fetchall()


def _counts(path: Path) -> tuple[int, int]:
    return _sql(path, "SELECT count(*) FROM conversations")[0][0], _sql(path, "SELECT count(*) FROM messages")[0][0]


def _titles(store: Store, search: str | None = None) -> list[str]:
    return [c.title for c in store.list_conversations(search)]


# --- opening ----------------------------------------------------------------------------------


def test_default_path_is_in_the_data_folder(phidesk_home: Path) -> None:
    with Store() as store:
        assert store.path == paths.data_dir() / FILE_NAME
        assert store.path.is_relative_to(phidesk_home.resolve())
    assert (paths.data_dir() / FILE_NAME).is_file()


def test_wal_mode_and_schema_version(store: Store, db_path: Path) -> None:
    assert store.schema_version == 3 == schema.latest_version()
    assert _sql(db_path, "PRAGMA journal_mode") == [("wal",)]
    assert _sql(db_path, "PRAGMA user_version") == [(3,)]


def test_fake_v4_migration_runs_on_reopen(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(db_path) as store:
        kept = store.create_conversation("Before v4")
        store.add_message(kept.id, "user", "still here")
    monkeypatch.setitem(
        schema.MIGRATIONS,
        4,
        schema.sql(
            "ALTER TABLE conversations ADD COLUMN colour TEXT NOT NULL DEFAULT 'blue'",
            "UPDATE conversations SET colour = 'green'",
        ),
    )
    with Store(db_path) as store:
        assert store.schema_version == 4
        assert store.get_conversation(kept.id).messages[0].content == "still here"
    assert _sql(db_path, "PRAGMA user_version") == [(4,)]
    assert _sql(db_path, "SELECT title, colour FROM conversations") == [("Before v4", "green")]
    with Store(db_path) as store:  # already at v4: nothing runs twice
        assert store.schema_version == 4


def test_failed_migration_leaves_the_previous_version(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Store(db_path).close()
    monkeypatch.setitem(
        schema.MIGRATIONS, 4, schema.sql("ALTER TABLE conversations ADD COLUMN colour TEXT", "NOT VALID SQL")
    )
    with pytest.raises(UserError, match="not a usable conversation database"):
        Store(db_path)
    assert _sql(db_path, "PRAGMA user_version") == [(3,)]
    columns = [row[1] for row in _sql(db_path, "PRAGMA table_info(conversations)")]
    assert "colour" not in columns  # the first statement of the step was rolled back too


def test_database_from_a_newer_phidesk_is_refused(db_path: Path) -> None:
    Store(db_path).close()
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(UserError, match="newer PhiDesk"):
        Store(db_path)
    assert _sql(db_path, "PRAGMA user_version") == [(99,)]


def test_a_file_that_is_not_a_database_is_refused(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is a text file, not SQLite\n" * 100)
    with pytest.raises(UserError, match="is not an SQLite database"):
        Store(db_path)


def test_closed_store_refuses_work(db_path: Path) -> None:
    store = Store(db_path)
    store.close()
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        store.list_conversations()


# --- conversations ----------------------------------------------------------------------------


def test_create_list_get(store: Store) -> None:
    created = store.create_conversation(model_id="phi-3.5", system_prompt="Be brief.")
    assert created.title == "New chat"
    assert (created.pinned, created.model_id, created.message_count, created.snippet) == (False, "phi-3.5", 0, None)
    assert store.list_conversations() == [created]
    conv = store.get_conversation(created.id)
    assert isinstance(conv, Conversation)
    assert (conv.id, conv.title, conv.system_prompt, conv.messages) == (created.id, "New chat", "Be brief.", ())
    assert conv.created_at == conv.updated_at == created.updated_at


def test_get_missing_conversation(store: Store) -> None:
    with pytest.raises(UserError, match="no conversation with id 42"):
        store.get_conversation(42)


def test_order_pinned_first_then_most_recent(store: Store) -> None:
    a = store.create_conversation("a")
    b = store.create_conversation("b")
    c = store.create_conversation("c")
    assert _titles(store) == ["c", "b", "a"]
    store.add_message(a.id, "user", "hello")
    assert _titles(store) == ["a", "c", "b"]
    store.set_pinned(b.id, True)
    assert _titles(store) == ["b", "a", "c"]
    assert [s.pinned for s in store.list_conversations()] == [True, False, False]
    store.rename(c.id, "c renamed")  # metadata does not reorder
    assert _titles(store) == ["b", "a", "c renamed"]
    store.set_pinned(b.id, False)
    assert _titles(store) == ["a", "c renamed", "b"]


def test_rename_pin_model_prompt(store: Store) -> None:
    conv = store.create_conversation()
    store.rename(conv.id, "  Trip to Lyon \n")
    store.set_pinned(conv.id, True)
    store.set_model(conv.id, "smollm2")
    store.set_system_prompt(conv.id, "Answer in French.")
    got = store.get_conversation(conv.id)
    assert (got.title, got.pinned, got.model_id) == ("Trip to Lyon", True, "smollm2")
    assert got.system_prompt == "Answer in French."
    store.set_model(conv.id, None)
    store.set_system_prompt(conv.id, None)
    got = store.get_conversation(conv.id)
    assert (got.model_id, got.system_prompt) == (None, None)


@pytest.mark.parametrize("title", ["", "   ", "\n\t"])
def test_rename_to_nothing_is_refused(store: Store, title: str) -> None:
    conv = store.create_conversation("Keep me")
    with pytest.raises(UserError, match="title cannot be empty"):
        store.rename(conv.id, title)
    assert store.get_conversation(conv.id).title == "Keep me"


def test_changing_a_missing_conversation_is_refused(store: Store) -> None:
    with pytest.raises(UserError, match="no conversation with id 7"):
        store.rename(7, "x")
    with pytest.raises(UserError, match="no conversation with id 7"):
        store.set_pinned(7, True)
    with pytest.raises(UserError, match="no conversation with id 7"):
        store.add_message(7, "user", "hi")


def test_delete_cascades_to_messages(store: Store, db_path: Path) -> None:
    gone = store.create_conversation("gone")
    kept = store.create_conversation("kept")
    for text in ["one", "two", "three"]:
        store.add_message(gone.id, "user", text)
    store.add_message(kept.id, "user", "mine")
    assert _counts(db_path) == (2, 4)
    store.delete_conversation(gone.id)
    assert _counts(db_path) == (1, 1)
    assert _titles(store) == ["kept"]
    store.delete_conversation(gone.id)  # twice: nothing to do


def test_auto_title(store: Store) -> None:
    conv = store.create_conversation()
    store.auto_title(conv.id, "\n\n   What   is\tthe capital\u00a0of France?  \nSecond line")
    assert store.get_conversation(conv.id).title == "What is the capital of France?"
    store.auto_title(conv.id, "Another question")  # no longer "New chat": kept
    assert store.get_conversation(conv.id).title == "What is the capital of France?"

    long = store.create_conversation()
    store.auto_title(long.id, "word " * 40)
    title = store.get_conversation(long.id).title
    assert len(title) <= 60
    assert title.endswith("…")
    assert title.startswith("word word")

    named = store.create_conversation("My own name")
    store.auto_title(named.id, "hello")
    assert store.get_conversation(named.id).title == "My own name"

    blank = store.create_conversation()
    store.auto_title(blank.id, "  \n ")
    assert store.get_conversation(blank.id).title == "New chat"


# --- search -----------------------------------------------------------------------------------


def test_search_title_and_message_text(store: Store) -> None:
    recipes = store.create_conversation("Bread recipes")
    trip = store.create_conversation("Holiday")
    store.add_message(trip.id, "user", "Which trains go to Lyon?")
    store.add_message(trip.id, "assistant", "The TGV leaves Paris for LYON every hour.")
    store.create_conversation("Unrelated")

    hits = store.list_conversations("bread")
    assert [h.id for h in hits] == [recipes.id]
    assert hits[0].snippet is None  # a title match has no excerpt

    hits = store.list_conversations("lyon")
    assert [h.id for h in hits] == [trip.id]
    assert hits[0].snippet == "Which trains go to Lyon?"  # the first message that matches
    assert hits[0].message_count == 2

    assert _titles(store, "nothing like this") == []
    assert _titles(store, "") == _titles(store, "   ") == _titles(store) == ["Unrelated", "Holiday", "Bread recipes"]


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("Mon école est grande", "ÉCOLE"),
        ("МОСКВА зимой", "москва"),
        ("Die Straße ist lang", "STRASSE"),
        ("ΣΟΦΙΑ", "σοφια"),
    ],
)
def test_search_is_case_insensitive_beyond_ascii(store: Store, stored: str, query: str) -> None:
    in_title = store.create_conversation(stored)
    in_text = store.create_conversation("other")
    store.add_message(in_text.id, "user", stored)
    assert [h.id for h in store.list_conversations(query)] == [in_text.id, in_title.id]
    snippet = store.list_conversations(query)[0].snippet
    assert snippet == stored


@pytest.mark.parametrize(
    ("query", "matches"),
    [("50%", ["a 50% discount"]), ("a_c", ["a_c literal"]), ("100\\", ["path C:\\100\\"]), ("%", ["a 50% discount"])],
)
def test_search_wildcards_are_literal(store: Store, query: str, matches: list[str]) -> None:
    for text in ["a 50% discount", "5000 apples", "abc", "a_c literal", "path C:\\100\\", "100 items"]:
        conv = store.create_conversation(f"chat {text[:3]}")
        store.add_message(conv.id, "user", text)
    assert [h.snippet for h in store.list_conversations(query)] == matches


def test_snippet_is_an_excerpt_around_the_match(store: Store) -> None:
    conv = store.create_conversation("Long one")
    text = "Intro line.\n" + "filler words here " * 20 + "the NEEDLE is here\n" + "more padding text " * 20
    store.add_message(conv.id, "user", "no match in this one")
    store.add_message(conv.id, "assistant", text)
    (hit,) = store.list_conversations("needle")
    assert hit.snippet is not None
    assert "the NEEDLE is here" in hit.snippet
    assert hit.snippet.startswith("…")
    assert hit.snippet.endswith("…")
    assert "\n" not in hit.snippet
    assert len(hit.snippet) < 120


def test_search_finds_every_script(store: Store) -> None:
    ids = {}
    for name, text in MULTILINGUAL.items():
        conv = store.create_conversation(f"chat {name}")
        store.add_message(conv.id, "user", text)
        ids[name] = conv.id
    for name, query in [("hindi", "दुनिया"), ("chinese", "天气"), ("arabic", "بالعالم"), ("emoji", "🦄")]:
        hits = store.list_conversations(query)
        assert [h.id for h in hits] == [ids[name]]
        assert hits[0].snippet is not None
        assert query in hits[0].snippet


# --- messages ---------------------------------------------------------------------------------


def test_add_message_positions_and_fields(store: Store) -> None:
    conv = store.create_conversation()
    before = store.list_conversations()[0].updated_at
    user = store.add_message(conv.id, "user", "Describe this", images=["/tmp/pics/cat.png"])
    answer = store.add_message(
        conv.id,
        "assistant",
        "A cat.",
        model="phi-3.5-vision",
        provider="cuda",
        settings={"temperature": 0.7, "top_k": 50},
        stats={"tokens": 3, "tokens_per_second": 41.5},
    )
    assert (user.position, answer.position) == (0, 1)
    assert store.list_conversations()[0].updated_at > before
    got = store.get_conversation(conv.id).messages
    assert got == (user, answer)
    assert got[0].images == ("/tmp/pics/cat.png",)
    assert got[1].settings == {"temperature": 0.7, "top_k": 50}
    assert got[1].stats == {"tokens": 3, "tokens_per_second": 41.5}
    assert (got[1].model, got[1].provider, got[1].status) == ("phi-3.5-vision", "cuda", "complete")


def test_add_message_validates_role_and_status(store: Store, db_path: Path) -> None:
    conv = store.create_conversation()
    with pytest.raises(UserError, match="role must be system, user or assistant"):
        store.add_message(conv.id, "robot", "beep")
    with pytest.raises(UserError, match="status must be one of"):
        store.add_message(conv.id, "user", "hi", status="done")
    assert _counts(db_path) == (1, 0)


def test_update_message(store: Store) -> None:
    conv = store.create_conversation()
    msg = store.add_message(conv.id, "assistant", "", model="m1", status="streaming")
    for partial in ["Hel", "Hello, wor", "Hello, world"]:
        store.update_message(msg.id, content=partial)
    store.update_message(msg.id, status="complete", stats={"tokens": 4})
    (got,) = store.get_conversation(conv.id).messages
    assert (got.content, got.status, got.stats, got.model) == ("Hello, world", "complete", {"tokens": 4}, "m1")
    assert got.updated_at > got.created_at
    store.update_message(msg.id, content="", model="m2", provider="cpu")
    (got,) = store.get_conversation(conv.id).messages
    assert (got.content, got.model, got.provider, got.stats) == ("", "m2", "cpu", {"tokens": 4})
    with pytest.raises(UserError, match="status must be one of"):
        store.update_message(msg.id, status="finished")
    with pytest.raises(UserError, match="no message with id 999"):
        store.update_message(999, content="x")


def test_delete_from_message(store: Store) -> None:
    conv = store.create_conversation()
    ids = [store.add_message(conv.id, "user" if i % 2 == 0 else "assistant", f"m{i}").id for i in range(5)]
    assert store.delete_from_message(conv.id, ids[3], last_id=ids[4]) == ids[3:]
    assert [m.content for m in store.get_conversation(conv.id).messages] == ["m0", "m1", "m2"]
    again = store.add_message(conv.id, "assistant", "regenerated", after=ids[2])
    assert again.position == 3
    assert again.id not in ids  # ids are never reused
    store.delete_from_message(conv.id, ids[0])
    assert store.get_conversation(conv.id).messages == ()
    assert store.list_conversations()[0].message_count == 0
    assert store.add_message(conv.id, "user", "fresh start").position == 0


def test_streaming_message_becomes_interrupted_on_reopen(db_path: Path) -> None:
    with Store(db_path) as store:
        conv = store.create_conversation()
        store.add_message(conv.id, "user", "Tell me a story")
        msg = store.add_message(conv.id, "assistant", "", status="streaming")
        store.update_message(msg.id, content="Once upon a")
        done = store.add_message(conv.id, "assistant", "fine", status="cancelled")
    with Store(db_path) as store:
        messages = store.get_conversation(conv.id).messages
    assert [(m.content, m.status) for m in messages] == [
        ("Tell me a story", "complete"),
        ("Once upon a", "interrupted"),
        ("fine", "cancelled"),
    ]
    assert messages[2] == done


def test_a_write_survives_a_hard_kill(db_path: Path) -> None:
    child = textwrap.dedent(
        """
        import os, signal, sys
        from pathlib import Path
        from phidesk.store import Store
        store = Store(Path(sys.argv[1]))
        conv = store.create_conversation("Killed mid-answer")
        store.add_message(conv.id, "user", "Are you still there? नमस्ते")
        msg = store.add_message(conv.id, "assistant", "", status="streaming")
        store.update_message(msg.id, content="Yes, I was writing")
        print(conv.id, flush=True)
        if hasattr(signal, "SIGKILL"):
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(9)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", child, str(db_path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == (-signal.SIGKILL if hasattr(signal, "SIGKILL") else 9), result.stderr
    with Store(db_path) as store:
        conv = store.get_conversation(int(result.stdout))
    assert conv.title == "Killed mid-answer"
    assert [(m.content, m.status) for m in conv.messages] == [
        ("Are you still there? नमस्ते", "complete"),
        ("Yes, I was writing", "interrupted"),
    ]


def test_multilingual_text_round_trips(db_path: Path) -> None:
    with Store(db_path) as store:
        conv = store.create_conversation(MULTILINGUAL["hindi"], system_prompt=MULTILINGUAL["arabic"])
        for text in MULTILINGUAL.values():
            store.add_message(conv.id, "user", text, images=[f"/photos/{text[:4]}.png"], stats={"note": text})
    with Store(db_path) as store:
        got = store.get_conversation(conv.id)
    assert (got.title, got.system_prompt) == (MULTILINGUAL["hindi"], MULTILINGUAL["arabic"])
    assert [m.content for m in got.messages] == list(MULTILINGUAL.values())
    assert [m.stats for m in got.messages] == [{"note": t} for t in MULTILINGUAL.values()]
    assert [m.images for m in got.messages] == [(f"/photos/{t[:4]}.png",) for t in MULTILINGUAL.values()]


# --- export -----------------------------------------------------------------------------------


def _sample(store: Store) -> Conversation:
    conv = store.create_conversation("Cats", model_id="phi-3.5-vision", system_prompt="Be kind.\nBe brief.")
    images = ["/home/me/Pictures/cat.png", "C:\\pics\\dog.jpg"]
    store.add_message(conv.id, "user", "What is in this picture?", images=images)
    store.add_message(
        conv.id,
        "assistant",
        "A **cat** on a sofa.",
        model="phi-3.5-vision",
        provider="cpu",
        settings={"temperature": 0.2},
        stats={"tokens": 7},
    )
    store.add_message(conv.id, "user", "And now?")
    store.add_message(conv.id, "assistant", "It is", status="cancelled")
    store.set_pinned(conv.id, True)
    return store.get_conversation(conv.id)


def test_export_markdown(store: Store) -> None:
    text = export_markdown(_sample(store))
    assert text.startswith("# Cats\n\n> Be kind.\n> Be brief.\n\n## You\n\nWhat is in this picture?\n")
    assert "Images: cat.png, dog.jpg" in text
    assert "/home/me" not in text
    assert "## Assistant (phi-3.5-vision)\n\nA **cat** on a sofa.\n" in text
    assert "## Assistant\n\nIt is\n\n*(stopped before the end)*\n" in text
    assert text.count("## You") == 2


def test_export_json(store: Store) -> None:
    conv = _sample(store)
    data = export_json(conv)
    assert json.loads(json.dumps(data)) == data  # plain JSON values only
    assert (data["format"], data["version"], data["title"], data["pinned"]) == ("phidesk.conversation", 2, "Cats", True)
    assert (data["model_id"], data["system_prompt"]) == ("phi-3.5-vision", "Be kind.\nBe brief.")
    assert (data["created_at"], data["updated_at"]) == (conv.created_at, conv.updated_at)
    assert len(data["messages"]) == 4
    assert data["shown"] == 3
    assert [m["parent"] for m in data["messages"]] == [None, 0, 1, 2]
    assert data["messages"][0] == {
        "parent": None,
        "role": "user",
        "content": "What is in this picture?",
        "images": ["/home/me/Pictures/cat.png", "C:\\pics\\dog.jpg"],
        "model": None,
        "provider": None,
        "settings": None,
        "stats": None,
        "status": "complete",
        "created_at": conv.messages[0].created_at,
    }
    assert data["messages"][1]["settings"] == {"temperature": 0.2}
    assert data["messages"][3]["status"] == "cancelled"


def _content(conv: Conversation) -> tuple[Any, ...]:
    messages = [
        (m.role, m.content, m.images, m.model, m.provider, m.settings, m.stats, m.status, m.created_at)
        for m in conv.messages
    ]
    return conv.title, conv.pinned, conv.model_id, conv.system_prompt, conv.created_at, messages


@pytest.mark.parametrize("as_type", ["str", "bytes", "dict"])
def test_json_round_trip(store: Store, as_type: str) -> None:
    original = _sample(store)
    text = json.dumps(export_json(original), ensure_ascii=False)
    data = {"str": text, "bytes": text.encode("utf-8"), "dict": json.loads(text)}[as_type]
    imported = import_json(store, data)
    assert imported.id != original.id
    assert (imported.title, imported.message_count) == ("Cats", 4)
    assert _content(store.get_conversation(imported.id)) == _content(original)
    assert len(store.list_conversations()) == 2


def test_multilingual_json_round_trip(store: Store) -> None:
    conv = store.create_conversation(MULTILINGUAL["chinese"], system_prompt=MULTILINGUAL["emoji"])
    for text in MULTILINGUAL.values():
        store.add_message(conv.id, "assistant", text, model=MULTILINGUAL["arabic"])
    original = store.get_conversation(conv.id)
    raw = json.dumps(export_json(original), ensure_ascii=False).encode("utf-8")
    imported = import_json(store, b"\xef\xbb\xbf" + raw)  # a byte-order mark is fine
    assert _content(store.get_conversation(imported.id)) == _content(original)
    assert MULTILINGUAL["hindi"] in export_markdown(original)


def test_import_turns_streaming_into_interrupted(store: Store) -> None:
    data = {"format": "phidesk.conversation", "version": 1, "title": "t", "messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "half", "status": "streaming"},
    ]}  # fmt: skip
    imported = import_json(store, data)
    assert [m.status for m in store.get_conversation(imported.id).messages] == ["complete", "interrupted"]


def _valid() -> dict[str, Any]:
    return {
        "format": "phidesk.conversation",
        "version": 1,
        "title": "Valid",
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello!", "stats": {"tokens": 2}},
        ],
    }


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = _valid()
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("this is not JSON", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        ('{"format": "phidesk.conversation", "version": NaN}', "not valid JSON"),
        ("[1, 2, 3]", "holds a list, not an object"),
        (_with(("format",), "chatgpt.export"), "'format' must be 'phidesk.conversation'"),
        (_with(("format",), _DELETE), "'format' must be"),
        (_with(("version",), 3), "newer PhiDesk"),
        (_with(("version",), "1"), "'version' must be 1"),
        (_with(("version",), True), "'version' must be 1"),
        (_with(("version",), 0), "'version' must be 1"),
        (_with(("title",), "   "), "'title' must be a non-empty text"),
        (_with(("title",), 12), "'title' must be a non-empty text"),
        (_with(("pinned",), "yes"), "'pinned' must be true or false"),
        (_with(("system_prompt",), ["x"]), "'system_prompt' must be text or null"),
        (_with(("created_at",), "yesterday"), "'created_at' must be a time"),
        (_with(("messages",), _DELETE), "'messages' must be a non-empty list"),
        (_with(("messages",), []), "'messages' must be a non-empty list"),
        (_with(("messages",), {"role": "user"}), "'messages' must be a non-empty list"),
        (_with(("messages", 2), "Hello!"), "message 3 must be an object"),
        (_with(("messages", 2, "role"), "robot"), "message 3: 'role' must be system, user or assistant"),
        (_with(("messages", 1, "role"), _DELETE), "message 2: 'role' must be system, user or assistant"),
        (_with(("messages", 2, "content"), 42), "message 3: 'content' must be text"),
        (_with(("messages", 0, "content"), None), "message 1: 'content' must be text"),
        (_with(("messages", 2, "content"), "\ud800 lone surrogate"), "message 3: 'content' is not valid Unicode"),
        (_with(("messages", 2, "images"), "cat.png"), "message 3: 'images' must be a list"),
        (_with(("messages", 2, "images"), ["ok.png", 5]), "message 3: 'images' must hold file paths"),
        (_with(("messages", 2, "status"), "done"), "message 3: 'status' must be one of"),
        (_with(("messages", 2, "stats"), [1, 2]), "message 3: 'stats' must be an object or null"),
        (_with(("messages", 2, "stats"), {"x": {1, 2}}), "message 3: 'stats' must hold only JSON values"),
        (_with(("messages", 2, "model"), 3.5), "message 3: 'model' must be text or null"),
        (_with(("messages", 2, "created_at"), -1), "message 3: 'created_at' must be a time"),
        (_with(("messages", 1, "content"), "x" * (10 * 1024 * 1024 + 1)), "more than 10 MB of text"),
    ],
)
def test_import_rejects_bad_input_and_writes_nothing(store: Store, db_path: Path, data: Any, reason: str) -> None:
    store.add_message(store.create_conversation("existing").id, "user", "hello")
    before = _counts(db_path)
    with pytest.raises(UserError) as excinfo:
        import_json(store, data)
    assert reason in str(excinfo.value)
    assert "\n" not in str(excinfo.value)
    assert _counts(db_path) == before == (1, 1)


def test_import_failing_mid_insert_rolls_back(store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store.create_conversation("existing")
    real_insert = Store._insert_message
    calls: list[int] = []

    def insert_then_fail(self: Store, *args: Any, **kwargs: Any) -> int:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk pulled out")
        return real_insert(self, *args, **kwargs)

    monkeypatch.setattr(Store, "_insert_message", insert_then_fail)
    with pytest.raises(RuntimeError, match="disk pulled out"):
        import_json(store, _valid())
    assert len(calls) == 3  # two messages were written before the failure…
    assert _counts(db_path) == (1, 0)  # …and rolled back with their conversation
    monkeypatch.undo()
    assert import_json(store, _valid()).message_count == 3  # the store still works


def test_import_rejected_by_the_database_rolls_back(store: Store, db_path: Path) -> None:
    with closing(sqlite3.connect(db_path)) as conn:  # a real SQLite error on the third message row
        conn.execute(
            "CREATE TRIGGER no_third BEFORE INSERT ON messages WHEN NEW.position = 2"
            " BEGIN SELECT RAISE(ABORT, 'third message refused'); END"
        )
    store.add_message(store.create_conversation("existing").id, "user", "hi")
    with pytest.raises(sqlite3.IntegrityError, match="third message refused"):
        import_json(store, _valid())
    assert _counts(db_path) == (1, 1)
    assert _titles(store) == ["existing"]


def test_deeply_nested_import_is_refused_before_parsing(store: Store) -> None:
    with pytest.raises(UserError) as excinfo:
        import_json(store, '{"format": "phidesk.conversation", "messages": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert str(excinfo.value) == "the file: nested 100001 levels deep (at most 16 allowed)"
    assert store.list_conversations() == []
