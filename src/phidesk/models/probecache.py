"""The provider probe's last answer, kept until what it depends on changes.

Which providers can run a model (CPU, CUDA, DirectML) is found by loading a model in a child process
(``phidesk.engine.providers``): seconds of work and a second copy of a model in memory. The answer depends on
the onnxruntime-genai flavour and version, the Python version, the OS and the GPUs present, so it is kept in
the data folder under those, and the probe runs again only when one of them changes or the user asks
("Check again" in the models pane, ``phidesk hardware --refresh``). An answer that could not try a model
(none installed) or that failed is not kept.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Any

from phidesk import jsonfile, paths

log = logging.getLogger(__name__)

FILE = "providers.json"
MAX_BYTES = 64 * 1024


def cache_key(runtime_packages: dict[str, str], gpu_names: list[str]) -> dict[str, Any]:
    return {"runtime": dict(sorted(runtime_packages.items())), "python": list(sys.version_info[:2]),
            "platform": sys.platform, "gpus": sorted(gpu_names)}


def cache_path() -> Path:
    """Beside the app's data (``PHIDESK_HOME`` moves it), not in the build cache that machines share."""
    return paths.data_dir() / FILE


def load(key: dict[str, Any]) -> tuple[dict[str, Any], str, float] | None:
    """(providers as the probe wrote them, the model they were tried with, when) if kept under *key*."""
    try:
        data = jsonfile.read_object(cache_path(), max_bytes=MAX_BYTES)
    except FileNotFoundError:
        return None
    except (OSError, jsonfile.JSONFileError) as exc:
        log.info("provider probe cache not used: %s", exc)
        return None
    providers, model, when = data.get("providers"), data.get("model"), data.get("when")
    if data.get("key") != key or not isinstance(providers, dict) or not isinstance(model, str):
        return None
    return providers, model, float(when) if isinstance(when, (int, float)) else 0.0


def save_from_load(report: dict[str, Any], used: str, failed: dict[str, str], model: str) -> bool:
    """Keep what loading a model with provider "auto" showed (the one used works; those tried first do not)
    as the probe's answer, so that no second model is ever loaded just to find out. *report*: the machine
    report the key comes from. False (nothing kept) when the report already has the probe's answer."""
    if report.get("probe_cached") or report.get("providers") or "runtime" not in report:
        return False
    key = cache_key(dict(report["runtime"].get("installed") or {}), [str(g.get("name")) for g in report.get("gpus")
                                                                      or []])
    providers: dict[str, Any] = {name: {"ok": False, "reason": reason} for name, reason in failed.items()}
    providers[used] = {"ok": True}
    save(key, providers, model)
    return True


def save(key: dict[str, Any], providers: dict[str, Any], model: str) -> None:
    try:
        jsonfile.write_atomic(cache_path(), {"key": key, "providers": providers, "model": model, "when": time.time()})
    except (OSError, jsonfile.JSONFileError) as exc:  # a cache that cannot be written: probe again next time
        log.info("provider probe cache not written: %s", exc)
