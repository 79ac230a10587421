"""Benchmark: streaming trend counting vs a naive exact group-by recomputed per batch.

    python bench/trends.py [--posts N] [--vocab V ...] [--batch 50000] [--naive-posts N]
    python bench/trends.py --quality [--posts-per-day 1000000] [--days 1]
    python bench/trends.py --ingest FILE [--hook-runs on,off]

Counting mode feeds synthetic items (8 terms from a vocabulary of V keys, Zipf head + uniform
long tail, 1 hashtag, an author) at 1M posts/day through `TrendCounter.count` (all three
resolutions, scoring of touched buckets included; store writes excluded), and reports posts/s
and memory (sketch bytes and process peak RSS) for each vocabulary size. The reference is the
naive exact approach: append the batch to a DuckDB table and recompute per-key counts per 5-min
bucket over the last day, with mean/stddev per key, after every batch.

Ingest mode imports FILE (any format `agorascope import` reads) into a fresh project in a child
process, once with the batch hooks off and once with them on, and prints wall/CPU seconds, peak
RSS and where the hook's CPU went (extraction, counting, store writes, alert rules) — the cost
the `trends` hook adds to a bulk import.

Quality mode ingests a synthetic daily-rhythm stream with planted bursts through a project (the
real hook: extraction, counting, store writes, alert rules) and prints throughput, false alerts
per simulated day, event recall and detection lag.
"""

from __future__ import annotations

import argparse
import gc
import resource
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from agorascope._mix import mix64
from agorascope.analysis.trends import TrendCounter, TrendParams
from agorascope.analysis.trends_counts import Items

DAY_US = 86_400 * 1_000_000


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_items(rng: np.random.Generator, start_post: int, n: int, *, vocab: int, per_day: int,
                    terms: int = 8) -> Items:
    """n posts -> n * (terms + 1) items; times at `per_day` posts/day from post `start_post`."""
    t_post = (np.arange(start_post, start_post + n, dtype=np.int64) * DAY_US) // per_day
    head = rng.zipf(1.3, (n, terms)) % 50_000
    tail = rng.integers(0, vocab, (n, terms))
    use_tail = rng.random((n, terms)) < 0.5
    key = np.where(use_tail, tail, head).astype(np.int64)
    tag = (rng.zipf(1.3, n) % 5_000) + 10**12
    keys = np.concatenate([key.reshape(-1), tag])
    kind = np.concatenate([np.zeros(n * terms, np.int8), np.ones(n, np.int8)])
    t = np.concatenate([np.repeat(t_post, terms), t_post])
    author = rng.integers(0, max(n // 8, 1000), n)
    a = np.concatenate([np.repeat(author, terms), author]).astype(np.uint64)
    i = np.concatenate([np.repeat(np.arange(n), terms), np.arange(n)])
    return Items(t=t, kind=kind, h=mix64(keys.astype(np.uint64)), ah=mix64(a), i=i, key=pa.array(keys),
                 post_t=t_post, post_id=pa.array(np.arange(start_post, start_post + n).astype(str)))


def bench_counter(posts: int, vocab: int, batch: int, per_day: int) -> dict[str, float]:
    gc.collect()
    rng = np.random.default_rng(1)
    counter = TrendCounter(TrendParams())
    spent = cpu = 0.0
    done = 0
    while done < posts:
        n = min(batch, posts - done)
        items = synthetic_items(rng, done, n, vocab=vocab, per_day=per_day)
        t0 = time.perf_counter()
        c0 = time.process_time()
        counter.count(items)
        spent += time.perf_counter() - t0
        cpu += time.process_time() - c0
        done += n
    cand = sum(len(ob.cand) for r in counter.res.values() for ob in r.open.values())
    return {"posts": posts, "vocab": vocab, "posts_per_s": posts / spent, "seconds": spent,
            "posts_per_cpu_s": posts / cpu, "sketch_mb": counter.nbytes() / 2**20, "open_candidates": cand,
            "peak_rss_mb": rss_mb()}


def bench_naive(posts: int, vocab: int, batch: int, per_day: int) -> dict[str, float]:
    import duckdb

    rng = np.random.default_rng(1)
    con = duckdb.connect(config={"threads": 2})
    con.execute("CREATE TABLE items (t BIGINT, key BIGINT, author BIGINT)")
    spent = cpu = 0.0
    done = 0
    while done < posts:
        n = min(batch, posts - done)
        it = synthetic_items(rng, done, n, vocab=vocab, per_day=per_day)
        tb = pa.table({"t": it.t, "key": it.key, "author": it.ah.astype(np.int64)})
        t0 = time.perf_counter()
        c0 = time.process_time()
        con.register("tb", tb)
        con.execute("INSERT INTO items SELECT * FROM tb")
        con.unregister("tb")
        now = int(it.t.max())
        con.sql("""
            WITH c AS (SELECT key, t // 300000000 AS b, count(*) AS n, count(DISTINCT author) AS a FROM items
                       WHERE t >= ? GROUP BY ALL),
                 s AS (SELECT key, avg(n) AS mu, stddev_pop(n) AS sd FROM c WHERE b < ? GROUP BY key)
            SELECT c.key, c.n, c.a, (c.n - coalesce(s.mu, 0)) / (coalesce(s.sd, 0) + 1) AS z
            FROM c LEFT JOIN s USING (key) WHERE c.b = ? ORDER BY z DESC LIMIT 50""",
                params=[now - DAY_US, now // 300_000_000, now // 300_000_000]).to_arrow_table()
        spent += time.perf_counter() - t0
        cpu += time.process_time() - c0
        done += n
    mem = con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchall()[0][0] or 0
    return {"posts": posts, "vocab": vocab, "posts_per_s": posts / spent, "seconds": spent,
            "posts_per_cpu_s": posts / cpu, "duckdb_mb": mem / 2**20, "peak_rss_mb": rss_mb()}


def quality(per_day: int, days: float, batch: int) -> dict[str, float]:
    from agorascope.alerts import engine
    from agorascope.alerts.rules import Rule
    from agorascope.analysis.trends_synth import SynthStream, planted
    from agorascope.project import Project

    s = SynthStream(posts_per_day=per_day, days=days, seed=11, vocab=200_000, hashtags=20_000, domains=5_000)
    sizes = tuple(int(x * per_day / 100_000) for x in (40, 60, 100, 200)) * max(1, int(days * 2))
    s.bursts = planted(days, s.start, sizes=sizes, seed=5, warm_hours=6)
    t0 = time.perf_counter()
    tab = s.table()
    gen = time.perf_counter() - t0
    tmp = Path(tempfile.mkdtemp(prefix="bench-trends-"))
    try:
        with Project.init(tmp / "p") as p:
            engine.add_rule(p.store, Rule("fast", watch="any", resolution="5m", min_z=5, min_count=10,
                                          min_authors=5, cooldown=timedelta(hours=3), notify=()))
            engine.add_rule(p.store, Rule("hourly", watch="any", resolution="1h", min_z=5, min_count=15,
                                          min_authors=5, cooldown=timedelta(hours=3), notify=()))
            t0 = time.perf_counter()
            p.ingest_batches(tab.to_batches(max_chunksize=batch), source="bench")
            ingest_s = time.perf_counter() - t0
            alerts = engine.history(p.store, limit=100_000).to_pylist()
        res = evaluate_alerts(alerts, s.bursts)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"posts": tab.num_rows, "generate_s": gen, "ingest_with_trends_s": ingest_s,
            "posts_per_s": tab.num_rows / ingest_s, **res, "false_per_day": res["false_alerts"] / days}


_INGEST_CHILD = """
import os, time, tempfile, shutil
from pathlib import Path
os.environ["AGORASCOPE_SECRET"] = "b" * 40
os.environ["AGORASCOPE_RUN_HOOKS"] = __HOOKS__
from agorascope import Project, pipeline
from agorascope.alerts import engine
from agorascope.analysis import trends as tr
from agorascope.config import load_settings
acc = {}
def wrap(owner, name, label):
    f = getattr(owner, name)
    def timed(*a, **k):
        c0 = time.process_time()
        try:
            return f(*a, **k)
        finally:
            acc[label] = acc.get(label, 0.0) + time.process_time() - c0
    setattr(owner, name, timed)
wrap(pipeline, "run_batch_hooks", "hook_cpu_s")
wrap(tr, "extract_items", "extract_cpu_s")
wrap(tr.TrendCounter, "count", "count_cpu_s")
wrap(tr.TrendCounter, "flush", "flush_cpu_s")
wrap(engine, "evaluate", "alerts_cpu_s")
d = Path(tempfile.mkdtemp(prefix="bench-trends-ingest-"))
try:
    p = Project.init(d / "p", settings=load_settings(flags={"project": str(d / "p")}))
    c0 = time.process_time()
    rep = p.ingest([__PATH__])
    result["cpu_s"] = time.process_time() - c0
    result["imported"] = rep.imported
    p.close()
finally:
    shutil.rmtree(d, ignore_errors=True)
result.update(acc)
"""


def ingest_cost(path: str, runs: list[str]) -> list[dict[str, float]]:
    """Import `path` with the batch hooks off / on, each in a fresh process."""
    from _util import run_measured

    out = []
    for run in runs:
        code = _INGEST_CHILD.replace("__HOOKS__", repr("1" if run == "on" else "0")).replace("__PATH__", repr(path))
        out.append({"hooks": run, **run_measured(code)})
    return out


def evaluate_alerts(alerts: list[dict], bursts: list) -> dict[str, float]:
    """Event-level matching: an alert is true when its key is a planted burst's key and its bucket
    lies in [onset - 1 bucket, end]; lag in buckets of the alert's resolution."""
    truth = {b.key: b for b in bursts}
    lags: dict[str, float] = {}
    false = 0
    size = {"5m": 300, "1h": 3600, "1d": 86400}
    for a in alerts:
        b = truth.get(a["key"])
        sz = size[a["resolution"]]
        if b is not None and b.onset - timedelta(seconds=sz) < a["bucket"] <= b.onset + b.duration:
            lag = max(0.0, (a["bucket"] - b.onset).total_seconds() / sz)
            lags[b.key] = min(lags.get(b.key, 99.0), lag)
        else:
            false += 1
    true = len(alerts) - false
    return {"alerts": len(alerts), "false_alerts": false, "precision": true / len(alerts) if alerts else 1.0,
            "recall": len(lags) / len(truth) if truth else 1.0, "max_lag_buckets": max(lags.values(), default=0.0)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--vocab", type=int, nargs="+", default=[100_000, 1_000_000, 5_000_000])
    ap.add_argument("--batch", type=int, default=50_000)
    ap.add_argument("--per-day", type=int, default=1_000_000)
    ap.add_argument("--naive-posts", type=int, default=300_000, help="posts for the naive reference (it slows "
                    "down as its window fills)")
    ap.add_argument("--quality", action="store_true")
    ap.add_argument("--ingest", metavar="FILE", help="import FILE with the batch hooks off and on")
    ap.add_argument("--hook-runs", default="off,on", help="with --ingest: which runs, in order")
    ap.add_argument("--days", type=float, default=1.0)
    args = ap.parse_args()
    if args.ingest:
        print(f"{'hooks':<6}{'posts':>10}{'wall s':>8}{'CPU s':>7}{'posts/s':>9}{'peak RSS MB':>12}{'hook CPU s':>11}"
              f"{'extract':>8}{'count':>7}{'flush':>7}{'alerts':>7}")
        for r in ingest_cost(args.ingest, args.hook_runs.split(",")):
            print(f"{r['hooks']:<6}{r['imported']:>10,}{r['seconds']:>8.1f}{r['cpu_s']:>7.2f}"
                  f"{r['imported'] / r['seconds']:>9,.0f}{r['peak_rss_mb']:>12.0f}{r.get('hook_cpu_s', 0):>11.2f}"
                  f"{r.get('extract_cpu_s', 0):>8.2f}{r.get('count_cpu_s', 0):>7.2f}{r.get('flush_cpu_s', 0):>7.2f}"
                  f"{r.get('alerts_cpu_s', 0):>7.2f}")
        return
    if args.quality:
        r = quality(args.per_day, args.days, args.batch)
        print(" ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items()))
        return
    print(f"{'method':<10}{'posts':>11}{'vocab':>11}{'posts/s':>12}{'posts/cpu-s':>13}{'seconds':>9}{'state MB':>10}"
          f"{'peak RSS MB':>12}")
    for v in args.vocab:
        r = bench_counter(args.posts, v, args.batch, args.per_day)
        print(f"{'sketch':<10}{r['posts']:>11,}{v:>11,}{r['posts_per_s']:>12,.0f}{r['posts_per_cpu_s']:>13,.0f}{r['seconds']:>9.1f}"
              f"{r['sketch_mb']:>10.0f}{r['peak_rss_mb']:>12.0f}")
    if args.naive_posts:
        for v in args.vocab[:1] + args.vocab[-1:]:
            r = bench_naive(args.naive_posts, v, args.batch, args.per_day)
            print(f"{'naive':<10}{r['posts']:>11,}{v:>11,}{r['posts_per_s']:>12,.0f}{r['posts_per_cpu_s']:>13,.0f}{r['seconds']:>9.1f}"
                  f"{r['duckdb_mb']:>10.0f}{r['peak_rss_mb']:>12.0f}")


if __name__ == "__main__":
    main()
