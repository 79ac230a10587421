"""Language identification against a labelled set of short texts in 24 languages.

tests/data/text/langid_short.tsv: 5 tweet-length sentences per language (the same five
everyday messages in each), written for this test by the agorascope authors; see
docs/parts/enrich-benchmarks.md.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
from sklearn.metrics import f1_score

from agorascope.text.langid import detect, detect_naive, detect_one, languages

DATA = Path(__file__).parent / "data" / "text"


def _rows() -> list[dict[str, str]]:
    with open(DATA / "langid_short.tsv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_macro_f1_on_24_languages() -> None:
    rows = _rows()
    truth = [r["lang"] for r in rows]
    assert len(set(truth)) >= 20
    langs, conf = detect([r["text"] for r in rows])
    pred = langs.to_pylist()
    assert f1_score(truth, pred, average="macro") >= 0.95
    assert "ug" in pred and pred.count("ug") == 5  # Uyghur is covered
    assert min(conf.to_pylist()) > 0.3


def test_und_for_emoji_links_and_too_short() -> None:
    texts = ["😀😀🔥", "https://example.com/a/b", "@user @user", "ok", "", None, "#️⃣ 12345 !!!",
             "Das ist ein ganz normaler deutscher Satz."]
    langs, conf = detect(texts)
    assert langs.to_pylist() == ["und"] * 7 + ["de"]
    assert conf.to_pylist()[:7] == [0.0] * 7


def test_vectorised_agrees_with_py3langid_per_text() -> None:
    rows = _rows()
    texts = [r["text"] for r in rows]
    fast = detect(pa.array(texts))[0].to_pylist()
    slow = [lang for lang, _ in detect_naive(texts)]
    assert fast == slow
    assert detect_one("Ceci est une phrase en français.")[0] == "fr"
    assert len(languages()) >= 100 and "ug" in languages()


def test_empty_input() -> None:
    langs, conf = detect([])
    assert len(langs) == 0 and len(conf) == 0
