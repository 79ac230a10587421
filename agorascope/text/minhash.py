"""Near-duplicate signatures: MinHash over character shingles of `text_norm`, with LSH bands.

Public pieces (the coordination stage builds co-text candidates from them):

- `shingles(text_norm, k=5)`: the set of character k-grams of a *normalised* text (see
  `agorascope.text.normalise.normalise_text`); a non-empty text shorter than k is one shingle.
- `signatures(texts, num_perm=128, seed=1, k=5)`: (n, num_perm) uint32 MinHash signatures, fully
  vectorised: every k-gram of the batch is hashed at once with a polynomial rolling hash over code
  points; one-permutation hashing with optimal densification turns the hashes into `num_perm`
  minima per text (`np.minimum.at`). No Python loop over texts, permutations or shingles. An
  empty text gets the all-0xFFFFFFFF signature.
- `band_hashes(sig, bands=32)`: (n, bands) int64, one bucket per band of `num_perm // bands`
  rows. Two texts with Jaccard J share at least one bucket with probability 1 - (1 - J^r)^b;
  with 128 permutations in 32 bands of 4: 0.99 at J = 0.6, 0.87 at J = 0.5, 0.28 at J = 0.3.
- `jaccard(a, b)`: the exact Jaccard similarity on the same shingles (of the normalised texts).
- `estimate_jaccard(sig_a, sig_b)`: the fraction of equal signature positions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from agorascope._mix import GOLDEN, mix64
from agorascope.text.normalise import normalise_text

_EMPTY = np.uint32(0xFFFFFFFF)
_P = np.uint64(0x100000001B3)  # FNV prime as the polynomial base


def shingles(text_norm: str, k: int = 5) -> set[str]:
    """Character k-grams of an already normalised text (a shorter non-empty text is one shingle)."""
    if not text_norm:
        return set()
    if len(text_norm) <= k:
        return {text_norm}
    return {text_norm[i:i + k] for i in range(len(text_norm) - k + 1)}


def jaccard(text_a: str, text_b: str, *, k: int = 5) -> float:
    """Exact Jaccard similarity of the k-shingles of two texts, after `normalise_text`."""
    a = shingles(normalise_text(text_a), k)
    b = shingles(normalise_text(text_b), k)
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _mix(x: np.ndarray) -> np.ndarray:
    """`mix64` in place (MinHash's hot loop owns its arrays)."""
    return mix64(x, in_place=True)


def _perm_params(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return a, b


def shingle_hashes(texts: Sequence[str], k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of every k-gram of every text, and the start index of each text in them.

    Returns (hashes uint64 (S,), starts int64 (n,)); text i owns hashes[starts[i]:starts[i+1]]
    (empty texts own none).
    """
    n = len(texts)
    lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n)
    counts = np.where(lens >= k, lens - k + 1, np.minimum(lens, 1))
    pad = "\x00" * (k - 1)
    cp = np.frombuffer((pad.join(texts) + pad).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cp = cp.astype(np.uint64)
    text_start = np.zeros(n, dtype=np.int64)
    if n > 1:
        text_start[1:] = np.cumsum(lens[:-1] + (k - 1))
    total = int(counts.sum())
    starts = np.zeros(n, dtype=np.int64)
    if n > 1:
        starts[1:] = np.cumsum(counts[:-1])
    # window start positions in cp for every shingle
    pos = np.repeat(text_start - starts, counts) + np.arange(total, dtype=np.int64)
    h = np.zeros(total, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):  # k (=5) vector operations, not a loop over texts
            h *= _P
            h += cp[pos + j] + np.uint64(1)
    return _mix(h), starts


def _densify_table(num_perm: int, seed: int, tries: int) -> np.ndarray:
    """(num_perm, tries) candidate bins for each empty bin (the same for every text)."""
    rng = np.random.default_rng([seed, 0x0D5])
    return rng.integers(0, num_perm, size=(num_perm, tries), dtype=np.int64)


def multi_shingle_hashes(texts: Sequence[str], sizes: Sequence[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """`shingle_hashes` for several k in one rolling pass: [(owner row per hash, hashes)] per k.

    The hashes equal those of `shingle_hashes(texts, k)` (same polynomial, same padding rule).
    """
    kmax = max(sizes)
    n = len(texts)
    lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n)
    pad = "\x00" * (kmax - 1)
    cp = np.frombuffer((pad.join(texts) + pad).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cp = cp.astype(np.uint64)
    text_start = np.zeros(n, dtype=np.int64)
    if n > 1:
        text_start[1:] = np.cumsum(lens[:-1] + (kmax - 1))
    owner = np.repeat(np.arange(n, dtype=np.int64), lens)
    first = np.zeros(n, dtype=np.int64)
    if n > 1:
        first[1:] = np.cumsum(lens[:-1])
    off = np.arange(int(lens.sum()), dtype=np.int64) - np.repeat(first, lens)
    pos = np.repeat(text_start, lens) + off
    length = lens[owner]
    h = np.zeros(len(pos), dtype=np.uint64)
    out = []
    with np.errstate(over="ignore"):
        for j in range(kmax):
            h *= _P
            h += cp[pos + j] + np.uint64(1)
            k = j + 1
            if k in sizes:
                valid = (off <= length - k) | ((off == 0) & (length < k))
                out.append((owner[valid], _mix(h[valid])))
    return out


def signatures(texts: pa.Array | pa.ChunkedArray | Sequence[str | None], *, num_perm: int = 128, seed: int = 1,
               k: int = 5) -> np.ndarray:
    """MinHash signatures (n, num_perm) uint32 of already normalised texts (`text_norm`).

    One-permutation hashing with optimal densification (Li et al. 2012; Shrivastava 2017): each
    shingle's 64-bit hash picks one of `num_perm` bins and its value competes for that bin's minimum;
    an empty bin borrows the value of the first non-empty bin on a fixed, seed-derived probe
    sequence. Like classic MinHash, the share of equal positions estimates the Jaccard similarity,
    but each shingle is hashed once instead of `num_perm` times (measured 40x faster here).
    """
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    items = texts.to_pylist() if isinstance(texts, pa.Array) else list(texts)
    items = [t or "" for t in items]
    n = len(items)
    sig = np.full((n, num_perm), _EMPTY, dtype=np.uint32)
    if n == 0:
        return sig
    hashes, starts = shingle_hashes(items, k)
    counts = np.diff(np.append(starts, len(hashes)))
    with np.errstate(over="ignore"):
        h = _mix(hashes ^ (np.uint64(seed) * GOLDEN))
    bins = (h % np.uint64(num_perm)).astype(np.int64)
    vals = (h >> np.uint64(32)).astype(np.uint32)
    vals = np.minimum(vals, np.uint32(0xFFFFFFFE))  # 0xFFFFFFFF marks an empty bin
    owner = np.repeat(np.arange(n, dtype=np.int64), counts)
    flat = sig.reshape(-1)
    np.minimum.at(flat, owner * num_perm + bins, vals)
    # optimal densification: empty bins of non-empty texts borrow along a probe sequence
    empty_r, empty_c = np.nonzero((sig == _EMPTY) & (counts > 0)[:, None])
    if len(empty_r):
        tries = 8
        table = _densify_table(num_perm, seed, tries)
        orig = sig.copy()
        todo = np.arange(len(empty_r))
        for t in range(tries):
            cand = table[empty_c[todo], t]
            got = orig[empty_r[todo], cand]
            ok = got != _EMPTY
            sig[empty_r[todo[ok]], empty_c[todo[ok]]] = got[ok]
            todo = todo[~ok]
            if not len(todo):
                break
        if len(todo):  # rotation: the next non-empty bin to the right (circular), vectorised
            rows = np.unique(empty_r[todo])
            sub = orig[rows]
            idx = np.where(sub != _EMPTY, np.arange(num_perm), 2 * num_perm)
            idx2 = np.concatenate([idx, idx + num_perm], axis=1)
            nxt = np.minimum.accumulate(idx2[:, ::-1], axis=1)[:, ::-1][:, :num_perm] % num_perm
            pos = np.searchsorted(rows, empty_r[todo])
            sig[empty_r[todo], empty_c[todo]] = sub[pos, nxt[pos, empty_c[todo]]]
    return sig


def band_hashes(sig: np.ndarray, *, bands: int = 32) -> np.ndarray:
    """LSH bucket of each band: (n, bands) int64. `num_perm` must be a multiple of `bands`."""
    n, p = sig.shape
    if bands <= 0 or p % bands:
        raise ValueError(f"bands must divide num_perm ({p}); got {bands}")
    r = p // bands
    s = sig.astype(np.uint64).reshape(n, bands, r)
    h = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(r):
            h *= _P
            h += s[:, :, j] + np.uint64(1)
        h += np.arange(bands, dtype=np.uint64) * GOLDEN
    return _mix(h).view(np.int64)


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray | float:
    """Estimated Jaccard similarity: the share of equal positions (row-wise for matrices)."""
    eq = np.asarray(sig_a) == np.asarray(sig_b)
    return eq.mean(axis=-1)


def signatures_naive(texts: Sequence[str], *, num_perm: int = 128, seed: int = 1, k: int = 5) -> np.ndarray:
    """The reference path: a Python loop per text and per permutation (benchmarks only)."""
    import hashlib

    a, b = _perm_params(num_perm, seed)
    out = np.full((len(texts), num_perm), _EMPTY, dtype=np.uint32)
    for i, t in enumerate(texts):
        hs = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little") for s in shingles(t, k)]
        for p in range(num_perm):
            if hs:
                out[i, p] = min(((int(a[p]) * x + int(b[p])) % 2**64) >> 32 for x in hs)
    return out


__all__ = ["band_hashes", "estimate_jaccard", "jaccard", "multi_shingle_hashes", "shingle_hashes", "shingles",
           "signatures", "signatures_naive"]
