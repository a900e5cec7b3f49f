"""What the About dialog (and ``phidesk about``) shows: versions, runtime flavour, providers, folders.

Qt-free, so the command line and the window give the same text, and a bug report can be
pasted from either. Nothing here touches the network; the provider verdicts come from the
hardware report (which tried each provider in a child process) when one is at hand.
"""

from __future__ import annotations

import platform
import sys
from importlib import metadata
from typing import Any

from phidesk import __version__, paths, privacy
from phidesk.engine.runtime import provider_name
from phidesk.models import hardware


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def about_rows(report: dict[str, Any] | None = None, loaded: tuple[str, str] | None = None) -> list[tuple[str, str]]:
    """(label, value) rows; *report* is ``models.report.machine_report()``'s dict; *loaded* (model id,
    provider in use)."""
    runtime = hardware.detect_runtime()
    flavour = ", ".join(f"{name} {version}" for name, version in runtime.packages.items()) or "not installed"
    rows = [
        ("PhiDesk", f"{__version__}" + (" (packaged app)" if paths.frozen() else " (from Python)")),
        ("onnxruntime-genai", flavour + (f" — {runtime.warning}" if runtime.warning else "")),
        ("onnxruntime", _version("onnxruntime")),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("Qt bindings", f"PySide6 {_version('pyside6-essentials')}"),
        ("System", f"{platform.system()} {platform.release()} · {platform.machine()}"),
        ("Privacy", privacy.SUMMARY),
    ]
    providers = (report or {}).get("providers") or {}
    if providers:
        for key, status in providers.items():
            name = provider_name(key)
            if status.get("ok"):
                verdict = "available" + (" (compiled in; not yet tried with a model)" if status.get("unverified")
                                         else " (loads a model)")
            else:
                verdict = f"not available: {status.get('reason') or 'unknown reason'}"
            rows.append((f"Provider {name}", verdict))
    else:
        rows.append(("Providers", "not checked yet (the Models pane checks them at start)"))
    if loaded is not None:
        rows.append(("Loaded model", f"{loaded[0]} on {provider_name(loaded[1])}"))
    rows += [
        ("Data folder", str(paths.data_dir())),
        ("Models folder", str(paths.models_dir())),
        ("Settings folder", str(paths.config_dir())),
        ("Logs folder", str(paths.logs_dir())),
        ("Cache folder", str(paths.cache_dir())),
    ]
    return rows


def about_text(report: dict[str, Any] | None = None, loaded: tuple[str, str] | None = None) -> str:
    """The rows as plain text, for the clipboard and a bug report."""
    rows = about_rows(report, loaded)
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label.ljust(width)}  {value}" for label, value in rows) + "\n"
