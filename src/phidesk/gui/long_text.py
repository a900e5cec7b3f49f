"""Very long messages: plain text in a scrolling box, fed a piece per event-loop turn.

Qt lays out a rich-text paragraph in one go, and its line breaking costs the square of the
paragraph's length when there are no spaces (a 500 KB single-line answer held the GUI thread for
minutes). A message over ``chat_view.LONG_TEXT_CHARS`` is therefore shown here instead: long
lines are cut into paragraphs of ``LONG_BLOCK_CHARS`` (each laid out on its own, only when seen),
and the text goes in ``FEED_CHARS`` at a time, so no turn of the event loop does more than a
bounded amount of work. Copy still copies the message exactly.
"""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFrame, QPlainTextEdit, QSizePolicy, QWidget

LONG_BLOCK_CHARS = 2_000
"""In that box a longer line is shown in pieces of this size, each laid out on its own (Qt's line
breaking costs the square of a paragraph's length when it has no spaces)."""
FEED_CHARS = 256_000
"""How much of a long message goes into its box per turn of the event loop."""
LONG_VIEW_HEIGHT = 480


def split_long_lines(text: str, column: int, limit: int = LONG_BLOCK_CHARS) -> tuple[str, int]:
    """*text* with a line break inserted wherever a line would pass *limit* characters.

    *column* is the length of the line already shown before *text*; returns the text to show and
    the length of its last line, for the next piece of a stream. Linear in the length of *text*.
    """
    out: list[str] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            out.append("\n")
            column = 0
        start = 0
        while column + len(line) - start > limit:
            take = limit - column
            out.append(line[start:start + take])
            out.append("\n")
            start += take
            column = 0
        out.append(line[start:])
        column += len(line) - start
    return "".join(out), column


class LongText(QPlainTextEdit):
    """A long message as plain text: fed a piece per event-loop turn, laid out only where it is seen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFixedHeight(LONG_VIEW_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setAcceptDrops(False)
        self.viewport().setAcceptDrops(False)
        self._column = 0
        self._queue: deque[str] = deque()
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._drain)

    def feed(self, text: str) -> None:
        shown, self._column = split_long_lines(text, self._column)
        self._queue.extend(shown[i:i + FEED_CHARS] for i in range(0, len(shown), FEED_CHARS))
        if self._queue and not self._timer.isActive():
            self._timer.start()

    def reset(self) -> None:
        self._queue.clear()
        self._timer.stop()
        self._column = 0
        self.clear()

    @property
    def pending(self) -> bool:
        """Pieces still waiting to be shown."""
        return bool(self._queue)

    def _drain(self) -> None:
        if not self._queue:
            self._timer.stop()
            return
        cursor = QTextCursor(self.document())  # not the user's cursor: a selection stays as it is
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(self._queue.popleft())
