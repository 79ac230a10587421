"""Coordination detection side by side with QUT's coordination_network_toolkit 1.5.2.

    python bench/coordination.py --posts 1000000 [--days 7] [--text-posts 100000] [--pop-exponent 1.0]
    python bench/coordination.py --posts 10000000 --days 70 --pop-exponent 1.0 --item-scale 10 --only <phase,...>

Same simulated corpus (agorascope.analysis.coordination_planted: heavy-tailed organic activity,
hot items, one planted group per kind) for both tools, 60 s window. Each phase runs in its own
subprocess, which reports wall time and its peak RSS (including its worker processes):

* load: ours = simulate batches → `Project.ingest_batches` (validate, pseudonymise, DuckDB);
  toolkit = its CSV → SQLite preprocess (`preprocess_csv_files`), plus deleting the '' URLs its
  CSV reader makes of empty `urls` cells (otherwise everyone without a link is co-linked).
* analysis: ours `network_to_parquet` (no filter, no cap, min weight 1: the toolkit's computation,
  streamed to Parquet as the toolkit writes its table into SQLite; phase `ours-co-<kind>-network`),
  ours raw in memory with evidence (`-raw`) or without (`-rawedges`), and ours at default
  parameters (cap + null-model filter + Leiden clusters); toolkit at min_edge_weight 1, n_threads 2.
* `--item-scale k` (use posts / 1M at 10M): the popularity curve of a k times smaller corpus repeated
  k times, so the busiest item-minute holds as many posts as at 1M and the raw network grows
  linearly (see `planted_corpus`); with plain Zipf over 10x more items it grows ~70-100x.
* check-co-repost / check-co-link: our Parquet network against the toolkit's SQLite table: row
  count, weight sum and three order-independent sums of per-row hashes of the directed
  (u1, u2, weight) rows, each computed inside its own engine (no Python row loop).
* co-text: ours on the full corpus; the toolkit's co_similar_tweet (Jaccard 0.8) on the first
  `--text-posts` posts (its all-pairs-in-window comparison is too slow for 1M here) — the
  extrapolation to the full corpus is labelled as such.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: DuckDB spills to disk beyond this (the machine is shared; the raw network can be quadratic).
MEMORY_LIMIT = ["1500MB"]
POP_EXPONENT = [1.1]
ITEM_SCALE = [1]
sys.path.insert(0, str(ROOT))


def _cpu_s() -> float:
    """User + system CPU seconds of this process and its finished worker processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024.0


def _corpus(posts: int, days: float):
    from agorascope.analysis.coordination_planted import planted_corpus

    return planted_corpus(posts=posts, days=days, accounts=max(3_000, posts // 10), hyper=max(40, posts // 3_000),
                          seed=7, pop_exponent=POP_EXPONENT[0], item_scale=ITEM_SCALE[0])


def phase(name: str, work: Path, posts: int, days: float, text_posts: int) -> dict[str, object]:
    """Run one measured phase in this process; return its figures."""
    out: dict[str, object] = {"phase": name}
    if name == "gen":
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        pl = _corpus(posts, days)
        t = pl.table
        pq.write_table(t, work / "posts.parquet")
        (work / "groups.json").write_text(json.dumps(pl.groups))
        for n, fname in ((t.num_rows, "toolkit.csv"), (text_posts, "toolkit_text.csv")):
            s = t.slice(0, n)
            csv = {
                "message_id": s["post_id"], "user_id": s["author"], "username": s["author"],
                "repost_id": s["repost_of"], "reply_id": s["reply_to"], "message": s["text"],
                "timestamp": pc.divide(pc.cast(pc.cast(s["created_at"], "int64"), "double"), 1e6),
                "urls": pc.binary_join(s["urls"], " "),
            }
            import pyarrow as pa

            pacsv.write_csv(pa.table(csv), work / fname)
        out["rows"] = t.num_rows
        return out
    t0, c0 = time.perf_counter(), _cpu_s()
    if name == "ours-load":
        import pyarrow.parquet as pq

        from agorascope.project import Project

        p = Project.init(work / "ours")
        p.settings.run_hooks = False  # measure coordination's own input path, not other features' hooks
        pf = pq.ParquetFile(work / "posts.parquet")
        rep = p.ingest_batches(pf.iter_batches(batch_size=100_000), source="bench")
        p.close()
        out["imported"] = rep.imported
    elif name.startswith("ours-"):
        from agorascope.analysis.coordination import coordination, precision_recall
        from agorascope.project import Project

        _, _, base, mode = name.split("-")  # ours-co-<kind>-<mode>
        kind = "co-" + base
        p = Project.open(work / "ours", memory_limit=MEMORY_LIMIT[0])
        if mode == "network":  # the toolkit's output: the unfiltered edge list, streamed to Parquet
            from agorascope.analysis.coordination import network_to_parquet

            n = network_to_parquet(p.store, work / f"ours_{base}_network.parquet", kinds=[kind], window_s=60,
                                   min_weight=1)
            out["edges"], out["directed_edges"] = n, 2 * n
            p.close()
            out["wall_s"] = round(time.perf_counter() - t0, 2)
            out["cpu_s"] = round(_cpu_s() - c0, 2)
            out["peak_rss_mb"] = round(_rss_mb(), 0)
            return out
        if mode in ("raw", "rawedges", "prefix"):  # rawedges: the edge list only, like the toolkit's output
            until = None
            if mode == "prefix":  # the posts of the toolkit's co-text input (the corpus' first rows in time)
                import pyarrow.compute as pc
                import pyarrow.parquet as pq

                ts = pq.read_table(work / "posts.parquet", columns=["created_at"]).slice(0, text_posts)
                until = pc.max(ts["created_at"]).as_py() + timedelta(microseconds=1)
            res = coordination(p.store, kinds=[kind], window_s=60, min_weight=1, min_objects=1, significance=None,
                               max_per_object=None, clusters=False, save=False, min_tokens=1,
                               evidence=mode == "raw", until=until)
        else:
            res = coordination(p.store, kinds=[kind], window_s=60)
            groups = json.loads((work / "groups.json").read_text())
            truth = set(p.pseudonym(groups[kind], platform="twitter"))
            prec, rec = precision_recall(res.authors(kind), truth)
            out["precision"], out["recall"] = round(prec, 3), round(rec, 3)
            out["clusters"] = res.cluster_stats.num_rows
        out["edges"] = res.edges.num_rows
        out["directed_edges"] = 2 * res.edges.num_rows  # both directions of every pair are >= 1
        p.close()
    elif name in ("tk-load", "tk-load-text"):
        import sqlite3

        from coordination_network_toolkit.preprocess import preprocess_csv_files

        db = work / ("toolkit_text.db" if name == "tk-load-text" else "toolkit.db")
        csv = work / ("toolkit_text.csv" if name == "tk-load-text" else "toolkit.csv")
        for f in (db, Path(str(db) + "-wal"), Path(str(db) + "-shm")):
            f.unlink(missing_ok=True)
        with open(os.devnull, "w") as dn:
            so, sys.stdout = sys.stdout, dn
            try:
                preprocess_csv_files(str(db), [str(csv)])
            finally:
                sys.stdout = so
        con = sqlite3.connect(db)
        con.execute("DELETE FROM message_url WHERE url = ''")
        con.commit()
        con.close()
    elif name.startswith("check-"):  # check-co-<kind>: ours vs the toolkit's network, without Python row loops
        out.update(_check_network(work, name[len("check-"):]))
    elif name.startswith("tk-"):
        import sqlite3

        from coordination_network_toolkit import compute_networks as cn

        kind = name[3:]
        fn, table, db = {
            "co-repost": (cn.compute_co_retweet_parallel, "co_retweet_network", "toolkit.db"),
            "co-link": (cn.compute_co_link_network, "co_link_network", "toolkit.db"),
            "co-text": (cn.compute_co_similar_tweet, "co_similar_tweet_network", "toolkit_text.db"),
        }[kind]
        kw = {"similarity_threshold": 0.8} if kind == "co-text" else {}
        with open(os.devnull, "w") as dn:
            so, sys.stdout = sys.stdout, dn
            try:
                fn(str(work / db), 60, n_threads=2, min_edge_weight=1, **kw)
            finally:
                sys.stdout = so
        con = sqlite3.connect(work / db)
        out["directed_edges"] = con.execute(f"SELECT count(*) FROM {table} WHERE user_1 <> user_2").fetchone()[0]
        con.close()
    out["wall_s"] = round(time.perf_counter() - t0, 2)
    out["cpu_s"] = round(_cpu_s() - c0, 2)
    out["peak_rss_mb"] = round(_rss_mb(), 0)
    return out


#: Per directed row (u1, u2, weight) with x = id(u1) * 2^21 + id(u2) (id = the raw handle's number):
#: integer fingerprints whose sums over all rows are order-independent, computed the same way in
#: SQLite (the toolkit's table) and DuckDB (our Parquet, pseudonyms mapped back to handles).
_FINGERPRINTS = ("count(*)", "sum(w)", "sum((x * 1000003 + w * 999983) % 2147483647)",
                 "sum(((x % 1000003) * (x % 999983) % 1000000007) * (w + 3) % 998244353)",
                 "sum((x % 4294967291) * (w + 11) % 4294967279)")


def _check_network(work: Path, kind: str) -> dict[str, object]:
    """Are our unfiltered network and the toolkit's the same directed (u1, u2, weight) multiset?

    Row-by-row EXCEPT ALL (as at 1M) costs minutes per 10M rows through Python here, so this
    compares the row count, the weight sum and three order-independent sums of per-row modular
    hashes (`_FINGERPRINTS`), each side computed inside its own database engine.
    """
    import sqlite3

    import duckdb
    import pyarrow as pa

    from agorascope.project import Project

    base = kind.removeprefix("co-")
    table = {"repost": "co_retweet_network", "link": "co_link_network"}[base]
    fps = ", ".join(_FINGERPRINTS)
    sq = sqlite3.connect(work / "toolkit.db")
    tk = sq.execute(f"SELECT {fps} FROM (SELECT CAST(substr(user_1, 2) AS INTEGER) * 2097152 "
                    f"+ CAST(substr(user_2, 2) AS INTEGER) AS x, weight AS w FROM {table} "
                    "WHERE user_1 <> user_2)").fetchone()
    sq.close()
    groups = json.loads((work / "groups.json").read_text())
    n_handles = max(int(h[1:]) for hs in groups.values() for h in hs) + 1
    handles = [f"u{i:06d}" for i in range(n_handles)]
    p = Project.open(work / "ours")
    ps = p.pseudonym(handles, platform="twitter")
    p.close()
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT[0], "threads": 2})
    m = pa.table({"ps": ps, "id": list(range(n_handles))})  # noqa: F841 (scanned by name)
    net = str(work / f"ours_{base}_network.parquet")
    ours = con.execute(
        f"SELECT {fps} FROM (SELECT ma.id::BIGINT * 2097152 + mb.id AS x, d.w FROM ("
        "SELECT author_a AS a, author_b AS b, weight_ab AS w FROM read_parquet(?) UNION ALL "
        "SELECT author_b, author_a, weight_ba FROM read_parquet(?)) d "
        "JOIN m ma ON ma.ps = d.a JOIN m mb ON mb.ps = d.b WHERE d.w >= 1)", [net, net]).fetchone()
    con.close()
    tk_l, ours_l = [int(v or 0) for v in tk], [int(v or 0) for v in ours]
    return {"kind": kind, "toolkit_fingerprint": tk_l, "ours_fingerprint": ours_l, "equal": tk_l == ours_l,
            "directed_edges": tk_l[0]}


def run(name: str, args: argparse.Namespace) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--phase", name, "--work", str(args.work), "--posts", str(args.posts),
           "--days", str(args.days), "--text-posts", str(args.text_posts), "--pop-exponent", str(args.pop_exponent),
           "--item-scale", str(args.item_scale),
           "--memory-limit", args.memory_limit]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=args.phase_timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the phase and its worker processes
        proc.communicate()
        res = {"phase": name, "error": f"timeout after {args.phase_timeout} s", "wall_s": f">{args.phase_timeout}"}
        print(json.dumps(res), file=sys.stderr, flush=True)
        return res
    if proc.returncode != 0:
        return {"phase": name, "error": stderr[-2000:]}
    res = json.loads(stdout.strip().splitlines()[-1])
    print(json.dumps(res), file=sys.stderr, flush=True)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--days", type=float, default=7.0)
    ap.add_argument("--text-posts", type=int, default=100_000, help="corpus prefix for the toolkit's co-text")
    ap.add_argument("--work", type=Path, default=Path("/tmp/agorascope-bench-coordination"))
    ap.add_argument("--phase", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--pop-exponent", type=float, default=1.0,
                    help="Zipf exponent of item popularity (1.0: the corpus every documented run used)")
    ap.add_argument("--item-scale", type=int, default=1,
                    help="k: popularity of a k times smaller corpus repeated k times (same per-item-minute density "
                         "as the smaller corpus; use posts / 1M to compare 10M with 1M); 1 = plain Zipf")
    ap.add_argument("--phase-timeout", type=int, default=900, help="seconds before a phase is given up")
    ap.add_argument("--only", default=None, help="comma-separated phases to run (default: all)")
    ap.add_argument("--memory-limit", default=MEMORY_LIMIT[0], help="DuckDB memory_limit of our phases")
    args = ap.parse_args()
    POP_EXPONENT[0] = args.pop_exponent
    ITEM_SCALE[0] = args.item_scale
    MEMORY_LIMIT[0] = args.memory_limit
    if args.phase:
        print(json.dumps(phase(args.phase, args.work, args.posts, args.days, args.text_posts)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    phases = ["gen", "ours-load", "tk-load", "ours-co-repost-network", "tk-co-repost", "ours-co-repost-default",
              "ours-co-link-network", "tk-co-link", "ours-co-link-default", "ours-co-text-raw", "ours-co-text-default",
              "tk-load-text", "tk-co-text"]
    if args.only:
        phases = args.only.split(",")
    res = {name: run(name, args) for name in phases}
    print(f"\nposts: {args.posts:,} over {args.days:g} days, popularity Zipf {args.pop_exponent:g} "
          f"(item scale {args.item_scale}), window 60 s "
          "(2 shared cores: timings contended)\n")
    print(f"{'step':<22}{'agorascope s':>14}{'RSS MB':>9}{'toolkit s':>12}{'RSS MB':>9}{'edges ours/toolkit':>22}")
    pairs = [("load", "ours-load", "tk-load"), ("co-repost", "ours-co-repost-network", "tk-co-repost"),
             ("co-link", "ours-co-link-network", "tk-co-link"), ("co-text", "ours-co-text-raw", "tk-co-text")]
    for label, o, t in pairs:
        ro, rt = res.get(o, {}), res.get(t, {})
        edges = f"{ro.get('directed_edges', '-')}/{rt.get('directed_edges', '-')}"
        print(f"{label:<22}{ro.get('wall_s', '-'):>14}{ro.get('peak_rss_mb', '-'):>9}{rt.get('wall_s', '-'):>12}"
              f"{rt.get('peak_rss_mb', '-'):>9}{edges:>22}")
    for k in ("co-repost", "co-link", "co-text"):
        d = res.get(f"ours-{k}-default", {})
        print(f"{k} default: {d.get('wall_s')} s, {d.get('peak_rss_mb')} MB, {d.get('edges')} edges, "
              f"P {d.get('precision')} R {d.get('recall')}")
    if "tk-co-text" in res and "wall_s" in res["tk-co-text"]:
        est = res["tk-co-text"]["wall_s"] * args.posts / args.text_posts
        print(f"toolkit co-text ran on the first {args.text_posts:,} posts (same posts per second as the full "
              f"corpus); its cost grows with posts × posts-in-window, so at {args.posts:,} posts it would take "
              f"about {est:,.0f} s — an EXTRAPOLATION, not a measurement.")
    (args.work / "results.json").write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
