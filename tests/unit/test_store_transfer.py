"""Export and import with versions of messages, Markdown that stays Markdown, and file names every OS takes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from phidesk.errors import UserError
from phidesk.store import Store, export_json, export_markdown, import_json
from phidesk.store.transfer import export_file_name


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "conversations.sqlite3") as opened:
        yield opened


def _tree(store: Store) -> int:
    """q1 → a1 | a1b (shown), and an edited q1b → a1c."""
    conv = store.create_conversation("Tree")
    q1 = store.add_message(conv.id, "user", "q1").id
    store.add_message(conv.id, "assistant", "a1")
    store.add_message(conv.id, "user", "q1b", parent=None)
    store.add_message(conv.id, "assistant", "a1c")
    store.add_message(conv.id, "assistant", "a1b", parent=q1)
    return conv.id


def _versions(store: Store, conversation_id: int) -> list[tuple[str, str | None, int]]:
    """Every message, with the text of the one it follows and its depth."""
    conv = store.get_conversation(conversation_id)
    text = {m.id: m.content for m in conv.all_messages}
    return [(m.content, text.get(m.parent_id or 0), m.position) for m in conv.all_messages]


def test_json_keeps_every_version_and_the_branch_shown(store: Store) -> None:
    original = _tree(store)
    data = json.loads(json.dumps(export_json(store.get_conversation(original))))
    assert [(m["content"], m["parent"]) for m in data["messages"]] == [
        ("q1", None), ("a1", 0), ("q1b", None), ("a1c", 2), ("a1b", 0)]
    assert data["shown"] == 4
    imported = import_json(store, data)
    assert imported.message_count == 2
    assert _versions(store, imported.id) == _versions(store, original)
    shown = store.get_conversation(imported.id).messages
    assert [(m.content, m.version, m.versions) for m in shown] == [("q1", 1, 2), ("a1b", 2, 2)]


def test_markdown_holds_the_branch_shown(store: Store) -> None:
    text = export_markdown(store.get_conversation(_tree(store)))
    assert "q1\n" in text
    assert "a1b" in text
    assert "a1c" not in text
    assert "q1b" not in text


def test_a_version_1_export_still_imports_as_one_line(store: Store) -> None:
    data = {"format": "phidesk.conversation", "version": 1, "title": "Old", "messages": [
        {"role": "user", "content": "u1", "parent": None},  # ignored in version 1
        {"role": "assistant", "content": "a1"},
        {"role": "user", "content": "u2"},
    ]}  # fmt: skip
    imported = import_json(store, data)
    assert imported.message_count == 3
    assert _versions(store, imported.id) == [("u1", None, 0), ("a1", "u1", 1), ("u2", "a1", 2)]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"messages": 1, "parent": 1}, "message 2: 'parent' must be an earlier message"),
        ({"messages": 1, "parent": 5}, "message 2: 'parent' must be an earlier message"),
        ({"messages": 0, "parent": 0}, "message 1: 'parent' must be an earlier message"),
        ({"messages": 1, "parent": -1}, "message 2: 'parent' must be an earlier message"),
        ({"messages": 1, "parent": True}, "message 2: 'parent' must be an earlier message"),
        ({"messages": 1, "parent": "0"}, "message 2: 'parent' must be an earlier message"),
        ({"shown": 2}, "'shown' must be one of its messages"),
        ({"shown": "1"}, "'shown' must be one of its messages"),
    ],
)
def test_bad_links_are_refused_and_nothing_is_written(store: Store, change: dict[str, Any], reason: str) -> None:
    data: dict[str, Any] = {"format": "phidesk.conversation", "version": 2, "title": "t", "shown": 1, "messages": [
        {"role": "user", "content": "q", "parent": None},
        {"role": "assistant", "content": "a", "parent": 0},
    ]}  # fmt: skip
    if "messages" in change:
        data["messages"][change["messages"]]["parent"] = change["parent"]
    else:
        data["shown"] = change["shown"]
    with pytest.raises(UserError, match=reason):
        import_json(store, data)
    assert store.list_conversations() == []


def _rendered_code(markdown: str) -> list[str]:
    """The code blocks a Markdown reader shows."""
    return [token.content for token in MarkdownIt("commonmark").parse(markdown) if token.type == "fence"]


def test_an_unclosed_code_fence_stays_inside_its_message(store: Store) -> None:
    conv = store.create_conversation("Code")
    store.add_message(conv.id, "user", "Show me code")
    store.add_message(conv.id, "assistant", "Here:\n\n```python\nprint('```')\n``` ignored\nx = 1", status="cancelled")
    store.add_message(conv.id, "user", "Thanks, and in ~~~~ shell?")
    store.add_message(conv.id, "assistant", "~~~~sh\nls\n~~~\n")
    store.add_message(conv.id, "user", "Last question")
    text = export_markdown(store.get_conversation(conv.id))
    assert _rendered_code(text) == ["print('```')\n``` ignored\nx = 1\n", "ls\n~~~\n"]
    assert text.count("## You") == 3  # every heading after the fences is still a heading
    assert "*(stopped before the end)*" in text.split("```python")[1].split("## You")[0].split("````")[1]


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Cats", "Cats.md"),
        ("a/b\\c:d*e?f\"g<h>i|j", "a b c d e f g h i j.md"),
        ("../../etc/passwd", "etc passwd.md"),
        ("CON", "Conversation CON.md"),
        ("nul.txt", "Conversation nul.txt.md"),
        ("com1", "Conversation com1.md"),
        ("Trailing dots...", "Trailing dots.md"),
        ("   ", "Conversation.md"),
        ("tab\there\nnew line\x00nul\x7f", "tab here new line nul.md"),
        ("evil\u202egnp.exe", "evil gnp.exe.md"),
        ("How do I write a function that reverses a linked list in place without recursion please",
         "How do I write a function that reverses a linked list in.md"),
        ("x" * 80, "x" * 60 + ".md"),
        ("你好世界 " * 20, " ".join(["你好世界"] * 12) + ".md"),
    ],
)
def test_export_file_names(title: str, name: str, tmp_path: Path) -> None:
    proposed = export_file_name(title, ".md")
    assert proposed == name
    assert len(proposed) <= 63
    path = tmp_path / proposed
    assert path.parent == tmp_path
    path.write_text("ok", encoding="utf-8")  # the OS takes it
    assert [p.name for p in tmp_path.iterdir()] == [proposed]


def test_markdown_marks_an_answer_from_a_remote_endpoint(store: Store) -> None:
    conv = store.create_conversation("Remote")
    store.add_message(conv.id, "user", "q")
    store.add_message(conv.id, "assistant", "local answer", model="starter")
    store.add_message(conv.id, "user", "q2")
    store.add_message(conv.id, "assistant", "remote answer", model="team/phi-3.5-mini")
    text = export_markdown(store.get_conversation(conv.id))
    assert "## Assistant (starter)\n" in text
    assert "## Assistant (team/phi-3.5-mini, remote)\n" in text
