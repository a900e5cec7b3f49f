"""Which execution providers really work here: run in its own process, prints one JSON line.

    python -m phidesk.engine.providers [MODEL_DIR]

With a model folder it loads the model once per provider (``config.clear_providers()`` then
``append_provider``), because a build's flags say what it was compiled with, not whether a
driver, a GPU and the CUDA libraries are there. Without one it can only report
``og.is_cuda_available()`` / ``og.is_dml_available()``, marked ``"unverified": true``.

Output: ``{"package": "onnxruntime-genai 0.18.0", "model": "...", "providers": {"cpu": {"ok": true},
"cuda": {"ok": false, "reason": "..."}, "dml": {...}}}``. Like the worker, this imports
onnxruntime_genai, so it only ever runs as a child process (``phidesk.models.hardware`` starts it).
"""

from __future__ import annotations

import json
import os
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from phidesk import privacy
from phidesk.engine.runtime import GENAI_PACKAGES, PROVIDERS, explain_provider_failure, provider_name


def installed_package() -> str | None:
    found = []
    for name in GENAI_PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(found) or None


def _build_flags(og: Any) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {"cpu": {"ok": True, "unverified": True}}
    for provider, check in (("cuda", "is_cuda_available"), ("dml", "is_dml_available")):
        func = getattr(og, check, None)
        try:
            ok = bool(func()) if func is not None else False
        except Exception as exc:  # report whatever the binding raises
            result[provider] = {"ok": False, "reason": f"{check}() failed: {exc}", "unverified": True}
            continue
        entry: dict[str, Any] = {"ok": ok, "unverified": True}
        if not ok:
            entry["reason"] = f"this onnxruntime-genai build has no {provider_name(provider)} support"
        result[provider] = entry
    return result


def _try_load(og: Any, model_dir: Path, provider: str) -> dict[str, Any]:
    try:
        config = og.Config(str(model_dir))
        config.clear_providers()
        if provider != "cpu":
            config.append_provider(provider)
        model = og.Model(config)
        del model
    except Exception as exc:  # the runtime raises RuntimeError with a readable text
        return {"ok": False, "reason": explain_provider_failure(provider, exc)}
    return {"ok": True}


def probe(model_dir: Path | None) -> dict[str, Any]:
    """The report for this process's onnxruntime-genai, trying *model_dir* when given."""
    report: dict[str, Any] = {"package": installed_package(), "model": str(model_dir) if model_dir else None}
    try:
        import onnxruntime_genai as og
    except ImportError as exc:
        reason = f"onnxruntime-genai cannot be imported: {exc}"
        report["providers"] = {p: {"ok": False, "reason": reason} for p in PROVIDERS}
        return report
    privacy.disable_runtime_telemetry(og)
    report["version"] = getattr(og, "__version__", None)
    if model_dir is None:
        report["providers"] = _build_flags(og)
        return report
    flags = _build_flags(og)
    providers: dict[str, dict[str, Any]] = {}
    for provider in PROVIDERS:
        if provider == "dml" and sys.platform != "win32":
            providers[provider] = {"ok": False, "reason": "DirectML is Windows only"}
        elif provider != "cpu" and not flags[provider]["ok"]:
            # Not compiled in: loading would only fail with a less readable message.
            providers[provider] = {"ok": False, "reason": flags[provider]["reason"]}
        else:
            providers[provider] = _try_load(og, model_dir, provider)
    report["providers"] = providers
    return report


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    model_dir = Path(args[0]).expanduser() if args else None
    # Native libraries print to fd 1 (CUDA warnings, libjpeg…): keep a private copy of stdout for the
    # JSON line and point fd 1 at stderr, as the worker does.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    if model_dir is not None and not model_dir.is_dir():
        report: dict[str, Any] = {"package": installed_package(), "error": f"{model_dir}: not a folder"}
        code = 2
    else:
        report, code = probe(model_dir), 0
    out.write(json.dumps(report) + "\n")
    out.flush()
    return code


if __name__ == "__main__":
    sys.exit(main())
