"""Ingest throughput and peak RSS vs DuckDB's own loaders on the same simulated files.

    python bench/ingest.py --posts 1000000 --formats csv,ndjson,parquet

For each format it writes the simulated posts once (bench/out/, reused if present), then in
fresh processes: (a) `Project.ingest` into a new project (sniff, parse, validate, pseudonymise,
mask mentions, anti-join upsert, ledger), (b) DuckDB `CREATE TABLE AS SELECT * FROM read_*`
of the same file — the raw-load ceiling with no validation or privacy.

`--bad-lines 0.001` also imports a copy of the NDJSON file in which that share of lines (spread
evenly, from the first block on) is cut in half: ours quarantines each with its line number,
DuckDB's `read_json(ignore_errors = true)` — the only way it loads such a file — drops them silently.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import run_measured

OUT = Path(__file__).resolve().parent / "out"
READERS = {"csv": "read_csv", "ndjson": "read_json", "parquet": "read_parquet"}


def make_file(posts: int, fmt: str) -> Path:
    path = OUT / f"sim_{posts}.{fmt}"
    if not path.exists():
        # In a child process: Linux keeps ru_maxrss across fork+exec, so generating here would
        # inflate the peak RSS reported by every later measured child.
        OUT.mkdir(exist_ok=True)
        run_measured(f"""
from agorascope.sim import SimConfig, Simulation
Simulation(SimConfig(posts={posts}, days=7, seed=11)).write({str(path)!r}, format={fmt!r})
""")
    return path


def make_dirty(path: Path, share: float) -> Path:
    """A copy of an NDJSON file with every 1/share-th line cut in half (invalid JSON)."""
    out = path.with_name(f"{path.stem}_bad{share:g}{path.suffix}")
    if not out.exists():
        step = max(round(1 / share), 1)
        with open(path, "rb") as src, open(out, "wb") as dst:
            for i, line in enumerate(src):
                dst.write(line[: len(line) // 2] + b"\n" if i % step == step // 2 else line)
    return out


def bench_ours(path: Path) -> dict[str, float]:
    proj = OUT / "proj"
    shutil.rmtree(proj, ignore_errors=True)
    code = f"""
from agorascope import Project
from agorascope.config import load_settings
p = Project.init({str(proj)!r}, settings=load_settings(flags={{"project": {str(proj)!r}}}))
rep = p.ingest([{str(path)!r}])
result["imported"] = rep.imported
result["quarantined"] = rep.quarantined
p.close()
"""
    # Ingest alone: the trend hook has its own benchmark (bench/trends.py).
    env = {**os.environ, "AGORASCOPE_SECRET": "b" * 40, "AGORASCOPE_RUN_HOOKS": "0"}
    return run_measured(code, env=env)


def bench_duckdb(path: Path, fmt: str, *, ignore_errors: bool = False) -> dict[str, float]:
    db = OUT / "raw.duckdb"
    db.unlink(missing_ok=True)
    options = ", ignore_errors = true" if ignore_errors else ""
    code = f"""
import duckdb
con = duckdb.connect({str(db)!r})
con.execute("SET threads = 2")
con.execute("SET enable_progress_bar = false")
con.execute("CREATE TABLE t AS SELECT * FROM {READERS[fmt]}(?{options})", [{str(path)!r}])
result["imported"] = con.execute("SELECT count(*) FROM t").fetchone()[0]
"""
    return run_measured(code)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--formats", default="csv,ndjson,parquet")
    ap.add_argument("--bad-lines", type=float, default=0.0,
                    help="also import an NDJSON copy with this share of broken lines (e.g. 0.001)")
    args = ap.parse_args()
    rows = []
    for n in args.posts:
        runs = [(fmt, make_file(n, fmt), False) for fmt in args.formats.split(",")]
        if args.bad_lines:
            runs.append((f"ndjson {args.bad_lines:.1%} bad", make_dirty(make_file(n, "ndjson"), args.bad_lines), True))
        for fmt, path, dirty in runs:
            ours, raw = bench_ours(path), bench_duckdb(path, fmt.split()[0], ignore_errors=dirty)
            rows.append((n, fmt, path.stat().st_size / 1e6, ours, raw))
            print(f"{n:>10,} {fmt:8} ours {ours['imported'] / ours['seconds']:>10,.0f} posts/s "
                  f"{ours['peak_rss_mb']:>7.0f} MB | duckdb {raw['imported'] / raw['seconds']:>10,.0f} rows/s "
                  f"{raw['peak_rss_mb']:>7.0f} MB | ratio {raw['seconds'] / ours['seconds']:.0%} "
                  f"(CPU s: ours {ours['cpu_seconds']:.1f}, duckdb {raw['cpu_seconds']:.1f}; "
                  f"quarantined {ours['quarantined']:,}, duckdb rows {raw['imported']:,})", flush=True)
    print("\n| posts | format | file MB | agorascope posts/s | peak RSS MB | DuckDB read_* rows/s | DuckDB RSS MB "
          "| agorascope / DuckDB speed | CPU s ours / DuckDB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n, fmt, mb, o, r in rows:
        print(f"| {n:,} | {fmt} | {mb:,.0f} | {o['imported'] / o['seconds']:,.0f} | {o['peak_rss_mb']:,.0f} | "
              f"{r['imported'] / r['seconds']:,.0f} | {r['peak_rss_mb']:,.0f} | {r['seconds'] / o['seconds']:.0%} | "
              f"{o['cpu_seconds']:.1f} / {r['cpu_seconds']:.1f} |")


if __name__ == "__main__":
    main()
