"""User settings: a typed schema with a version number and migrations, stored as JSON.

A damaged settings file (bad JSON, too large, nested too deeply, a bad version) is never
silently overwritten: it is set aside as ``settings.json.bad-<timestamp>`` (never replacing
an earlier one) and the defaults are used. Unknown keys are kept as they are, so a newer
PhiDesk's settings survive a round trip through an older one.

Several processes share the file (two windows, the CLI). A writer never writes back its
start-up copy: :func:`update` takes the inter-process lock, reads the file as it is now,
changes only the keys it was given (``sampling`` and ``ui`` one level down) and replaces
the file atomically. So a window closing writes its ``ui`` and nothing else.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from phidesk import jsonfile, paths
from phidesk.engine.protocol import PROVIDERS, Sampling
from phidesk.engine.runtime import MAX_THREADS
from phidesk.errors import UserError
from phidesk.texts import QT_TRANSLATE_NOOP, Text, message_of

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
THEMES = ("system", "light", "dark")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(_[A-Z][a-z]{3})?(_[A-Z]{2}|_[0-9]{3})?$")
"""A language as the ``language`` setting and the translation files name it: hi, pt_BR, zh_Hant_TW."""
DEFAULT_CONTEXT_CAP = 4096
MIN_CONTEXT, MAX_CONTEXT = 256, 1_048_576  # the context setting's range (also `phidesk chat --context`)
MAX_BYTES = 1024 * 1024
MERGED = ("sampling", "ui")  # objects whose keys update() changes one by one

# version N -> function turning a version-N dict into a version-N+1 dict
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


@dataclass
class Settings:
    version: int = SCHEMA_VERSION
    default_model: str | None = None
    provider: str = "auto"
    # Tokens of context (prompt + answer). The KV cache is allocated up front for this many,
    # so it is always capped: Phi-3.5's own 131072 would take ~100 GB on a CPU.
    context_cap: int = DEFAULT_CONTEXT_CAP
    system_prompt: str = ""
    theme: str = "system"  # system | light | dark
    language: str = "system"  # the window's language: system (the OS's locale) or a code such as en, hi
    threads: int = 0  # threads the model computes with on the CPU; 0: one per physical core (runtime.default_threads)
    kv_budget_mb: int = 0  # memory for conversations' KV caches kept warm; 0: half of what is free after a load
    gpu_index: int | None = None  # which GPU / DirectML adapter; None: the runtime's (high-performance) choice
    offline: bool = False  # refuse every download (the only thing PhiDesk would use the network for)
    # The window's local OpenAI-compatible server (127.0.0.1 only): off unless the user turns it on.
    server: bool = False
    server_port: int = 8765
    # Remote OpenAI-API endpoints the user added (phidesk.remote.endpoints): name, base_url, models, preset.
    # Their API keys are never here: they live in the OS credential store.
    endpoints: list[dict[str, Any]] = field(default_factory=list)
    sampling: Sampling = field(default_factory=Sampling)
    # Window geometry and splitter sizes, written by the GUI.
    ui: dict[str, Any] = field(default_factory=dict)
    # Keys this version does not know (top level and inside "sampling"), kept for a newer PhiDesk.
    extra: dict[str, Any] = field(default_factory=dict)
    sampling_extra: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> Settings:
        for name, (check, message) in _CHECKS.items():
            if not check(getattr(self, name)):
                raise UserError(message)
        self.sampling.validate()
        return self

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        extra, sampling_extra = data.pop("extra"), data.pop("sampling_extra")
        data["sampling"] = {**sampling_extra, **data["sampling"]}
        return {**extra, **data}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Read a stored dict; a bad value falls back to its default (and is logged)."""
        data = migrate(dict(data))
        known = {f.name for f in fields(cls)} - {"extra", "sampling_extra", "version", "sampling"}
        settings = cls(extra={k: v for k, v in data.items() if k not in known | {"version", "sampling"}})
        settings.version = max(SCHEMA_VERSION, data["version"])  # a newer file keeps its number
        for name in known & data.keys():
            check, message = _CHECKS.get(name, (lambda _v: True, ""))
            if check(data[name]):
                setattr(settings, name, data[name])
            else:
                log.warning("settings: %s (was %r); using the default", message, data[name])
        if isinstance(data.get("sampling"), dict):
            sampling_keys = {f.name for f in fields(Sampling)}
            settings.sampling_extra = {k: v for k, v in data["sampling"].items() if k not in sampling_keys}
            try:
                settings.sampling = Sampling.from_dict(data["sampling"]).validate()
            except (UserError, TypeError) as exc:
                log.warning("settings: sampling %s; using the defaults", exc)
        return settings


# Each setting's check, and the message (a Text the window translates) when a value fails it; the setting's own
# name (a key of the file) stays as it is.
_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "provider": (lambda v: v in PROVIDERS, Text("SettingsErrors", QT_TRANSLATE_NOOP(
        "SettingsErrors", "provider must be one of {providers}"), providers=", ".join(PROVIDERS))),
    "context_cap": (lambda v: isinstance(v, int) and MIN_CONTEXT <= v <= MAX_CONTEXT,
                    Text("SettingsErrors", QT_TRANSLATE_NOOP(
                        "SettingsErrors", "the context setting must be between {low} and {high} tokens"),
                         low=MIN_CONTEXT, high=MAX_CONTEXT)),
    "default_model": (lambda v: v is None or isinstance(v, str),
                      Text("SettingsErrors", QT_TRANSLATE_NOOP("SettingsErrors", "default_model must be a model id"))),
    "system_prompt": (lambda v: isinstance(v, str),
                      Text("SettingsErrors", QT_TRANSLATE_NOOP("SettingsErrors", "system_prompt must be text"))),
    "theme": (lambda v: v in THEMES, Text("SettingsErrors", QT_TRANSLATE_NOOP(
        "SettingsErrors", "theme must be one of {themes}"), themes=", ".join(THEMES))),
    "language": (lambda v: isinstance(v, str) and (v == "system" or LANGUAGE_CODE.match(v) is not None),
                 Text("SettingsErrors", QT_TRANSLATE_NOOP(
                     "SettingsErrors", "language must be system or a language code such as en or hi"))),
    "threads": (lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_THREADS,
                Text("SettingsErrors", QT_TRANSLATE_NOOP(
                    "SettingsErrors", "threads must be 0 (automatic) or a number of threads up to {limit}"),
                     limit=MAX_THREADS)),
    "kv_budget_mb": (lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 1 << 24,
                     Text("SettingsErrors", QT_TRANSLATE_NOOP(
                         "SettingsErrors", "kv_budget_mb must be 0 (automatic) or a number of MB"))),
    "gpu_index": (lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 0),
                  Text("SettingsErrors", QT_TRANSLATE_NOOP(
                      "SettingsErrors", "gpu_index must be a GPU number (0, 1, …) or null"))),
    "ui": (lambda v: isinstance(v, dict),
           Text("SettingsErrors", QT_TRANSLATE_NOOP("SettingsErrors", "ui must be an object"))),
    "offline": (lambda v: isinstance(v, bool),
                Text("SettingsErrors", QT_TRANSLATE_NOOP("SettingsErrors", "offline must be true or false"))),
    "server": (lambda v: isinstance(v, bool),
               Text("SettingsErrors", QT_TRANSLATE_NOOP("SettingsErrors", "server must be true or false"))),
    "server_port": (lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 65535,
                    Text("SettingsErrors", QT_TRANSLATE_NOOP("SettingsErrors",
                                                             "server_port must be a port number from 1 to 65535"))),
}


MAX_ENDPOINTS = 50
MAX_ENDPOINT_MODELS = 50
MAX_MODEL_NAME = 200
MAX_URL = 2000
ENDPOINT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
"""An endpoint's name: the first part of its models' ids ("NAME/MODEL"), so no slash; letters, digits, . _ -."""
ENDPOINT_KEYS = ("name", "base_url", "models", "preset")


def endpoint_problem(entry: object) -> str | None:
    """Why *entry* is not a stored endpoint ({name, base_url, models, preset}), or None. The message is a Text."""
    if not isinstance(entry, dict) or set(entry) - set(ENDPOINT_KEYS) or not {"name", "base_url"} <= set(entry):
        return Text("SettingsErrors", QT_TRANSLATE_NOOP(
            "SettingsErrors", "an endpoint must be an object with name, base_url, models and preset"))
    name, url, models = entry["name"], entry["base_url"], entry.get("models", [])
    if not isinstance(name, str) or not ENDPOINT_NAME.match(name):
        return Text("SettingsErrors", QT_TRANSLATE_NOOP(
            "SettingsErrors", "an endpoint's name must be 1 to 40 letters, digits, dots, dashes or underscores"))
    if not isinstance(url, str) or len(url) > MAX_URL or not re.match(r"^https?://[^\s/?#]+[^\s]*$", url, re.I):
        return Text("SettingsErrors", QT_TRANSLATE_NOOP(
            "SettingsErrors", "endpoint {name}: the base URL must start with http:// or https:// and name a host"),
                    name=name)
    if not isinstance(models, list) or len(models) > MAX_ENDPOINT_MODELS or not all(
            isinstance(m, str) and 0 < len(m) <= MAX_MODEL_NAME and m.isprintable() and m.strip() == m
            for m in models) or len(set(models)) != len(models):
        return Text("SettingsErrors", QT_TRANSLATE_NOOP(
            "SettingsErrors", "endpoint {name}: models must be at most {limit} different names"),
                    name=name, limit=MAX_ENDPOINT_MODELS)
    if not isinstance(entry.get("preset", ""), str) or len(entry.get("preset", "")) > 40:
        return Text("SettingsErrors", QT_TRANSLATE_NOOP(
            "SettingsErrors", "endpoint {name}: preset must be a short text"), name=name)
    return None


def _endpoints_ok(value: object) -> bool:
    if not isinstance(value, list) or len(value) > MAX_ENDPOINTS:
        return False
    names = [e.get("name") for e in value if isinstance(e, dict)]
    return all(endpoint_problem(e) is None for e in value) and len(set(names)) == len(value)


_CHECKS["endpoints"] = (_endpoints_ok, Text("SettingsErrors", QT_TRANSLATE_NOOP(
    "SettingsErrors", "endpoints must be a list of at most {limit} endpoints with different names, each with a "
    "name, an http(s) base URL and at most {models} models"), limit=MAX_ENDPOINTS, models=MAX_ENDPOINT_MODELS))


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a stored dict up to SCHEMA_VERSION. ValueError if its version is not a version."""
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(Text("SettingsErrors", QT_TRANSLATE_NOOP(
            "SettingsErrors", "'version' is {value}, not a schema version"), value=repr(version)))
    data["version"] = version
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data["version"] = version
    return data


def _read(path: Path) -> dict[str, Any]:
    """The stored dict, migrated. FileNotFoundError; JSONFileError or ValueError when damaged."""
    data = jsonfile.read(path, max_bytes=MAX_BYTES)
    if not isinstance(data, dict):
        raise ValueError(Text("SettingsErrors", QT_TRANSLATE_NOOP("SettingsErrors", "not a JSON object")))
    return migrate(data)


def _set_aside(path: Path, reason: object) -> None:
    """Move a damaged file to a new ``<name>.bad-<timestamp>`` (never over an earlier one)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        bad = path.with_name(f"{path.name}.bad-{stamp}" + (f"-{n}" if n else ""))
        try:
            os.link(path, bad)  # fails if *bad* exists: nothing is ever overwritten
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links
            if bad.exists():
                continue
            path.replace(bad)
        else:
            path.unlink()
        log.warning("settings file %s was unreadable (%s); kept it as %s", path, reason, bad)
        problem = message_of(reason) if isinstance(reason, BaseException) else str(reason)
        if not problem.startswith(str(path)):
            problem = Text("SettingsErrors", QT_TRANSLATE_NOOP("SettingsErrors", "{path}: {reason}"),
                           path=str(path), reason=problem)
        _notices.append(Text("SettingsErrors", QT_TRANSLATE_NOOP(
            "SettingsErrors", "settings file {problem}; it was kept as {name} and the default settings are used"),
                             problem=problem, name=bad.name))
        return
    raise jsonfile.JSONFileError(Text("SettingsErrors", QT_TRANSLATE_NOOP(
        "SettingsErrors", "{path}: damaged, and too many damaged copies are kept beside it"), path=str(path)))


_notices: list[str] = []  # damaged files set aside in this process, until someone shows them to the user


def take_notices() -> list[str]:
    """One line per settings file set aside since the last call (the CLI prints them, the window shows them
    translated: each is a :class:`~phidesk.texts.Text`)."""
    taken = list(_notices)
    del _notices[: len(taken)]
    return taken


def _read_or_set_aside(path: Path) -> dict[str, Any]:
    """The stored dict; {} when there is none or it was damaged (then set aside). Call under the lock."""
    try:
        return _read(path)
    except FileNotFoundError:
        return {}
    except (ValueError, jsonfile.JSONFileError) as exc:  # JSONFileError is a UserError, not a ValueError
        _set_aside(path, exc)
        return {}


def load(path: Path | None = None) -> Settings:
    path = path or paths.settings_file()
    try:
        return Settings.from_dict(_read(path))
    except FileNotFoundError:
        return Settings()
    except (ValueError, jsonfile.JSONFileError) as exc:
        try:
            with jsonfile.locked(path):  # another process may be replacing it right now: look again
                return Settings.from_dict(_read_or_set_aside(path))
        except OSError as os_exc:  # a read-only folder: use the defaults, leave the file
            log.warning("settings file %s is unreadable (%s) and cannot be set aside (%s)", path, exc, os_exc)
            return Settings()


def changes(old: Settings, new: Settings) -> dict[str, Any]:
    """What *new* changes relative to *old*, in the form :func:`update` takes."""
    before, after = old.to_dict(), new.to_dict()
    delta: dict[str, Any] = {}
    for key, value in after.items():
        if key in MERGED and isinstance(value, dict) and isinstance(before.get(key), dict):
            inner = {k: v for k, v in value.items() if before[key].get(k, _MISSING) != v}
            if inner:
                delta[key] = inner
        elif before.get(key, _MISSING) != value:
            delta[key] = value
    return delta


_MISSING = object()


def _check(delta: Mapping[str, Any]) -> None:
    known = {f.name for f in fields(Settings)} - {"extra", "sampling_extra", "version"}
    for key, value in delta.items():
        if key not in known:
            raise ValueError(f"settings.update: unknown setting {key!r}")
        check, message = _CHECKS.get(key, (lambda _v: True, ""))
        if not check(value):
            raise UserError(message)
    if "sampling" in delta:
        if not isinstance(delta["sampling"], dict):
            raise UserError(Text("SettingsErrors", QT_TRANSLATE_NOOP("SettingsErrors", "sampling must be an object")))
        Sampling.from_dict({**asdict(Sampling()), **delta["sampling"]}).validate()


def update(delta: Mapping[str, Any], path: Path | None = None) -> Settings:
    """Change only the keys in *delta* in the file as it is now, atomically, under the inter-process lock.

    ``sampling`` and ``ui`` are merged key by key. Returns the settings now stored. A full disk is a
    DiskFullError ("disk full: …") and leaves the old file as it was.
    """
    path = path or paths.settings_file()
    _check(delta)
    with jsonfile.locked(path):
        data = _read_or_set_aside(path)
        for key, value in delta.items():
            if key in MERGED and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        data["version"] = max(SCHEMA_VERSION, data.get("version", SCHEMA_VERSION))
        jsonfile.write_atomic(path, data)
    return Settings.from_dict(data)


def replace_value(key: str, old: Any, new: Any, path: Path | None = None) -> bool:
    """Set *key* to *new* only if it is *old* in the file as it is now (under the lock); True if it was.

    For a change that depends on the stored value, e.g. clearing ``default_model`` when that model is removed,
    without undoing another process's choice made in between.
    """
    path = path or paths.settings_file()
    _check({key: new})
    with jsonfile.locked(path):
        data = _read_or_set_aside(path)
        if data.get(key) != old:
            return False
        data[key] = new
        data["version"] = max(SCHEMA_VERSION, data.get("version", SCHEMA_VERSION))
        jsonfile.write_atomic(path, data)
    return True


def save(settings: Settings, path: Path | None = None) -> None:
    """Write all of *settings* (replacing what is stored), atomically and under the lock.

    The app itself uses :func:`update`, so that it never writes back values another process changed.
    """
    path = path or paths.settings_file()
    with jsonfile.locked(path):
        jsonfile.write_atomic(path, settings.to_dict())
