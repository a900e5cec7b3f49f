"""What this machine's tests may assume about the platform and the installed onnxruntime-genai flavour.

Tests that need a platform are marked ``posix``, ``linux`` or ``windows`` (pyproject's markers); conftest skips
them elsewhere, with the reason. Tests that need CUDA to be *unavailable* are marked ``cpu_only_runtime``:
the plain ``onnxruntime-genai`` wheel has no CUDA or DirectML provider, another flavour may really have one.
"""

from __future__ import annotations

import os
import sys
from importlib import metadata

import pytest

ON = {"posix": os.name == "posix", "linux": sys.platform == "linux", "windows": sys.platform == "win32"}


def genai_flavours() -> dict[str, str]:
    """The onnxruntime-genai flavours installed here (CPU, CUDA, DirectML, WinML), with their versions."""
    found = {}
    for name in ("onnxruntime-genai", "onnxruntime-genai-cuda", "onnxruntime-genai-directml",
                 "onnxruntime-genai-winml"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


FLAVOURS = genai_flavours()
CPU_ONLY_RUNTIME = set(FLAVOURS) == {"onnxruntime-genai"}
cpu_only_runtime = pytest.mark.skipif(not CPU_ONLY_RUNTIME,
                                      reason=f"assumes the CPU-only onnxruntime-genai build; installed: {FLAVOURS}")
