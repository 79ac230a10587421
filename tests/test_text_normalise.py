"""Normalisation and tokenisation: known answers per script."""

from __future__ import annotations

import pyarrow as pa

from agorascope.text.normalise import normalise, normalise_text, stopwords, tokenize


def test_normalise_text_nfkc_case_urls_whitespace() -> None:
    assert normalise_text("Ｈｅｌｌｏ   WORLD https://t.co/xyz?a=1  ok") == "hello world <url> ok"
    assert normalise_text(None) == ""
    assert normalise_text("ＡＢＣ①") == "abc1"


def test_normalise_batch_matches_scalar_and_keeps_input() -> None:
    texts = ["Ｈｅｌｌｏ   WORLD https://t.co/xyz", None, "Straße İstanbul", "香港 加油 www.example.com/x"]
    batch = pa.record_batch({"post_id": ["a", "b", "c", "d"], "text": pa.array(texts, pa.string())})
    out = normalise(batch)
    assert batch.schema.names == ["post_id", "text"]  # input unchanged
    assert out.column("text_norm").to_pylist() == [normalise_text(t) for t in texts]
    assert out.column("text_norm").to_pylist()[3] == "香港 加油 <url>"
    empty = normalise(batch.slice(0, 0))
    assert empty.num_rows == 0 and "text_norm" in empty.schema.names


def test_tokenize_english_tokens_and_stopwords() -> None:
    toks = tokenize("RT @user The Police ARRESTED them!! https://x.com/a #HongKong 😀👍🏽 🇭🇰 don't", "en")
    assert toks == ["@user", "police", "arrested", "<url>", "#hongkong", "😀", "👍🏽", "🇭🇰"]
    assert "the" in stopwords("en") and "police" not in stopwords("en")


def test_tokenize_chinese_uses_jieba() -> None:
    assert tokenize("香港的天气今天很好，我们去公园吧 #香港", "zh") == ["香港", "天气", "今天", "公园", "#香港"]
    # unknown language, Han only -> treated as Chinese
    assert tokenize("北京天气", None) == ["北京", "天气"]


def test_tokenize_japanese_thai_bigrams_korean_words() -> None:
    assert tokenize("東京は暑い", "ja") == ["東京", "京は", "は暑", "暑い"]
    # Thai bigrams keep combining marks on their base letter (grapheme clusters)
    assert tokenize("ง่ายมาก", "th") == ["ง่า", "าย", "ยม", "มา", "าก"]
    assert tokenize("안녕하세요 세계", "ko") == ["안녕하세요", "세계"]


def test_tokenize_rtl_and_cyrillic() -> None:
    assert tokenize("مرحبا بالعالم في هذا اليوم", "ar") == ["مرحبا", "بالعالم", "اليوم"]
    assert tokenize("Это НОВОСТИ и они плохие", "ru") == ["новости", "плохие"]
    assert tokenize("", "en") == [] and tokenize(None, "en") == []
