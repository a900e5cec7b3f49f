"""Importing models that need conversion, and the worker entry a frozen app uses."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from phidesk.engine import client as client_module
from phidesk.engine.client import EngineClient
from phidesk.engine.protocol import Finished, Message, Sampling, Token
from phidesk.errors import UserError
from phidesk.models import library
from tests.platforms import cpu_only_runtime


def test_worker_starts_through_the_frozen_app_flag(starter_source: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # A frozen app runs its own executable with --phidesk-worker; here the executable is `python -m phidesk`.
    monkeypatch.setattr(client_module, "worker_command",
                        lambda: [sys.executable, "-m", "phidesk", client_module.WORKER_FLAG])
    with EngineClient(log_path=tmp_path / "w.log") as engine:
        engine.load(starter_source, "cpu", 1024)
        events = list(engine.generate([Message("user", "What is the capital of France?")],
                                      Sampling(temperature=0, max_new_tokens=20)))
    assert "Paris" in "".join(e.text for e in events if isinstance(e, Token))
    assert isinstance(events[-1], Finished)


def _tiny_checkpoint(folder: Path, tokenizer_from: Path) -> None:
    """A real (random-weight) Llama checkpoint with the starter's tokenizer, as transformers saves it."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    vocab = json.loads((tokenizer_from / "genai_config.json").read_text())["model"]["vocab_size"]
    config = transformers.LlamaConfig(vocab_size=vocab, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=2048,
                                      bos_token_id=1, eos_token_id=2, tie_word_embeddings=True)
    torch.manual_seed(0)
    transformers.LlamaForCausalLM(config).save_pretrained(folder)
    for name in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja"):
        shutil.copy2(tokenizer_from / name, folder / name)


def test_import_hugging_face_checkpoint_converts_and_runs(phidesk_home: Path, starter_source: Path,
                                                          tmp_path: Path) -> None:
    checkpoint = tmp_path / "tiny-llama"
    _tiny_checkpoint(checkpoint, starter_source)
    messages: list[str] = []
    model = library.import_path(checkpoint, progress=messages.append)
    assert model.id == "tiny-llama"
    assert model.usable
    assert any("building" in m for m in messages)
    assert model.info is not None
    assert model.info.context_length == 2048
    with EngineClient(log_path=tmp_path / "w.log") as engine:
        engine.load(model.path, "cpu", 512)
        events = list(engine.generate([Message("user", "Hello")], Sampling(temperature=0, max_new_tokens=8)))
    # Random weights say nothing sensible, but the converted model runs end to end.
    assert isinstance(events[-1], Finished)
    assert events[-1].stats.generated_tokens >= 1


def test_conversion_without_the_convert_extra_says_how_to_get_it(phidesk_home: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Shadow torch with a module that cannot be imported, as on an install without phidesk[convert].
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "torch.py").write_text("raise ImportError('no torch here', name='torch')\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", f"{shadow}{':' + sys.path[0] if sys.path[0] else ''}")
    gguf = tmp_path / "model.gguf"  # a whole GGUF header (version 3, no tensors, no keys): the converter is next
    gguf.write_bytes(b"GGUF" + (3).to_bytes(4, "little") + b"\0" * 24)
    with pytest.raises(UserError, match=r"phidesk\[convert\]"):
        library.import_path(gguf)
    assert library.list_models() == []


def test_broken_gguf_is_refused_and_leaves_nothing(phidesk_home: Path, tmp_path: Path) -> None:
    gguf = tmp_path / "broken.gguf"
    gguf.write_bytes(b"not a gguf file at all")
    with pytest.raises(UserError, match=r"broken\.gguf: not a GGUF file"):
        library.import_path(gguf)
    assert [p.name for p in (phidesk_home / "models").iterdir()] == []


@cpu_only_runtime
def test_provider_probe_runs_through_the_frozen_app_flag(starter_source: Path) -> None:
    import subprocess

    done = subprocess.run([sys.executable, "-m", "phidesk", "--phidesk-providers", str(starter_source)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["providers"]["cpu"] == {"ok": True}
    assert report["providers"]["cuda"]["ok"] is False
    assert report["providers"]["cuda"]["reason"]


def test_image_scaler_runs_through_the_frozen_app_flag(tmp_path: Path) -> None:
    import subprocess

    from PIL import Image

    picture = tmp_path / "big.png"
    Image.new("RGB", (900, 300), (10, 200, 30)).save(picture)
    done = subprocess.run([sys.executable, "-m", "phidesk", "--phidesk-scale-image", str(picture), "90"],
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    header, _, pixels = done.stdout.partition(b"\n")
    meta = json.loads(header)
    assert (meta["width"], meta["height"], meta["original_width"], meta["source_format"]) == (90, 30, 900, "PNG")
    assert len(pixels) == 90 * 30 * 3
    assert pixels[:3] == bytes((10, 200, 30))
    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(picture.read_bytes()[:60])
    done = subprocess.run([sys.executable, "-m", "phidesk", "--phidesk-scale-image", str(damaged), "90"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().startswith("damaged.png: ")


def test_the_packaged_app_installs_its_bundled_starter_on_first_run(phidesk_home: Path, starter_source: Path,
                                                                     tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from phidesk.models import starter

    assert starter.bundled() is None  # from Python: nothing is bundled
    bundle = tmp_path / "bundle"
    shutil.copytree(starter_source, bundle / "starter" / starter.BUILD_KEY)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.setattr(starter, "build_cached", lambda progress=None: pytest.fail("the bundled copy must be used"))
    assert starter.bundled() == bundle / "starter" / starter.BUILD_KEY
    installed = starter.install_bundled_if_empty()
    assert installed is not None
    assert installed.id == "starter"
    assert installed.usable
    assert starter.install_bundled_if_empty() is None  # a model is installed now: nothing to do
