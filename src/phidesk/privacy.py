"""What PhiDesk does so that nothing leaves the machine unless the user asks for a download.

onnxruntime and onnxruntime-genai (0.18, the Linux CPU wheels at least) carry Microsoft's
telemetry client, **on by default**: a process that keeps a model loaded for more than a few
seconds looks up ``mobile.events.data.microsoft.com`` and writes a device id and queued
events (process path, OS, CPU model, model load times) under
``~/.cache/Microsoft/DeveloperTools/.onnxruntime/``. Both libraries read
``ORT_DISABLE_TELEMETRY`` once, when they load; calling ``disable_telemetry_events()`` after
the import is too late to stop the device id and the queue files. So the variable is put in
this process's environment when the ``phidesk`` package is imported — before any module can
import the runtime — and every helper process PhiDesk starts (worker, provider probe, bare
loop, converter, model builder) inherits it. Those that import the runtime also call
``disable_telemetry_events()``. How this was measured, and how the test checks it, is in
ARCHITECTURE.md ("Privacy").

huggingface_hub sends nothing by itself during a plain download, but libraries built on it
(transformers, used by the converter) report usage unless ``HF_HUB_DISABLE_TELEMETRY`` is set.

Downloads are the only network use. They are refused when the Offline setting is on or when
``HF_HUB_OFFLINE`` is set (see :func:`offline_reason`).
"""

from __future__ import annotations

import os
from typing import Any

from phidesk.texts import QT_TRANSLATE_NOOP, Text

# Read by the libraries when they load; inherited by every child process.
QUIET_ENV = {
    "ORT_DISABLE_TELEMETRY": "1",  # onnxruntime and onnxruntime-genai
    "HF_HUB_DISABLE_TELEMETRY": "1",  # huggingface_hub / transformers usage reports
    "DO_NOT_TRACK": "1",  # the cross-tool convention, honoured by huggingface_hub too
}

SUMMARY = ("PhiDesk sends nothing: it uses the network only to download a model you chose. "
           "The runtime's own telemetry (onnxruntime, onnxruntime-genai) is turned off in every process.")

OFFLINE_ENV = "HF_HUB_OFFLINE"


def quiet_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """Put :data:`QUIET_ENV` into *env* (default: this process's environment) and return it."""
    target: Any = os.environ if env is None else env
    for key, value in QUIET_ENV.items():
        target[key] = value
    return dict(target)


def disable_runtime_telemetry(og: Any) -> None:
    """Belt and braces in a process that imported onnxruntime_genai (the variable already did the work)."""
    disable = getattr(og, "disable_telemetry_events", None)
    if callable(disable):
        disable()


def offline_reason(setting: bool) -> str | None:
    """Why downloads are refused right now, or None when they are allowed."""
    if os.environ.get(OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}:
        return Text("Downloads", QT_TRANSLATE_NOOP(
            "Downloads", "downloads are off: {variable} is set in the environment (unset it to download; installed "
                         "models keep working)"), variable=OFFLINE_ENV)
    if setting:
        return Text("Downloads", QT_TRANSLATE_NOOP(
            "Downloads", "downloads are off: PhiDesk is in Offline mode (untick Offline in Settings to download; "
                         "installed models keep working)"))
    return None
