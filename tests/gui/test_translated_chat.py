"""The chat window's texts come from the installed translator (issue 16): a small hand-made translation, compiled
with pyside6-lrelease as a build would, shows in real widgets, plural forms and the locale's digit grouping
included."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from phidesk.gui.chat_view import ChatView
from phidesk.gui.composer import Composer
from phidesk.gui.conversations import ConversationList
from phidesk.gui.header import ChatHeader
from phidesk.gui.images import ImageLoader
from phidesk.gui.notes import stats_note
from phidesk.store import Store
from tests.gui.hand_translation import installed

TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="hi_IN">
<context><name>Composer</name>
 <message><source>Send</source><translation>भेजें</translation></message>
 <message><source>Stop the answer</source><translation>उत्तर रोकें</translation></message>
</context>
<context><name>Sidebar</name>
 <message><source>Today</source><translation>आज</translation></message>
 <message><source>New chat</source><translation>नई चैट</translation></message>
</context>
<context><name>Header</name>
 <message><source>{used} / {total} tokens</source><translation>{used} / {total} टोकन</translation></message>
</context>
<context><name>Message</name>
 <message><source>Regenerate</source><translation>फिर से बनाएँ</translation></message>
</context>
<context><name>Notes</name>
 <message numerus="yes"><source>{count} tokens</source>
  <translation><numerusform>{count} टोकन (एक)</numerusform><numerusform>{count} टोकन</numerusform></translation>
 </message>
</context>
</TS>
"""


@pytest.fixture
def hindi(tmp_path: Path, qapp: QCoreApplication) -> Iterator[None]:
    """The hand-made translation installed, and Hindi (India) as the window's locale."""
    with installed(TS, tmp_path):
        yield


@pytest.mark.usefixtures("hindi")
def test_the_chat_widgets_show_the_installed_translation(qtbot: object, phidesk_home: Path) -> None:
    composer = Composer(ImageLoader())
    qtbot.addWidget(composer)  # type: ignore[attr-defined]
    assert composer.send_button.text() == "भेजें"
    assert composer.stop_button.accessibleName() == "उत्तर रोकें"
    assert composer.stop_button.toolTip() == "Stop (Esc)"  # not in this translation: the English source

    header = ChatHeader()
    qtbot.addWidget(header)  # type: ignore[attr-defined]
    header.set_context(123_456, 131_072)
    assert header.meter.format() == "1,23,456 / 1,31,072 टोकन"  # the Indian grouping

    with Store() as store:
        conversation = store.create_conversation("पहली बातचीत")
        store.add_message(conversation.id, "user", "नमस्ते")
        sidebar = ConversationList(store)
        qtbot.addWidget(sidebar)  # type: ignore[attr-defined]
        sidebar.now = lambda: datetime.now().timestamp() + 60
        sidebar.refresh()
        assert sidebar.headings() == ["आज"]
        assert sidebar.new_button.text() == "नई चैट"

    chat = ChatView(ImageLoader())
    qtbot.addWidget(chat)  # type: ignore[attr-defined]
    answer = chat.add_message("assistant", "उत्तर", model="starter")
    assert answer.regen_button.accessibleName() == "फिर से बनाएँ"


@pytest.mark.usefixtures("hindi")
def test_the_note_under_an_answer_takes_the_plural_form_and_the_locale() -> None:
    assert stats_note({"generated_tokens": 1}) == "1 टोकन (एक)"
    assert stats_note({"generated_tokens": 100_000, "decode_tok_s": 41.25}) == "1,00,000 टोकन · 41.2 tok/s"
