"""Images that belong to the history: user-only folders in the data folder, and housekeeping."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from phidesk.store import Store, files


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.posix  # POSIX permissions
def test_image_folders_are_user_only_inside_the_data_folder(phidesk_home: Path) -> None:
    assert files.pasted_dir() == phidesk_home / "data" / "pasted"
    assert files.images_dir() == phidesk_home / "data" / "images"
    assert mode(files.pasted_dir()) == 0o700
    assert mode(files.images_dir()) == 0o700


def test_sweep_removes_only_old_files_no_message_refers_to(phidesk_home: Path) -> None:
    with Store() as store:
        conversation = store.create_conversation()
        kept = files.images_dir() / "a1.png"
        kept.write_bytes(b"kept")
        store.add_message(conversation.id, "user", "look", images=[str(kept)])
        orphan = files.images_dir() / "b2.png"
        orphan.write_bytes(b"orphan")
        pasted_old = files.pasted_dir() / "pasted-old.png"
        pasted_old.write_bytes(b"old")
        pasted_new = files.pasted_dir() / "pasted-new.png"
        pasted_new.write_bytes(b"new")
        hour_ago = time.time() - 2 * files.GRACE_S
        for path in (kept, orphan, pasted_old):
            os.utime(path, (hour_ago, hour_ago))
        removed = files.sweep(store.path)
    assert sorted(p.name for p in removed) == ["b2.png", "pasted-old.png"]
    assert kept.exists()
    assert pasted_new.exists()  # may be in the composer right now
    assert not orphan.exists()
    assert not pasted_old.exists()


def test_sweep_of_an_unreadable_database_removes_nothing(phidesk_home: Path, tmp_path: Path) -> None:
    orphan = files.images_dir() / "c3.png"
    orphan.write_bytes(b"x")
    os.utime(orphan, (0, 0))
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    assert files.sweep(garbage) == []
    assert orphan.exists()


def test_discard_pasted_touches_only_the_pasted_folder(phidesk_home: Path, tmp_path: Path) -> None:
    mine = tmp_path / "photo.png"
    mine.write_bytes(b"the user's own file")
    pasted = files.pasted_dir() / "pasted-1.png"
    pasted.write_bytes(b"x")
    files.discard_pasted(str(mine))
    files.discard_pasted(str(pasted))
    assert mine.exists()
    assert not pasted.exists()
