"""Simulator throughput and peak RSS: posts/s for generating batches, truth, and file writes.

    python bench/sim.py [--posts 1000000] [--days 7] [--formats parquet,csv,ndjson]

There is no reference tool for simulation; the side-by-side is against the cost of just
materialising the same number of rows with pyarrow (the floor any generator pays).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import run_measured

GEN = """
from agorascope.sim import SimConfig, Simulation
sim = Simulation(SimConfig(posts={posts}, days={days}, seed=7))
n = sum(b.num_rows for b in sim.batches())
result["rows"] = n
result["truth_groups"] = len(sim.truth()["groups"])
"""

TRUTH_ONLY = """
from agorascope.sim import SimConfig, Simulation
result["rows"] = Simulation(SimConfig(posts={posts}, days={days}, seed=7)).truth()["counts"]["posts"]
"""

WRITE = """
import tempfile, pathlib
from agorascope.sim import SimConfig, Simulation
with tempfile.TemporaryDirectory() as d:
    p = pathlib.Path(d) / "posts.{fmt}"
    result["rows"] = Simulation(SimConfig(posts={posts}, days={days}, seed=7)).write(p, format="{fmt}")
    result["mb"] = p.stat().st_size / 2**20
"""

FLOOR = """
import numpy as np, pyarrow as pa
n = {posts}
texts = pa.array([f"post number {{i}} about something #tag" for i in range(1000)])
for s in range(0, n, 50_000):
    k = min(50_000, n - s)
    idx = pa.array(np.random.default_rng(s).integers(0, 1000, k))
    pa.RecordBatch.from_arrays([texts.take(idx), pa.array(np.arange(s, s + k))], names=["text", "record"])
result["rows"] = n
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--days", type=float, default=7)
    ap.add_argument("--formats", default="parquet,csv,ndjson")
    a = ap.parse_args()
    rows = [("generate batches (+truth)", GEN.format(posts=a.posts, days=a.days)),
            ("truth() without iterating", TRUTH_ONLY.format(posts=a.posts, days=a.days)),
            ("floor: pyarrow take of 2 columns", FLOOR.format(posts=a.posts))]
    rows += [(f"write {f}", WRITE.format(posts=a.posts, days=a.days, fmt=f)) for f in a.formats.split(",") if f]
    print(f"{'step':36} {'rows':>10} {'seconds':>8} {'posts/s':>10} {'peak RSS MB':>12}")
    for name, code in rows:
        r = run_measured(code)
        print(f"{name:36} {int(r['rows']):>10,} {r['seconds']:>8.1f} {r['rows'] / r['seconds']:>10,.0f} "
              f"{r['peak_rss_mb']:>12.0f}" + (f"   ({r['mb']:.0f} MB file)" if "mb" in r else ""))


if __name__ == "__main__":
    main()
