"""The shingled-text cache is bounded by memory, not by a count of texts."""

from __future__ import annotations

import random

from aggregator.dedupe import fingerprint as fp


def _text(seed: int, characters: int) -> str:
    chosen = random.Random(seed)
    return "".join(chr(chosen.randrange(0x4E00, 0x9FA5)) for _ in range(characters))


def test_the_cache_holds_at_most_its_budget_of_long_texts() -> None:
    fp.shingled.cache_clear()
    texts = [_text(seed, 20_000) for seed in range(40)]  # ~320 KB each once compared
    for text in texts:
        fp.shingled(text).unique_shingles  # noqa: B018 -- what a comparison adds
    cache = fp.shingled.cache
    assert cache.currsize <= fp.SHINGLED_CACHE_BYTES
    assert 0 < len(cache) < len(texts)  # the oldest went
    misses = fp.shingled.cache_info().misses
    fp.shingled(texts[-1])
    assert fp.shingled.cache_info().misses == misses  # the newest stayed
    fp.shingled(texts[0])
    assert fp.shingled.cache_info().misses == misses + 1


def test_the_size_counted_covers_what_a_comparison_adds_later() -> None:
    text = fp.shingled(_text(1, 3_000) + " 2024年 第12号 3.5%")
    counted = fp._shingled_bytes(text)
    held = text.shingles.nbytes + text.number_positions.nbytes
    held += sum(array.nbytes for array in text._unique)
    assert held <= counted
