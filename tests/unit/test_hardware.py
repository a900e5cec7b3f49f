"""Hardware detection on this real machine, and the provider probe on the real starter model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from phidesk.models import hardware
from phidesk.models.hardware import linux_cpu
from phidesk.models.report import machine_report
from tests.platforms import CPU_ONLY_RUNTIME, FLAVOURS

CPUINFO = Path("/proc/cpuinfo")
HAS_NVIDIA = Path("/dev/nvidiactl").exists()



def _flags() -> set[str]:
    for line in CPUINFO.read_text(encoding="utf-8", errors="replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() in ("flags", "features"):
            return set(value.split())
    return set()


def test_cpu_and_ram(phidesk_home: Path) -> None:
    hw = hardware.detect(probe=False)
    assert hw.cpu.cores >= 1
    assert hw.cpu.threads >= hw.cpu.cores
    assert hw.cpu.name
    total = psutil.virtual_memory().total / 2**20
    assert abs(hw.ram.total_mb - total) <= 0.05 * total
    assert 0 < hw.ram.available_mb <= hw.ram.total_mb
    assert hw.os in ("linux", "windows", "macos")
    assert hw.arch


@pytest.mark.linux
def test_cpu_features_follow_proc_cpuinfo() -> None:
    flags = _flags()
    features = hardware.detect_cpu().features
    for flag in ("avx2", "avx512f", "fma"):
        assert (flag in features) == (flag in flags)
    if "asimd" in flags:
        assert "neon" in features


def test_linux_cpu_parsing_x86_and_arm() -> None:
    name, features = linux_cpu("processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: fpu sse4_2 avx avx2 fma avx512f\n")
    assert name == "Test CPU"
    assert features == ["sse4_2", "avx", "avx2", "fma", "avx512f"]
    _, arm = linux_cpu("processor\t: 0\nFeatures\t: fp asimd evtstrm asimddp i8mm\nCPU implementer\t: 0x41\n")
    assert arm == ["neon", "dotprod", "i8mm"]


def test_gpus_on_this_machine(phidesk_home: Path) -> None:
    notes: list[str] = []
    gpus = hardware.detect_gpus(hardware.detect_cpu(), hardware.detect_ram(), notes)
    nvidia = [g for g in gpus if g.vendor == "nvidia"]
    if HAS_NVIDIA:
        assert nvidia
        assert all(g.vram_mb > 1000 for g in nvidia)
    else:
        assert gpus == []  # no NVIDIA driver, not Windows, not Apple Silicon
        assert any(n.startswith("NVIDIA:") for n in notes)  # why there is none, not an exception


def test_runtime_flavour() -> None:
    runtime = hardware.detect_runtime()
    assert len(FLAVOURS) == 1, f"one flavour should be installed, found {FLAVOURS}"
    assert runtime.packages == FLAVOURS
    assert runtime.version is not None
    assert runtime.version.startswith("0.18.")
    assert runtime.warning == ""


def test_probe_without_a_model_reports_build_flags(phidesk_home: Path) -> None:
    providers, problem = hardware.probe_providers(None)
    assert problem == ""
    assert providers["cpu"].ok
    assert all(status.unverified for status in providers.values())
    if not HAS_NVIDIA:
        assert not providers["cuda"].ok
        assert providers["cuda"].reason


@pytest.mark.slow
def test_probe_on_the_starter_really_loads_it(starter_source: Path) -> None:
    providers, problem = hardware.probe_providers(starter_source)
    assert problem == ""
    assert providers["cpu"].ok
    assert not providers["cpu"].unverified
    if CPU_ONLY_RUNTIME:  # another flavour may really load CUDA or DirectML: only the CPU build rules them out
        assert not providers["cuda"].ok
        assert "CUDA" in providers["cuda"].reason
        assert not providers["dml"].ok
        assert providers["dml"].reason


@pytest.mark.slow
def test_probe_command_prints_one_json_line(starter_source: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "phidesk.engine.providers", str(starter_source)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["package"] in {f"{name} {version}" for name, version in FLAVOURS.items()}
    assert data["providers"]["cpu"] == {"ok": True}


def test_probe_of_a_missing_folder_degrades(tmp_path: Path) -> None:
    providers, problem = hardware.probe_providers(tmp_path / "nope")
    assert providers == {}
    assert "not a folder" in problem


def test_probe_timeout_degrades(tmp_path: Path) -> None:
    providers, problem = hardware.probe_providers(tmp_path, timeout=0.001)
    assert providers == {}
    assert "more than" in problem


@pytest.mark.slow
def test_detect_uses_the_smallest_installed_model(starter_installed: Path) -> None:
    hw = hardware.detect()
    assert hw.probe_model == str(starter_installed)
    assert hw.provider_ok("cpu")
    assert not hw.providers["cpu"].unverified


def test_report_json_shape(phidesk_home: Path) -> None:
    data = machine_report(4096)
    json.dumps(data)  # serialisable
    for key in ("os", "arch", "cpu", "ram", "gpus", "providers", "recommendations", "recommended"):
        assert key in data
    assert set(data["cpu"]) >= {"name", "cores", "threads", "features"}
    assert set(data["ram"]) >= {"total_mb", "available_mb"}
    for gpu in data["gpus"]:
        assert set(gpu) >= {"vendor", "name", "vram_mb", "index"}
    assert data["recommendations"]
    for rec in data["recommendations"]:
        assert set(rec) == {"id", "variant", "verdict", "needed_mb", "available_mb", "reason"}
    if not HAS_NVIDIA and data["recommended"] is not None:
        assert data["recommended"]["variant"] == "cpu"
