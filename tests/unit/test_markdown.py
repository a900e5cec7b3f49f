"""Chat Markdown → QTextDocument HTML: structure, code blocks, and safety with untrusted text."""

from __future__ import annotations

import re

import pytest

from phidesk.gui.markdown import COPY_SCHEME, Rendered, highlight, render_markdown, safe_url

HREF_RE = re.compile(r'href="([^"]*)"')


def hrefs(rendered: Rendered) -> list[str]:
    """The href of every link except the Copy links over code blocks."""
    return [h for h in HREF_RE.findall(rendered.html) if not h.startswith(f"{COPY_SCHEME}:")]


# --- structure ---------------------------------------------------------------------------


def test_headings() -> None:
    html = render_markdown("# One\n\n## Two\n\n###### Six").html
    assert "<h1>One</h1>" in html
    assert "<h2>Two</h2>" in html
    assert "<h6>Six</h6>" in html


def test_lists() -> None:
    html = render_markdown("- a\n- b\n\n1. x\n2. y\n").html
    assert "<ul>" in html
    assert "<ol>" in html
    assert html.count("<li>") == 4


def test_emphasis_strikethrough_blockquote_rule() -> None:
    html = render_markdown("**b** *i* ~~s~~\n\n> quoted\n\n---").html
    assert "<strong>b</strong>" in html
    assert "<em>i</em>" in html
    assert "<s>s</s>" in html
    assert "<hr" in html


def test_blockquote_has_a_bar_and_muted_text() -> None:
    for dark in (False, True):
        html = render_markdown("> quoted", dark=dark).html
        bar = "#6e6e78" if dark else "#b8b8c0"
        assert f'<td width="3" bgcolor="{bar}"></td>' in html  # the bar on the left
        assert "quoted" in html.split(bar, 1)[1]  # the text is in the cell after the bar


def test_table() -> None:
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |\n").html
    assert "<table" in html
    assert 'border="1"' in html
    assert '<th align="left" bgcolor="#f0f0f2">a</th>' in html  # a shaded header row
    assert '<td align="right">2</td>' in html
    assert 'style="text-align' not in html


def test_inline_code_is_escaped_and_not_a_block() -> None:
    rendered = render_markdown("use `x < y && z` here")
    assert "<code" in rendered.html
    assert "x &lt; y &amp;&amp; z" in rendered.html
    assert rendered.code_blocks == ()
    assert COPY_SCHEME not in rendered.html


# --- code blocks -------------------------------------------------------------------------


def test_fenced_code_with_language_is_coloured_with_copy_link() -> None:
    rendered = render_markdown("```python\ndef f():\n    return 1\n```\n")
    assert 'style="color' in rendered.html
    assert f'href="{COPY_SCHEME}:0"' in rendered.html
    assert ">Copy</a>" in rendered.html
    assert "python" in rendered.html
    assert "bgcolor=" in rendered.html
    assert rendered.code_blocks == ("def f():\n    return 1",)


def test_two_code_blocks_are_numbered_and_kept_raw() -> None:
    first = "def f(x):\n    if x < 1:\n        return '<b>&'\n"
    second = "  indented <tag>\n\tand a tab"
    rendered = render_markdown(f"Text\n\n```python\n{first}```\n\nmore\n\n```\n{second}\n```\n")
    assert rendered.code_blocks == (first.rstrip("\n"), second)
    assert f'href="{COPY_SCHEME}:0"' in rendered.html
    assert f'href="{COPY_SCHEME}:1"' in rendered.html
    assert f"{COPY_SCHEME}:2" not in rendered.html
    assert rendered.html.index(f"{COPY_SCHEME}:0") < rendered.html.index(f"{COPY_SCHEME}:1")
    assert "&lt;tag&gt;" in rendered.html
    assert "<tag>" not in rendered.html
    assert rendered.links == ()


def test_indented_code_block_is_a_code_block() -> None:
    rendered = render_markdown("para\n\n    x = 1\n      y = 2\n")
    assert rendered.code_blocks == ("x = 1\n  y = 2",)
    assert f"{COPY_SCHEME}:0" in rendered.html


def test_unknown_or_short_unlabelled_code_is_plain() -> None:
    rendered = render_markdown("```nosuchlanguage\nx = 1\n```\n\n```\ny = 2\n```")
    assert rendered.code_blocks == ("x = 1", "y = 2")
    assert "nosuchlanguage" in rendered.html  # still shown as the label
    bodies = re.findall(r"<pre[^>]*>(.*?)</pre>", rendered.html, re.DOTALL)
    assert bodies == ["x = 1", "y = 2"]  # no colour spans


def test_language_label_is_escaped() -> None:
    rendered = render_markdown('```<script>"x"\ncode\n```')
    assert "<script" not in rendered.html
    assert "&lt;script&gt;" in rendered.html


def test_highlight_never_raises_and_escapes() -> None:
    assert highlight("<b>", "nosuch") == "&lt;b&gt;"
    assert "&lt;" in highlight("if a < b: pass", "python")
    assert highlight("", "python") == ""


# --- safety ------------------------------------------------------------------------------


def test_raw_html_is_escaped() -> None:
    rendered = render_markdown('<script>alert(1)</script>\n\nhi <img src="http://evil/x.png"> there')
    assert "<script" not in rendered.html
    assert "<img" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "&lt;img src=&quot;http://evil/x.png&quot;&gt;" in rendered.html
    assert rendered.links == ()


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "<javascript:alert(1)>",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "relative/page.html",
        "//evil.example/x",
        "ftp://evil.example/x",
        "java%73cript:alert(1)",
    ],
)
def test_unsafe_links_become_their_label(target: str) -> None:
    rendered = render_markdown(f"before [the label]({target}) after")
    assert hrefs(rendered) == []
    assert "<a" not in rendered.html
    assert rendered.links == ()
    assert "the label" in rendered.html
    assert "<script" not in rendered.html


@pytest.mark.parametrize("target", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x"])
def test_unsafe_autolinks_are_text(target: str) -> None:
    rendered = render_markdown(f"see <{target}>")
    assert hrefs(rendered) == []
    assert rendered.links == ()


def test_images_are_never_rendered() -> None:
    rendered = render_markdown("![cat](http://evil/cat.png) and ![](https://evil/x.png)")
    assert "<img" not in rendered.html
    assert "http://evil" not in rendered.html
    assert "https://evil" not in rendered.html
    assert "[image: cat]" in rendered.html
    assert "[image]" in rendered.html
    assert rendered.links == ()


def test_reference_image_is_never_rendered() -> None:
    rendered = render_markdown("![dog][d]\n\n[d]: http://evil/dog.png")
    assert "<img" not in rendered.html
    assert "evil" not in rendered.html
    assert "[image: dog]" in rendered.html


def test_https_link_is_kept() -> None:
    rendered = render_markdown("Read [the docs](https://docs.python.org/3/) and <https://example.com/a>.")
    assert rendered.links == ("https://docs.python.org/3/", "https://example.com/a")
    assert hrefs(rendered) == ["https://docs.python.org/3/", "https://example.com/a"]
    assert '<a href="https://docs.python.org/3/">the docs</a>' in rendered.html


def test_http_and_mailto_links_are_kept() -> None:
    rendered = render_markdown("[a](HTTP://example.com) <someone@example.com> [m](mailto:x@example.com)")
    assert rendered.links == ("HTTP://example.com", "mailto:someone@example.com", "mailto:x@example.com")


def test_url_and_title_quotes_are_escaped_in_attributes() -> None:
    rendered = render_markdown(
        '[a](https://e.com/"onmouseover="alert(1)) [b](https://e.com/it\'s?x=1&y=2 "say \\"hi\\" <now>")'
    )
    tags = re.findall(r"<a [^>]*>", rendered.html)
    assert len(tags) == 2
    for tag in tags:
        # Only well-formed href/title attributes: nothing broke out of the quotes.
        assert re.fullmatch(r'<a href="[^"<>]*"( title="[^"<>]*")?>', tag), tag
    assert 'onmouseover="' not in rendered.html
    assert "https://e.com/it&#x27;s?x=1&amp;y=2" in rendered.html
    assert 'title="say &quot;hi&quot; &lt;now&gt;"' in rendered.html


def test_links_inside_code_are_not_links() -> None:
    rendered = render_markdown("`[x](https://a.example)`\n\n```\n[y](https://b.example)\n```")
    assert rendered.links == ()
    assert hrefs(rendered) == []


def test_safe_url() -> None:
    assert safe_url("https://example.com") == "https://example.com"
    assert safe_url("  MAILTO:a@b.example\n") == "MAILTO:a@b.example"
    assert safe_url("\x00javascript:alert(1)") is None
    assert safe_url("java\tscript:alert(1)") is None
    assert safe_url("https://a b.example") is None
    assert safe_url("") is None


# --- streaming and odd input -------------------------------------------------------------


def test_unclosed_fence_renders_as_code_so_far() -> None:
    rendered = render_markdown("Here:\n\n```python\ndef f():\n    return")
    assert rendered.code_blocks == ("def f():\n    return",)
    assert f"{COPY_SCHEME}:0" in rendered.html
    assert "<pre" in rendered.html


@pytest.mark.parametrize(
    "text",
    [
        "| a | b |\n|--",
        "| a | b |\n|---|---|\n| 1",
        "trailing **",
        "**bold and *more",
        "[half a link](https://exa",
        "![half an image](http://ev",
        "```",
        "~~~\n",
        "> ",
        "1. ",
        "`",
    ],
)
def test_partial_markdown_renders(text: str) -> None:
    rendered = render_markdown(text)
    assert isinstance(rendered.html, str)
    assert "<img" not in rendered.html
    assert "http://ev" not in HREF_RE.findall(rendered.html)


def test_half_table_then_complete_table() -> None:
    assert "<table" not in render_markdown("| a | b |\n|--").html
    assert "<table" in render_markdown("| a | b |\n|---|---|\n| 1").html


def test_empty_string() -> None:
    assert render_markdown("") == Rendered("", (), ())


def test_huge_and_hostile_input_does_not_raise() -> None:
    text = ("# h\n\n" + "word **b** [l](https://x.example) `c` " * 50 + "\n\n```py\nx = 1\n```\n\n") * 40
    rendered = render_markdown(text)
    assert len(rendered.code_blocks) == 40
    for hostile in ("[" * 5000 + "](" * 500, ">" * 5000, "*a " * 5000, "\x00\ud800 lone surrogate", "`" * 3000):
        assert isinstance(render_markdown(hostile).html, str)


def test_multi_script_text_is_intact() -> None:
    text = "हिन्दी में नमस्ते, 你好世界, مرحبا بالعالم, 😀👍🏽 — **ελληνικά**"
    html = render_markdown(text).html
    for part in ("हिन्दी में नमस्ते", "你好世界", "مرحبا بالعالم", "😀👍🏽", "<strong>ελληνικά</strong>"):
        assert part in html
    code = "print('नमस्ते 你好 مرحبا 😀')"
    assert render_markdown(f"```python\n{code}\n```").code_blocks == (code,)


def test_dark_and_light_use_different_colours() -> None:
    text = "```python\ndef f():\n    return 1\n```\n\n`x`"
    light = render_markdown(text).html
    dark = render_markdown(text, dark=True).html
    assert light != dark
    colours = re.compile(r"#[0-9a-fA-F]{3,6}\b")
    assert set(colours.findall(light)) != set(colours.findall(dark))
    assert render_markdown(text).code_blocks == render_markdown(text, dark=True).code_blocks
