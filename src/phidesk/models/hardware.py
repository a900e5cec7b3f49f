"""What this machine has: CPU, RAM, GPUs, the installed onnxruntime-genai flavour and the providers
that really load a model.

``detect()`` gathers it; ``phidesk.models.report.machine_report(context)`` adds a verdict for every
catalog model and the recommended default (``phidesk.models.fit``), as one JSON-ready dict.

Nothing here imports onnxruntime_genai: which providers work is asked of a child process
(``python -m phidesk.engine.providers``) that loads the smallest installed model with each.
GPUs come from NVML (NVIDIA, through ``pynvml`` from nvidia-ml-py), from DXGI on Windows (every
DirectX 12 adapter, through ctypes) and, on Apple Silicon, the unified memory. Every probe is
guarded: a missing library, driver or API gives fewer facts, never an exception.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil

from phidesk import paths
from phidesk.engine.runtime import GENAI_PACKAGES
from phidesk.models import probecache
from phidesk.models.gpus import GpuInfo, apple_gpu, dxgi_gpus, nvidia_gpus

log = logging.getLogger(__name__)

MB = 1024 * 1024
PROBE_TIMEOUT_S = 60
# CPU features that matter to ONNX Runtime's kernels, by the names Linux uses in /proc/cpuinfo.
X86_FEATURES = ("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
                "avx_vnni", "avx512_bf16", "amx_tile", "amx_int8", "amx_bf16")
# aarch64 /proc/cpuinfo "Features" names → the names reported here
ARM_FEATURES = {"asimd": "neon", "asimddp": "dotprod", "i8mm": "i8mm", "sve": "sve", "bf16": "bf16",
                "asimdhp": "fp16"}


@dataclass(frozen=True)
class CpuInfo:
    name: str
    cores: int
    threads: int
    features: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RamInfo:
    total_mb: int
    available_mb: int


@dataclass(frozen=True)
class ProviderStatus:
    ok: bool
    reason: str = ""
    unverified: bool = False  # from the build flags only: no model was loaded with it


@dataclass(frozen=True)
class RuntimeInfo:
    packages: dict[str, str]  # installed onnxruntime-genai flavours → version
    warning: str = ""

    @property
    def package(self) -> str | None:
        return next(iter(self.packages), None)

    @property
    def version(self) -> str | None:
        return next(iter(self.packages.values()), None)


@dataclass(frozen=True)
class Hardware:
    os: str  # "linux", "windows", "macos" or sys.platform
    arch: str  # "x86_64", "arm64"…
    cpu: CpuInfo
    ram: RamInfo
    gpus: list[GpuInfo] = field(default_factory=list)
    runtime: RuntimeInfo = field(default_factory=lambda: RuntimeInfo({}))
    providers: dict[str, ProviderStatus] = field(default_factory=dict)
    probe_model: str | None = None  # the model folder the providers were tried with
    probed_at: float = 0.0  # when (a kept answer's time when it came from the cache)
    probe_cached: bool = False  # the providers are the probe's kept answer: nothing was loaded this time
    notes: list[str] = field(default_factory=list)  # what could not be found out, and why

    def provider_ok(self, name: str) -> bool:
        status = self.providers.get(name)
        return bool(status and status.ok)

    def to_json(self, recommendations: list[Any] | None = None) -> dict[str, Any]:
        """A JSON-ready dict: os, arch, cpu, ram, gpus, runtime, providers, recommendations…"""
        recs = [r.to_json() if hasattr(r, "to_json") else dict(r) for r in (recommendations or [])]
        return {
            "os": self.os,
            "arch": self.arch,
            "cpu": asdict(self.cpu),
            "ram": asdict(self.ram),
            "gpus": [asdict(g) for g in self.gpus],
            "runtime": {"package": self.runtime.package, "version": self.runtime.version,
                        "installed": dict(self.runtime.packages), "warning": self.runtime.warning},
            "providers": {name: {k: v for k, v in asdict(s).items() if v or k == "ok"}
                          for name, s in self.providers.items()},
            "probe_model": self.probe_model,
            "probed_at": self.probed_at,
            "probe_cached": self.probe_cached,
            "notes": list(self.notes),
            "recommendations": recs,
        }


# --- OS and CPU ---------------------------------------------------------------------------


def os_name() -> str:
    return {"win32": "windows", "darwin": "macos"}.get(sys.platform, "linux" if sys.platform.startswith("linux")
                                                       else sys.platform)


def arch_name() -> str:
    machine = platform.machine().lower()
    return {"amd64": "x86_64", "x64": "x86_64", "aarch64": "arm64", "armv8": "arm64"}.get(machine, machine)


def _run(cmd: list[str], timeout: float = 5) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False,
                              **paths.helper_popen_kwargs()).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def linux_cpu(cpuinfo: str) -> tuple[str, list[str]]:
    """(name, features) from the text of /proc/cpuinfo (x86 "flags" or ARM "Features")."""
    name, flags = "", set[str]()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in ("model name", "hardware", "cpu model") and not name:
            name = value.strip()
        elif key in ("flags", "features") and not flags:
            flags = set(value.split())
    features = [f for f in X86_FEATURES if f in flags]
    features += [ours for theirs, ours in ARM_FEATURES.items() if theirs in flags]
    return name, features


def _mac_cpu() -> tuple[str, list[str]]:
    name = _run(["sysctl", "-n", "machdep.cpu.brand_string"]).strip()
    features: list[str] = []
    if arch_name() == "arm64":
        optional = dict(re.findall(r"^hw\.optional\.(\S+):\s*(\d+)", _run(["sysctl", "hw.optional"]), re.MULTILINE))
        for key, ours in (("neon", "neon"), ("arm.FEAT_DotProd", "dotprod"), ("arm.FEAT_I8MM", "i8mm"),
                          ("arm.FEAT_BF16", "bf16"), ("arm.FEAT_FP16", "fp16")):
            if optional.get(key) == "1":
                features.append(ours)
    else:
        words = _run(["sysctl", "-n", "machdep.cpu.features", "machdep.cpu.leaf7_features"]).lower().split()
        flags = {w.replace("1.0", "").replace(".", "_") for w in words}
        features = [f for f in X86_FEATURES if f in flags or f.replace("_", "") in flags]
    return name, features


# IsProcessorFeaturePresent constants (winnt.h)
_WIN_FEATURES = (("sse4_2", 38), ("avx", 39), ("avx2", 40), ("avx512f", 41), ("neon", 19), ("dotprod", 43))


def _windows_cpu() -> tuple[str, list[str]]:
    import importlib

    name = platform.processor()
    try:
        winreg: Any = importlib.import_module("winreg")
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r"HARDWARE\DESCRIPTION\System\CentralProcessor\0") as key:
            name = str(winreg.QueryValueEx(key, "ProcessorNameString")[0]).strip() or name
    except (ImportError, OSError):
        pass
    features = []
    try:
        import ctypes

        win: Any = ctypes  # windll exists on Windows only
        present = win.windll.kernel32.IsProcessorFeaturePresent
        features = [ours for ours, number in _WIN_FEATURES if present(number)]
    except (AttributeError, OSError):
        pass
    return name, features


def detect_cpu() -> CpuInfo:
    name, features = "", list[str]()
    try:
        if sys.platform.startswith("linux"):
            name, features = linux_cpu(Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace"))
        elif sys.platform == "darwin":
            name, features = _mac_cpu()
        elif sys.platform == "win32":
            name, features = _windows_cpu()
    except OSError as exc:
        log.info("cpu details: %s", exc)
    threads = psutil.cpu_count(logical=True) or os.cpu_count() or 1
    cores = psutil.cpu_count(logical=False) or threads
    return CpuInfo(name or platform.processor() or arch_name(), cores, threads, features)


def detect_ram() -> RamInfo:
    memory = psutil.virtual_memory()
    return RamInfo(round(memory.total / MB), round(memory.available / MB))


# --- GPUs ---------------------------------------------------------------------------------


def detect_gpus(cpu: CpuInfo, ram: RamInfo, notes: list[str] | None = None) -> list[GpuInfo]:
    """NVML's NVIDIA GPUs (exact memory figures), the other DXGI adapters on Windows (DXGI's NVIDIA
    entries only when NVML found none), Apple's unified-memory GPU. The discrete GPU with the most
    dedicated memory is marked high_performance: what DXGI's high-performance preference picks on
    hybrid laptops, and where the app would run a GPU model."""
    nvidia = nvidia_gpus(notes)
    gpus = nvidia + [g for g in dxgi_gpus(notes) if not (nvidia and g.vendor == "nvidia")]
    if gpus:
        top = max(range(len(gpus)), key=lambda k: gpus[k].vram_mb)
        gpus[top] = GpuInfo(**{**asdict(gpus[top]), "high_performance": True})
    return gpus + apple_gpu(cpu.name, ram.total_mb)


# --- the runtime and its providers --------------------------------------------------------


def detect_runtime() -> RuntimeInfo:
    packages = {}
    for name in GENAI_PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    warning = ""
    if len(packages) > 1:
        warning = (f"more than one onnxruntime-genai flavour is installed ({', '.join(packages)}); they all provide "
                   "the module onnxruntime_genai, so which one loads is an accident: uninstall all but one")
    elif not packages:
        warning = "onnxruntime-genai is not installed: no model can run"
    return RuntimeInfo(packages, warning)


def smallest_model() -> Path | None:
    """The smallest usable installed model (usually the starter), to try the providers with."""
    try:
        from phidesk.models.library import list_models

        usable = [m for m in list_models() if m.info is not None]
    except Exception as exc:  # a broken library must not break hardware detection
        log.info("listing models for the provider probe: %s", exc)
        return None
    if not usable:
        return None
    return min(usable, key=lambda m: m.info.size_bytes if m.info else 0).path


PROVIDERS_FLAG = "--phidesk-providers"  # how a frozen app runs the probe (phidesk.entry)


def probe_command(model_dir: Path | None) -> list[str]:
    tail = [str(model_dir)] if model_dir else []
    return [*paths.helper_command(PROVIDERS_FLAG, "phidesk.engine.providers"), *tail]


def probe_providers(model_dir: Path | None, timeout: float = PROBE_TIMEOUT_S) -> tuple[dict[str, ProviderStatus], str]:
    """Ask a child process which providers load *model_dir* (or, without one, which are compiled in).

    Returns (providers, problem); on any failure the providers are empty and *problem* says why.
    """
    cmd = probe_command(model_dir)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace",
                              timeout=timeout, env=env, check=False, **paths.helper_popen_kwargs())
    except subprocess.TimeoutExpired:
        return {}, f"provider probe took more than {timeout:.0f} s"
    except OSError as exc:
        return {}, f"provider probe could not start: {exc}"
    lines = [line for line in done.stdout.splitlines() if line.strip().startswith("{")]
    try:
        data = json.loads(lines[-1])
    except (IndexError, ValueError):
        tail = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return {}, f"provider probe failed: {tail}"
    if "error" in data:
        return {}, f"provider probe failed: {data['error']}"
    return _provider_statuses(data.get("providers") or {}), ""


def _provider_statuses(raw: dict[str, Any]) -> dict[str, ProviderStatus]:
    return {str(name): ProviderStatus(bool(item.get("ok")), str(item.get("reason", "")),
                                      bool(item.get("unverified", False)))
            for name, item in raw.items() if isinstance(item, dict)}


def detect(probe: bool = True, model_dir: Path | None = None, *, refresh: bool = False,
           kept_only: bool = False) -> Hardware:
    """Everything about this machine. *probe*: which providers work — the probe's kept answer
    (``phidesk.models.probecache``) when nothing it depends on changed, else the probe itself (up to 60 s; with
    the smallest installed model unless *model_dir* is given). *refresh*: probe even if an answer is kept.
    *kept_only*: never start the probe (the window: its own model load tells which providers work)."""
    notes: list[str] = []
    cpu = detect_cpu()
    ram = detect_ram()
    gpus = detect_gpus(cpu, ram, notes)
    runtime = detect_runtime()
    providers: dict[str, ProviderStatus] = {}
    probe_model, probed_at, cached = None, 0.0, False
    key = probecache.cache_key(runtime.packages, [g.name for g in gpus])
    kept = probecache.load(key) if probe and model_dir is None and not refresh else None
    if kept is not None:
        raw, probe_model, probed_at = kept
        providers, cached = _provider_statuses(raw), True
    elif probe and kept_only and not refresh:
        notes.append("the providers are checked when a model loads (or with 'check again')")
    elif probe:
        model = model_dir if model_dir is not None else smallest_model()
        probe_model = str(model) if model else None
        if model is None:
            notes.append("no installed model to try the providers with: GPU providers are unverified")
        providers, problem = probe_providers(model)
        probed_at = time.time()
        if problem:
            notes.append(problem)
        elif model is not None and model_dir is None:
            probecache.save(key, {name: asdict(status) for name, status in providers.items()}, str(model))
    return Hardware(os_name(), arch_name(), cpu, ram, gpus, runtime, providers, probe_model, probed_at, cached,
                    notes)
