"""Will a catalog model fit this machine? Pure arithmetic on catalog entries and a Hardware record.

What a loaded model needs, in this order of size:

* **weights**: the ``*.onnx`` and ``*.onnx.data`` files, all of which end up in memory (RAM for
  the CPU variant, VRAM for the GPU ones);
* **KV cache**: onnxruntime-genai allocates it up front for the whole ``max_length``
  (``past_present_share_buffer``): 2 (K and V) × layers × KV heads × head size × tokens × bytes per
  value, fp32 (4 bytes) on CPU and fp16 (2 bytes) on GPU. For Phi-3.5-mini that is 768 KiB per
  token on CPU, so its advertised 131,072 tokens would take ~100 GB: the context setting matters;
* **working memory**: activations, the ONNX Runtime arena, tokenizer and the runtime itself.
  We reserve max(300 MB, 10 % of the weights): a floor for the runtime, the tokenizer and the Python
  process around them, growing with the model for the 2–5 GB Phi builds, whose activations for a
  prefill slice of a few hundred tokens are of that order. It is an estimate, not a measurement of
  every build, which is why a verdict of "fits" keeps 30 % headroom on top.

Verdicts: "fits" when the need is at most 70 % of what is available, "tight" up to 100 %,
"won't fit" beyond; "cannot run" for a build this computer cannot run at any size (DirectML off Windows, a GPU
build with no such GPU), which the models pane lists apart from the others.
Everything here is in MB = MiB (2**20 bytes), like the RAM figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from phidesk.engine.runtime import CPU_KV_BYTES, kv_value_bytes, provider_name  # noqa: F401 (CPU_KV_BYTES re-exported)
from phidesk.models.catalog import CatalogEntry
from phidesk.texts import QT_TRANSLATE_NOOP, Text

if TYPE_CHECKING:
    from phidesk.models.hardware import Hardware

MB = 1024 * 1024
WORKING_MIN_BYTES = 300 * MB
WORKING_FRACTION = 0.10
FITS_FRACTION = 0.70

# The verdicts are data (JSON, settings); the window shows them with translate("Verdict", verdict)
FITS = QT_TRANSLATE_NOOP("Verdict", "fits")
TIGHT = QT_TRANSLATE_NOOP("Verdict", "tight")
WONT_FIT = QT_TRANSLATE_NOOP("Verdict", "won't fit")
CANNOT_RUN = QT_TRANSLATE_NOOP("Verdict", "cannot run")
VERDICTS = (FITS, TIGHT, WONT_FIT, CANNOT_RUN)
# The default model: Phi-3.5-mini first, then the other text models, vision last (it needs a fresh
# generator every turn and ~2,000 prompt tokens per image, so it is a poor default for chat).
MODEL_PREFERENCE = (
    "phi-3.5-mini-instruct",
    "phi-4-mini-instruct",
    "phi-3-mini-128k-instruct",
    "phi-3-mini-4k-instruct",
    "phi-3.5-vision-instruct",
)
VARIANT_PREFERENCE = ("cuda", "dml", "cpu")


def kv_bytes_per_token(entry: CatalogEntry, bytes_per_value: int) -> int:
    return 2 * entry.layers * entry.kv_heads * entry.head_dim * bytes_per_value


def kv_cache_bytes(entry: CatalogEntry, context: int, bytes_per_value: int) -> int:
    """The KV cache onnxruntime-genai allocates for *context* tokens (prompt + answer)."""
    return kv_bytes_per_token(entry, bytes_per_value) * context


def working_bytes(weights: int) -> int:
    return max(WORKING_MIN_BYTES, int(WORKING_FRACTION * weights))


@dataclass(frozen=True)
class Need:
    weights: int
    kv: int
    working: int
    context: int
    kv_per_token: int

    @property
    def total(self) -> int:
        return self.weights + self.kv + self.working


def need(entry: CatalogEntry, context: int) -> Need:
    """What *entry* needs at *context* tokens, with the KV precision its variant uses."""
    context = max(1, min(context, entry.context_length))
    per_token = kv_bytes_per_token(entry, kv_value_bytes(entry.variant))
    weights = entry.weights_bytes
    return Need(weights, per_token * context, working_bytes(weights), context, per_token)


def verdict(need_mb: float, available_mb: float) -> str:
    if available_mb > 0 and need_mb <= FITS_FRACTION * available_mb:
        return FITS
    if available_mb > 0 and need_mb <= available_mb:
        return TIGHT
    return WONT_FIT


@dataclass(frozen=True)
class Recommendation:
    id: str
    variant: str
    verdict: str
    needed_mb: int
    available_mb: int
    reason: str  # a Text: English as a str, translated in the window

    @property
    def key(self) -> str:
        return f"{self.id}:{self.variant}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _mb(n: float) -> int:
    return round(n / MB)


def _per_token(kv_per_token: int) -> Text:
    kb = kv_per_token / 1024
    if kb == int(kb):
        return Text("Verdict", QT_TRANSLATE_NOOP("Verdict", "{kb:,.0f} KB"), kb=kb)
    return Text("Verdict", QT_TRANSLATE_NOOP("Verdict", "{kb:,.1f} KB"), kb=kb)


def _arithmetic(n: Need) -> Text:
    return Text("Verdict", QT_TRANSLATE_NOOP(
        "Verdict", "weights {weights:,} MB + KV cache {kv:,} MB ({tokens:,} tokens × {per_token}) "
                   "+ working {working:,} MB = {total:,} MB"),
        weights=_mb(n.weights), kv=_mb(n.kv), tokens=n.context, per_token=_per_token(n.kv_per_token),
        working=_mb(n.working), total=_mb(n.total))


def _gpu_for(variant: str, hardware: Hardware) -> tuple[int, str] | None:
    """(VRAM in MB, GPU name) of the device *variant* would run on, or None."""
    if variant == "cuda":
        gpus = [g for g in hardware.gpus if g.vendor == "nvidia"]
    else:  # dml: any DirectX 12 adapter; the runtime picks the high-performance one
        gpus = [g for g in hardware.gpus if g.vendor != "apple"]
        preferred = [g for g in gpus if g.high_performance]
        gpus = preferred or gpus
    if not gpus:
        return None
    gpu = max(gpus, key=lambda g: g.vram_mb)
    return gpu.vram_mb, gpu.name


def judge(entry: CatalogEntry, hardware: Hardware, context: int) -> Recommendation:
    """The verdict for one entry on *hardware* at *context* tokens, with the arithmetic spelled out."""
    n = need(entry, context)
    needed = _mb(n.total)
    arithmetic = _arithmetic(n)

    def rec(verdict_: str, available: int, reason: Text) -> Recommendation:
        return Recommendation(entry.id, entry.variant, verdict_, needed, available, reason)

    if entry.variant == "cpu":
        available = hardware.ram.available_mb
        return rec(verdict(needed, available), available, Text("Verdict", QT_TRANSLATE_NOOP(
            "Verdict", "{arithmetic} of {available:,} MB available RAM"), arithmetic=arithmetic, available=available))
    name = provider_name(entry.variant)
    if entry.variant == "dml" and hardware.os != "windows":
        return rec(CANNOT_RUN, 0, Text("Verdict", QT_TRANSLATE_NOOP(
            "Verdict", "DirectML runs on Windows only; needs {arithmetic}"), arithmetic=arithmetic))
    gpu = _gpu_for(entry.variant, hardware)
    if gpu is None:
        if entry.variant == "cuda":
            return rec(CANNOT_RUN, 0, Text("Verdict", QT_TRANSLATE_NOOP(
                "Verdict", "no NVIDIA GPU found; needs {arithmetic}"), arithmetic=arithmetic))
        return rec(CANNOT_RUN, 0, Text("Verdict", QT_TRANSLATE_NOOP(
            "Verdict", "no DirectX 12 GPU found; needs {arithmetic}"), arithmetic=arithmetic))
    vram, gpu_name = gpu
    status = hardware.providers.get(entry.variant)
    if status is None or not status.ok:
        why = status.reason if status is not None and status.reason else Text(
            "Verdict", QT_TRANSLATE_NOOP("Verdict", "not probed"))
        return rec(WONT_FIT, vram, Text("Verdict", QT_TRANSLATE_NOOP(
            "Verdict", "{provider} provider not available: {why}"), provider=name, why=why))
    if status.unverified:
        return rec(verdict(needed, vram), vram, Text("Verdict", QT_TRANSLATE_NOOP(
            "Verdict", "{arithmetic} of {vram:,} MB VRAM on {gpu} (provider reported by the build, not yet tried "
                       "on a model)"), arithmetic=arithmetic, vram=vram, gpu=gpu_name))
    return rec(verdict(needed, vram), vram, Text("Verdict", QT_TRANSLATE_NOOP(
        "Verdict", "{arithmetic} of {vram:,} MB VRAM on {gpu}"), arithmetic=arithmetic, vram=vram, gpu=gpu_name))


def recommend(hardware: Hardware, entries: Iterable[CatalogEntry], context: int) -> list[Recommendation]:
    """A verdict for every entry, in catalog order."""
    return [judge(entry, hardware, context) for entry in entries]


def _rank(sequence: Sequence[str], value: str) -> int:
    return sequence.index(value) if value in sequence else len(sequence)


def runnable_split(recs: Sequence[Recommendation]) -> tuple[list[Recommendation], list[Recommendation]]:
    """(builds this computer can run, whatever their fit; builds it cannot run at all), each in catalog order."""
    return [r for r in recs if r.verdict != CANNOT_RUN], [r for r in recs if r.verdict == CANNOT_RUN]


def best(recs: Sequence[Recommendation], hardware: Hardware | None = None) -> Recommendation | None:
    """The recommended default among *recs*: Phi-3.5-mini-instruct before the others; within a model a
    variant that fits before one that is tight, and CUDA before DirectML (Windows only) before CPU.
    None when nothing fits even tightly."""
    usable = [r for r in recs if r.verdict in (FITS, TIGHT)]
    if hardware is not None and hardware.os != "windows":
        usable = [r for r in usable if r.variant != "dml"]
    if not usable:
        return None
    return min(usable, key=lambda r: (_rank(MODEL_PREFERENCE, r.id), _rank(VERDICTS, r.verdict),
                                      _rank(VARIANT_PREFERENCE, r.variant)))
