"""Core texts in the window's language: a verdict from phidesk.models (a Text) shown translated in the model
manager, its numbers filled in and written in the window's locale; a translation that cannot be filled in shows the
English text instead of failing. The translator is a small hand-made .ts compiled with pyside6-lrelease."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from PySide6.QtCore import QCoreApplication

from phidesk.gui.catalog_tree import ID_ROLE
from phidesk.gui.model_pane import ModelPane
from phidesk.models.hardware import CpuInfo, Hardware, ProviderStatus, RamInfo
from phidesk.models.report import machine_report
from tests.gui.hand_translation import installed

HINDI = {
    ("Verdict", "{arithmetic} of {available:,} MB available RAM"): "{arithmetic}, उपलब्ध RAM {available:,} MB में से",
    ("Verdict", "weights {weights:,} MB + KV cache {kv:,} MB ({tokens:,} tokens × {per_token}) "
                "+ working {working:,} MB = {total:,} MB"):
        "वेट्स {weights:,} MB + KV कैश {kv:,} MB ({tokens:,} टोकन × {per_token}) + कार्य-मेमोरी {working:,} MB "
        "= {total:,} MB",
    ("Verdict", "fits"): "फ़िट होता है",
    ("Test", "{count:,} tokens"): "{गिनती} टोकन",  # a placeholder a translator mistyped
    ("Errors", "The model process stopped; it starts again with the next message. Details: {detail}"):
        "मॉडल प्रक्रिया रुक गई। विवरण: {detail}",
}


@pytest.fixture
def hindi(tmp_path: Path, qapp: QCoreApplication) -> Iterator[None]:
    """HINDI installed as the application's translator, and the Hindi (India) locale as the default."""
    contexts: dict[str, list[str]] = {}
    for (context, source), translation in HINDI.items():
        contexts.setdefault(context, []).append(
            f"<message><source>{escape(source)}</source><translation>{escape(translation)}</translation></message>")
    ts = ('<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="hi_IN">'
          + "".join(f"<context><name>{name}</name>{''.join(messages)}</context>" for name, messages in contexts.items())
          + "</TS>")
    with installed(ts, tmp_path):
        yield


def test_a_verdict_from_the_models_package_is_shown_translated_with_its_numbers(qtbot: object, phidesk_home: Path,
                                                                                hindi: None) -> None:
    big = Hardware(os="linux", arch="x86_64", cpu=CpuInfo("test CPU", 8, 16, ["avx2"]),
                   ram=RamInfo(256_000, 150_000), gpus=[], providers={"cpu": ProviderStatus(True)})
    pane = ModelPane()
    qtbot.addWidget(pane)  # type: ignore[attr-defined]
    pane._on_report(machine_report(hardware=big))
    items = [pane.catalog.topLevelItem(i) for i in range(pane.catalog.topLevelItemCount())]
    row = next(item for item in items
               if item is not None and item.data(0, ID_ROLE) == ("phi-3.5-mini-instruct", "cpu"))
    reason = row.toolTip(3)
    assert "उपलब्ध RAM 1,50,000 MB में से" in reason  # translated, the number grouped as Hindi (India) writes it
    assert "वेट्स 2,653 MB + KV कैश 3,072 MB (4,096 टोकन × 768 KB)" in reason  # the nested arithmetic too
    assert row.text(3) == "फ़िट होता है"


def test_a_translation_that_cannot_be_filled_in_falls_back_to_english(hindi: None) -> None:
    from phidesk.gui.texts_view import localized
    from phidesk.texts import Text

    text = Text("Test", "{count:,} tokens", count=100_000)
    assert localized(text) == "1,00,000 tokens"  # English, still in the window's digits, and no exception
    assert localized(ValueError("plain")) == "plain"


def test_a_worker_error_is_said_by_its_code_with_the_english_line_as_its_detail(hindi: None) -> None:
    from phidesk.gui.texts_view import localized_error

    line = "the model process is gone (Broken pipe)"
    assert localized_error("worker_died", line) == f"मॉडल प्रक्रिया रुक गई। विवरण: {line}"
    assert localized_error("some_new_code", line) == line  # no text for the code: the English line
    assert localized_error("no_model", "no model is loaded") == "no model is loaded"  # no translation of it here
