"""Conversations in and out of the store: Markdown to read, JSON to move between machines and back.

The Markdown holds the branch shown; the JSON every version of every message (format version 2: each message
names the one it follows by its index, ``shown`` the last message shown). Version 1 exports (one line of
messages, each following the one before) still import. ``export_file_name`` proposes a file name that every
operating system takes. ``import_json`` trusts nothing: the whole document is checked before anything is
written, the first problem is reported as one sentence (``message 3: 'role' must be system, user or
assistant``), and the conversation is then written in one transaction, so a failure never leaves half of it
behind.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from typing import Any

from phidesk import jsonfile
from phidesk.errors import UserError
from phidesk.store.conversations import Store
from phidesk.store.records import ROLES, STATUSES, Conversation, ConversationSummary, NewMessage, StoredMessage
from phidesk.store.text import collapse
from phidesk.texts import QT_TRANSLATE_NOOP, Text

FORMAT = "phidesk.conversation"
VERSION = 2  # 2: versions of messages ("parent", "shown"); 1: one line of messages
MAX_INPUT_BYTES = 32 * 1024 * 1024  # the JSON document itself
MAX_DEPTH = 16  # a conversation nests 4 levels deep
MAX_TEXT_BYTES = 10 * 1024 * 1024  # all text in it (UTF-8), settings and stats included
MAX_MESSAGES = 20_000
MAX_IMAGES = 64  # per message
MAX_TITLE = 500

_STATUS_NOTES = {
    "cancelled": "*(stopped before the end)*",
    "interrupted": "*(interrupted: PhiDesk closed while answering)*",
    "error": "*(the answer failed)*",
    "streaming": "*(still being written)*",
}


# --- export --------------------------------------------------------------------------------------


def export_markdown(conv: Conversation) -> str:
    """The conversation as Markdown: title, system prompt as a quote, one section per message."""
    parts = [f"# {collapse(conv.title)}"]
    if conv.system_prompt and conv.system_prompt.strip():
        parts.append("\n".join(f"> {line}".rstrip() for line in conv.system_prompt.strip().splitlines()))
    for message in conv.messages:
        parts.append(_heading(message))
        if message.content.strip():
            parts.append(close_fences(message.content.strip("\n")))
        if message.images:
            parts.append("Images: " + ", ".join(_file_name(path) for path in message.images))
        if message.status in _STATUS_NOTES:
            parts.append(_STATUS_NOTES[message.status])
    return "\n\n".join(parts) + "\n"


_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")


def close_fences(text: str) -> str:
    """``text`` with a code fence it leaves open closed at its end, so the rest of a document stays text.

    The closing fence is longer than any run of the fence's character in ``text``: whatever opened it, it closes.
    """
    opened: str | None = None
    for line in text.splitlines():
        found = _FENCE.match(line)
        if found is None:
            continue
        fence, rest = found.groups()
        if opened is None:
            if not (fence[0] == "`" and "`" in rest):  # a backtick fence's info string has no backtick
                opened = fence
        elif fence[0] == opened[0] and len(fence) >= len(opened) and not rest.strip():
            opened = None
    if opened is None:
        return text
    longest = max(len(run) for run in re.findall(re.escape(opened[0]) + "+", text))
    return f"{text}\n{opened[0] * max(3, longest + 1)}"


def _heading(message: StoredMessage) -> str:
    if message.role == "user":
        return "## You"
    if message.role == "assistant":
        if message.model and "/" in message.model:  # ENDPOINT/MODEL (installed models' ids hold no "/")
            return f"## Assistant ({message.model}, remote)"
        return f"## Assistant ({message.model})" if message.model else "## Assistant"
    return "## System"


def _file_name(path: str) -> str:
    return re.split(r"[\\/]", path.rstrip("\\/"))[-1] or path  # Windows paths read on any OS


def export_json(conv: Conversation) -> dict[str, Any]:
    """The conversation, every version of every message, as a JSON-ready dict that ``import_json`` reads back."""
    every = list(conv.all_messages) if conv.all_messages else list(conv.messages)
    index = {m.id: i for i, m in enumerate(every)}
    if conv.all_messages:
        parents = [index.get(m.parent_id) if m.parent_id is not None else None for m in every]
    else:  # a conversation made by hand: one line of messages
        parents = [i - 1 if i else None for i in range(len(every))]
    shown = index.get(conv.messages[-1].id) if conv.messages else None
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": conv.title,
        "pinned": conv.pinned,
        "model_id": conv.model_id,
        "system_prompt": conv.system_prompt,
        "created_at": conv.created_at,
        "updated_at": conv.updated_at,
        "shown": shown,
        "messages": [
            {
                "parent": parent,
                "role": m.role,
                "content": m.content,
                "images": list(m.images),
                "model": m.model,
                "provider": m.provider,
                "settings": m.settings,
                "stats": m.stats,
                "status": m.status,
                "created_at": m.created_at,
            }
            for m, parent in zip(every, parents, strict=True)
        ],
    }


# --- import --------------------------------------------------------------------------------------


def import_json(store: Store, data: str | bytes | dict[str, Any]) -> ConversationSummary:
    """Check an exported conversation completely, then add it to ``store`` as a new conversation.

    The title, pin, model, system prompt and times are kept; the conversation gets a new id and
    comes first among the unpinned (its ``updated_at`` is now). An answer exported while it was
    still being written is imported as ``interrupted``. UserError names the first problem found.
    """
    doc = _parse(data)
    check = _Checker()
    if doc.get("format") != FORMAT:
        raise _error(QT_TRANSLATE_NOOP(
            "ImportErrors", "not a PhiDesk conversation: 'format' must be {format}"), format=repr(FORMAT))
    version = doc.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise _error(QT_TRANSLATE_NOOP(
            "ImportErrors", "written by a newer PhiDesk (format version {version}; this one reads {known})"),
            version=version, known=VERSION)
    if version not in (1, VERSION) or isinstance(version, bool):
        raise _error(QT_TRANSLATE_NOOP("ImportErrors", "'version' must be 1 or {known}"), known=VERSION)
    title = doc.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE:
        raise _error(QT_TRANSLATE_NOOP(
            "ImportErrors", "'title' must be a non-empty text of at most {limit} characters"), limit=MAX_TITLE)
    check.count(title, "", "title")
    pinned = doc.get("pinned", False)
    if not isinstance(pinned, bool):
        raise _error(QT_TRANSLATE_NOOP("ImportErrors", "'pinned' must be true or false"))
    model_id = check.text(doc, "model_id", "", optional=True)
    system_prompt = check.text(doc, "system_prompt", "", optional=True)
    created_at = _time(doc, "created_at", "")
    _time(doc, "updated_at", "")
    raw = doc.get("messages")
    if not isinstance(raw, list) or not raw:
        raise _error(QT_TRANSLATE_NOOP("ImportErrors", "'messages' must be a non-empty list"))
    if len(raw) > MAX_MESSAGES:
        raise _error(QT_TRANSLATE_NOOP(
            "ImportErrors", "a conversation can hold at most {limit} messages, this one has {count}"),
            limit=MAX_MESSAGES, count=len(raw))
    messages = [_message(check, item, number) for number, item in enumerate(raw, start=1)]
    parents: list[int | None] = [i - 1 if i else None for i in range(len(raw))]  # version 1: one line
    shown = None
    if version == 2:
        parents = [_parent(item, i) for i, item in enumerate(raw)]
        shown = _index(doc.get("shown"), len(raw), Text("ImportErrors", QT_TRANSLATE_NOOP(
            "ImportErrors", "'shown' must be one of its messages")))
    return store.insert_conversation(
        title, messages, pinned=pinned, model_id=model_id, system_prompt=system_prompt, created_at=created_at,
        parents=parents, leaf=shown,
    )


def _error(template: str, /, **values: object) -> UserError:
    """The import's refusal: *template* (marked for translation under "ImportErrors") with *values*."""
    return UserError(Text("ImportErrors", template, **values))


def _where(number: int) -> Text:
    """What starts the message about a problem in a message: "message 3: " (its number from 1)."""
    return Text("ImportErrors", QT_TRANSLATE_NOOP("ImportErrors", "message {number}: "), number=number)


def _parent(item: dict[str, Any], at: int) -> int | None:
    """The index of the message this one follows: an earlier one; absent: the one before it."""
    if "parent" not in item:
        return at - 1 if at else None
    return _index(item["parent"], at, Text("ImportErrors", QT_TRANSLATE_NOOP(
        "ImportErrors", "{where}'parent' must be an earlier message (its index from 0) or null"), where=_where(at + 1)))


def _index(value: object, below: int, problem: Text) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < below:
        raise UserError(problem)
    return value


def _parse(data: str | bytes | dict[str, Any]) -> dict[str, Any]:
    if isinstance(data, (str, bytes)):
        if len(data) > MAX_INPUT_BYTES:
            raise _error(QT_TRANSLATE_NOOP("ImportErrors", "the file is larger than {mb} MB"),
                mb=MAX_INPUT_BYTES // (1024 * 1024))
        try:
            text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        except UnicodeDecodeError as exc:
            raise _error(QT_TRANSLATE_NOOP(
                "ImportErrors", "not a PhiDesk conversation: the file is not UTF-8 text")) from exc
        # Bounded before it is parsed: a conversation nests 4 levels; thousands would end the parser's recursion.
        data = jsonfile.loads(text, Text("ImportErrors", QT_TRANSLATE_NOOP("ImportErrors", "the file")),
                              max_bytes=MAX_INPUT_BYTES, max_depth=MAX_DEPTH, allow_nan=False)
    if not isinstance(data, dict):
        raise _error(QT_TRANSLATE_NOOP(
            "ImportErrors", "not a PhiDesk conversation: the JSON holds a {kind}, not an object"),
            kind=type(data).__name__)
    return data


def _message(check: _Checker, item: object, number: int) -> NewMessage:
    if not isinstance(item, dict):
        raise _error(QT_TRANSLATE_NOOP("ImportErrors", "message {number} must be an object"), number=number)
    where = _where(number)
    role = item.get("role")
    if role not in ROLES:
        raise _error(QT_TRANSLATE_NOOP(
            "ImportErrors", "{where}'role' must be system, user or assistant"), where=where)
    content = check.text(item, "content", where)
    if content is None:
        raise _error(QT_TRANSLATE_NOOP("ImportErrors", "{where}'content' must be text"), where=where)
    images = item.get("images") or []
    if not isinstance(images, list) or len(images) > MAX_IMAGES:
        raise _error(QT_TRANSLATE_NOOP(
            "ImportErrors", "{where}'images' must be a list of at most {limit} file paths"),
            where=where, limit=MAX_IMAGES)
    for path in images:
        if not isinstance(path, str) or not path:
            raise _error(QT_TRANSLATE_NOOP("ImportErrors", "{where}'images' must hold file paths"), where=where)
        check.count(path, where, "images")
    status = item.get("status", "complete")
    if status not in STATUSES:
        raise _error(QT_TRANSLATE_NOOP("ImportErrors", "{where}'status' must be one of {statuses}"),
            where=where, statuses=", ".join(STATUSES))
    return NewMessage(
        role=role,
        content=content,
        images=tuple(images),
        model=check.text(item, "model", where, optional=True),
        provider=check.text(item, "provider", where, optional=True),
        settings=check.mapping(item, "settings", where),
        stats=check.mapping(item, "stats", where),
        status="interrupted" if status == "streaming" else status,
        created_at=_time(item, "created_at", where),
    )


class _Checker:
    """Type checks that also count the text seen, against MAX_TEXT_BYTES. *where* starts each message: "" for the
    conversation's own keys, :func:`_where` for a message's."""

    def __init__(self) -> None:
        self.text_bytes = 0

    def text(self, obj: dict[str, Any], key: str, where: str, *, optional: bool = False) -> str | None:
        """``obj[key]`` if it is a string; None if absent or null and ``optional``; else UserError."""
        value = obj.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str):
            if optional:
                raise _error(QT_TRANSLATE_NOOP("ImportErrors", "{where}'{key}' must be text or null"),
                    where=where, key=key)
            raise _error(QT_TRANSLATE_NOOP("ImportErrors", "{where}'{key}' must be text"), where=where, key=key)
        self.count(value, where, key)
        return value

    def mapping(self, obj: dict[str, Any], key: str, where: str) -> dict[str, Any] | None:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise _error(QT_TRANSLATE_NOOP("ImportErrors", "{where}'{key}' must be an object or null"),
                where=where, key=key)
        try:
            text = json.dumps(value, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError, RecursionError) as exc:
            raise _error(QT_TRANSLATE_NOOP("ImportErrors", "{where}'{key}' must hold only JSON values"),
                where=where, key=key) from exc
        self.count(text, where, key)
        return value

    def count(self, text: str, where: str, key: str) -> None:
        try:
            self.text_bytes += len(text.encode("utf-8"))
        except UnicodeEncodeError as exc:
            raise _error(QT_TRANSLATE_NOOP("ImportErrors", "{where}'{key}' is not valid Unicode text"),
                where=where, key=key) from exc
        if self.text_bytes > MAX_TEXT_BYTES:
            raise _error(QT_TRANSLATE_NOOP(
                "ImportErrors", "the conversation holds more than {mb} MB of text"), mb=MAX_TEXT_BYTES // (1024 * 1024))


def _time(obj: dict[str, Any], key: str, where: str) -> float | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise _error(QT_TRANSLATE_NOOP("ImportErrors", "{where}'{key}' must be a time in seconds since 1970"),
            where=where, key=key)
    return float(value)


# --- file names ----------------------------------------------------------------------------------

NAME_LIMIT = 60  # characters of a proposed file name, without its suffix
_NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {f"{d}{n}" for d in ("COM", "LPT") for n in "123456789"}


def export_file_name(title: str, suffix: str) -> str:
    """A file name for an exported conversation: its title cut at a word (at most 60 characters), then ``suffix``.

    No path separator and nothing Windows, macOS or Linux refuse in a name reaches it: ``\\ / : * ? " < > |``,
    control and direction-changing characters, leading and trailing dots and spaces, reserved names (CON, NUL,
    COM1…).
    """
    text = "".join(
        " " if _NOT_IN_NAMES.match(c) or unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or _is_bidi(c) else c
        for c in unicodedata.normalize("NFC", title)
    )
    text = collapse(text).strip(". ")
    if len(text) > NAME_LIMIT:
        cut = text[: NAME_LIMIT + 1]
        space = cut.rfind(" ")
        text = (cut[:space] if space > 0 else text[:NAME_LIMIT]).rstrip(". ")
    if not text:
        text = "Conversation"
    if text.split(".")[0].strip().upper() in _RESERVED:
        text = f"Conversation {text}"
    return text + suffix


def _is_bidi(char: str) -> bool:
    """Marks and overrides that reorder text (a name could show ".md" while it ends otherwise)."""
    return unicodedata.bidirectional(char) in ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI") or (
        char in "\u200e\u200f\u061c"
    )
