"""Errors from the core shown in the window's language (issue 16): a refused conversation import, a broken model
folder, an unusable database and a damaged settings file are said in the installed translation, their values (file
names, paths, numbers) filled in as they are. The translator is a small hand-made .ts compiled with
pyside6-lrelease."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from phidesk import paths, settings
from phidesk.gui.main_window import MainWindow
from phidesk.store import Store
from phidesk.store.transfer import FORMAT
from tests.gui.hand_translation import installed

TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="hi_IN">
<context><name>Sidebar</name>
 <message><source>Could not import {file}: {reason}</source>
  <translation>{file} आयात नहीं हो सका: {reason}</translation></message>
</context>
<context><name>ImportErrors</name>
 <message><source>message {number}: </source><translation>संदेश {number}: </translation></message>
 <message><source>{where}'role' must be system, user or assistant</source>
  <translation>{where}'role' system, user या assistant होना चाहिए</translation></message>
 <message><source>the file</source><translation>फ़ाइल</translation></message>
</context>
<context><name>FileErrors</name>
 <message><source>{where}: nested {depth} levels deep (at most {limit} allowed)</source>
  <translation>{where}: {depth} स्तर गहरी (अधिकतम {limit})</translation></message>
</context>
<context><name>ModelFolderErrors</name>
 <message><source>{folder}: genai_config.json has no 'model' section</source>
  <translation>{folder}: genai_config.json में 'model' खंड नहीं है</translation></message>
</context>
<context><name>DatabaseErrors</name>
 <message><source>is truncated ({size:,} bytes, but its header says {expected:,})</source>
  <translation>अधूरी है ({size:,} बाइट, जबकि हेडर {expected:,} बताता है)</translation></message>
</context>
<context><name>SettingsErrors</name>
 <message><source>settings file {problem}; it was kept as {name} and the default settings are used</source>
  <translation>सेटिंग्स फ़ाइल {problem}; उसे {name} नाम से रखा गया और डिफ़ॉल्ट सेटिंग्स इस्तेमाल हो रही हैं</translation>
 </message>
 <message><source>{path}: {reason}</source><translation>{path}: {reason}</translation></message>
 <message><source>not a JSON object</source><translation>JSON ऑब्जेक्ट नहीं है</translation></message>
</context>
</TS>
"""


@pytest.fixture
def hindi(tmp_path: Path, qapp: QCoreApplication) -> Iterator[None]:
    """The hand-made translation installed, and Hindi (India) as the window's locale."""
    with installed(TS, tmp_path):
        yield


@pytest.fixture
def window(qtbot: object, phidesk_home: Path, hindi: None) -> Iterator[MainWindow]:
    broken = paths.models_dir() / "broken"  # a model folder the model manager lists as broken
    broken.mkdir(parents=True)
    (broken / "genai_config.json").write_text('{"search": {}}', encoding="utf-8")
    win = MainWindow(Store(), settings.Settings(provider="cpu"))  # no usable model: nothing loads
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    win.show()
    yield win
    win.close()
    win.store.close()


def test_a_refused_conversation_import_is_said_in_the_translation(window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "chat-3.json"
    bad.write_text(json.dumps({"format": FORMAT, "version": 2, "title": "t", "messages": [
        {"role": "user", "content": "hi"}, {"role": "robot", "content": "x"}]}), encoding="utf-8")
    window.import_file(bad)
    assert window.banner.text() == "chat-3.json आयात नहीं हो सका: संदेश 2: 'role' system, user या assistant होना चाहिए"

    deep = tmp_path / "deep.json"  # a reason from phidesk.jsonfile, naming "the file" (translated too)
    deep.write_text("[" * 40 + "]" * 40, encoding="utf-8")
    window.import_file(deep)
    assert "deep.json आयात नहीं हो सका: फ़ाइल: 40 स्तर गहरी (अधिकतम 16)" in window.banner.text()


def test_a_broken_model_folder_is_said_in_the_translation(window: MainWindow) -> None:
    rows = {window.models.tree.topLevelItem(i).text(0): window.models.tree.topLevelItem(i)
            for i in range(window.models.tree.topLevelItemCount())}
    folder = paths.models_dir() / "broken"
    assert f"{folder}: genai_config.json में 'model' खंड नहीं है" in unescape(rows["broken"].toolTip(0))


def test_the_database_dialog_and_the_settings_notice_say_their_reasons_in_the_translation(
        phidesk_home: Path, hindi: None) -> None:
    from phidesk.gui.database import explain
    from phidesk.gui.texts_view import localized
    from phidesk.store import opening

    damaged = phidesk_home / "conversations.sqlite3"
    header = bytearray(opening.MAGIC + bytes(84))
    header[16:18] = (4096).to_bytes(2, "big")
    header[28:32] = (100_000).to_bytes(4, "big")
    damaged.write_bytes(header)
    with pytest.raises(opening.StoreOpenError) as raised:
        opening.check_header(damaged)
    assert str(raised.value.reason) == "is truncated (100 bytes, but its header says 409,600,000)"  # English as before
    assert "अधूरी है (100 बाइट, जबकि हेडर 40,96,00,000 बताता है)" in explain(raised.value)  # Hindi (India) grouping

    settings.take_notices()  # those other tests' damaged files left behind in this process
    path = paths.settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[]", encoding="utf-8")
    settings.load()
    notices = settings.take_notices()
    assert len(notices) == 1
    kept = next(path.parent.glob("settings.json.bad-*")).name
    assert notices[0] == (f"settings file {path}: not a JSON object; it was kept as {kept} and the default settings "
                          "are used")  # English as before
    assert localized(notices[0]) == (f"सेटिंग्स फ़ाइल {path}: JSON ऑब्जेक्ट नहीं है; उसे {kept} नाम से रखा गया और डिफ़ॉल्ट "
                                     "सेटिंग्स इस्तेमाल हो रही हैं")
