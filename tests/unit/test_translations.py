"""The completeness check: every string in the code has a finished Hindi entry with the same placeholders."""

from __future__ import annotations

from pathlib import Path

from phidesk.gui import i18n_tool

ROOT = Path(__file__).resolve().parents[2]


def test_every_string_in_the_code_is_translated_into_hindi() -> None:
    found = i18n_tool.check("hi", ROOT / "resources" / "i18n", ROOT / "src" / "phidesk")
    assert not found, "resources/i18n/phidesk_hi.ts is incomplete " \
        "(python -m phidesk.gui.i18n_tool update hi, then translate):\n" + "\n".join(found)


def test_the_check_names_a_new_string_an_unfinished_one_and_a_changed_placeholder(tmp_path: Path) -> None:
    sources = tmp_path / "src"
    sources.mkdir()
    (sources / "view.py").write_text(
        "from phidesk.gui.i18n import translate\n"
        "translate('View', 'Send')\n"
        "translate('View', 'Stop')\n"
        "translate('View', 'Loaded {model}')\n"
        "translate('View', 'Brand new')\n"
        "translate('View', '%n chat(s)', None, 2)\n", encoding="utf-8")
    ts = tmp_path / "phidesk_hi.ts"
    i18n_tool.lupdate(ts, sources, "hi")
    i18n_tool.fill(ts, [
        {"context": "View", "source": "Send", "comment": None, "translation": "भेजें"},
        {"context": "View", "source": "Loaded {model}", "comment": None, "translation": "{मॉडल} लोड हुआ"},
        {"context": "View", "source": "%n chat(s)", "comment": None, "translation": ["%n चैट", "%n चैट"]},
    ])
    (sources / "view.py").write_text((sources / "view.py").read_text() + "translate('View', 'Added later')\n")
    found = i18n_tool.check("hi", tmp_path, sources)
    assert sorted(found) == sorted([
        "unfinished: [View] 'Stop'",
        "unfinished: [View] 'Brand new'",
        "placeholders differ: [View] 'Loaded {model}' -> '{मॉडल} लोड हुआ' (want {model})",
        "missing: [View] 'Added later'",
    ])
