"""Clusters of coordinating accounts (Leiden, modularity) with statistics and a suspicion score.

The graph is the multiplex edge table collapsed to one undirected weighted edge per pair (the
sum of the kinds' weights). igraph's built-in Leiden is used (4.8 s on 1M edges here, against
70 s for `leidenalg`; see shared/STACK.md); igraph draws from Python's `random`, so a private
`random.Random(seed)` makes a run reproducible.
"""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from agorascope.analysis import coordination_sql as Q

CLUSTER_SCHEMA = pa.schema([("author", pa.string()), ("cluster_id", pa.int64()), ("degree", pa.int64()),
                            ("strength", pa.float64())])
STATS_SCHEMA = pa.schema([
    ("cluster_id", pa.int64()), ("size", pa.int64()), ("n_edges", pa.int64()), ("density", pa.float64()),
    ("kinds", pa.list_(pa.string())), ("n_objects", pa.int64()), ("n_posts", pa.int64()),
    ("platforms", pa.list_(pa.string())), ("first_at", pa.timestamp("us", tz="UTC")),
    ("last_at", pa.timestamp("us", tz="UTC")), ("span_s", pa.float64()), ("share_reposts", pa.float64()),
    ("median_delta_s", pa.float64()), ("min_log10_p", pa.float64()), ("narratives", pa.list_(pa.string())),
    ("suspicion", pa.float64()), ("explanation", pa.string())])


def leiden(edges: pa.Table, *, seed: int = 7) -> pa.Table:
    """Per-author Leiden cluster ids (largest cluster first), degree and weighted degree."""
    if edges.num_rows == 0:
        return CLUSTER_SCHEMA.empty_table()
    import igraph as ig

    a, b = edges["author_a"].combine_chunks(), edges["author_b"].combine_chunks()
    loops = pc.equal(a, b)
    keep = pc.invert(loops)
    a, b, w = a.filter(keep), b.filter(keep), edges["weight"].combine_chunks().filter(keep)
    names = pc.unique(pa.concat_arrays([edges["author_a"].combine_chunks(), edges["author_b"].combine_chunks()]))
    names = names.take(pc.sort_indices(names))
    ia = pc.index_in(a, value_set=names).to_numpy(zero_copy_only=False)
    ib = pc.index_in(b, value_set=names).to_numpy(zero_copy_only=False)
    wv = w.to_numpy(zero_copy_only=False).astype(float)
    # one edge per pair: sum the kinds' weights
    lo, hi = np.minimum(ia, ib), np.maximum(ia, ib)
    key = lo.astype(np.int64) * len(names) + hi
    uk, inv = np.unique(key, return_inverse=True)
    ww = np.bincount(inv, weights=wv)
    g = ig.Graph(n=len(names), edges=np.column_stack([uk // len(names), uk % len(names)]).tolist())
    g.es["weight"] = ww.tolist()
    rng_state = random.Random(seed)
    ig.set_random_number_generator(rng_state)
    try:
        part = g.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1)
    finally:
        ig.set_random_number_generator(random)
    memb = np.asarray(part.membership, dtype=np.int64)
    # renumber: largest cluster first, ties by smallest member index
    sizes = np.bincount(memb)
    first = np.full(len(sizes), len(memb))
    np.minimum.at(first, memb, np.arange(len(memb)))
    order = np.lexsort((first, -sizes))
    new_id = np.empty_like(order)
    new_id[order] = np.arange(len(order))
    return pa.table({"author": names, "cluster_id": pa.array(new_id[memb] + 1, pa.int64()),
                     "degree": pa.array(g.degree(), pa.int64()),
                     "strength": pa.array(g.strength(weights="weight"), pa.float64())}, schema=CLUSTER_SCHEMA)


def suspicion(row: dict[str, Any], *, n_kinds: int, window_s: float) -> tuple[float, str]:
    """A 0–1 score and its plain-language reasons for one cluster's statistics.

    score = 0.35·speed + 0.30·improbability + 0.25·density + 0.10·multiplexity, where speed =
    1 − median gap / window, improbability = min(1, −log10 p / 20) of the most improbable pair,
    density = linked pairs / possible pairs, multiplexity = kinds seen / kinds analysed.
    """
    gap = row.get("median_delta_s")
    speed = 1.0 - min(1.0, (gap or 0.0) / window_s) if window_s > 0 else 1.0
    lp = row.get("min_log10_p")
    improb = min(1.0, -lp / 20.0) if lp is not None and math.isfinite(lp) else 0.0
    dens = float(row.get("density") or 0.0)
    kinds = row.get("kinds") or []
    multi = len(kinds) / max(n_kinds, 1)
    score = 0.35 * speed + 0.30 * improb + 0.25 * dens + 0.10 * multi
    p_txt = f"1e{lp:.0f}" if lp is not None and math.isfinite(lp) and lp < -1 else "not tested"
    why = (f"{row['size']} accounts, {dens:.0%} of their pairs linked; typical gap {gap or 0:.1f} s "
           f"(window {window_s:g} s) on {row.get('n_objects', 0)} shared objects; "
           f"chance of the strongest pair's co-activity given its accounts' activity ≤ {p_txt}; "
           f"kinds: {', '.join(kinds) or '-'}")
    if row.get("share_reposts") is not None:
        why += f"; {row['share_reposts']:.0%} reposts"
    return round(score, 4), why


def cluster_tables(con: Any, edges: pa.Table, *, kinds: list[str], window_s: float,
                   seed: int = 7) -> tuple[pa.Table, pa.Table]:
    """Leiden clusters of `edges` and per-cluster statistics (SQL over `_coord_edges`/`_coord_evidence`)."""
    cl = leiden(edges, seed=seed)
    if cl.num_rows == 0:
        return cl, STATS_SCHEMA.empty_table()
    con.register("_coord_clusters_in", cl)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _coord_clusters AS SELECT * FROM _coord_clusters_in")
    finally:
        con.unregister("_coord_clusters_in")
    stats = con.sql(Q.CLUSTER_STATS_SQL).to_arrow_table()
    narr = _narratives(con)
    rows = stats.to_pylist()
    for r in rows:
        r["narratives"] = narr.get(r["cluster_id"], [])
        r["suspicion"], r["explanation"] = suspicion(r, n_kinds=len(kinds), window_s=window_s)
    return cl, pa.Table.from_pylist(rows, schema=STATS_SCHEMA)


def _narratives(con: Any) -> dict[int, list[str]]:
    """Up to three narrative labels per cluster (by evidence posts), when narratives were computed."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if not {"narrative_assignments", "narratives"} <= tables:
        return {}
    t = con.sql("""
        WITH ps AS (
            SELECT ca.cluster_id, v.a_post_id AS post_id FROM _coord_evidence v
            JOIN _coord_clusters ca ON ca.author = v.author_a
            UNION SELECT cb.cluster_id, v.b_post_id FROM _coord_evidence v
            JOIN _coord_clusters cb ON cb.author = v.author_b),
        c AS (SELECT ps.cluster_id, coalesce(n.label, CAST(n.narrative_id AS VARCHAR)) AS label, count(*) AS k
              FROM ps JOIN narrative_assignments a USING (post_id) JOIN narratives n USING (narrative_id)
              WHERE a.narrative_id >= 0 GROUP BY 1, 2)
        SELECT cluster_id, label FROM c QUALIFY row_number() OVER (PARTITION BY cluster_id ORDER BY k DESC, label) <= 3
        ORDER BY cluster_id, k DESC""").to_arrow_table()
    out: dict[int, list[str]] = {}
    for cid, label in zip(t["cluster_id"].to_pylist(), t["label"].to_pylist(), strict=True):
        out.setdefault(cid, []).append(label)
    return out
