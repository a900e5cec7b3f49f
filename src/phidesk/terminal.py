"""Text from outside (model output, model folder names, worker errors) made harmless for a terminal.

Printed raw, ``ESC[2J`` clears the user's screen, an OSC sequence retitles the window or plants a
link, and ``ESC[6n`` makes the terminal type its answer into the next prompt. On a terminal every
C0 control except newline and tab, DEL and every C1 control is shown as visible text instead
(``ESC`` as ``^[``, ``CSI`` as ``<9B>``): each control character is replaced on its own, so an
escape sequence split across streamed tokens is neutralised just the same. Piped output and
``--json`` stay byte-exact.
"""

from __future__ import annotations

from typing import TextIO

_VISIBLE: dict[int, str] = {c: f"^{chr(c + 64)}" for c in range(0x20) if c not in (0x09, 0x0A)}
_VISIBLE[0x7F] = "^?"
_VISIBLE.update({c: f"<{c:02X}>" for c in range(0x80, 0xA0)})


def neutralise(text: str) -> str:
    """*text* with every control character but newline and tab shown as visible text."""
    return text.translate(_VISIBLE)


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):  # a closed or unusual stream: treat as a pipe
        return False


def for_stream(text: str, stream: TextIO) -> str:
    """*text* as it may be written to *stream*: neutralised on a terminal, unchanged otherwise."""
    return neutralise(text) if is_terminal(stream) else text
