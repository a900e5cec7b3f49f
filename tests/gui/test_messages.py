"""The messages of the conversation as the user sees and uses them: real widgets, real clipboard, real palettes."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QTextBrowser, QToolButton, QWidget

from phidesk.gui.chat_view import ChatView, MessageWidget
from phidesk.gui.code_block import CodeBlock
from phidesk.gui.images import ImageLoader
from phidesk.gui.theme import apply_theme

ANSWER = "Intro.\n\n```python\nprint('hi')\n```\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"


@pytest.fixture
def chat(qtbot: object) -> Iterator[ChatView]:
    apply_theme("light")
    view = ChatView(ImageLoader())
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    view.resize(800, 700)
    view.show()
    yield view
    apply_theme("system")  # as the other tests expect it


def shown_html(widget: MessageWidget) -> str:
    return "".join(w.toHtml() for w in widget.findChildren(QTextBrowser))


def test_user_cards_are_right_and_tinted_answers_full_width(chat: ChatView, qtbot: object) -> None:
    user = chat.add_message("user", "A short question?")
    answer = chat.add_message("assistant", "An answer.", model="m")
    qtbot.waitUntil(lambda: user.card.width() > 0 and answer.card.width() > 0)  # type: ignore[attr-defined]
    QApplication.processEvents()
    assert user.card.width() < user.width() // 2  # as wide as its text
    assert user.card.geometry().right() >= user.width() - 12  # on the right
    assert answer.card.width() >= answer.width() - 12  # the answer: full width
    for theme in ("light", "dark"):
        apply_theme(theme)
        QApplication.processEvents()
        picture = chat.grab().toImage()
        inside = user.card.mapTo(chat, user.card.rect().center())
        inside.setY(user.card.mapTo(chat, user.card.rect().topLeft()).y() + 3)
        background = chat.widget().palette().color(QPalette.ColorRole.Base)
        assert picture.pixelColor(inside) != background, theme  # the card is tinted against the page


def test_actions_show_on_hover_and_on_keyboard_focus(chat: ChatView, qtbot: object) -> None:
    chat.add_message("user", "question")
    answer = chat.add_message("assistant", "answer", model="m")
    chat.widget().setFocus()
    QApplication.processEvents()
    assert not answer.reveal.shown
    qtbot.mouseMove(answer, answer.rect().center())  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: answer.reveal.shown)  # type: ignore[attr-defined]
    qtbot.mouseMove(chat.messages[0], chat.messages[0].rect().center())  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not answer.reveal.shown)  # type: ignore[attr-defined]
    answer.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: answer.reveal.shown)  # type: ignore[attr-defined]
    reached: list[QToolButton] = []
    for _ in range(12):
        chat.window().focusNextChild()
        focus = QApplication.focusWidget()
        if isinstance(focus, QToolButton) and focus.isVisibleTo(answer) and answer.isAncestorOf(focus):
            reached.append(focus)
            assert answer.reveal.shown
    names = {b.accessibleName() for b in reached}
    assert {"Copy", "Regenerate", "Delete"} <= names  # Tab moves through them
    for button in answer.action_bar.buttons:
        assert button.accessibleName()
        assert button.toolTip()


def test_action_signals_carry_the_position(chat: ChatView, qtbot: object) -> None:
    chat.add_message("user", "q1")
    chat.add_message("assistant", "a1", model="m")
    user = chat.add_message("user", "q2")
    answer = chat.add_message("assistant", "a2", model="m")
    answer.set_can_continue(True)
    assert answer.continue_button.isVisibleTo(answer)
    answer.set_versions(1, 3)
    assert answer.versions.isVisibleTo(answer)
    assert answer.versions.label.text() == "2/3"
    checks = [(chat.edit_requested, user.edit_button, [2]), (chat.delete_requested, user.delete_button, [2]),
              (chat.regenerate_requested, answer.regen_button, [3]),
              (chat.continue_requested, answer.continue_button, [3]),
              (chat.delete_requested, answer.delete_button, [3]),
              (chat.version_requested, answer.versions.prev_button, [3, -1]),
              (chat.version_requested, answer.versions.next_button, [3, 1])]
    for signal, button, args in checks:
        with qtbot.waitSignal(signal, timeout=5_000) as blocker:  # type: ignore[attr-defined]
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
        assert blocker.args == args, button.accessibleName()
    answer.set_can_continue(False)
    answer.set_versions(0, 1)
    assert not answer.continue_button.isVisibleTo(answer)
    assert not answer.versions.isVisibleTo(answer)


def test_copy_puts_the_text_on_the_clipboard_and_says_copied(chat: ChatView, qtbot: object) -> None:
    answer = chat.add_message("assistant", ANSWER, model="m")
    qtbot.mouseClick(answer.copy_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert QGuiApplication.clipboard().text() == ANSWER
    assert answer.copy_button.text() == "Copied"
    qtbot.waitUntil(lambda: answer.copy_button.text() == "Copy", timeout=5_000)  # type: ignore[attr-defined]
    block = answer.findChildren(CodeBlock)[0]
    assert block.label.text() == "python"
    assert block.header.isVisibleTo(block)
    qtbot.mouseClick(block.copy_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert QGuiApplication.clipboard().text() == "print('hi')"
    assert block.copy_button.text() == "Copied"


def test_a_code_block_without_language_has_copy_on_hover(chat: ChatView, qtbot: object) -> None:
    answer = chat.add_message("assistant", "```\nplain code\n```", model="m")
    block = answer.findChildren(CodeBlock)[0]
    QApplication.processEvents()  # laid out: the mouse goes where the block is
    assert not block.header.isVisibleTo(block)
    assert block.reveal is not None
    assert not block.reveal.shown
    qtbot.mouseMove(block, block.rect().center())  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: block.reveal is not None and block.reveal.shown)  # type: ignore[attr-defined]
    qtbot.mouseClick(block.copy_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert QGuiApplication.clipboard().text() == "plain code"


def test_a_long_code_line_scrolls_inside_its_block_not_the_message(chat: ChatView, qtbot: object) -> None:
    line = "x = " + " + ".join(str(n) for n in range(400))
    answer = chat.add_message("assistant", f"Look:\n\n```python\n{line}\n```\n\nDone.", model="m")
    QApplication.processEvents()
    block = answer.findChildren(CodeBlock)[0]
    qtbot.waitUntil(lambda: block.view.horizontalScrollBar().maximum() > 0)  # type: ignore[attr-defined]
    assert answer.width() <= chat.viewport().width()  # the message does not widen
    assert chat.horizontalScrollBar().maximum() == 0
    assert block.view.height() > block.view.horizontalScrollBar().height()  # the code is not hidden by the bar


def card_colour(chat: ChatView, user: MessageWidget) -> str:
    QApplication.processEvents()
    corner = user.mapTo(chat, user.rect().topRight())
    corner.setX(corner.x() - 40)
    corner.setY(user.mapTo(chat, user.rect().bottomRight()).y() - 50)  # inside the card, above the footer
    return chat.grab().toImage().pixelColor(corner).name()


def test_a_theme_change_restyles_existing_messages_at_once(chat: ChatView) -> None:
    answer = chat.add_message("assistant", ANSWER, model="m")
    user = chat.add_message("user", "a question long enough to give its card some width\nand a second line")
    light_html, light_card = shown_html(answer), card_colour(chat, user)
    apply_theme("dark")
    QApplication.processEvents()
    assert shown_html(answer) != light_html  # code colours for a dark background
    assert card_colour(chat, user) != light_card  # the card's colours from the dark palette
    apply_theme("light")
    QApplication.processEvents()
    assert shown_html(answer) == light_html
    assert card_colour(chat, user) == light_card


def test_zoom_scales_the_conversation_and_resets(chat: ChatView) -> None:
    answer = chat.add_message("assistant", "text", model="m")
    base = answer.font().pointSizeF()
    chat.zoom(2)
    assert answer.font().pointSizeF() == pytest.approx(base * 1.2)
    chat.zoom(-1)
    assert answer.font().pointSizeF() == pytest.approx(base * 1.1)
    chat.zoom(0)
    assert answer.font().pointSizeF() == pytest.approx(base)


def test_announce_describes_the_finished_answer(chat: ChatView) -> None:
    answer = chat.add_message("assistant", "done", model="m")
    chat.announce("Answer complete")
    assert answer.accessibleDescription() == "Answer complete"


def long_answer(size: int, rng: random.Random) -> str:
    """Markdown as a model writes it: prose, lists, tables, quotes and code blocks (one unclosed at the end)."""
    parts = [
        "Some *prose* with `code` and a [link](https://example.com). " * 4 + "\n\n",
        "1. first step\n2. second step\n\n- a point\n- another\n\n",
        "| a | b |\n|:--|--:|\n| 1 | 2 |\n| 3 | 4 |\n\n",
        "> quoted\n> more\n\n",
        "```python\n" + "".join(f"x_{n} = {n} * 2  # line {n}\n" for n in range(12)) + "```\n\n",
        "```\nno language here\n```\n",
        "Heading\n-------\n\n    indented code\n\n",
    ]
    text = ""
    while len(text) < size:
        text += rng.choice(parts)
    return text[:size]


def test_a_streamed_answer_renders_the_same_as_a_full_render(chat: ChatView, qtbot: object) -> None:
    text = long_answer(20_000, random.Random(3))
    assert text.count("```") >= 4  # code blocks, prose, tables, lists, quotes
    streamed = chat.add_message("assistant", "", model="m")
    rng = random.Random(3)
    at, first = 0, None
    while at < len(text):
        step = rng.randint(1, 120)
        streamed.append(text[at:at + step])
        streamed.rerender()
        at += step
        if first is None and len(streamed.body.widgets) > 1:
            first = streamed.body.widgets[0]
    assert first is not None
    assert streamed.body.widgets[0] is first  # finished segments are kept, not rendered again
    streamed.set_text(text)  # the end of the stream
    full = chat.add_message("assistant", text, model="m")
    assert len(full.body.widgets) > 5
    assert streamed.body.rendered() == full.body.rendered()
    assert streamed.code_blocks == full.code_blocks


def test_following_the_os_restyles_when_the_os_switches(chat: ChatView) -> None:
    from phidesk.gui.theme import _dark_palette

    apply_theme("system")
    answer = chat.add_message("assistant", ANSWER, model="m")
    system_html = shown_html(answer)
    QApplication.setPalette(_dark_palette())  # the palette the app had under the OS's dark scheme
    QApplication.processEvents()
    assert shown_html(answer) != system_html
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)  # the OS switches back
    QApplication.processEvents()
    assert shown_html(answer) == system_html  # the palette from the style again, and the message follows it


def ring_colour_shown(widget: QWidget, colour: str) -> bool:
    """Whether the middle of the widget's top and left edges is drawn in *colour* (its focus ring)."""
    image = widget.grab().toImage()
    edges = [image.pixelColor(image.width() // 2, y).name() for y in range(3)]
    edges += [image.pixelColor(x, image.height() // 2).name() for x in range(3)]
    return colour in edges


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_focusable_control_in_a_message_shows_a_focus_ring(chat: ChatView, qtbot: object, theme: str) -> None:
    apply_theme(theme)
    answer = chat.add_message("assistant", "Text\n\n```python\nx = 1\n```\n\n```\ny\n```", model="m")
    answer.set_can_continue(True)
    answer.set_versions(0, 2)
    chat.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is chat.window())  # type: ignore[attr-defined]
    highlight = QApplication.palette().color(QPalette.ColorRole.Highlight).name()
    focusable = [w for w in [answer, *answer.findChildren(QWidget)]
                 if w.focusPolicy() != Qt.FocusPolicy.NoFocus and (w is answer or w.isVisibleTo(answer))
                 and w.isEnabled() and w.objectName() != "qt_scrollarea_viewport"]
    kinds = {type(w).__name__ for w in focusable}
    assert {"MessageWidget", "MessageText", "CodeView", "ActionButton"} <= kinds
    for widget in focusable:
        assert not ring_colour_shown(widget, highlight), widget
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(lambda w=widget: w.hasFocus())  # type: ignore[attr-defined]
        assert ring_colour_shown(widget, highlight), (type(widget).__name__, widget.objectName())


def test_deleting_a_message_that_has_the_focus_is_quiet(chat: ChatView, qtbot: object) -> None:
    chat.add_message("user", "question")
    answer = chat.add_message("assistant", "answer\n\n```\ncode\n```", model="m")
    chat.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is chat.window())  # type: ignore[attr-defined]
    answer.copy_button.setFocus()
    qtbot.waitUntil(answer.copy_button.hasFocus)  # type: ignore[attr-defined]
    chat.truncate(1)  # e.g. regenerate: the answer goes while its Copy button has the focus
    QApplication.processEvents()  # pytest-qt fails the test on an exception raised in a slot
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    chat.messages[0].setFocus()
    QApplication.processEvents()
    assert len(chat.messages) == 1
