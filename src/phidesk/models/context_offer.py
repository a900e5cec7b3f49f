"""A larger context for a vision model, where this computer's memory allows it (pure arithmetic).

One image costs a Phi-3.5-vision prompt ~1,900 tokens (its crops at 144 tokens each, plus separators), so at the
default 4,096-token context a second image never fits. The KV cache is allocated for the whole context when a
conversation's cache is made (measured: the worker's RSS grows by exactly the arithmetic below per kept
conversation), so a larger context costs ``per-token KV bytes × tokens`` of memory, up front. The offer is the
largest of the usual sizes that the model supports and whose whole KV cache takes at most ``SHARE`` of the memory
available after the load, so the window and the rest of the computer keep room.
"""

from __future__ import annotations

from dataclasses import dataclass

from phidesk.texts import QT_TRANSLATE_NOOP, Text

SIZES = (8_192, 12_288, 16_384, 24_576, 32_768)
SHARE = 0.5  # of the memory available once the model is loaded
IMAGE_TOKENS = 1_900  # what one image costs a Phi-3.5-vision prompt, about


@dataclass(frozen=True)
class ContextOffer:
    tokens: int
    kv_mb: float  # the whole KV cache of one conversation at that size
    per_token_kb: float
    available_mb: float

    def arithmetic(self) -> Text:
        return Text("ContextOffer", QT_TRANSLATE_NOOP(
            "ContextOffer", "{tokens:,} tokens × {per_token_kb:,.0f} KB = {kv_mb:,.0f} MB of KV cache per "
                            "conversation, with {available_mb:,.0f} MB of memory available now"),
            tokens=self.tokens, per_token_kb=self.per_token_kb, kv_mb=self.kv_mb, available_mb=self.available_mb)


def larger_context(current: int, model_max: int, kv_cache_mb: float, available_mb: float) -> ContextOffer | None:
    """The offer for a model loaded at *current* tokens whose KV cache takes *kv_cache_mb* there; None when no
    larger size fits in ``SHARE`` of *available_mb* (or the model supports no more)."""
    if current <= 0 or kv_cache_mb <= 0:
        return None
    per_token_mb = kv_cache_mb / current
    best = None
    for size in SIZES:
        if size <= current or (model_max and size > model_max):
            continue
        # the cache at `size` replaces the one at `current`: only the difference is new memory
        if per_token_mb * (size - current) <= SHARE * available_mb:
            best = ContextOffer(size, per_token_mb * size, per_token_mb * 1024, available_mb)
    return best


def images_that_fit(context: int, reserve: int = 512) -> int:
    """How many images fit a prompt at *context* tokens, leaving *reserve* for the question and the answer."""
    return max(0, (context - reserve) // IMAGE_TOKENS)
