"""Fit arithmetic and recommendations, on hand-built Hardware records and on this machine's."""

from __future__ import annotations

import dataclasses

import pytest

from phidesk.models import fit
from phidesk.models.catalog import find, load_catalog
from phidesk.models.fit import CANNOT_RUN, FITS, TIGHT, WONT_FIT, best, kv_cache_bytes, recommend, verdict
from phidesk.models.hardware import CpuInfo, GpuInfo, Hardware, ProviderStatus, RamInfo

MB = 1024 * 1024


def machine(ram_available_mb: int = 23_500, gpus: list[GpuInfo] | None = None, os: str = "linux",
            providers: dict[str, ProviderStatus] | None = None) -> Hardware:
    return Hardware(
        os=os, arch="x86_64", cpu=CpuInfo("test CPU", 8, 16, ["avx2"]),
        ram=RamInfo(ram_available_mb + 500, ram_available_mb), gpus=gpus or [],
        providers=providers if providers is not None else {"cpu": ProviderStatus(True)},
    )


H100 = GpuInfo("nvidia", "NVIDIA H100 80GB HBM3", 81_559, 0, "nvml", True)


# --- the arithmetic --------------------------------------------------------------------------


def test_kv_cache_per_token_phi35_mini() -> None:
    e = find("phi-3.5-mini-instruct")
    assert kv_cache_bytes(e, 1, 4) == 2 * 32 * 32 * 96 * 4 == 768 * 1024
    assert kv_cache_bytes(e, 4096, 2) == 1536 * MB


def test_kv_cache_at_full_context_is_about_100_gb() -> None:
    """Phi-3.5-mini's config.json says 131072 tokens; with the CPU build's fp32 cache that is ~100 GB."""
    e = find("phi-3.5-mini-instruct", "cpu")
    kv = kv_cache_bytes(e, 131072, fit.CPU_KV_BYTES)
    assert kv == 96 * 1024**3  # 103.1e9 bytes
    assert 95e9 < kv < 110e9
    # and the need for it clamps nowhere: the catalog context is 131072
    assert fit.need(e, 131072).kv == kv


def test_need_clamps_to_model_context() -> None:
    e = find("phi-3-mini-4k-instruct", "cpu")
    assert fit.need(e, 16384).kv == kv_cache_bytes(e, 4096, 4)


def test_working_memory_floor_and_fraction() -> None:
    assert fit.working_bytes(100 * MB) == 300 * MB
    assert fit.working_bytes(5000 * MB) == 500 * MB


def test_phi4_mini_uses_grouped_query_attention() -> None:
    e = find("phi-4-mini-instruct", "cpu")
    assert kv_cache_bytes(e, 1, 4) == 2 * 32 * 8 * 128 * 4  # 256 KiB per token, a third of Phi-3.5-mini's


@pytest.mark.parametrize(
    ("need_mb", "available_mb", "expected"),
    [
        (700, 1000, FITS),
        (701, 1000, TIGHT),
        (1000, 1000, TIGHT),
        (1001, 1000, WONT_FIT),
        (10, 0, WONT_FIT),
    ],
)
def test_verdict_thresholds(need_mb: int, available_mb: int, expected: str) -> None:
    assert verdict(need_mb, available_mb) == expected


def test_reason_spells_out_the_arithmetic() -> None:
    rec = fit.judge(find("phi-3.5-mini-instruct", "cpu"), machine(23_500), 4096)
    weights = round(find("phi-3.5-mini-instruct", "cpu").weights_bytes / MB)
    assert rec.reason == (f"weights {weights:,} MB + KV cache 3,072 MB (4,096 tokens × 768 KB) + working 300 MB = "
                          f"{weights + 3072 + 300:,} MB of 23,500 MB available RAM")
    assert rec.needed_mb == weights + 3072 + 300
    assert rec.available_mb == 23_500
    assert rec.verdict == FITS


def test_full_context_on_cpu_wont_fit_a_desktop() -> None:
    rec = fit.judge(find("phi-3.5-mini-instruct", "cpu"), machine(23_500), 131072)
    assert rec.verdict == WONT_FIT
    assert "131,072 tokens × 768 KB" in rec.reason


# --- recommend and best ----------------------------------------------------------------------


def test_recommend_covers_every_entry() -> None:
    recs = recommend(machine(), load_catalog(), 4096)
    assert [r.key for r in recs] == [e.key for e in load_catalog()]
    assert all(r.verdict in fit.VERDICTS for r in recs)


def test_best_on_this_cpu_only_machine() -> None:
    """(a) no GPU, 24 GB: Phi-3.5-mini on CPU fits and is the default; no GPU variant is usable."""
    from phidesk.models import hardware

    hw = hardware.detect(probe=False)
    hw = dataclasses.replace(hw, providers={"cpu": ProviderStatus(True)})
    recs = recommend(hw, load_catalog(), 4096)
    chosen = best(recs, hw)
    mini = next(r for r in recs if r.key == "phi-3.5-mini-instruct:cpu")
    assert mini.available_mb == hw.ram.available_mb
    if mini.verdict == FITS:  # ~6 GB needed: true on this 24 GB machine unless something else is hogging it
        assert chosen == mini
    assert chosen is None or chosen.variant == "cpu"
    for r in recs:
        if r.variant == "cuda" and not hw.gpus:
            assert r.verdict == CANNOT_RUN
            assert r.reason.startswith("no NVIDIA GPU found")
        if r.variant == "dml" and hw.os != "windows":
            assert r.verdict == CANNOT_RUN
            assert "Windows only" in r.reason


def test_best_with_an_80_gb_nvidia_gpu_and_cuda_provider() -> None:
    """(b) an H100 and a CUDA provider that loaded a model: the CUDA variant of Phi-3.5-mini."""
    hw = machine(gpus=[H100], providers={"cpu": ProviderStatus(True), "cuda": ProviderStatus(True)})
    recs = recommend(hw, load_catalog(), 4096)
    chosen = best(recs, hw)
    assert chosen is not None
    assert (chosen.id, chosen.variant, chosen.verdict) == ("phi-3.5-mini-instruct", "cuda", FITS)
    assert chosen.available_mb == 81_559
    assert "VRAM on NVIDIA H100" in chosen.reason


def test_best_with_gpu_but_no_cuda_provider_falls_back_to_cpu() -> None:
    """(c) an NVIDIA GPU, but the CPU build of onnxruntime-genai: CUDA won't fit, CPU is chosen."""
    reason = "the CUDA build of onnxruntime-genai is not installed (see README: GPU builds)"
    hw = machine(gpus=[H100], providers={"cpu": ProviderStatus(True), "cuda": ProviderStatus(False, reason)})
    recs = recommend(hw, load_catalog(), 4096)
    cuda = next(r for r in recs if r.key == "phi-3.5-mini-instruct:cuda")
    assert cuda.verdict == WONT_FIT
    assert cuda.reason == f"CUDA provider not available: {reason}"
    chosen = best(recs, hw)
    assert chosen is not None
    assert (chosen.id, chosen.variant) == ("phi-3.5-mini-instruct", "cpu")


def test_small_gpu_prefers_a_fitting_cpu_variant_to_a_tight_gpu_one() -> None:
    # 4 GB of VRAM: Phi-3.5-mini on CUDA needs ~4.0 GB at 4,096 tokens → tight; CPU with 23 GB → fits
    small = GpuInfo("nvidia", "RTX small", 4_100, 0, "nvml", True)
    hw = machine(gpus=[small], providers={"cpu": ProviderStatus(True), "cuda": ProviderStatus(True)})
    recs = recommend(hw, load_catalog(), 4096)
    assert next(r for r in recs if r.key == "phi-3.5-mini-instruct:cuda").verdict == TIGHT
    chosen = best(recs, hw)
    assert chosen is not None
    assert chosen.key == "phi-3.5-mini-instruct:cpu"


def test_windows_dml_when_no_cuda() -> None:
    radeon = GpuInfo("amd", "AMD Radeon RX 7800 XT", 16_368, 0, "dxgi", True)
    hw = machine(os="windows", gpus=[radeon],
                 providers={"cpu": ProviderStatus(True), "cuda": ProviderStatus(False, "no CUDA"),
                            "dml": ProviderStatus(True)})
    chosen = best(recommend(hw, load_catalog(), 4096), hw)
    assert chosen is not None
    assert chosen.key == "phi-3.5-mini-instruct:dml"


def test_nothing_fits_gives_none() -> None:
    hw = machine(ram_available_mb=2_000)
    assert best(recommend(hw, load_catalog(), 4096), hw) is None


def test_unverified_provider_is_used_but_said() -> None:
    hw = machine(gpus=[H100], providers={"cpu": ProviderStatus(True), "cuda": ProviderStatus(True, "", True)})
    rec = fit.judge(find("phi-3.5-mini-instruct", "cuda"), hw, 4096)
    assert rec.verdict == FITS
    assert "not yet tried on a model" in rec.reason


def test_builds_this_computer_cannot_run_are_set_apart_not_called_too_big() -> None:
    """DirectML off Windows and CUDA with no NVIDIA GPU: CANNOT_RUN with the reason, listed apart."""
    hw = machine(ram_available_mb=2_000, os="linux")  # little RAM: the CPU builds really do not fit
    recs = recommend(hw, load_catalog(), 4096)
    runnable, other = fit.runnable_split(recs)
    assert {r.variant for r in other} == {"cuda", "dml"}
    assert {r.variant for r in runnable} == {"cpu"}
    assert all(r.verdict == CANNOT_RUN for r in other)
    assert all(r.verdict != CANNOT_RUN for r in runnable)
    assert next(r for r in runnable if r.key == "phi-3.5-mini-instruct:cpu").verdict == WONT_FIT
    dml = next(r for r in other if r.key == "phi-3.5-mini-instruct:dml")
    assert dml.reason.startswith("DirectML runs on Windows only")
    cuda = next(r for r in other if r.key == "phi-3.5-mini-instruct:cuda")
    assert cuda.reason.startswith("no NVIDIA GPU found")
    assert runnable == [r for r in recs if r in runnable]  # each in catalog order
    assert other == [r for r in recs if r in other]


def test_a_cuda_build_on_a_machine_with_an_nvidia_gpu_is_judged_on_its_memory() -> None:
    small = GpuInfo("nvidia", "RTX tiny", 1_000, 0, "nvml", True)
    hw = machine(gpus=[small], providers={"cpu": ProviderStatus(True), "cuda": ProviderStatus(True)})
    rec = fit.judge(find("phi-3.5-mini-instruct", "cuda"), hw, 4096)
    assert rec.verdict == WONT_FIT  # it could run here, it is just too big for 1 GB
    assert fit.runnable_split([rec]) == ([rec], [])
