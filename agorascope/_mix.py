"""splitmix64's finaliser: the one 64-bit mixer behind the numpy hashing (MinHash shingles,
sentiment n-gram features, trend sketches), so a change to it is made once."""

from __future__ import annotations

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # 2^64 / golden ratio, splitmix64's increment
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def mix64(x: np.ndarray, *, in_place: bool = False) -> np.ndarray:
    """splitmix64 finaliser, vectorised over a uint64 array (wrapping arithmetic).

    `in_place=True` overwrites `x` (which must then be a uint64 array) and saves a copy in the
    MinHash inner loop."""
    x = x if in_place else np.asarray(x).astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        x ^= x >> np.uint64(30)
        x *= _M1
        x ^= x >> np.uint64(27)
        x *= _M2
        x ^= x >> np.uint64(31)
    return x
