"""The GPUs of this machine: NVIDIA through NVML, every adapter through DXGI on Windows, Apple's unified-memory GPU.

Split from ``hardware`` (CPU, RAM, runtime, providers), which combines these in ``detect_gpus``.
Nothing here needs a driver to import: NVML and DXGI are loaded when asked, and their absence is a note.
"""

from __future__ import annotations

import contextlib
import logging
import platform
import sys
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

MB = 1024 * 1024


@dataclass(frozen=True)
class GpuInfo:
    vendor: str  # "nvidia", "amd", "intel", "apple", "microsoft", "qualcomm" or "other"
    name: str
    vram_mb: int  # dedicated memory; unified memory (the RAM total) on Apple Silicon
    index: int
    source: str = ""  # "nvml", "dxgi" or "unified"
    high_performance: bool = False


def nvidia_gpus(notes: list[str] | None = None) -> list[GpuInfo]:
    """NVIDIA GPUs through NVML; [] (and a note) when the library or the driver is missing."""
    try:
        import pynvml
    except ImportError:
        if notes is not None:
            notes.append("NVIDIA: nvidia-ml-py is not installed")
        return []
    try:
        pynvml.nvmlInit()
    except Exception as exc:  # NVMLError_LibraryNotFound, _DriverNotLoaded…: no NVIDIA driver here
        if notes is not None:
            notes.append(f"NVIDIA: no driver ({exc})")
        return []
    gpus = []
    try:
        for i in range(pynvml.nvmlDeviceGetCount()):
            handle = pynvml.nvmlDeviceGetHandleByIndex(i)
            name = pynvml.nvmlDeviceGetName(handle)
            name = name.decode() if isinstance(name, bytes) else str(name)
            total = int(pynvml.nvmlDeviceGetMemoryInfo(handle).total)
            gpus.append(GpuInfo("nvidia", name, round(total / MB), i, "nvml"))
    except Exception as exc:  # a GPU that fell off the bus, a driver/library mismatch…
        if notes is not None:
            notes.append(f"NVIDIA: {exc}")
    finally:
        with contextlib.suppress(Exception):  # nothing to do about a failed shutdown
            pynvml.nvmlShutdown()
    return gpus


_PCI_VENDORS = {0x10DE: "nvidia", 0x1002: "amd", 0x1022: "amd", 0x8086: "intel", 0x1414: "microsoft",
                0x5143: "qualcomm", 0x4D4F4351: "qualcomm"}


def dxgi_gpus(notes: list[str] | None = None) -> list[GpuInfo]:
    """Windows display adapters through DXGI (IDXGIFactory1::EnumAdapters1 → GetDesc1), via ctypes.

    Software adapters (WARP, the Basic Render Driver) are skipped. Not yet run on real Windows from
    this project's machines: every step is guarded, and a failure only costs the list (and a note).
    """
    if sys.platform != "win32":
        return []
    try:
        return _dxgi_enumerate()
    except Exception as exc:  # any ctypes/COM failure only costs the GPU list
        if notes is not None:
            notes.append(f"DXGI: {exc}")
        return []


def _dxgi_enumerate() -> list[GpuInfo]:
    import ctypes
    from ctypes import wintypes

    class GUID(ctypes.Structure):
        _fields_ = [("Data1", wintypes.DWORD), ("Data2", wintypes.WORD), ("Data3", wintypes.WORD),
                    ("Data4", ctypes.c_ubyte * 8)]

    class LUID(ctypes.Structure):
        _fields_ = [("LowPart", wintypes.DWORD), ("HighPart", wintypes.LONG)]

    class DXGI_ADAPTER_DESC1(ctypes.Structure):  # noqa: N801 - the Windows name
        _fields_ = [("Description", wintypes.WCHAR * 128), ("VendorId", wintypes.UINT), ("DeviceId", wintypes.UINT),
                    ("SubSysId", wintypes.UINT), ("Revision", wintypes.UINT),
                    ("DedicatedVideoMemory", ctypes.c_size_t), ("DedicatedSystemMemory", ctypes.c_size_t),
                    ("SharedSystemMemory", ctypes.c_size_t), ("AdapterLuid", LUID), ("Flags", wintypes.UINT)]

    win: Any = ctypes  # WINFUNCTYPE and WinDLL exist on Windows only
    winfunctype = win.WINFUNCTYPE
    hresult = ctypes.c_long
    # {770aae78-f26f-4dba-a829-253c83d1b387}
    iid_factory1 = GUID(0x770AAE78, 0xF26F, 0x4DBA,
                        (ctypes.c_ubyte * 8)(0xA8, 0x29, 0x25, 0x3C, 0x83, 0xD1, 0xB3, 0x87))
    dxgi = win.WinDLL("dxgi.dll")
    create = dxgi.CreateDXGIFactory1
    create.restype = hresult
    create.argtypes = [ctypes.POINTER(GUID), ctypes.POINTER(ctypes.c_void_p)]

    def method(obj: ctypes.c_void_p, index: int, *argtypes: Any) -> Any:
        vtable = ctypes.cast(obj, ctypes.POINTER(ctypes.POINTER(ctypes.c_void_p)))[0]
        return winfunctype(hresult, ctypes.c_void_p, *argtypes)(vtable[index])

    def release(obj: ctypes.c_void_p) -> None:
        vtable = ctypes.cast(obj, ctypes.POINTER(ctypes.POINTER(ctypes.c_void_p)))[0]
        winfunctype(wintypes.ULONG, ctypes.c_void_p)(vtable[2])(obj)  # IUnknown::Release

    factory = ctypes.c_void_p()
    hr = create(ctypes.byref(iid_factory1), ctypes.byref(factory))
    if hr < 0 or not factory.value:
        raise OSError(f"CreateDXGIFactory1 failed (0x{hr & 0xFFFFFFFF:08X})")
    gpus: list[GpuInfo] = []
    try:
        enum_adapters1 = method(factory, 12, wintypes.UINT, ctypes.POINTER(ctypes.c_void_p))  # IDXGIFactory1
        for i in range(64):
            adapter = ctypes.c_void_p()
            if enum_adapters1(factory, i, ctypes.byref(adapter)) < 0 or not adapter.value:
                break  # DXGI_ERROR_NOT_FOUND: no more adapters
            try:
                desc = DXGI_ADAPTER_DESC1()
                if method(adapter, 10, ctypes.POINTER(DXGI_ADAPTER_DESC1))(adapter, ctypes.byref(desc)) < 0:
                    continue  # IDXGIAdapter1::GetDesc1 failed
                if desc.Flags & 2:  # DXGI_ADAPTER_FLAG_SOFTWARE
                    continue
                vendor = _PCI_VENDORS.get(desc.VendorId, "other")
                gpus.append(GpuInfo(vendor, desc.Description.strip(), round(desc.DedicatedVideoMemory / MB), i, "dxgi"))
            finally:
                release(adapter)
    finally:
        release(factory)
    return gpus


def apple_gpu(cpu_name: str, ram_total_mb: int) -> list[GpuInfo]:
    """Apple Silicon: the GPU shares the RAM (unified memory), so it is reported with the RAM total."""
    if sys.platform != "darwin" or platform.machine().lower() not in ("arm64", "aarch64"):
        return []
    name = f"{cpu_name} GPU" if cpu_name.startswith("Apple") else "Apple Silicon GPU"
    return [GpuInfo("apple", name, ram_total_mb, 0, "unified", True)]


def gpu_providers(gpus: list[GpuInfo], os_name: str) -> set[str]:
    """The GPU providers this machine's hardware could run (what `--ep auto` passing over them should say):
    CUDA with an NVIDIA GPU, DirectML on Windows with a GPU that is not Microsoft's software adapter."""
    have = {"cuda"} if any(g.vendor == "nvidia" for g in gpus) else set()
    if os_name == "windows" and any(g.vendor not in ("microsoft", "apple") for g in gpus):
        have.add("dml")
    return have
