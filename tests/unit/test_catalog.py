"""The bundled model catalog: it loads, every entry validates, lookups and hub-listing checks."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest

from phidesk.errors import UserError
from phidesk.models import catalog
from phidesk.models.catalog import CatalogEntry, check_listing, find, load_catalog, parse_catalog, parse_entry


def _raw() -> dict[str, Any]:
    text = resources.files("phidesk.resources").joinpath("catalog.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _listing(entry: CatalogEntry) -> dict[str, int]:
    return {f.path: f.size for f in entry.files}


# --- loading --------------------------------------------------------------------------------


def test_catalog_loads_and_every_entry_validates() -> None:
    entries = load_catalog()
    assert len(entries) >= 11  # Phi-3.5-mini ×3, Phi-3.5-vision ×3, Phi-3-mini-4k ×3, -128k ×3 at least
    raw = _raw()
    assert raw["version"] == 1
    assert len(raw["entries"]) == len(entries)
    for i, item in enumerate(raw["entries"]):
        assert parse_entry(item, i) == entries[i]


def test_keys_are_unique() -> None:
    keys = [e.key for e in load_catalog()]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("model_id", "variants"),
    [
        ("phi-3.5-mini-instruct", {"cpu", "cuda", "dml"}),
        ("phi-3.5-vision-instruct", {"cpu", "cuda", "dml"}),
        ("phi-3-mini-4k-instruct", {"cpu", "cuda", "dml"}),
        ("phi-3-mini-128k-instruct", {"cpu", "cuda", "dml"}),
    ],
)
def test_required_models_and_variants(model_id: str, variants: set[str]) -> None:
    assert set(catalog.variants(model_id)) >= variants


def test_entry_invariants() -> None:
    for e in load_catalog():
        assert e.id == e.id.lower()
        assert e.license == "MIT"
        assert e.repo.startswith("microsoft/")
        assert e.repo.endswith("-onnx")
        assert e.providers == (e.variant,)
        assert e.weights_bytes < e.size_bytes
        assert any(f.path.endswith(".onnx.data") for f in e.files), e.key
        assert "genai_config.json" in {f.path for f in e.files}
        assert e.sources, e.key
        assert all(s.startswith("https://") for s in e.sources), e.key
        # int4 builds of 3.8–4.2B models: 2–5 GB of weights
        assert 2e9 < e.weights_bytes < 5.5e9, e.key
        if e.type == "vision":
            assert {"processor_config.json"} <= {f.path for f in e.files}
            assert sum(f.path.endswith(".onnx") for f in e.files) == 3  # vision, embedding, text


def test_gpu_folders_serve_cuda_and_dml() -> None:
    mini_cuda = find("phi-3.5-mini-instruct", "cuda")
    mini_dml = find("phi-3.5-mini-instruct", "dml")
    assert mini_cuda.subfolder == mini_dml.subfolder == "gpu/gpu-int4-awq-block-128"
    assert find("phi-3.5-vision-instruct", "cuda").subfolder == "gpu/gpu-int4-rtn-block-32"
    assert find("phi-3-mini-4k-instruct", "dml").subfolder.startswith("directml/")


def test_phi_3_mini_shapes() -> None:
    for model_id in ("phi-3.5-mini-instruct", "phi-3.5-vision-instruct", "phi-3-mini-4k-instruct"):
        e = find(model_id)
        assert (e.layers, e.kv_heads, e.head_dim) == (32, 32, 96)
    assert find("phi-3-mini-4k-instruct").context_length == 4096
    assert find("phi-3.5-mini-instruct").context_length == 131072


def test_weights_bytes_counts_onnx_and_data_only() -> None:
    e = find("phi-3.5-mini-instruct", "cpu")
    expected = sum(f.size for f in e.files if f.path.endswith((".onnx", ".onnx.data")))
    assert e.weights_bytes == expected
    assert e.size_bytes == sum(f.size for f in e.files)
    assert 2.7e9 < e.weights_bytes < 2.9e9  # 52 MB graph + 2.73 GB data, as the hub lists the cpu-int4 build


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.pop("repo"), "missing 'repo'"),
        (lambda e: e.update(variant="rocm"), "variant must be one of"),
        (lambda e: e.update(id="Phi-3.5"), "lower-case"),
        (lambda e: e.update(type="audio"), "type must be one of"),
        (lambda e: e.update(files=[]), "no files"),
        (lambda e: e["files"][0].update(size=-1), "size must be positive"),
        (lambda e: e["files"][0].update(path="../x"), "bad file path"),
        (lambda e: e["architecture"].update(layers="32"), "'layers' should be int"),
        (lambda e: e["architecture"].update(kv_heads=True), "'kv_heads' should be int"),
        (lambda e: e.update(providers=["tpu"]), "providers must be"),
        (lambda e: e.update(files=[f for f in e["files"] if f["path"] != "genai_config.json"]), "genai_config.json"),
    ],
)
def test_bad_entry_names_the_entry(change: Any, message: str) -> None:
    data = _raw()
    bad = copy.deepcopy(data)
    change(bad["entries"][2])
    with pytest.raises(ValueError, match=message) as info:
        parse_catalog(bad)
    assert str(info.value).startswith("catalog entry #2 (")  # names the entry: index, id and variant
    assert "instruct:" in str(info.value) or "Phi-3.5:" in str(info.value)


def test_duplicate_key_rejected() -> None:
    data = _raw()
    data["entries"].append(copy.deepcopy(data["entries"][0]))
    with pytest.raises(ValueError, match=r"phi-3\.5-mini-instruct:cpu: listed twice"):
        parse_catalog(data)


def test_wrong_version_rejected() -> None:
    data = _raw()
    data["version"] = 2
    with pytest.raises(ValueError, match="unsupported version"):
        parse_catalog(data)


# --- find -----------------------------------------------------------------------------------


def test_find_defaults_to_cpu() -> None:
    assert find("phi-3.5-mini-instruct").variant == "cpu"
    assert find("PHI-3.5-mini-instruct", "CUDA").key == "phi-3.5-mini-instruct:cuda"


def test_find_unknown_id_lists_ids() -> None:
    with pytest.raises(UserError, match=r"unknown catalog model 'phi-9'.*phi-3\.5-mini-instruct"):
        find("phi-9")


def test_find_unknown_variant_lists_variants() -> None:
    with pytest.raises(UserError, match=r"no 'rocm' variant.*cpu, cuda, dml"):
        find("phi-3.5-mini-instruct", "rocm")


# --- check_listing --------------------------------------------------------------------------


def test_listing_that_matches() -> None:
    e = find("phi-3.5-mini-instruct", "cpu")
    assert check_listing(e, _listing(e)) == []


def test_listing_extra_files_allowed_and_repo_paths_accepted() -> None:
    e = find("phi-3.5-mini-instruct", "cpu")
    listing = {f"{e.subfolder}/{path}": size for path, size in _listing(e).items()}
    listing[f"{e.subfolder}/config.json"] = 3_450
    listing[f"{e.subfolder}/configuration_phi3.py"] = 11_200
    assert check_listing(e, listing) == []


def test_listing_missing_file() -> None:
    e = find("phi-3.5-mini-instruct", "cpu")
    listing = _listing(e)
    del listing["tokenizer.json"]
    problems = check_listing(e, listing)
    assert len(problems) == 1
    assert "tokenizer.json: missing" in problems[0]


def test_listing_size_within_and_beyond_two_percent() -> None:
    e = find("phi-3.5-mini-instruct", "cpu")
    data = "phi-3.5-mini-instruct-cpu-int4-awq-block-128-acc-level-4.onnx.data"
    listing = _listing(e)
    listing[data] = int(2_730_000_000 * 1.019)  # the hub rounds to 3 digits: within 2 % is fine
    assert check_listing(e, listing) == []
    listing[data] = int(2_730_000_000 * 1.03)
    problems = check_listing(e, listing)
    assert len(problems) == 1
    assert data in problems[0]
    assert "+3.0%" in problems[0]


def test_listing_small_approx_files_have_absolute_slack() -> None:
    e = find("phi-3.5-mini-instruct", "cpu")
    listing = _listing(e)
    listing["genai_config.json"] = 1_700  # 1.58 kB expected: 8 % off, but a few bytes
    listing["tokenizer.json"] = 1_940_000  # a re-upload, 100 kB larger
    assert check_listing(e, listing) == []


def test_listing_exact_sizes_must_match_to_the_byte() -> None:
    entry = parse_entry({
        "id": "tiny", "variant": "cpu", "name": "Tiny", "repo": "someone/tiny-onnx", "subfolder": "cpu",
        "files": [{"path": "genai_config.json", "size": 1000}, {"path": "model.onnx", "size": 5000},
                  {"path": "model.onnx.data", "size": 10_000_000}],
        "license": "MIT", "type": "text", "context_length": 2048, "providers": ["cpu"], "params_b": 0.1,
        "architecture": {"layers": 2, "kv_heads": 2, "head_dim": 64}, "description": "test",
    })
    listing = {"genai_config.json": 1000, "model.onnx": 5000, "model.onnx.data": 10_000_000}
    assert check_listing(entry, listing) == []
    listing["model.onnx.data"] = 10_000_001
    assert check_listing(entry, listing) == ["someone/tiny-onnx/cpu/model.onnx.data: 10,000,001 bytes on the hub, "
                                             "10,000,000 expected"]


def test_a_deeply_nested_catalog_is_a_one_line_error(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "catalog.json"
    path.write_text('{"version": 1, "entries": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    monkeypatch.setenv("PHIDESK_CATALOG", str(path))
    with pytest.raises(UserError) as excinfo:
        load_catalog()
    assert str(excinfo.value) == f"the model catalog is damaged: {path}: nested 100001 levels deep (at most 16 allowed)"
