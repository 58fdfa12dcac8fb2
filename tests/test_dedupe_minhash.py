"""Our numpy MinHash against datasketch's: the same permutations, the same signatures.

`aggregator.dedupe.fingerprint` computes datasketch's "affine32" MinHash itself so that the
daemon need not import datasketch (and scipy with it). Stored signatures are compared
with new ones for ever, so the copy must equal the library exactly: here on real texts,
on a text of one shingle and on one made of a few shingles repeated.
"""

import zlib
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash

from aggregator.dedupe import fingerprint as fp
from aggregator.dedupe.text import normalize_text

DATA = Path(__file__).parent / "data" / "dedupe"
TEXTS = sorted(DATA.glob("*.txt"))


def library_signature(shingles: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    sketch = MinHash(num_perm=num_perm, seed=seed, hashfunc=int, scheme="affine32")
    sketch.update_batch(shingles.tolist())
    return sketch.hashvalues


@pytest.mark.parametrize(
    ("num_perm", "seed"),
    [(fp.BODY_PERM, fp.MINHASH_SEED), (fp.HEAD_PERM, fp.MINHASH_SEED + 1)],
)
def test_our_permutations_are_the_libraries(num_perm, seed):
    a, b = fp._permutations(num_perm, seed)
    library = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    assert np.array_equal(a, library[0]) and np.array_equal(b, library[1])
    assert a.dtype == library.dtype == np.uint32


def opening_tokens(tokens: tuple[str, ...]) -> int:
    """The head signature's tokens: a character weighs 1, a longer token 2, to HEAD_WEIGHT."""
    weight = 0
    for count, token in enumerate(tokens, start=1):
        weight += 1 if len(token) == 1 else 2
        if weight >= fp.HEAD_WEIGHT:
            return count
    return len(tokens)


@pytest.mark.parametrize("path", TEXTS, ids=[path.name for path in TEXTS])
def test_signatures_of_real_texts_equal_the_libraries(path):
    normalized = normalize_text(path.read_text("utf-8"))
    shingles = fp.shingle_hashes(normalized)
    head = shingles[: max(1, opening_tokens(normalized.tokens) - fp.SHINGLE + 1)]
    ours = fp.fingerprint(fp.ShingledText.of(normalized))
    assert ours is not None
    assert np.array_equal(ours.body, library_signature(shingles, fp.BODY_PERM, fp.MINHASH_SEED))
    assert np.array_equal(ours.head, library_signature(head, fp.HEAD_PERM, fp.MINHASH_SEED + 1))
    assert ours.body.dtype == np.uint32


def test_tiny_and_repetitive_texts_sign_as_the_library_does():
    for body in ("一二三", "Alpha beta gamma delta", "好好学习天天向上。" * 50):
        normalized = normalize_text(body)
        shingles = fp.shingle_hashes(normalized)
        ours = fp.fingerprint(fp.ShingledText.of(normalized))
        assert ours is not None
        expected = library_signature(shingles, fp.BODY_PERM, fp.MINHASH_SEED)
        assert np.array_equal(ours.body, expected)


def _reference_band_key(values: list[int], band_number: int) -> int:
    """One band's key as the stored index has it, in plain Python integers."""
    key = band_number
    for value in values:
        key = ((key ^ value) * 0x9E3779B97F4A7C15) % 2**64
        key ^= key >> 29
    key = (key * 0xBF58476D1CE4E5B9) % 2**64
    key ^= key >> 32
    return key - 2**64 if key >= 2**63 else key


def test_band_keys_are_the_stored_scheme():
    """Stored band rows are looked up by these keys: they may never change silently."""
    generator = np.random.default_rng(5)
    bodies = generator.integers(0, 2**32, (3, fp.BODY_PERM), dtype=np.uint32)
    heads = generator.integers(0, 2**32, (3, fp.HEAD_PERM), dtype=np.uint32)
    keys = fp.band_keys_of(bodies, heads)
    for body, head, row in zip(bodies.tolist(), heads.tolist(), keys.tolist(), strict=True):
        expected = [
            _reference_band_key(body[band * fp.BODY_ROWS : (band + 1) * fp.BODY_ROWS], band + 1)
            for band in range(fp.BODY_BANDS)
        ] + [
            _reference_band_key(
                head[band * fp.HEAD_ROWS : (band + 1) * fp.HEAD_ROWS], fp.BODY_BANDS + band + 1
            )
            for band in range(fp.HEAD_BANDS)
        ]
        assert row == expected
    assert fp.Fingerprint(bodies[1], heads[1]).band_keys() == keys[1].tolist()


def _reference_shingle_hashes(tokens: tuple[str, ...]) -> list[int]:
    """The stored shingle scheme from token strings, in plain Python integers."""
    ids = [ord(token) if len(token) == 1 else zlib.crc32(token.encode()) for token in tokens]
    k = min(fp.SHINGLE, len(ids))
    hashes = []
    for start in range(len(ids) - k + 1):
        mixed = 0
        for value in ids[start : start + k]:
            mixed = (mixed * 0x9E3779B97F4A7C15 + value) % 2**64
        mixed ^= mixed >> 29
        mixed = (mixed * 0xBF58476D1CE4E5B9) % 2**64
        mixed ^= mixed >> 32
        hashes.append(mixed & 0xFFFFFFFF)
    return hashes


@pytest.mark.parametrize("path", TEXTS, ids=[path.name for path in TEXTS])
def test_shingle_hashes_are_the_stored_scheme(path):
    normalized = normalize_text(path.read_text("utf-8") + "\nEnglish words 2024 and ＡＢ１２")
    assert fp.shingle_hashes(normalized).tolist() == _reference_shingle_hashes(normalized.tokens)
    shingled = fp.ShingledText.of(normalized)
    assert shingled.head_count == max(1, opening_tokens(normalized.tokens) - fp.SHINGLE + 1)
    numbers = [token for token in normalized.tokens if token.isdigit()]
    assert list(shingled.number_tokens) == numbers


LATIN_WORDS = (
    "The council met on Tuesday 2024 and café owners naïve Øresund Москва 東京 "
    "pneumonoultramicroscopicsilicovolcanoconiosis floccinaucinihilipilification x9 "
)


@pytest.mark.parametrize("repeats", [1, 40], ids=["few words", "hundreds of words"])
def test_word_ids_are_zlib_crc32_on_either_path(repeats):
    """Few long tokens take zlib one by one, many the CRC tables: both must be zlib's CRC,
    for ASCII words, words beyond ASCII and words longer than the tables."""
    normalized = normalize_text(LATIN_WORDS * repeats)
    assert (sum(len(token) > 1 for token in normalized.tokens) >= fp._CRC_TABLE_TOKENS) == (
        repeats > 1
    )
    assert fp.shingle_hashes(normalized).tolist() == _reference_shingle_hashes(normalized.tokens)


def test_a_text_longer_than_a_minhash_block_signs_as_the_library_does(monkeypatch):
    monkeypatch.setattr(fp, "_MINHASH_BLOCK", 1000)  # real texts that long are rare
    normalized = normalize_text("\n".join(path.read_text("utf-8") for path in TEXTS))
    shingles = fp.shingle_hashes(normalized)
    assert shingles.size > fp._MINHASH_BLOCK
    ours = fp.fingerprint(fp.ShingledText.of(normalized))
    assert ours is not None
    assert np.array_equal(ours.body, library_signature(shingles, fp.BODY_PERM, fp.MINHASH_SEED))
