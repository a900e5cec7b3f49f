"""Facts about the runtime that several processes share, without importing it.

The provider keys and their names, the order "auto" tries them in, a readable reason when one fails,
the onnxruntime-genai distributions (flavours) that may be installed, and the peak memory of this
process. The worker, the bare reference loop and the provider probe (child processes) use them, and so
do the hardware report, the fit verdicts and the About text in the app's own process, which is why
nothing here imports onnxruntime_genai.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Sequence

PROVIDERS = ("cpu", "cuda", "dml")  # what a model can run on ("auto" is a choice among these)
PROVIDER_NAMES = {"cpu": "CPU", "cuda": "CUDA", "dml": "DirectML"}
# Every flavour provides the module onnxruntime_genai: exactly one may be installed.
GENAI_PACKAGES = (
    "onnxruntime-genai", "onnxruntime-genai-cuda", "onnxruntime-genai-directml", "onnxruntime-genai-winml",
)


def provider_name(provider: str) -> str:
    """"CUDA" for "cuda"; an unknown key as it is."""
    return PROVIDER_NAMES.get(provider, provider)


def provider_candidates(requested: str) -> list[str]:
    """The providers to try, in order: the one asked for, or for "auto" the best this OS may have."""
    if requested != "auto":
        return [requested]
    if sys.platform == "win32":
        return ["cuda", "dml", "cpu"]
    if sys.platform == "darwin":
        return ["cpu"]
    return ["cuda", "cpu"]


MAX_THREADS = 256
CPU_KV_BYTES = 4  # bytes per KV-cache value: fp32 on the CPU (onnxruntime-genai's int4 CPU builds)
GPU_KV_BYTES = 2  # fp16 on CUDA / DirectML


def kv_value_bytes(provider: str) -> int:
    """Bytes per KV-cache value on *provider* (a provider key, or a catalog build's variant: the same names)."""
    return CPU_KV_BYTES if provider == "cpu" else GPU_KV_BYTES


def default_threads() -> int:
    """The threads a model computes with when the user has not chosen: one per physical core this process
    may use. onnxruntime's own default used one thread on a 2-core machine (two prefill 1.85-1.88 × and decode
    1.46 × as fast at Phi-3.5-mini width); more threads than cores slow decoding down (three threads on two
    cores: −56 to −59 %). See benchmarks/RESULTS.md, "Threads"."""
    import psutil

    physical = psutil.cpu_count(logical=False) or 1
    logical = psutil.cpu_count(logical=True) or physical
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else logical
    # A container or `taskset` may allow fewer logical CPUs than the machine has: scale the cores down with them.
    return max(1, min(physical, physical * usable // logical if logical else physical))


def resolve_threads(threads: int) -> int:
    """The thread count to use: *threads* when set (> 0), else :func:`default_threads`."""
    return min(MAX_THREADS, threads) if threads > 0 else default_threads()


WORKER_NICE = 5  # how much lower than the app's the worker's CPU priority is (POSIX nice; Windows: below normal)


def lower_priority(nice: int = WORKER_NICE) -> None:
    """Run this process (a worker) below the app's priority: with the model computing on every core, the
    window still gets a core the moment it needs one. ``PHIDESK_WORKER_NICE`` overrides (0: as the app)."""
    import logging

    with contextlib.suppress(ValueError):
        nice = int(os.environ.get("PHIDESK_WORKER_NICE", nice))
    if nice <= 0:
        return
    try:
        if sys.platform == "win32":
            import psutil

            psutil.Process().nice(psutil.BELOW_NORMAL_PRIORITY_CLASS)
        else:
            os.nice(nice)
    except (OSError, ImportError, AttributeError) as exc:  # not fatal: the worker runs at the app's priority
        logging.getLogger(__name__).info("could not lower the worker's priority: %s", exc)


def threads_overlay(threads: int) -> str:
    """The ``Config.overlay`` JSON that makes the decoder compute with *threads* threads (no file is edited)."""
    import json

    return json.dumps({"model": {"decoder": {"session_options": {"intra_op_num_threads": int(threads)}}}})


# Where README says how to install a GPU build; error texts point there, so the section keeps this name.
GPU_BUILDS_README = "see README: GPU builds"


def unavailable(provider: str, reason: str) -> str:
    """The line "auto" keeps for a provider it passed over (``Loaded.fallback_reasons``)."""
    return f"{provider_name(provider)} unavailable: {reason}"


def fallback_note(requested: str, used: str, reasons: Sequence[str], could_have: Iterable[str]) -> str | None:
    """One line saying why "auto" passed over a provider this machine could use (*could_have*: e.g. "cuda"
    with an NVIDIA GPU present, "dml" on Windows), or None: nothing such was passed over, or the provider
    was chosen by hand. A CPU-only machine trying CUDA first is no news and gets None."""
    if requested != "auto":
        return None
    prefixes = tuple(unavailable(p, "") for p in could_have)
    passed = [r for r in reasons if prefixes and r.startswith(prefixes)]
    if not passed:
        return None
    return f"--ep auto runs on {provider_name(used)}: " + "; ".join(passed)


def explain_provider_failure(provider: str, error: Exception) -> str:
    """A reason a user can act on, from the runtime's message."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    lowered = text.lower()
    if provider == "cuda" and ("failed to load library" in lowered or "not built" in lowered):
        return f"the CUDA build of onnxruntime-genai is not installed ({GPU_BUILDS_README})"
    if provider == "dml" and "not been built with dml" in lowered:
        return "this onnxruntime-genai build has no DirectML (Windows only)"
    if provider == "cuda" and ("cuda" in lowered and ("driver" in lowered or "no device" in lowered)):
        return f"no usable NVIDIA GPU ({text})"
    return text


def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MiB."""
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
    except ImportError:  # Windows
        import psutil

        return float(getattr(psutil.Process().memory_info(), "peak_wset", 0)) / (1024 * 1024)
