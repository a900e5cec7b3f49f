"""A conversation database that cannot be opened: a dialog that says so and where, a fresh one beside it,
and the damaged file never touched."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from phidesk import paths
from phidesk.gui import database
from phidesk.store import Store, opening, schema


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def good_database() -> Path:
    with Store() as store:
        conversation = store.create_conversation()
        for i in range(40):
            store.add_message(conversation.id, "user", f"message {i} " + "text " * 200)
        path = store.path
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return path


def garbage(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 this is a zip file, not a database" * 50)


def truncated(path: Path) -> None:
    good_database()
    data = path.read_bytes()
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        extra.unlink(missing_ok=True)
    path.write_bytes(data[: len(data) // 3])


def newer(path: Path) -> None:
    good_database()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {schema.latest_version() + 5}")
    connection.close()


DAMAGE: dict[str, Callable[[Path], None]] = {"garbage": garbage, "truncated": truncated, "newer": newer}


def answer_dialog(button: str, seen: list[str]) -> None:
    """Click *button* on the modal dialog once it is up (it runs its own event loop)."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == button).click()

    QTimer.singleShot(0, click)


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_an_unusable_database_is_reported_and_a_fresh_one_opened_beside_it(qtbot: object, phidesk_home: Path,
                                                                           kind: str) -> None:
    path = paths.data_dir() / opening.FILE_NAME
    DAMAGE[kind](path)
    before = digest(path)
    seen: list[str] = []
    answer_dialog("Open a fresh history", seen)
    store = database.open_store(Path("/logs/phidesk.log"))
    assert store is not None
    try:
        assert store.path != path
        assert store.path.parent == path.parent
        assert store.list_conversations() == []
    finally:
        store.close()
    assert len(seen) == 1
    assert str(path) in seen[0]
    assert "PhiDesk has not changed this file" in seen[0]
    assert "/logs/phidesk.log" in seen[0]
    if kind == "newer":
        assert "newer PhiDesk" in seen[0]
        assert "Update PhiDesk" in seen[0]
    assert digest(path) == before  # never touched
    assert not path.with_name(path.name + "-wal").exists() or kind == "newer"
    with Store() as again:  # the next start opens the fresh one, with no dialog
        assert again.path == store.path


def test_quit_leaves_everything_as_it_was(qtbot: object, phidesk_home: Path) -> None:
    path = paths.data_dir() / opening.FILE_NAME
    garbage(path)
    before = sorted(p.name for p in path.parent.iterdir())
    answer_dialog("Quit", [])
    assert database.open_store() is None
    assert sorted(p.name for p in path.parent.iterdir()) == before


def test_a_locked_database_can_be_retried(qtbot: object, phidesk_home: Path) -> None:
    path = good_database()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode = DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    seen: list[str] = []

    def release_then_retry() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, release_then_retry)
            return
        seen.append(box.text())
        holder.execute("ROLLBACK")
        holder.close()
        next(b for b in box.buttons() if b.text() == "Retry").click()

    QTimer.singleShot(0, release_then_retry)
    store = database.open_store()
    assert store is not None
    try:
        assert store.path == path
        assert len(store.list_conversations()) == 1
    finally:
        store.close()
    assert "locked" in seen[0]


def test_the_header_check_reads_and_never_writes(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    opening.check_header(empty)  # an empty file is a new database: fine
    opening.check_header(tmp_path / "missing.sqlite3")
    text = tmp_path / "text.sqlite3"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(opening.StoreOpenError, match="not an SQLite database") as info:
        opening.check_header(text)
    assert info.value.kind == "damaged"
    assert text.read_text(encoding="utf-8") == "hello"


def test_a_pointer_file_naming_anything_else_is_ignored(phidesk_home: Path) -> None:
    data = paths.data_dir()
    (data / opening.POINTER).write_text("../../etc/passwd\n", encoding="utf-8")
    assert opening.default_path() == data / opening.FILE_NAME
    (data / opening.POINTER).write_text("conversations-20261129-101500.sqlite3\n", encoding="utf-8")
    assert opening.default_path() == data / "conversations-20261129-101500.sqlite3"
