"""The text of one message: MessageText (a read-only rich-text block) and MessageBody (an answer's segments).

An answer is cut into segments (``gui.segments``): runs of prose, each a MessageText, and each top-level code
block in its own CodeBlock. A stream re-renders only its last segment (the others are final), so an update
costs the same at 2 kB and at 20 kB (``benchmarks/render_stream.py``); the result equals a full render.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QGuiApplication, QResizeEvent, QTextOption
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

from phidesk.gui.code_block import CodeBlock
from phidesk.gui.markdown import COPY_SCHEME, escape, render_markdown
from phidesk.gui.segments import Segment, normalise, split
from phidesk.gui.signals import emit

_LONG_RUN = re.compile(r"\S{200}")  # a "word" this long: wrap anywhere (linear) rather than at word ends


class MessageText(QTextBrowser):
    """A read-only rich-text block that sizes itself to its content and never loads anything."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.document().setDocumentMargin(2)
        self.document().contentsChanged.connect(self._fit)
        self.setAcceptDrops(False)  # a dropped image goes on to the conversation, then the composer
        self.viewport().setAcceptDrops(False)
        self.code_blocks: tuple[str, ...] = ()  # code blocks nested in lists or quotes: their Copy links

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # noqa: N802 (Qt override)
        return None  # nothing remote, nothing local: model output cannot make us fetch anything

    def set_wrap_anywhere(self, anywhere: bool) -> None:
        option = self.document().defaultTextOption()
        wanted = QTextOption.WrapMode.WrapAnywhere if anywhere else QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
        if option.wrapMode() != wanted:
            option.setWrapMode(wanted)
            self.document().setDefaultTextOption(option)

    def ideal_width(self) -> int:
        """The width the text takes unwrapped (for a card that fits a short message)."""
        return int(self.document().idealWidth()) + 2 * self.frameWidth()

    def _fit(self) -> None:
        self.document().setTextWidth(max(50, self.viewport().width()))
        height = int(self.document().size().height()) + 6
        if self.height() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(400, self.height())


class MessageBody(QWidget):
    """A message's text as segment widgets; ``show(text)`` re-renders only what changed."""

    anchor_clicked = Signal(QUrl)  # a link the user clicked (not a Copy link: those are handled here)

    def __init__(self, plain: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plain = plain  # the user's own text: shown exactly as typed, not as Markdown
        self.dark = False
        self.text = ""
        self.segments: list[Segment] = []
        self.widgets: list[QWidget] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_text(self, text: str, *, streaming: bool = False) -> None:
        """Show *text*; an extension of what is shown re-renders from the last segment on."""
        text = normalise(text)
        if self.plain:
            self._set_segments([Segment("prose", 0, text)], 0, streaming)
        elif self.segments and text.startswith(self.text):
            keep = len(self.segments) - 1
            self._set_segments(self.segments[:keep] + split(text, self.segments[-1].start), keep, streaming)
        else:
            self._set_segments(split(text), 0, streaming)
        self.text = text

    def restyle(self, dark: bool) -> None:
        """Everything again for a light or dark background."""
        self.dark = dark
        for widget, segment in zip(self.widgets, self.segments, strict=True):
            if isinstance(widget, CodeBlock):
                widget.restyle(dark)
            else:
                self._render_prose(widget, segment)

    def toPlainText(self) -> str:  # noqa: N802 (as QTextEdit names it)
        """What the message shows, as plain text (prose as laid out, code as it is)."""
        return "\n".join(w.code if isinstance(w, CodeBlock) else w.toPlainText()
                         for w in self.widgets if isinstance(w, (CodeBlock, MessageText)))

    def texts(self) -> list[MessageText]:
        return [w for w in self.widgets if isinstance(w, MessageText)]

    def code_blocks(self) -> tuple[str, ...]:
        """Every code block of the message, in order (top-level and nested)."""
        found: list[str] = []
        for widget in self.widgets:
            found.extend((widget.code,) if isinstance(widget, CodeBlock) else getattr(widget, "code_blocks", ()))
        return tuple(found)

    def rendered(self) -> list[tuple[str, str]]:
        """(kind, what is shown) per segment: HTML of prose, the code of a code block (to compare renders)."""
        return [("code", w.view.toHtml()) if isinstance(w, CodeBlock) else ("prose", w.toHtml())
                for w in self.widgets if isinstance(w, (CodeBlock, MessageText))]

    def _set_segments(self, segments: list[Segment], keep: int, streaming: bool) -> None:
        last = len(segments) - 1
        for index in range(keep, len(segments)):
            segment = segments[index]
            old = self.segments[index] if index < len(self.segments) else None
            widget = self.widgets[index] if index < len(self.widgets) else None
            still_open = streaming and index == last
            if widget is not None and old is not None and (old.kind, old.language) == (segment.kind, segment.language):
                if old == segment and (not isinstance(widget, CodeBlock) or widget.coloured or still_open):
                    continue
                if isinstance(widget, CodeBlock):
                    widget.set_code(segment.code, streaming=still_open)
                else:
                    self._render_prose(widget, segment)
                continue
            new = self._make(segment, still_open)
            if widget is not None:
                self._layout.replaceWidget(widget, new)
                widget.deleteLater()
                self.widgets[index] = new
            else:
                self._layout.addWidget(new)
                self.widgets.append(new)
            new.show()  # at once, not on the layout's next turn: what is shown is there to read
        for widget in self.widgets[len(segments):]:
            self._layout.removeWidget(widget)
            widget.deleteLater()
        del self.widgets[len(segments):]
        self.segments = segments

    def _make(self, segment: Segment, streaming: bool) -> QWidget:
        if segment.kind == "code":
            return CodeBlock(segment.language, segment.code, dark=self.dark, streaming=streaming, parent=self)
        text = MessageText(self)
        text.setAccessibleName(self.accessibleName())
        text.anchorClicked.connect(lambda url, t=text: self._on_anchor(t, url))
        self._render_prose(text, segment)
        return text

    def _render_prose(self, widget: QWidget, segment: Segment) -> None:
        assert isinstance(widget, MessageText)
        widget.set_wrap_anywhere(bool(_LONG_RUN.search(segment.source)))
        if self.plain:
            widget.setHtml(f"<p style='white-space: pre-wrap'>{escape(segment.source)}</p>")
            return
        rendered = render_markdown(segment.source, dark=self.dark)
        widget.code_blocks = rendered.code_blocks
        widget.setHtml(rendered.html)

    def _on_anchor(self, widget: MessageText, url: QUrl) -> None:
        if url.scheme() == COPY_SCHEME:
            index = int(url.path()) if url.path().isdigit() else -1
            if 0 <= index < len(widget.code_blocks):
                QGuiApplication.clipboard().setText(widget.code_blocks[index])
            return
        emit(self.anchor_clicked, url)

    def clear_all(self) -> None:
        self._set_segments([], 0, False)
        self.text = ""
