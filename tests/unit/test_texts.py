"""phidesk.texts.Text: a core message whose str value is its English text, and whose template, context and values
stay with it (through copies, pickling and exceptions) so the window can translate it."""

from __future__ import annotations

import copy
import json
import pickle
from dataclasses import asdict

from phidesk.errors import UserError
from phidesk.models import fit
from phidesk.models.catalog import load_catalog
from phidesk.models.hardware import CpuInfo, Hardware, ProviderStatus, RamInfo
from phidesk.texts import QT_TRANSLATE_NOOP, Text, message_of


def test_str_value_is_the_english_text_with_the_values_filled_in() -> None:
    text = Text("Test", QT_TRANSLATE_NOOP("Test", "{count:,} tokens of {model}"), count=131072, model="phi")
    assert text == "131,072 tokens of phi"
    assert str(text) == "131,072 tokens of phi"
    assert type(str(text)) is str
    assert (text.context, text.template, text.values) == ("Test", "{count:,} tokens of {model}",
                                                          {"count": 131072, "model": "phi"})
    assert json.dumps({"reason": text}) == '{"reason": "131,072 tokens of phi"}'
    assert f"why: {text}" == "why: 131,072 tokens of phi"


def test_copies_and_pickles_keep_the_parts() -> None:
    inner = Text("Test", "{n:,} KB", n=768)
    text = Text("Test", "{a} and {b}", a=inner, b="x")
    for again in (copy.copy(text), copy.deepcopy(text), pickle.loads(pickle.dumps(text))):
        assert isinstance(again, Text)
        assert again == "768 KB and x"
        assert again.template == "{a} and {b}"
        assert isinstance(again.values["a"], Text)


def test_an_exception_raised_with_a_text_hands_it_back() -> None:
    text = Text("Test", "no model named {name}", name="x")
    error = UserError(text, code="bad_input")
    assert str(error) == "no model named x"
    assert message_of(error) is text
    assert message_of(ValueError("plain")) == "plain"


def test_a_verdict_keeps_its_english_text_and_its_template() -> None:
    hardware = Hardware(os="linux", arch="x86_64", cpu=CpuInfo("test CPU", 8, 16, ["avx2"]),
                        ram=RamInfo(24_000, 23_500), gpus=[], providers={"cpu": ProviderStatus(True)})
    entries = {e.key: e for e in load_catalog()}
    rec = fit.judge(entries["phi-3.5-mini-instruct:cpu"], hardware, 4096)
    assert isinstance(rec.reason, Text)
    assert rec.reason.endswith(" of 23,500 MB available RAM")
    assert rec.reason.startswith("weights ")
    assert "(4,096 tokens × 768 KB)" in rec.reason
    assert rec.reason.template == "{arithmetic} of {available:,} MB available RAM"
    assert isinstance(asdict(rec)["reason"], Text)  # the machine report's JSON-ready dict keeps it
    cuda = fit.judge(entries["phi-3.5-mini-instruct:cuda"], hardware, 4096)
    assert cuda.verdict == fit.CANNOT_RUN
    assert cuda.reason.startswith("no NVIDIA GPU found; needs weights ")


def test_a_text_with_a_value_changed_keeps_its_template_and_other_values() -> None:
    text = Text("Test", "{folder}: no {file}", folder="/tmp/staging", file="tokenizer.json")
    moved = text.with_values(folder="/home/me/model")
    assert moved == "/home/me/model: no tokenizer.json"
    assert (moved.context, moved.template, moved.values) == ("Test", "{folder}: no {file}",
                                                             {"folder": "/home/me/model", "file": "tokenizer.json"})
    assert text == "/tmp/staging: no tokenizer.json"  # the original is unchanged
