"""Very long answers (a large max-tokens setting, an imported conversation): shown whole, in linear work.

Qt's line breaking costs the square of a paragraph's length when the paragraph has no spaces: a
500 KB single-line answer held the GUI thread for minutes. These tests check the structure that keeps
the work linear (no laid-out paragraph longer than a bound, pieces fed per event-loop turn) and that
the whole text is there to read and copy; speed figures are in benchmarks/long_answer_gui.py.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from phidesk.gui.chat_view import ChatView, MessageWidget
from phidesk.gui.images import ImageLoader

MAX_PARAGRAPH = 2_000  # characters Qt lays out as one paragraph


def blocks(widget: MessageWidget) -> list[str]:
    """The paragraphs of the text the message shows (in whichever text widget shows it)."""
    shown = [w for w in widget.findChildren(QWidget)
             if isinstance(w, (QTextEdit, QPlainTextEdit)) and w.isVisibleTo(widget)]
    assert len(shown) == 1
    document = shown[0].document()
    return [document.findBlockByNumber(n).text() for n in range(document.blockCount())]


def shown_length(widget: MessageWidget) -> int:
    return sum(len(b) for b in blocks(widget))


@pytest.fixture
def chat(qtbot: object) -> ChatView:
    view = ChatView(ImageLoader())
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    view.resize(800, 600)
    view.show()
    return view


@pytest.mark.timeout(120, method="thread")  # a hang guard only: before the fix this took many minutes
def test_a_5_mb_single_line_answer_is_shown_whole_in_bounded_pieces(chat: ChatView, qtbot: object) -> None:
    text = "".join(chr(0x61 + i % 26) for i in range(5_000_000))  # one "word", no spaces, no newline
    widget = chat.add_message("assistant", text, model="m")
    assert shown_length(widget) < len(text)  # fed over several event-loop turns, not in one
    qtbot.waitUntil(lambda: shown_length(widget) == len(text), timeout=60_000)  # type: ignore[attr-defined]
    shown = blocks(widget)
    assert max(len(b) for b in shown) <= MAX_PARAGRAPH  # each paragraph laid out alone stays small
    assert "".join(shown) == text  # all of it is there to read
    widget.copy_button.click()
    assert QGuiApplication.clipboard().text() == text  # Copy copies it exactly


def test_a_streamed_long_answer_is_fed_only_what_is_new(chat: ChatView, qtbot: object) -> None:
    widget = chat.add_message("assistant", "", model="m")
    parts = ["line one\n", "x" * 40_000, "y" * 3_000, "\nlast line"]
    for part in parts:
        widget.append(part)
        widget.rerender()
    expected = "".join(parts).replace("\n", "")
    qtbot.waitUntil(lambda: shown_length(widget) == len(expected), timeout=30_000)  # type: ignore[attr-defined]
    shown = blocks(widget)
    assert max(len(b) for b in shown) <= MAX_PARAGRAPH
    assert "".join(shown) == expected
    assert shown[0] == "line one"
    assert shown[-1] == "last line"
    widget.set_text("short again")  # e.g. regenerate: back to Markdown
    assert "".join(blocks(widget)).strip() == "short again"


def test_a_long_word_in_a_short_answer_wraps_anywhere(chat: ChatView) -> None:
    widget = chat.add_message("assistant", "see " + "z" * 20_000, model="m")
    mode = widget.body.texts()[0].document().defaultTextOption().wrapMode()
    assert mode == QTextOption.WrapMode.WrapAnywhere  # linear, where word-boundary wrapping is quadratic
    widget.set_text("ordinary words only")
    mode = widget.body.texts()[0].document().defaultTextOption().wrapMode()
    assert mode == QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere


def test_split_long_lines_is_exact_and_continues_a_stream() -> None:
    from phidesk.gui.long_text import FEED_CHARS, LONG_BLOCK_CHARS, split_long_lines

    shown, column = split_long_lines("a" * 5 + "\n" + "b" * 7, 0, limit=3)
    assert shown == "aaa\naa\nbbb\nbbb\nb"
    assert column == 1
    more, column = split_long_lines("cccc", column, limit=3)
    assert more == "cc\ncc"
    assert column == 2
    assert FEED_CHARS > LONG_BLOCK_CHARS
