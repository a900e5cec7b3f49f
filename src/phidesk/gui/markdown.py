"""Chat messages (untrusted model output) as HTML for a Qt ``QTextBrowser``.

Pure Python, no Qt: ``render_markdown`` turns Markdown into the rich-text subset that
``QTextDocument`` understands and never raises.

* CommonMark plus tables and strikethrough (markdown-it-py), raw HTML off: ``<script>`` in the
  text is shown as text, never interpreted.
* Links only for ``http``, ``https`` and ``mailto``; any other link (``javascript:``,
  ``data:``, ``file:``, relative ...) is shown as the plain text of its label.
* Images are never shown (nothing remote may ever load): ``![alt](url)`` becomes
  ``[image: alt]``.
* Code blocks are coloured by Pygments with inline styles, inside a one-cell-wide table whose
  ``bgcolor`` paints the background (``QTextDocument`` ignores some ``<pre>`` backgrounds),
  under a header row with the language and a ``phidesk-copy:N`` "Copy" link, where N indexes
  ``Rendered.code_blocks``.
* Partial Markdown from a stream renders sensibly: an unclosed fence is a code block so far.
"""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from phidesk.gui.i18n import translate

log = logging.getLogger(__name__)

COPY_SCHEME = "phidesk-copy"
"""Scheme of the "Copy" link above each code block: ``phidesk-copy:N`` copies ``code_blocks[N]``."""

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

LIGHT_STYLE = "friendly"
DARK_STYLE = "monokai"

MIN_GUESS_CHARS = 120
"""Code without a (known) language is only guessed at when it is at least this long."""
MIN_GUESS_SCORE = 0.1
"""... and the guess is only used when its lexer is at least this sure (``analyse_text``, 0 to 1)."""
GUESS_SAMPLE_CHARS = 2000
"""How much of a code block ``guess_lexer`` looks at (its cost grows with the text)."""
MAX_HIGHLIGHT_CHARS = 200_000
"""Longer code blocks are shown uncoloured, to keep rendering fast."""
MAX_LANGUAGE_CHARS = 40
CACHE_MAX_CHARS = 16_000
"""Highlighted code blocks up to this size are remembered, so a stream re-colours only its last block."""

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# C0 controls, space, DEL and C1 controls: stripped from both ends, refused inside.
_CONTROL_CHARS = "".join(chr(c) for c in range(0x21)) + "".join(chr(c) for c in range(0x7F, 0xA0))
_CONTROL_RE = re.compile(f"[{re.escape(_CONTROL_CHARS)}]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_ALIGN_RE = re.compile(r"text-align:\s*(left|right|center)")

# Keys this module keeps in markdown-it's ``env`` while rendering one message.
_DARK = "phidesk_dark"
_CODE = "phidesk_code_blocks"
_LINKS = "phidesk_links"
_LINK_STACK = "phidesk_link_stack"


@dataclass(frozen=True)
class Rendered:
    """One rendered message."""

    html: str
    code_blocks: tuple[str, ...]
    """The raw text of each fenced or indented code block, in order (without the final newline)."""
    links: tuple[str, ...]
    """The URLs of the (allowed) links in the message, in order; the Copy links are not among them."""


@dataclass(frozen=True)
class _Palette:
    code_style: str
    code_bg: str
    code_fg: str
    header_bg: str
    header_fg: str
    inline_code_bg: str
    table_border: str
    table_header_bg: str
    quote_bar: str
    quote_fg: str


def escape(text: str) -> str:
    """HTML-escape text for element content and double- or single-quoted attribute values."""
    return html.escape(text, quote=True)


def safe_url(url: str) -> str | None:
    """The URL to link to if its scheme is http, https or mailto, else None.

    Whitespace and control characters around it are stripped; a URL with any inside, or without
    an explicit allowed scheme (relative, scheme-relative, ``javascript:``, ``data:``, ``file:``,
    percent-encoded schemes ...), is refused.
    """
    cleaned = url.strip(_CONTROL_CHARS)
    match = _SCHEME_RE.match(cleaned)
    if match is None or match.group(1).lower() not in ALLOWED_SCHEMES:
        return None
    if _CONTROL_RE.search(cleaned):
        return None
    return cleaned


def render_markdown(text: str, *, dark: bool = False) -> Rendered:
    """Render a chat message as QTextDocument HTML; never raises."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: Qt cannot take them
        text = _SURROGATE_RE.sub("\ufffd", text)
    env: dict[str, Any] = {_DARK: dark, _CODE: [], _LINKS: [], _LINK_STACK: []}
    try:
        body = parser().render(text, env)
    except Exception:  # a parser bug must not take the chat down: show the text as it is
        log.exception("Markdown rendering failed; showing the message as plain text")
        return Rendered(_plain(text), (), ())
    return Rendered(body, tuple(env[_CODE]), tuple(env[_LINKS]))


def _plain(text: str) -> str:
    return "<p>" + escape(text).replace("\n", "<br />\n") + "</p>"


class _Parser(MarkdownIt):
    """Every link is parsed as a link; the renderer decides which become ``<a href>``."""

    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's name)
        return True


@functools.cache
def parser() -> MarkdownIt:
    md = _Parser(
        "commonmark",
        {"html": False, "typographer": False, "linkify": False, "xhtmlOut": True},
        renderer_cls=_Renderer,
    )
    md.enable(["table", "strikethrough"])
    return md


@functools.cache
def _palette(dark: bool) -> _Palette:
    from pygments.styles import get_style_by_name
    from pygments.token import Token as PygmentsToken

    name = DARK_STYLE if dark else LIGHT_STYLE
    style = get_style_by_name(name)
    fg = style.style_for_token(PygmentsToken.Text).get("color") or style.style_for_token(PygmentsToken).get("color")
    if dark:
        return _Palette(
            code_style=name,
            code_bg=style.background_color or "#272822",
            code_fg=f"#{fg}" if fg else "#f8f8f2",
            header_bg="#3e3d32",
            header_fg="#c8c8c0",
            inline_code_bg="#3a3d41",
            table_border="#5a5a5a",
            table_header_bg="#34343a",
            quote_bar="#6e6e78",
            quote_fg="#a8a8b0",
        )
    return _Palette(
        code_style=name,
        code_bg=style.background_color or "#f0f0f0",
        code_fg=f"#{fg}" if fg else "#1f2328",
        header_bg="#e0e0e0",
        header_fg="#505050",
        inline_code_bg="#eceef0",
        table_border="#c8c8c8",
        table_header_bg="#f0f0f2",
        quote_bar="#b8b8c0",
        quote_fg="#5f6368",
    )


def code_colours(dark: bool) -> tuple[str, str, str, str]:
    """Background and text of a code block, and of its header: (bg, fg, header_bg, header_fg)."""
    palette = _palette(dark)
    return palette.code_bg, palette.code_fg, palette.header_bg, palette.header_fg


@functools.cache
def _formatter(dark: bool) -> Any:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style=_palette(dark).code_style, noclasses=True, nowrap=True)


@functools.lru_cache(maxsize=256)
def _lexer_class(language: str) -> Any:
    """The Pygments lexer class for a fence's language (a name, alias or file extension), or None."""
    from pygments.lexers import find_lexer_class_by_name, find_lexer_class_for_filename
    from pygments.util import ClassNotFound

    name = language.strip().lower()
    if not name:
        return None
    try:
        return find_lexer_class_by_name(name)
    except ClassNotFound:
        pass
    try:
        return find_lexer_class_for_filename(f"code.{name.lstrip('.')}")
    except Exception:
        return None


def _lexer(code: str, language: str) -> Any:
    options = {"stripnl": False, "ensurenl": False}
    cls = _lexer_class(language) if language else None
    if cls is not None:
        return cls(**options)
    if len(code) < MIN_GUESS_CHARS:
        return None
    from pygments.lexers import guess_lexer

    sample = code[:GUESS_SAMPLE_CHARS]
    try:
        cls = type(guess_lexer(sample))
        if cls.analyse_text(sample) < MIN_GUESS_SCORE:  # a wild guess colours worse than none
            return None
    except Exception:  # ClassNotFound, or a lexer's analyse_text misbehaving
        return None
    return cls(**options)


def highlight(code: str, language: str = "", *, dark: bool = False) -> str:
    """Code as escaped HTML with inline-style colour spans (no wrapper element); never raises."""
    if len(code) <= CACHE_MAX_CHARS:
        return _highlight_cached(code, language, dark)
    return _highlight(code, language, dark)


@functools.lru_cache(maxsize=128)
def _highlight_cached(code: str, language: str, dark: bool) -> str:
    return _highlight(code, language, dark)


def _highlight(code: str, language: str, dark: bool) -> str:
    if len(code) > MAX_HIGHLIGHT_CHARS:
        return escape(code)
    try:
        lexer = _lexer(code, language)
        if lexer is None or lexer.name == "Text only":
            return escape(code)
        from pygments import highlight as pygments_highlight

        out: str = pygments_highlight(code, lexer, _formatter(dark))
    except Exception:
        log.debug("Highlighting failed for language %r", language, exc_info=True)
        return escape(code)
    return out[:-1] if out.endswith("\n") and not code.endswith("\n") else out


def _code_block(code: str, language: str, env: MutableMapping[str, Any]) -> str:
    """A code block: a header row (language, Copy link) over the coloured code, in a table."""
    blocks: list[str] = env[_CODE]
    index = len(blocks)
    blocks.append(code)
    dark = bool(env[_DARK])
    palette = _palette(dark)
    label = escape(language[:MAX_LANGUAGE_CHARS])
    if label:
        label = f'<small><span style="color:{palette.header_fg};">{label}</span></small>'
    body = highlight(code, language, dark=dark)
    return (
        '<table width="100%" border="0" cellspacing="0" cellpadding="6"'
        ' style="margin-top:6px; margin-bottom:6px;">\n'
        f'<tr><td bgcolor="{palette.header_bg}">{label}</td>'
        f'<td bgcolor="{palette.header_bg}" align="right">'
        f'<small><a href="{COPY_SCHEME}:{index}">{escape(translate("Message", "Copy"))}</a></small></td></tr>\n'
        f'<tr><td colspan="2" bgcolor="{palette.code_bg}">'
        f'<pre style="margin-top:0; margin-bottom:0; color:{palette.code_fg};'
        f' background-color:{palette.code_bg};">{body}</pre></td></tr>\n'
        "</table>\n"
    )


def _strip_final_newline(content: str) -> str:
    return content[:-1] if content.endswith("\n") else content


class _Renderer(RendererHTML):
    """markdown-it's HTML renderer, restricted and adapted to QTextDocument."""

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: MutableMapping[str, Any]) -> str:
        token = tokens[idx]
        info = html.unescape(token.info).strip()
        language = info.split(maxsplit=1)[0] if info else ""
        return _code_block(_strip_final_newline(token.content), language, env)

    def code_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: MutableMapping[str, Any]) -> str:
        return _code_block(_strip_final_newline(tokens[idx].content), "", env)

    def code_inline(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: MutableMapping[str, Any]
    ) -> str:
        bg = _palette(bool(env[_DARK])).inline_code_bg
        return f'<code style="background-color:{bg};">{escape(tokens[idx].content)}</code>'

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: MutableMapping[str, Any]) -> str:
        token = tokens[idx]
        href = safe_url(str(token.attrGet("href") or ""))
        stack: list[bool] = env[_LINK_STACK]
        stack.append(href is not None)
        if href is None:
            return ""
        env[_LINKS].append(href)
        attrs = f' href="{escape(href)}"'
        title = token.attrGet("title")
        if title:
            attrs += f' title="{escape(str(title))}"'
        empty = idx + 1 < len(tokens) and tokens[idx + 1].type == "link_close"
        return f"<a{attrs}>" + (escape(href) if empty else "")

    def link_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: MutableMapping[str, Any]) -> str:
        stack: list[bool] = env[_LINK_STACK]
        return "</a>" if stack and stack.pop() else ""

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: MutableMapping[str, Any]) -> str:
        alt = self.renderInlineAsText(tokens[idx].children, options, env).strip()
        return escape(f"[image: {alt}]" if alt else "[image]")

    def table_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: MutableMapping[str, Any]) -> str:
        border = _palette(bool(env[_DARK])).table_border
        return (
            '<table border="1" cellspacing="0" cellpadding="6"'
            f' style="border-collapse:collapse; border-color:{border}; margin-top:6px; margin-bottom:6px;">\n'
        )

    def th_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: MutableMapping[str, Any]) -> str:
        return _cell_open("th", tokens[idx], _palette(bool(env[_DARK])).table_header_bg)

    def blockquote_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: MutableMapping[str, Any]
    ) -> str:
        """A bar on the left and muted text (QTextDocument draws no left border: a thin first cell is the bar)."""
        palette = _palette(bool(env[_DARK]))
        return (
            '<table border="0" cellspacing="0" cellpadding="0" style="margin-top:4px; margin-bottom:4px;">'
            f'<tr><td width="3" bgcolor="{palette.quote_bar}"></td>'
            f'<td style="padding-left:10px; color:{palette.quote_fg};">\n'
        )

    def blockquote_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: MutableMapping[str, Any]
    ) -> str:
        return "</td></tr></table>\n"

    def td_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: MutableMapping[str, Any]) -> str:
        return _cell_open("td", tokens[idx])

    def html_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: MutableMapping[str, Any]) -> str:
        return "<p>" + escape(tokens[idx].content) + "</p>\n"  # not produced with html off; never raw

    def html_inline(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: MutableMapping[str, Any]
    ) -> str:
        return escape(tokens[idx].content)


def _cell_open(tag: str, token: Token, background: str = "") -> str:
    """A table cell with markdown-it's ``style="text-align:..."`` as QTextDocument's ``align``."""
    match = _ALIGN_RE.search(str(token.attrGet("style") or ""))
    attrs = f' align="{match.group(1)}"' if match else ""
    if background:
        attrs += f' bgcolor="{background}"'
    return f"<{tag}{attrs}>"
