"""Shingles and MinHash signatures of normalized article text, and their LSH band keys.

Two signatures per article, because two kinds of copy must be found:
- the *body* signature (MinHash of all shingles) finds full reposts, whose shingle sets are
  nearly the same (Jaccard well above one half);
- the *head* signature (MinHash of the shingles of the opening) finds excerpts: a county
  site's first few paragraphs share little of the original as a whole (Jaccard maybe 0.1)
  but all of its opening. It also finds a repost whose tail was trimmed hard.

Each signature is cut into bands; an article is a candidate of another when one band of
either signature is equal (LSH). With r rows per band and b bands a pair of Jaccard J
collides with probability 1-(1-J^r)^b: body 20x4 gives 0.94 at J=0.6 and 0.9999 at J=0.8,
head 10x4 gives 0.98 at J=0.75 and 1.0 at J=0.9, while unrelated news (J about 0.01)
collides once in millions of pairs. Every candidate is confirmed exactly in `match`.

Shingles are 4 consecutive tokens (see `text`): 4 characters of Chinese, 4 words of Latin
script, either in mixed text, so one size serves every copy whatever its share of scripts.
They are hashed to 32 bits from the tokens' code points / CRC32 so the values are the same
in every process (persisted signatures depend on it). The opening is measured in weight:
a CJK character weighs 1, a word 2, so it is about 100 characters or 50 words.

The MinHash is datasketch's scheme "affine32" (datasketch 2.x; 1.x hash values differ, so
signatures are versioned), computed here in a few lines of numpy rather than by datasketch
itself: importing datasketch imports scipy (its LSH module integrates false-positive
rates), 40 MB of memory and a second of start-up for a daemon that uses none of it, and
its `update_batch` turns every hash into a Python int first. The scheme is small and fixed
-- each shingle hash pre-mixed with the 32-bit MurmurHash3 finalizer, then
``a * h + b mod 2**32`` per permutation with (a, b) drawn from numpy's RandomState(seed) as
datasketch draws them -- and `tests/test_dedupe_minhash.py` holds us to the library: our
permutations and signatures must equal datasketch's on real texts (datasketch stays a test
dependency for that). Were they ever to differ, stored signatures would silently stop
matching new ones, so that test is what licenses the copy.
"""

from __future__ import annotations

import hashlib
import threading
import zlib
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
from cachetools import LRUCache, cached

from aggregator.dedupe.text import DIGITS, NormalizedText, TokenSpans, normalize_text

SHINGLE = 4
HEAD_WEIGHT = 100
BODY_BANDS, BODY_ROWS = 20, 4
HEAD_BANDS, HEAD_ROWS = 10, BODY_ROWS  # the same rows: see `band_keys_of`
BODY_PERM = BODY_BANDS * BODY_ROWS
HEAD_PERM = HEAD_BANDS * HEAD_ROWS
MINHASH_SEED = 5  # issue #5
# Bump when anything above changes the signatures or band keys: stored ones become stale.
FINGERPRINT_VERSION = 1

_MIX_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_MIX_FINAL = np.uint64(0xBF58476D1CE4E5B9)
_LOW32 = np.uint64(0xFFFFFFFF)
_SHIFT_29, _SHIFT_32 = np.uint64(29), np.uint64(32)
_FMIX32_FIRST, _FMIX32_SECOND = np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35)
_U32_13, _U32_16 = np.uint32(13), np.uint32(16)
_MINHASH_BLOCK = 8192


@cache
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) parameters of datasketch's affine32 permutations for `seed`: a odd.

    Drawn once per process, in datasketch's order (all a, then all b).
    """
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def shingle_hashes(normalized: NormalizedText) -> np.ndarray:
    """The 32-bit hashes of the text's k-token shingles, in text order (uint32 array)."""
    ids = _token_ids(normalized)
    if not ids.size:
        return np.zeros(0, dtype=np.uint32)
    k = min(SHINGLE, ids.size)
    count = ids.size - k + 1
    with np.errstate(over="ignore"):
        mixed = ids[:count].copy()  # 0 * multiplier + the first id
        for offset in range(1, k):
            mixed *= _MIX_MULTIPLIER
            mixed += ids[offset : offset + count]
        mixed ^= mixed >> _SHIFT_29
        mixed *= _MIX_FINAL
        mixed ^= mixed >> _SHIFT_32
    return mixed.astype(np.uint32)  # the low 32 bits


def _token_ids(normalized: NormalizedText) -> np.ndarray:
    """The tokens' ids (uint64): a character's code point, a longer token's CRC32 (UTF-8)."""
    spans = normalized.spans
    ids = normalized.points[spans.starts].astype(np.uint64)
    longer = np.flatnonzero(spans.ends - spans.starts > 1)
    if longer.size >= _CRC_TABLE_TOKENS:
        ids[longer] = _crc32s(normalized, spans.starts[longer], spans.ends[longer])
    elif longer.size:
        body = normalized.body
        bounds = zip(spans.starts[longer].tolist(), spans.ends[longer].tolist(), strict=True)
        ids[longer] = [zlib.crc32(body[start:end].encode()) for start, end in bounds]
    return ids


# CRC-32 (zlib's) is affine in the message for a given length: crc(m) is crc(n zero bytes)
# xor, per byte b at distance d from the end, the CRC of b followed by d zero bytes xor that
# of d+1 zero bytes. So the CRCs of all ASCII tokens of a text are a table lookup per
# character and an xor per token, in a few numpy calls: a Latin-script body is hundreds of
# words, and a slice, an encoding and a CRC call per word were a third of its fingerprint.
# Below _CRC_TABLE_TOKENS long tokens (Chinese text: its numbers and Latin names) the calls'
# fixed cost is more than the words'.
_CRC_TABLE_LENGTH = 32  # longer tokens, and tokens beyond ASCII, go to zlib one by one
_CRC_TABLE_TOKENS = 160


@cache
def _crc32_tables() -> tuple[np.ndarray, np.ndarray]:
    """The contribution of each byte at each distance from the end (flat: distance * 256 +
    byte), and the CRC of each length of zero bytes, as uint32 arrays."""
    zeros = [zlib.crc32(bytes(length)) for length in range(_CRC_TABLE_LENGTH + 1)]
    contributions = [
        zlib.crc32(bytes((byte,)) + bytes(distance)) ^ zeros[distance + 1]
        for distance in range(_CRC_TABLE_LENGTH)
        for byte in range(256)
    ]
    return np.array(contributions, dtype=np.uint32), np.array(zeros, dtype=np.uint32)


def _crc32s(normalized: NormalizedText, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """zlib.crc32 of the UTF-8 of each token starts..ends (uint32), as a test holds us to."""
    contributions, zeros = _crc32_tables()
    lengths = ends - starts
    firsts = np.cumsum(lengths) - lengths  # where each token's characters begin in `chars`
    # Each character of these tokens, and its distance from its token's end.
    distances = np.repeat(firsts + lengths - 1, lengths) - np.arange(int(lengths.sum()))
    chars = normalized.points[np.repeat(ends - 1, lengths) - distances]
    unfit = np.zeros(0, dtype=np.intp)
    if chars.max() >= 0x80 or lengths.max() > _CRC_TABLE_LENGTH:
        ascii_chars = chars < 0x80
        fits = np.logical_and.reduceat(ascii_chars, firsts) & (lengths <= _CRC_TABLE_LENGTH)
        unfit = np.flatnonzero(~fits)
        chars = np.where(ascii_chars, chars, 0)
        distances = np.minimum(distances, _CRC_TABLE_LENGTH - 1)
        lengths = np.minimum(lengths, _CRC_TABLE_LENGTH)
    crcs = np.bitwise_xor.reduceat(contributions[distances * 256 + chars], firsts)
    crcs ^= zeros[lengths]
    for index in unfit.tolist():
        start, end = int(starts[index]), int(ends[index])
        crcs[index] = zlib.crc32(normalized.body[start:end].encode())
    return crcs


@dataclass(frozen=True, eq=False)
class ShingledText:
    """One normalized text in the forms its fingerprint and the exact comparison both read.

    Made once per text (`shingled`): normalizing and shingling are most of the cost of
    matching a new article, and its lookup, its comparisons and its index update all need
    them, as each comparison needs a stored candidate's. The tokens themselves are not
    kept -- a cached text costs a few bytes per token in arrays, not a string object per
    token -- except the number-bearing ones, which tell templated texts apart.
    """

    length: int  # tokens
    shingles: np.ndarray  # uint32 hashes of the k-token shingles, in text order
    head_count: int  # how many of `shingles` make the opening (the head signature's)
    number_positions: np.ndarray  # positions of the tokens that are numbers, ascending
    number_tokens: tuple[str, ...]  # those tokens

    @classmethod
    def of(cls, normalized: NormalizedText) -> ShingledText:
        spans, body = normalized.spans, normalized.body
        positions = np.flatnonzero(spans.kinds == DIGITS)
        return cls(
            length=len(spans),
            shingles=shingle_hashes(normalized),
            head_count=max(1, _head_tokens(spans) - SHINGLE + 1),
            number_positions=positions,
            number_tokens=tuple(
                body[start:end]
                for start, end in zip(
                    spans.starts[positions].tolist(), spans.ends[positions].tolist(), strict=True
                )
            ),
        )

    @cached_property
    def _unique(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # np.unique(return_index=True) sorts stably by argsort, several times slower than
        # sorting each value packed with its position: equal values then come in text
        # order, so the first of each run is where the value first occurs.
        count = self.shingles.size
        packed = self.shingles.astype(np.uint64) << _SHIFT_32
        packed |= np.arange(count, dtype=np.uint64)
        packed.sort()
        values = (packed >> _SHIFT_32).astype(np.uint32)
        positions = (packed & _LOW32).astype(np.int32)
        starts_run = np.ones(count, dtype=bool)
        np.not_equal(values[1:], values[:-1], out=starts_run[1:])
        inverse = np.empty(count, dtype=np.int32)
        inverse[positions] = np.cumsum(starts_run, dtype=np.int32) - 1
        return values[starts_run], positions[starts_run], inverse

    @property
    def unique_shingles(self) -> np.ndarray:
        """The distinct shingle values, sorted."""
        return self._unique[0]

    @property
    def first_positions(self) -> np.ndarray:
        """Where each of `unique_shingles` first occurs in the text."""
        return self._unique[1]

    @property
    def unique_index(self) -> np.ndarray:
        """For each shingle of the text, in text order, its index in `unique_shingles`."""
        return self._unique[2]

    def numbers_between(self, start: int, end: int | None = None) -> set[str]:
        """The distinct number tokens of positions start..end (end excluded)."""
        positions = self.number_positions
        low = int(np.searchsorted(positions, start))
        high = positions.size if end is None else int(np.searchsorted(positions, end))
        return set(self.number_tokens[low:high])


# The shingled texts kept, by size rather than by count: a real article's shingled form is
# ~30 KB at the median (2,000 characters, its sorted forms included) and past 1 MB for the
# longest, so the 2,048 texts once kept came to ~150 MB on cwced-dev's articles (the loopback
# benchmark's 450-character bodies hid it). 8 MB keeps ~250 median articles: every text for
# the whole of its own matching, and the originals of copies that follow within minutes. A
# copy whose original has left pays ~0.4 ms to shingle it again (bench/match_cost.py).
SHINGLED_CACHE_BYTES = 8 * 2**20


def _shingled_bytes(text: ShingledText) -> int:
    # An upper bound, made when the text is cached: it counts the sorted forms (`_unique`:
    # three arrays of at most one value per shingle) that a comparison adds later.
    return 4 * text.shingles.nbytes + text.number_positions.nbytes + 64 * len(text.number_tokens)


def _text_key(text: str) -> bytes:
    # A digest, not the text: the cache would otherwise hold every text it keys (2-4 bytes
    # a character) beside its shingled form.
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@cached(
    LRUCache(SHINGLED_CACHE_BYTES, getsizeof=_shingled_bytes),
    key=_text_key,
    lock=threading.Lock(),
    info=True,
)
def shingled(text: str) -> ShingledText:
    """The shingled form of an article body, cached by its text.

    The cache is what makes "once per text" hold: a new article is looked up, compared and
    indexed with the same text, and a stored article is the candidate of each of its copies
    as they arrive (within the last few hundred texts matched: the last minutes of a
    province's stream, hours of a few feeds').
    """
    return ShingledText.of(normalize_text(text))


@dataclass(frozen=True)
class Fingerprint:
    """The MinHash signatures of one article (uint32 arrays of BODY_PERM / HEAD_PERM values)."""

    body: np.ndarray
    head: np.ndarray

    def band_keys(self) -> list[int]:
        """One signed 64-bit key per band of both signatures: what the LSH tables store.

        Worked out once per fingerprint: a new article's keys serve its lookup and its insert.
        """
        return list(self._band_keys)

    @cached_property
    def _band_keys(self) -> tuple[int, ...]:
        return tuple(band_keys_of(self.body[None, :], self.head[None, :])[0].tolist())

    def to_bytes(self) -> bytes:
        return self.body.astype("<u4").tobytes() + self.head.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        values = np.frombuffer(data, dtype="<u4").astype(np.uint32)
        return cls(body=values[:BODY_PERM], head=values[BODY_PERM:])


def fingerprint(text: ShingledText) -> Fingerprint | None:
    """The signatures of a shingled text, or None when it has no tokens to sign."""
    if not text.length:
        return None
    return Fingerprint(
        body=_minhash(text.shingles, BODY_PERM, MINHASH_SEED),
        head=_minhash(text.shingles[: text.head_count], HEAD_PERM, MINHASH_SEED + 1),
    )


def _head_tokens(spans: TokenSpans) -> int:
    """How many tokens make the opening: a character weighs 1, a longer token 2."""
    # Every token weighs at least 1: the first HEAD_WEIGHT tokens reach it if any do.
    opening = slice(0, HEAD_WEIGHT)
    weights = np.where(spans.ends[opening] - spans.starts[opening] == 1, 1, 2)
    reached = np.flatnonzero(np.cumsum(weights) >= HEAD_WEIGHT)
    return int(reached[0]) + 1 if reached.size else len(spans)


def _minhash(shingles: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """The affine32 MinHash signature of 32-bit shingle hashes: min over shingles of a*h+b.

    Permutations down, shingles across: each permutation's minimum is a contiguous
    reduction, a third less time than the (shingles x permutations) layout. Blocks of
    shingles bound the products' memory (num_perm x _MINHASH_BLOCK) for very long texts;
    nearly every body is one block (smaller blocks measured slower, not faster).
    """
    a, b = _permutation_columns(num_perm, seed)
    mixed = _fmix32(shingles.astype(np.uint32, copy=False))
    signature = np.full(num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    with np.errstate(over="ignore"):
        for start in range(0, mixed.size, _MINHASH_BLOCK):
            block = a * mixed[start : start + _MINHASH_BLOCK]  # uint32 wraps: mod 2**32
            block += b
            np.minimum(signature, block.min(axis=1), out=signature)
    return signature


@cache
def _permutation_columns(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = _permutations(num_perm, seed)
    return a[:, None], b[:, None]


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, the bijection datasketch applies before permuting."""
    values = values ^ (values >> _U32_16)
    values = values * _FMIX32_FIRST
    values ^= values >> _U32_13
    values *= _FMIX32_SECOND
    values ^= values >> _U32_16
    return values


def band_keys_of(bodies: np.ndarray, heads: np.ndarray) -> np.ndarray:
    """The band keys of many articles at once: (n, BODY_PERM) and (n, HEAD_PERM) signatures
    in, (n, BODY_BANDS + HEAD_BANDS) int64 keys out. For bulk loads; `band_keys` uses it too.
    """
    # Both signatures are cut in bands of the same rows, so one pass over both costs half
    # of two: per article, numpy's fixed cost per operation is most of the time.
    return _band_keys(np.concatenate([bodies, heads], axis=1), BODY_ROWS)


def _band_keys(signatures: np.ndarray, rows: int) -> np.ndarray:
    """Keys of the bands of `rows` values, numbered from 1: the band number is mixed in."""
    bands = signatures.astype(np.uint64).reshape(len(signatures), -1, rows)
    with np.errstate(over="ignore"):
        # In place, and the band numbers broadcast: for one article the fixed cost of each
        # numpy call is the time.
        keys = _band_numbers(bands.shape[1]) ^ bands[:, :, 0]
        for column in range(rows):
            if column:
                keys ^= bands[:, :, column]
            keys *= _MIX_MULTIPLIER
            keys ^= keys >> _SHIFT_29
        keys *= _MIX_FINAL
        keys ^= keys >> _SHIFT_32
    return keys.view(np.int64)


@cache
def _band_numbers(count: int) -> np.ndarray:
    numbers = np.arange(1, 1 + count, dtype=np.uint64)
    numbers.flags.writeable = False  # shared by every call
    return numbers
