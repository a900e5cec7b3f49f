"""A top-level code block of an answer, in its own box: long lines scroll inside it, never the whole message.

A header (language, Copy) when the fence names a language; otherwise Copy appears in the corner on hover or
keyboard focus. The code is coloured by ``gui.markdown.highlight`` (escaped, inline colours only) in a
QTextBrowser that loads nothing and does not wrap.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QUrl
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

from phidesk.gui.i18n import translate
from phidesk.gui.look import Reveal, action_button, copy_with_feedback, restyle_buttons
from phidesk.gui.markdown import MAX_LANGUAGE_CHARS, code_colours, escape, highlight
from phidesk.gui.plain import plain_label

STREAM_HIGHLIGHT_CHARS = 4_000
"""A code block still streaming in is coloured only up to this size (colouring costs its whole length on every
update); past it, it shows plain until it is complete, then is coloured once."""


class CodeView(QTextBrowser):
    """The code: no wrapping, a horizontal scroll bar when a line is wider than the box, as tall as the code."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setLineWrapMode(QTextBrowser.LineWrapMode.NoWrap)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)  # never widens the message
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # arrow keys scroll a long line
        self.setAcceptDrops(False)
        self.viewport().setAcceptDrops(False)
        self.document().setDocumentMargin(8)
        self.document().contentsChanged.connect(self._fit)
        self.horizontalScrollBar().rangeChanged.connect(lambda *_: self._fit())

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # noqa: N802 (Qt override)
        return None

    def _fit(self) -> None:
        bar = self.horizontalScrollBar()
        extra = bar.sizeHint().height() if bar.maximum() > 0 else 0
        height = int(self.document().size().height()) + extra + 2 * self.frameWidth()
        if self.height() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(200, self.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(50, self.height())


class CodeBlock(QFrame):
    """A code block with its language and a Copy button that says "Copied"."""

    def __init__(self, language: str, code: str, *, dark: bool, streaming: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("code-block")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.language, self.code, self.dark = language, code, dark
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.header = QWidget(self)
        self.header.setObjectName("code-header")
        row = QHBoxLayout(self.header)
        row.setContentsMargins(10, 2, 4, 2)
        self.label = plain_label(language[:MAX_LANGUAGE_CHARS], self.header)  # from the model: shown literally
        self.label.setObjectName("code-language")
        row.addWidget(self.label)
        row.addStretch(1)
        self.copy_button = action_button(self, "copy", translate("Message", "Copy"),
                                         translate("Message", "Copy this code"))
        self.copy_button.setAccessibleName(translate("Message", "Copy code"))
        self.copy_button.setText(translate("Message", "Copy"))
        self.copy_button.clicked.connect(lambda: copy_with_feedback(self.copy_button, self.code))
        self.view = CodeView(self)
        self.view.setAccessibleName(translate("Message", "Code ({language})").format(
            language=language[:MAX_LANGUAGE_CHARS]) if language else translate("Message", "Code"))
        layout.addWidget(self.header)
        layout.addWidget(self.view)
        self.reveal: Reveal | None = None
        if language:
            self.copy_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            row.addWidget(self.copy_button)
        else:  # no header: Copy in the top right corner, shown on hover or focus
            self.header.hide()
            self.copy_button.setParent(self.view)
            self.reveal = Reveal(self, [self.copy_button])
        self.set_code(code, streaming=streaming)

    def set_code(self, code: str, *, streaming: bool = False) -> None:
        self.code = code
        coloured = not streaming or len(code) <= STREAM_HIGHLIGHT_CHARS
        # no code yet: the fence line may still be growing ("```pyth"), and looking up a language that is not a
        # lexer's name makes Pygments import every lexer (~100-250 ms once per such name)
        body = highlight(code, self.language, dark=self.dark) if coloured and code else escape(code)
        fg = code_colours(self.dark)[1]
        self.view.setHtml(f'<pre style="margin:0; color:{fg};">{body}</pre>')
        self.coloured = coloured

    def restyle(self, dark: bool) -> None:
        """The code coloured for a light or dark background (the box's colours: ``look.code_style``)."""
        changed = dark != self.dark
        self.dark = dark
        restyle_buttons(self)
        if changed:
            self.set_code(self.code, streaming=not self.coloured)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if self.reveal is not None:
            hint = self.copy_button.sizeHint()
            self.copy_button.setGeometry(self.view.width() - hint.width() - 6, 4, hint.width(), hint.height())
            self.copy_button.raise_()
