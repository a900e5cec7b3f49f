"""Settings: defaults, round trips, bad values, damaged files, unknown keys, migrations."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from phidesk import paths, settings
from phidesk.engine.protocol import Sampling
from phidesk.errors import UserError
from phidesk.settings import DEFAULT_CONTEXT_CAP, SCHEMA_VERSION, Settings
from tests.small_disk import fill, small_disk


def _write(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def _set_aside(folder: Path) -> list[str]:
    """The texts of the damaged settings files kept in *folder*, oldest name first."""
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("settings.json.bad-*"))]


def test_defaults() -> None:
    s = Settings()
    assert s.version == SCHEMA_VERSION
    assert s.default_model is None
    assert s.provider == "auto"
    assert s.context_cap == DEFAULT_CONTEXT_CAP == 4096
    assert s.system_prompt == ""
    assert s.sampling == Sampling()
    assert s.extra == {}
    assert s.validate() is s


def test_missing_file_gives_defaults(phidesk_home: Path) -> None:
    assert not paths.settings_file().exists()
    assert settings.load() == Settings()


def test_settings_file_lives_in_phidesk_home(phidesk_home: Path) -> None:
    assert paths.settings_file().is_relative_to(phidesk_home.resolve())


def test_save_load_round_trip(phidesk_home: Path) -> None:
    original = Settings(
        default_model="my-model",
        provider="cpu",
        context_cap=2048,
        system_prompt="Réponds brièvement. 简短回答。",
        sampling=Sampling(temperature=0.2, top_p=0.5, top_k=7, repetition_penalty=1.3, max_new_tokens=99, seed=42),
    )
    settings.save(original)
    assert paths.settings_file().is_file()
    assert settings.load() == original


def test_save_leaves_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "settings.json"
    settings.save(Settings(provider="cpu"), path)
    settings.save(Settings(provider="cuda"), path)
    # the lock file stays (removing it would race with another process taking it)
    assert sorted(p.name for p in path.parent.iterdir()) == [".settings.json.lock", "settings.json"]
    assert settings.load(path).provider == "cuda"


def test_saved_file_is_readable_json(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings.save(Settings(system_prompt="ü"), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == SCHEMA_VERSION
    assert data["system_prompt"] == "ü"
    assert data["sampling"]["temperature"] == Sampling().temperature


def test_bad_values_fall_back_and_good_values_are_kept(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "settings.json"
    _write(path, {"version": 1, "provider": "gpu", "context_cap": 5, "default_model": "mine",
                  "system_prompt": "Be nice."})
    with caplog.at_level(logging.WARNING, logger="phidesk.settings"):
        s = settings.load(path)
    assert s.provider == "auto"
    assert s.context_cap == DEFAULT_CONTEXT_CAP
    assert s.default_model == "mine"
    assert s.system_prompt == "Be nice."
    assert "provider" in caplog.text
    assert "context" in caplog.text


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("provider", 3),
        ("context_cap", "4096"),
        ("context_cap", 2_000_000),
        ("default_model", 12),
        ("system_prompt", ["not", "text"]),
    ],
)
def test_each_bad_value_falls_back(tmp_path: Path, key: str, value: object) -> None:
    path = tmp_path / "settings.json"
    _write(path, {key: value, "provider": "cpu"} if key != "provider" else {key: value, "context_cap": 1024})
    s = settings.load(path)
    assert getattr(s, key) == getattr(Settings(), key)
    if key == "provider":
        assert s.context_cap == 1024
    else:
        assert s.provider == "cpu"


def test_bad_sampling_falls_back_to_default_sampling(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    _write(path, {"provider": "cpu", "sampling": {"temperature": 99}})
    s = settings.load(path)
    assert s.sampling == Sampling()
    assert s.provider == "cpu"


def test_corrupt_json_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"provider": "cpu",', encoding="utf-8")
    assert settings.load(path) == Settings()
    assert not path.exists()
    assert _set_aside(tmp_path) == ['{"provider": "cpu",']


def test_json_that_is_not_an_object_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("[1, 2]", encoding="utf-8")
    assert settings.load(path) == Settings()
    assert _set_aside(tmp_path) == ["[1, 2]"]


def test_binary_garbage_is_set_aside(phidesk_home: Path) -> None:
    path = paths.settings_file()
    path.write_bytes(b"\xff\xfe\x81garbage")
    assert settings.load() == Settings()
    assert [p.read_bytes() for p in path.parent.glob("settings.json.bad-*")] == [b"\xff\xfe\x81garbage"]


@pytest.mark.parametrize("version", ["x", None, [1]], ids=["text", "null", "list"])
def test_damaged_version_is_treated_as_damaged_file(tmp_path: Path, version: object) -> None:
    """The module promises: a damaged settings file is set aside and the defaults are used.

    A 'version' that is not a number must not crash load() (today it raises ValueError/TypeError
    from int() in migrate(), which runs outside load()'s try block).
    """
    path = tmp_path / "settings.json"
    _write(path, {"version": version, "provider": "cpu"})
    loaded = settings.load(path)
    assert isinstance(loaded, Settings)


def test_unknown_keys_survive_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    future = {"accent": "teal", "window": {"w": 800, "h": 600}, "recent": ["a", "b"]}
    _write(path, {"version": 1, "provider": "cpu", **future})
    s = settings.load(path)
    assert s.extra == future
    assert s.provider == "cpu"
    settings.save(s, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    for key, value in future.items():
        assert data[key] == value
    assert data["provider"] == "cpu"
    assert settings.load(path) == s


def test_unknown_sampling_keys_survive_round_trip(tmp_path: Path) -> None:
    """The module promises that a newer PhiDesk's settings survive a round trip through this one;
    a sampling option this version does not know (here 'min_p') is part of those settings."""
    path = tmp_path / "settings.json"
    _write(path, {"version": 1, "sampling": {"temperature": 0.3, "min_p": 0.05}})
    s = settings.load(path)
    assert s.sampling.temperature == 0.3
    settings.save(s, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["sampling"].get("min_p") == 0.05


def test_known_keys_do_not_leak_into_extra(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings.save(Settings(provider="cpu"), path)
    assert settings.load(path).extra == {}


def test_migration_is_applied_to_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        data["provider"] = {"gpu": "cuda"}.get(data.pop("device", ""), "auto")
        return data

    monkeypatch.setattr(settings, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(settings, "MIGRATIONS", {1: v1_to_v2})
    path = tmp_path / "settings.json"
    _write(path, {"version": 1, "device": "gpu", "context_cap": 1024})
    s = settings.load(path)
    assert s.provider == "cuda"
    assert s.context_cap == 1024
    assert "device" not in s.extra


def test_migrations_chain_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def step(n: int) -> Any:
        def migrate(data: dict[str, Any]) -> dict[str, Any]:
            seen.append(n)
            assert data["version"] == n
            return {**data, "system_prompt": data["system_prompt"] + str(n)}

        return migrate

    monkeypatch.setattr(settings, "SCHEMA_VERSION", 4)
    monkeypatch.setattr(settings, "MIGRATIONS", {1: step(1), 2: step(2), 3: step(3)})
    data = settings.migrate({"version": 2, "system_prompt": "p"})
    assert seen == [2, 3]
    assert data == {"version": 4, "system_prompt": "p23"}


def test_current_version_is_not_migrated(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(data: dict[str, Any]) -> dict[str, Any]:
        raise AssertionError("should not run")

    monkeypatch.setattr(settings, "MIGRATIONS", {SCHEMA_VERSION: boom, SCHEMA_VERSION - 1: boom})
    assert settings.migrate({"version": SCHEMA_VERSION, "provider": "cpu"}) == {
        "version": SCHEMA_VERSION, "provider": "cpu"}


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"provider": "gpu"}, "provider"),
        ({"context_cap": 5}, "context"),
        ({"default_model": 3}, "default_model"),
        ({"system_prompt": None}, "system_prompt"),
        ({"sampling": Sampling(top_p=0)}, "top_p"),
    ],
)
def test_validate_rejects(changes: dict[str, Any], fragment: str) -> None:
    with pytest.raises(UserError, match=fragment):
        Settings(**changes).validate()


def test_helper_processes_start_with_python_or_the_frozen_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sys

    assert paths.helper_command("--phidesk-worker", "phidesk.engine.worker") == [
        sys.executable, "-m", "phidesk.engine.worker"]
    exe = tmp_path / "phidesk"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    assert paths.helper_command("--phidesk-worker", "phidesk.engine.worker") == [str(exe), "--phidesk-worker"]


def test_a_finder_process_serial_number_is_not_taken_for_a_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from phidesk import cli, display, entry

    seen: list[list[str]] = []
    monkeypatch.setattr(cli, "main", lambda args: seen.append(list(args)) or 0)
    monkeypatch.setattr(display, "problem", lambda: "no display: neither WAYLAND_DISPLAY nor DISPLAY is set")
    assert entry.main(["-psn_0_12345", "models", "list"]) == 0
    assert seen == [["models", "list"]]


# --- hostile files, two writers, a full disk ----------------------------------------------------


def test_deeply_nested_settings_file_is_set_aside(phidesk_home: Path) -> None:
    path = paths.settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    deep = '{"ui": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path.write_text(deep, encoding="utf-8")
    assert settings.load() == Settings()
    assert not path.exists()
    assert _set_aside(path.parent) == [deep]


def test_a_second_damaged_file_does_not_overwrite_the_first_backup(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("first damage", encoding="utf-8")
    settings.load(path)
    path.write_text("second damage", encoding="utf-8")
    settings.load(path)
    assert sorted(_set_aside(tmp_path)) == ["first damage", "second damage"]


def test_update_writes_only_the_given_keys(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    _write(path, {"version": 1, "theme": "dark", "accent": "teal", "sampling": {"temperature": 0.3, "future": 1},
                  "ui": {"geometry": "AAA", "other": 2}})
    stored = settings.update({"default_model": "zeta", "sampling": {"top_k": 5}, "ui": {"geometry": "BBB"}}, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {"version": 1, "theme": "dark", "accent": "teal", "default_model": "zeta",
                    "sampling": {"temperature": 0.3, "future": 1, "top_k": 5}, "ui": {"geometry": "BBB", "other": 2}}
    assert stored.default_model == "zeta"
    assert stored.sampling.top_k == 5
    assert stored.sampling.temperature == 0.3


def test_update_refuses_a_bad_value_and_leaves_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    _write(path, {"version": 1, "theme": "dark"})
    with pytest.raises(UserError, match="theme must be one of"):
        settings.update({"theme": "purple"}, path)
    with pytest.raises(UserError, match="temperature"):
        settings.update({"sampling": {"temperature": -1}}, path)
    assert json.loads(path.read_text(encoding="utf-8")) == {"version": 1, "theme": "dark"}


def test_changes_lists_only_what_differs() -> None:
    old = Settings(theme="dark", ui={"geometry": "A", "splitter": [1, 2, 3]})
    new = Settings(theme="dark", provider="cpu", sampling=Sampling(top_k=3),
                   ui={"geometry": "B", "splitter": [1, 2, 3]})
    assert settings.changes(old, new) == {"provider": "cpu", "sampling": {"top_k": 3}, "ui": {"geometry": "B"}}
    assert settings.changes(old, old) == {}


def test_a_change_by_one_writer_survives_the_other_writers_close(phidesk_home: Path) -> None:
    """Two windows start with the same settings; A changes the theme, another process changes the
    default model, then B closes and writes its window size: all three changes are kept."""
    settings.save(Settings(provider="cpu"))
    window_a, window_b = settings.load(), settings.load()
    settings.update(settings.changes(window_a, replace(window_a, theme="dark")))
    other = subprocess.run([sys.executable, "-c", "from phidesk import settings; "
                            "settings.update({'default_model': 'zeta'})"],
                           capture_output=True, text=True, check=False, timeout=60)
    assert other.returncode == 0, other.stderr
    settings.update(settings.changes(window_b, replace(window_b, ui={"geometry": "B"})))
    now = settings.load()
    assert (now.theme, now.default_model, now.ui, now.provider) == ("dark", "zeta", {"geometry": "B"}, "cpu")


def test_writers_in_several_processes_lose_no_update(phidesk_home: Path) -> None:
    """Eight processes each add their own key to 'ui' twenty times at once: every one of them is there."""
    settings.save(Settings())
    script = ("import sys\nfrom phidesk import settings\n"
              "for i in range(20):\n    settings.update({'ui': {f'{sys.argv[1]}-{i}': i}})\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, f"p{n}"], stderr=subprocess.PIPE, text=True)
             for n in range(8)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert len(settings.load().ui) == 8 * 20


def test_settings_write_on_a_full_disk_says_so_and_keeps_the_old_file(tmp_path: Path) -> None:
    with small_disk(tmp_path / "config") as disk:
        path = disk / "settings.json"
        settings.save(Settings(theme="dark"), path)
        before = path.read_bytes()
        fill(disk)
        with pytest.raises(UserError) as excinfo:
            settings.save(Settings(theme="light", system_prompt="x" * 100_000), path)
        assert str(excinfo.value) == f"disk full: could not write {path} (it is unchanged)"
        with pytest.raises(UserError, match=r"^disk full: "):
            settings.update({"system_prompt": "y" * 100_000}, path)
        assert path.read_bytes() == before
        assert sorted(p.name for p in disk.iterdir()) == [".settings.json.lock", "filler", "settings.json"]
