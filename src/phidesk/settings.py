"""User settings: a typed schema with a version number and migrations, stored as JSON.

A damaged settings file is never silently overwritten: it is set aside as
``settings.json.bad`` and the defaults are used. Unknown keys are kept as they are, so a
newer PhiDesk's settings survive a round trip through an older one.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from phidesk import paths
from phidesk.engine.protocol import PROVIDERS, Sampling
from phidesk.errors import UserError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
THEMES = ("system", "light", "dark")
DEFAULT_CONTEXT_CAP = 4096

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
    gpu_index: int | None = None  # which GPU / DirectML adapter; None: the runtime's (high-performance) choice
    offline: bool = False  # refuse every download (the only thing PhiDesk would use the network for)
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


_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "provider": (lambda v: v in PROVIDERS, f"provider must be one of {', '.join(PROVIDERS)}"),
    "context_cap": (lambda v: isinstance(v, int) and 256 <= v <= 1_048_576,
                    "the context setting must be between 256 and 1048576 tokens"),
    "default_model": (lambda v: v is None or isinstance(v, str), "default_model must be a model id"),
    "system_prompt": (lambda v: isinstance(v, str), "system_prompt must be text"),
    "theme": (lambda v: v in THEMES, f"theme must be one of {', '.join(THEMES)}"),
    "gpu_index": (lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 0),
                  "gpu_index must be a GPU number (0, 1, …) or null"),
    "ui": (lambda v: isinstance(v, dict), "ui must be an object"),
    "offline": (lambda v: isinstance(v, bool), "offline must be true or false"),
}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a stored dict up to SCHEMA_VERSION. ValueError if its version is not a version."""
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"'version' is {version!r}, not a schema version")
    data["version"] = version
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data["version"] = version
    return data


def load(path: Path | None = None) -> Settings:
    path = path or paths.settings_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return Settings.from_dict(data)
    except FileNotFoundError:
        return Settings()
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError and a bad version are ValueErrors
        bad = path.with_name(path.name + ".bad")
        path.replace(bad)
        log.warning("settings file %s was unreadable (%s); kept it as %s", path, exc, bad)
        return Settings()


def save(settings: Settings, path: Path | None = None) -> None:
    """Write atomically: a crash mid-write leaves the old file, never half a file."""
    path = path or paths.settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(settings.to_dict(), fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    Path(tmp).replace(path)
