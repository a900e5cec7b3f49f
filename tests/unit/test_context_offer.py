"""The larger-context offer for vision models: pure arithmetic."""

from __future__ import annotations

from phidesk.models.context_offer import IMAGE_TOKENS, larger_context


def test_the_largest_size_whose_extra_cache_fits_half_the_free_memory() -> None:
    # 0.75 MB per token (Phi-3.5-vision on a CPU), 4,096 tokens now: 3,072 MB; 20 GB available
    offer = larger_context(4_096, 131_072, 3_072.0, 20_000.0)
    assert offer is not None
    assert offer.tokens == 16_384  # 0.75 × (16,384 − 4,096) = 9,216 ≤ 10,000 < 0.75 × (24,576 − 4,096)
    assert offer.kv_mb == 12_288.0
    assert "16,384 tokens × 768 KB = 12,288 MB" in offer.arithmetic()


def test_no_offer_when_memory_is_short_or_the_model_supports_no_more() -> None:
    assert larger_context(4_096, 131_072, 3_072.0, 5_000.0) is None  # 0.75 × 4,096 = 3,072 > 2,500
    assert larger_context(4_096, 4_096, 3_072.0, 100_000.0) is None
    assert larger_context(32_768, 131_072, 24_576.0, 100_000.0) is None


def test_two_images_do_not_fit_the_default_context() -> None:
    assert 2 * IMAGE_TOKENS > 4_096 - 512
