"""The conversations sidebar: date sections with headings that cannot be selected, two-line rows (the hit of a
search highlighted, escaped), rows tall enough for Devanagari, the keyboard, accessible names."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QMenu

from phidesk.gui.conversations import ID_ROLE, SECOND_ROLE, TALL_SAMPLE, ConversationList
from phidesk.store import Store


@pytest.fixture
def store(phidesk_home: Path) -> Iterator[Store]:
    with Store() as opened:
        yield opened


def backdate(store: Store, conversation_id: int, when: float) -> None:
    """Set a conversation's last-message time (what the sidebar groups by) through a second real connection."""
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (when, conversation_id))


def make(store: Store, title: str, when: float, text: str = "hello", *, pinned: bool = False) -> int:
    conversation = store.create_conversation(title)
    store.add_message(conversation.id, "user", text)
    if pinned:
        store.set_pinned(conversation.id, True)
    backdate(store, conversation.id, when)
    return conversation.id


@pytest.fixture
def sidebar(qtbot: object, store: Store) -> ConversationList:
    now = datetime(2026, 11, 30, 12, 0).timestamp()
    day = 86_400
    ids = {
        "old pinned": make(store, "Old but pinned", now - 400 * day, pinned=True),
        "today": make(store, "Capital of France", now - 3600,
                      "A long question first. " * 20 + "What is the capital of France? <b>Paris</b>"),
        "yesterday": make(store, "Yesterday's chat", datetime(2026, 11, 29, 23, 0).timestamp()),
        "week": make(store, "Earlier this week", now - 4 * day),
        "older": make(store, "Long ago", now - 40 * day),
    }
    widget = ConversationList(store)
    widget.now = lambda: now  # a fixed "now"
    widget.ids_by_name = ids  # type: ignore[attr-defined]
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    widget.resize(300, 600)
    widget.show()
    widget.refresh()
    return widget


def test_sections_in_order_with_pinned_on_top(sidebar: ConversationList) -> None:
    ids = sidebar.ids_by_name  # type: ignore[attr-defined]
    assert sidebar.headings() == ["Pinned", "Today", "Yesterday", "Previous 7 days", "Older"]
    assert sidebar.ids() == [ids["old pinned"], ids["today"], ids["yesterday"], ids["week"], ids["older"]]
    first = sidebar.list.item(0)
    assert first is not None
    assert first.text() == "Pinned"
    assert not first.flags() & Qt.ItemFlag.ItemIsSelectable
    assert first.data(Qt.ItemDataRole.AccessibleTextRole) == "Pinned:"
    today = sidebar.items()[1]
    assert today.data(SECOND_ROLE) == "11:00"  # the second line: the time of the last message
    assert today.data(Qt.ItemDataRole.AccessibleTextRole) == "Capital of France, 11:00"
    assert sidebar.items()[0].data(Qt.ItemDataRole.AccessibleTextRole).startswith("Old but pinned, pinned, ")


def test_arrow_keys_pass_over_headings_and_selecting_only_says_so(qtbot: object, sidebar: ConversationList) -> None:
    ids = sidebar.ids_by_name  # type: ignore[attr-defined]
    selected: list[int] = []
    sidebar.selected.connect(selected.append)
    sidebar.list.setFocus()
    sidebar.list.setCurrentItem(sidebar.items()[0])
    for _ in range(4):
        qtbot.keyClick(sidebar.list, Qt.Key.Key_Down)  # type: ignore[attr-defined]
    assert selected == [ids["old pinned"], ids["today"], ids["yesterday"], ids["week"], ids["older"]]
    qtbot.keyClick(sidebar.list, Qt.Key.Key_Up)  # type: ignore[attr-defined]
    assert selected[-1] == ids["week"]
    assert sidebar.current_id() == ids["week"]


def test_enter_f2_and_delete_act_on_the_current_row(qtbot: object, sidebar: ConversationList) -> None:
    ids = sidebar.ids_by_name  # type: ignore[attr-defined]
    seen: list[tuple[str, int]] = []
    sidebar.selected.connect(lambda i: seen.append(("open", i)))
    sidebar.rename_requested.connect(lambda i: seen.append(("rename", i)))
    sidebar.delete_requested.connect(lambda i: seen.append(("delete", i)))
    sidebar.list.setFocus()
    sidebar.list.setCurrentItem(sidebar.items()[2])
    seen.clear()
    for key in (Qt.Key.Key_Return, Qt.Key.Key_F2, Qt.Key.Key_Delete):
        qtbot.keyClick(sidebar.list, key)  # type: ignore[attr-defined]
    assert seen == [("open", ids["yesterday"]), ("rename", ids["yesterday"]), ("delete", ids["yesterday"])]


@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")  # offscreen: a popup menu
def test_the_menu_key_opens_the_rows_menu(qtbot: object, sidebar: ConversationList) -> None:
    sidebar.list.setFocus()
    sidebar.list.setCurrentItem(sidebar.items()[1])
    shown: list[list[str]] = []

    def look() -> None:
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu):
            shown.append([a.text() for a in menu.actions() if a.text()])
            menu.close()

    QTimer.singleShot(100, look)
    qtbot.keyClick(sidebar.list, Qt.Key.Key_Menu)  # type: ignore[attr-defined]
    assert shown == [["Open", "Rename…\tF2", "Pin", "Export as Markdown…", "Export as JSON…", "Delete…\tDel"]]


def test_a_search_shows_hits_without_headings_the_hit_marked_after_escaping(qtbot: object,
                                                                          sidebar: ConversationList) -> None:
    sidebar.search.setText("paris")  # the list follows after a short pause in typing
    qtbot.waitUntil(lambda: sidebar.headings() == [], timeout=10_000)  # type: ignore[attr-defined]
    assert sidebar.ids() == [sidebar.ids_by_name["today"]]  # type: ignore[attr-defined]
    second = sidebar.items()[0].data(SECOND_ROLE)
    assert "&lt;b&gt;" in second  # the message's own markup is text
    assert '<span style="background-color:#ffd54f; color:#000000">Paris</span>' in second
    assert "<b>" not in second
    assert second.startswith("…")
    assert not second.startswith("……")  # the store's own "…" where it cut, not doubled


def test_rows_are_tall_enough_for_devanagari(sidebar: ConversationList, store: Store) -> None:
    make(store, "नमस्ते क्षत्रिय द्ध्र्य", time.time())
    sidebar.refresh()
    metrics = QFontMetrics(sidebar.list.font())
    tall = max(metrics.height(), metrics.boundingRect(TALL_SAMPLE).height())
    for item in sidebar.items():
        assert sidebar.list.visualItemRect(item).height() >= 2 * tall
    heading = sidebar.list.item(0)
    assert heading is not None
    assert sidebar.list.visualItemRect(heading).height() >= tall
    assert sidebar.items()[0].data(ID_ROLE) is not None
