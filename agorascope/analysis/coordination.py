"""Coordinated behaviour: accounts that act on the same object within seconds, with the evidence.

Definitions (exact; `docs/parts/coordination-architecture.md` explains the choices):

* **Object** per kind — co-repost: `repost_of`; co-link: each distinct normalised URL of a post
  that is not a repost; co-reply: `reply_to` of a non-repost; co-hashtag: the sorted set of a
  non-repost's distinct hashtags when it has at least `min_hashtags` (3); co-text: a post whose
  token set has Jaccard ≥ `text_similarity` with the other post's (see `coordination_text`).
* **Co-occurrence**: two posts by authors a ≠ b on the same object with |t_a − t_b| ≤ `window_s`
  (a *sliding* window, inclusive; not fixed bins). It is computed as an equi-join on
  (kind, object, ⌊t/W⌋) against the neighbouring buckets, then filtered on |Δt| ≤ W, in
  partitions of the first author's hash (about `PAIRS_PER_PARTITION` post pairs each), so memory
  stays bounded however large the network; `network_to_parquet` streams the unfiltered network
  (the toolkit's computation) to a file.
* **Directed weights**: `weight_ab` = how many of a's posts have at least one co-occurring post by
  b (b's likewise); `weight` = max(weight_ab, weight_ba). These are exactly the directed weights
  of `coordination_network_toolkit` (its table holds (a, b, weight_ab) and (b, a, weight_ba)).
  `n_objects` = distinct shared objects; `n_pairs` = co-occurring post pairs (CooRTweet's count).
* **Self-loops** (`self_loops=True`): an author's two *different* posts on the same object within
  W. (The toolkit also matches every post with itself, so it reports a loop for every active user.)
* **Edge kept** when weight ≥ `min_weight`, n_objects ≥ `min_objects` and — unless
  `significance=None` — the pair co-occurs more than chance allows given both accounts' activity:
  expected_ab = m_a · r_b / R, where m_a counts the other-author posts within W of a's posts,
  r_b is b's number of posts in the kind and R all posts in the kind (b fills each of a's
  neighbour slots with probability r_b / R). The p-value bound exp(k − λ − k·ln(k/λ)) (Chernoff,
  Poisson tail) of weight_ab ≥ k given λ = expected_ab must, in *both* directions, be at most
  `significance` / (number of candidate pairs of the kind) — a Bonferroni correction.
* **Per-object cap** (`max_per_object`): at most that many posts of one object per W-bucket
  take part (a deterministic hash sample); pairs of dropped posts are lost. It bounds the join
  at about 3·cap² pairs per bucket instead of the square of a viral object's burst.

Results are Arrow tables, also stored as `coord_edges`, `coord_evidence`, `coord_clusters`
and `coord_cluster_stats` (a rerun replaces them); authors appear only as pseudonyms.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from agorascope.analysis import coordination_sql as Q
from agorascope.errors import ConfigError

if TYPE_CHECKING:
    from rich.console import Console

    from agorascope.store.duckdb_store import DuckDBStore

log = logging.getLogger(__name__)

Kind = Literal["co-repost", "co-link", "co-text", "co-hashtag", "co-reply"]
KINDS: tuple[str, ...] = ("co-repost", "co-link", "co-text", "co-hashtag", "co-reply")

#: Defaults and why (see the architecture doc for the measurements behind them).
DEFAULTS: dict[str, Any] = {
    "window_s": 60.0,  # the field's usual "within a minute"; the toolkit's examples use 60 s too
    "min_weight": 3,  # three matched posts: one or two shared items within a minute happen by chance
    "min_objects": 3,  # ... and on three distinct objects (one viral item is not a pattern)
    "max_per_object": 100,  # posts per object per W-bucket: a viral burst joins at most 100 x 300 rows a bucket
    "significance": 0.01,  # family-wise error over the candidate pairs of a kind (Bonferroni)
    "text_similarity": 0.8,  # Jaccard of token sets: a reworded word or two in a 15-word post
    "min_tokens": 4,  # shorter texts ("lol", "so true") are identical by chance
    "min_hashtags": 3,
}


@dataclass
class CoordinationResult:
    """Edges, their evidence, and the Leiden clusters with their statistics (all Arrow tables)."""

    edges: pa.Table
    evidence: pa.Table
    clusters: pa.Table
    cluster_stats: pa.Table
    params: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def authors(self, kind: str | None = None) -> set[str]:
        """Pseudonyms in at least one kept edge (of `kind`, if given)."""
        e = self.edges
        if kind is not None:
            e = e.filter(pa.compute.equal(e["kind"], kind))
        return set(e["author_a"].to_pylist()) | set(e["author_b"].to_pylist())

    def write(self, out_dir: Path | str) -> list[Path]:
        """Write edges/evidence/clusters/cluster_stats as Parquet and CSV, the graph as GEXF and GraphML."""
        from agorascope.analysis.coordination_export import write_result

        return write_result(self, Path(out_dir))

    def summary(self) -> dict[str, Any]:
        """Counts for `--json` and the demo."""
        by_kind: dict[str, int] = {}
        for k in self.edges["kind"].to_pylist():
            by_kind[k] = by_kind.get(k, 0) + 1
        return {"edges": self.edges.num_rows, "edges_by_kind": by_kind, "evidence": self.evidence.num_rows,
                "authors": len(self.authors()), "clusters": self.cluster_stats.num_rows,
                "seconds": round(self.seconds, 3), "params": self.params}


def _kinds(kinds: str | Sequence[str]) -> list[str]:
    if isinstance(kinds, str):
        kinds = [k for k in kinds.split(",")]
    out = []
    for k in kinds:
        k = k.strip().lower().replace("_", "-")
        if k in ("co-retweet", "co-post"):  # the toolkit's name
            k = "co-repost" if k == "co-retweet" else k
        if k not in KINDS:
            raise ConfigError(f"Unknown coordination kind {k!r}: use one or more of {', '.join(KINDS)} "
                              "(comma-separated on the command line).")
        if k not in out:
            out.append(k)
    if not out:
        raise ConfigError(f"Give at least one coordination kind: {', '.join(KINDS)}.")
    return out


def _check(name: str, value: float | int | None, *, lo: float, hi: float = math.inf, allow_none: bool = False,
           integer: bool = False) -> None:
    if value is None:
        if allow_none:
            return
        raise ConfigError(f"The {name!r} parameter of coordination must be given.")
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if ok and integer:
        ok = float(value).is_integer()
    if not ok or not (lo <= value <= hi):
        rng = f"≥ {lo:g}" if hi == math.inf else f"between {lo:g} and {hi:g}"
        kind = "an integer" if integer else "a number"
        raise ConfigError(f"The {name!r} parameter of coordination must be {kind} {rng}; got {value!r}.")


def coordination(
    store: DuckDBStore,
    *,
    kinds: str | Sequence[str] = ("co-repost",),
    window_s: float = DEFAULTS["window_s"],
    min_weight: int = DEFAULTS["min_weight"],
    min_objects: int = DEFAULTS["min_objects"],
    since: datetime | None = None,
    until: datetime | None = None,
    self_loops: bool = False,
    max_per_object: int | None = DEFAULTS["max_per_object"],
    significance: float | None = DEFAULTS["significance"],
    text_similarity: float = DEFAULTS["text_similarity"],
    min_tokens: int = DEFAULTS["min_tokens"],
    min_hashtags: int = DEFAULTS["min_hashtags"],
    clusters: bool = True,
    evidence: bool = True,
    seed: int = 7,
    save: bool = True,
) -> CoordinationResult:
    """Find accounts that act on the same object within `window_s` seconds, more often than chance.

    Args:
        store: the project store (reads `posts`; writes `coord_*` tables when `save`).
        kinds: one or more of co-repost, co-link, co-text, co-hashtag, co-reply (a multiplex
            network when several: one edge row per pair and kind).
        window_s: the sliding window W in seconds (|Δt| ≤ W counts).
        min_weight: keep edges whose weight max(weight_ab, weight_ba) is at least this.
        min_objects: ... and that share at least this many distinct objects.
        since, until: only posts with since ≤ created_at < until.
        self_loops: also report an author's own repeated posts on an object within W.
        max_per_object: cap of posts per object per W-bucket (None: no cap, exact but unbounded).
        significance: family-wise error of the activity null model (None: no statistical filter;
            with min_objects=1 and no cap the edge set equals coordination_network_toolkit's).
        text_similarity: co-text Jaccard threshold on token sets.
        min_tokens: co-text ignores posts with fewer distinct tokens.
        min_hashtags: co-hashtag needs at least this many distinct hashtags in a post.
        clusters: run Leiden and compute per-cluster statistics.
        evidence: collect the post pairs behind every kept edge (off: an empty `evidence` table,
            much faster for the unfiltered network, which has millions of edges).
        seed: Leiden's random seed (results are deterministic for a seed).
        save: store the results in the `coord_*` tables.

    Returns:
        A `CoordinationResult`.

    Raises:
        ConfigError: an unknown kind or a parameter out of range.
    """
    ks = _kinds(kinds)
    _check("window_s", window_s, lo=0)
    _check("min_weight", min_weight, lo=1, integer=True)
    _check("min_objects", min_objects, lo=1, integer=True)
    _check("max_per_object", max_per_object, lo=2, allow_none=True, integer=True)
    _check("significance", significance, lo=1e-300, hi=1, allow_none=True)
    _check("text_similarity", text_similarity, lo=1e-9, hi=1)
    _check("min_tokens", min_tokens, lo=1, integer=True)
    _check("min_hashtags", min_hashtags, lo=1, integer=True)
    if since is not None and until is not None and since >= until:
        raise ConfigError(f"--since ({since.isoformat()}) must be before --until ({until.isoformat()}).")
    params = {"kinds": ks, "window_s": float(window_s), "min_weight": int(min_weight),
              "min_objects": int(min_objects), "since": since.isoformat() if since else None,
              "until": until.isoformat() if until else None, "self_loops": bool(self_loops),
              "max_per_object": max_per_object, "significance": significance,
              "text_similarity": float(text_similarity), "min_tokens": int(min_tokens),
              "min_hashtags": int(min_hashtags), "evidence": bool(evidence), "seed": seed}
    t0 = time.perf_counter()
    con = store.con
    where, wparams = _time_filter(since, until)
    window_us = round(float(window_s) * 1e6)

    old_order = _setting(con, "preserve_insertion_order")
    con.execute("SET preserve_insertion_order = false")  # lets DuckDB stream big CTAS without ordering buffers
    try:
        st = _pair_stage(con, ks, where=where, wparams=wparams, window_us=window_us, max_per_object=max_per_object,
                         self_loops=self_loops, text_similarity=text_similarity, min_tokens=min_tokens,
                         min_hashtags=min_hashtags, seed=seed, least=max(int(min_weight), int(min_objects)))
        ln_alpha = math.log(significance) if significance is not None else None
        con.execute(Q.EDGES_SQL, [int(min_weight), int(min_objects), ln_alpha, ln_alpha]).fetchall()
        _evidence(con, evidence=evidence, where=where, wparams=wparams, window_us=window_us, **st)
    finally:
        _restore(con, old_order)
    edges = con.sql(f"SELECT {Q.EDGE_COLUMNS} FROM _coord_edges ORDER BY kind, author_a, author_b").to_arrow_table()
    evidence = con.sql("SELECT author_a, author_b, kind, object, a_post_id, b_post_id, a_at, b_at, delta_s "
                       "FROM _coord_evidence ORDER BY kind, author_a, author_b, a_at, a_post_id, b_post_id"
                       ).to_arrow_table()
    if clusters:
        from agorascope.analysis.coordination_graph import cluster_tables

        cl, stats = cluster_tables(con, edges, kinds=ks, window_s=float(window_s), seed=seed)
    else:
        cl, stats = _empty_clusters()
    seconds = time.perf_counter() - t0
    result = CoordinationResult(edges=edges, evidence=evidence, clusters=cl, cluster_stats=stats, params=params,
                                seconds=seconds)
    for t in _TEMP_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {t}")
    if save and not getattr(store, "read_only", False):
        _save(store, result)
    con.execute("DROP TABLE IF EXISTS _coord_evidence")
    con.execute("DROP TABLE IF EXISTS _coord_edges")
    log.info("coordination %s: %d edges, %d clusters in %.1fs", ",".join(ks), edges.num_rows,
             stats.num_rows, seconds)
    return result


#: The columns `network_to_parquet` writes (see `coordination_sql.NETWORK_PART_SQL`).
NETWORK_COLUMNS = ("author_a, author_b, kind, weight, weight_ab, weight_ba, n_objects, n_pairs, first_at, last_at, "
                   "median_delta_s")
_NETWORK_BATCH = 500_000
_NEVER = 2**62  # an n_pairs no pair reaches

#: Post pairs per partition of the pair step (about 64 bytes each, plus the aggregation's state).
PAIRS_PER_PARTITION = 4_000_000

_TEMP_TABLES = ("_coord_b", "_coord_pairs", "_coord_pc", "_coord_cs", "_coord_auth", "_coord_tested", "_coord_nbp",
                "_coord_evb", "_coord_evp", "_coord_evpost", "_ct_pairs", "_ct_posts", "_coord_clusters",
                "_coord_names")


def _pair_stage(con: Any, ks: list[str], *, where: str, wparams: list[Any], window_us: int,
                max_per_object: int | None, self_loops: bool, text_similarity: float, min_tokens: int,
                min_hashtags: int, seed: int, least: int,
                sink: Callable[[], None] | None = None, dense_ids: bool = False) -> dict[str, Any]:
    """Slim objects → co-occurring post pairs, partition by partition → candidate edges + null-model inputs.

    The pairs are computed in partitions of the first author's hash, each holding about
    `PAIRS_PER_PARTITION` post pairs, so the pair table never holds the whole network; every
    partition adds its author pairs' statistics to `_coord_cs` (only pairs with at least `least`
    post pairs) and the null model's counts to `_coord_tested` / `_coord_nbp`. With a `sink`
    (the streamed network), each partition's `_coord_cs` rows are handed to it and dropped, and
    no null model is computed. `dense_ids`: authors are numbered by `_coord_names.nid` instead of
    hashed (needs `_coord_names`; not with co-text, whose candidate pairs carry author hashes).
    """
    bucket_us = max(window_us, 1)
    obj_kinds = [k for k in ks if k != "co-text"]
    objects_sql, oparams = _objects_sql(obj_kinds, where, wparams, min_hashtags)
    con.execute("CREATE OR REPLACE TEMP TABLE _coord_b AS " + Q.slim_objects_sql(objects_sql, max_per_object),
                [bucket_us, *oparams]).fetchall()
    if dense_ids:
        con.execute(Q.DENSE_B_SQL).fetchall()
    con.execute("CREATE OR REPLACE TEMP TABLE _ct_pairs (kid SMALLINT, oid UBIGINT, aid_a UBIGINT, aid_b UBIGINT, "
                "pid_a UBIGINT, pid_b UBIGINT, a_t BIGINT, b_t BIGINT)").fetchall()
    if "co-text" in ks:
        from agorascope.analysis.coordination_text import build_text_pairs

        build_text_pairs(con, where=where, params=wparams, window_us=window_us, bucket_us=bucket_us,
                         max_per_object=max_per_object, self_loops=self_loops, threshold=float(text_similarity),
                         min_tokens=int(min_tokens), seed=seed)
    loops = Q.SELF_LOOPS_SQL if self_loops else ""
    join_rows = int(con.execute(Q.JOIN_ROWS_SQL).fetchone()[0]) // 2
    join_rows += int(con.execute("SELECT count(*) FROM _ct_pairs").fetchone()[0])
    parts = max(1, math.ceil(join_rows / PAIRS_PER_PARTITION))
    for ddl in Q.ACC_DDL:
        con.execute(ddl).fetchall()
    for part in range(parts):
        con.execute(Q.PAIRS_SQL.format(src="_coord_b", parts=parts, part=part, self_loops=loops),
                    [window_us]).fetchall()
        con.execute(Q.PAIR_COUNTS_SQL).fetchall()
        if sink is None:
            con.execute(Q.PART_TESTED_SQL).fetchall()
            con.execute(Q.PART_NB_SQL).fetchall()
        # with a sink, the simple pairs stay in `_coord_pc` (the sink reads them there: one copy less)
        con.execute(Q.PART_CAND_SQL, [least, least if sink is None else _NEVER]).fetchall()
        if sink is not None:
            con.execute("DROP TABLE IF EXISTS _coord_pairs").fetchall()
            sink()
            con.execute("DELETE FROM _coord_cs").fetchall()
    con.execute("DROP TABLE IF EXISTS _coord_pairs").fetchall()
    log.debug("coordination: %d partition(s) for about %d post pairs", parts, join_rows)
    if sink is None:
        con.execute(Q.AUTH_SQL).fetchall()
    return {"objects_sql": objects_sql, "oparams": oparams, "obj_kinds": obj_kinds, "text": "co-text" in ks,
            "loops": loops}


def _restore(con: Any, old_order: Any) -> None:
    con.execute(f"SET preserve_insertion_order = {'true' if old_order in (None, True, 'true') else 'false'}")


def network_to_parquet(store: DuckDBStore, path: Path | str, *, kinds: str | Sequence[str] = ("co-repost",),
                       window_s: float = DEFAULTS["window_s"], min_weight: int = 1, since: datetime | None = None,
                       until: datetime | None = None, self_loops: bool = False, text_similarity: float = 0.8,
                       min_tokens: int = 1, min_hashtags: int = DEFAULTS["min_hashtags"]) -> int:
    """Write the *unfiltered* network (no cap, no null model, no clusters, no evidence) to Parquet.

    This is `coordination_network_toolkit`'s computation (its `min_edge_weight` is `min_weight`
    here; each row has both directed weights) at bounded memory: the pairs are computed partition
    by partition and the edges are streamed to `path` without being held in memory, so it scales
    to networks far larger than RAM. Columns: `NETWORK_COLUMNS` (those of `CoordinationResult.edges`
    without the null model's, which only `coordination` applies), rows unordered. Returns the
    number of edges written.
    """
    ks = _kinds(kinds)
    _check("window_s", window_s, lo=0)
    _check("min_weight", min_weight, lo=1, integer=True)
    _check("text_similarity", text_similarity, lo=1e-9, hi=1)
    _check("min_tokens", min_tokens, lo=1, integer=True)
    _check("min_hashtags", min_hashtags, lo=1, integer=True)
    con = store.con
    where, wparams = _time_filter(since, until)
    old_order = _setting(con, "preserve_insertion_order")
    con.execute("SET preserve_insertion_order = false")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    writer: list[pq.ParquetWriter] = []
    n = [0]

    # authors are dense numbers (pseudonym = names[nid]) unless co-text's pairs bring author hashes
    dense = "co-text" not in ks
    names: list[Any] = []  # [author hashes, their pseudonyms] (Arrow arrays; ordered by nid)
    cols = [c.strip() for c in NETWORK_COLUMNS.split(",")]

    def sink() -> None:  # one partition's edges → row groups of the one output file
        import pyarrow.compute as pc

        reader = con.sql(Q.NETWORK_IDS_SQL, params=[int(min_weight)]).to_arrow_reader(_NETWORK_BATCH)
        for batch in reader:
            authors = [names[1].take(batch.column(c) if dense else pc.index_in(batch.column(c), value_set=names[0]))
                       for c in ("aid_a", "aid_b")]
            batch = pa.RecordBatch.from_arrays([*authors, *batch.columns[2:]], names=cols)
            if not writer:
                # author_b takes any of the partition's authors: its dictionary overflows at 10⁶ authors
                # and falls back to plain pages anyway, after the cost of trying (~20 % of the write)
                writer.append(pq.ParquetWriter(out, batch.schema, use_dictionary=[c for c in cols if c != "author_b"]))
            writer[0].write_batch(batch.cast(writer[0].schema))
            n[0] += batch.num_rows

    try:
        con.execute(Q.NAMES_SQL).fetchall()
        nt = con.sql("SELECT aid, author FROM _coord_names ORDER BY nid").to_arrow_table()
        names.extend([nt.column("aid").combine_chunks(), nt.column("author").combine_chunks()])
        del nt
        _pair_stage(con, ks, where=where, wparams=wparams, window_us=round(float(window_s) * 1e6),
                    max_per_object=None, self_loops=self_loops, text_similarity=text_similarity,
                    min_tokens=min_tokens, min_hashtags=min_hashtags, seed=7, least=int(min_weight), sink=sink,
                    dense_ids=dense)
        if not writer:  # no edges: an empty file with the schema
            pq.write_table(con.sql(Q.NETWORK_PART_SQL + " AND FALSE", params=[1]).to_arrow_table(), out)
    finally:
        if writer:
            writer[0].close()
        _restore(con, old_order)
        for t in _TEMP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {t}")
    return n[0]


def _time_filter(since: datetime | None, until: datetime | None) -> tuple[str, list[Any]]:
    where, wparams = "", []
    if since is not None:
        where += " AND created_at >= ?"
        wparams.append(since)
    if until is not None:
        where += " AND created_at < ?"
        wparams.append(until)
    return where, wparams


def _setting(con: Any, name: str) -> Any:
    try:
        return con.execute("SELECT current_setting(?)", [name]).fetchone()[0]
    except Exception:  # an unknown setting in another DuckDB version: leave it
        return None


def _objects_sql(obj_kinds: list[str], where: str, wparams: list[Any], min_hashtags: int) -> tuple[str, list[Any]]:
    """The UNION ALL of the kinds' object queries (or an empty one) and its parameters."""
    parts, params = [], []
    for k in obj_kinds:
        parts.append(Q.OBJECT_SQL[k].format(where=where, min_hashtags=int(min_hashtags)))
        params += wparams
    if not parts:
        return Q.OBJECT_SQL["co-reply"].format(where="") + " AND FALSE", []
    return " UNION ALL ".join(parts), params


def _evidence(con: Any, *, evidence: bool, objects_sql: str, oparams: list[Any], where: str, wparams: list[Any],
              obj_kinds: list[str], text: bool, window_us: int, loops: str) -> None:
    """`_coord_evidence`: every post pair of a kept edge, recomputed from the kept edges' authors only."""
    con.execute("CREATE OR REPLACE TEMP TABLE _coord_evp AS SELECT * FROM _ct_pairs LIMIT 0").fetchall()
    n_pairs = con.execute("SELECT coalesce(sum(n_pairs), 0) FROM _coord_edges").fetchone()[0] if evidence else 0
    if n_pairs:
        con.execute(Q.EV_B_SQL).fetchall()
        parts = max(1, math.ceil(int(n_pairs) / PAIRS_PER_PARTITION))
        for part in range(parts):
            con.execute(Q.PAIRS_SQL.format(src="_coord_evb", parts=parts, part=part, self_loops=loops),
                        [window_us]).fetchall()
            con.execute(Q.EV_PAIRS_SQL).fetchall()
    objects, params = (objects_sql, list(oparams)) if obj_kinds else ("", [])
    if text:
        objects = (objects + " UNION ALL " if objects else "") + Q.COTEXT_POSTS_SQL.format(where=where)
        params += wparams
    if not objects:
        objects = Q.OBJECT_SQL["co-reply"].format(where="") + " AND FALSE"
    con.execute(Q.EV_POSTS_SQL.format(objects=objects), params).fetchall()
    con.execute(Q.EVIDENCE_SQL).fetchall()


def _empty_clusters() -> tuple[pa.Table, pa.Table]:
    from agorascope.analysis.coordination_graph import CLUSTER_SCHEMA, STATS_SCHEMA

    return CLUSTER_SCHEMA.empty_table(), STATS_SCHEMA.empty_table()


def _save(store: DuckDBStore, result: CoordinationResult) -> None:
    con = store.con
    for ddl in Q.STORE_DDL:
        con.execute(ddl)
    con.execute("BEGIN TRANSACTION")
    try:
        for table, data in (("coord_edges", result.edges), ("coord_clusters", result.clusters),
                            ("coord_cluster_stats", result.cluster_stats)):
            con.execute(f"DELETE FROM {table}")
            con.register("_coord_in", data)
            cols = ", ".join(data.schema.names)
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _coord_in")
            con.unregister("_coord_in")
        con.execute("DELETE FROM coord_evidence")
        con.execute("INSERT INTO coord_evidence SELECT author_a, author_b, kind, object, a_post_id, b_post_id, "
                    "a_at, b_at, delta_s, a_platform, b_platform, is_repost FROM _coord_evidence")
        con.execute("INSERT INTO coord_runs VALUES (now(), ?, ?, ?, ?)",
                    [json.dumps(result.params), result.edges.num_rows, result.cluster_stats.num_rows,
                     result.seconds])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def stored(store: DuckDBStore) -> CoordinationResult | None:
    """The results of the last run kept in the store, or None when there is none."""
    if "coord_edges" not in store.tables():
        return None
    runs = store.query("SELECT params, seconds FROM coord_runs ORDER BY run_at DESC LIMIT 1").to_pylist()
    return CoordinationResult(
        edges=store.query("SELECT * FROM coord_edges ORDER BY kind, author_a, author_b"),
        evidence=store.query("SELECT author_a, author_b, kind, object, a_post_id, b_post_id, a_at, b_at, delta_s "
                             "FROM coord_evidence ORDER BY kind, author_a, author_b, a_at"),
        clusters=store.query("SELECT * FROM coord_clusters ORDER BY cluster_id, author"),
        cluster_stats=store.query("SELECT * FROM coord_cluster_stats ORDER BY cluster_id"),
        params=json.loads(runs[0]["params"]) if runs else {}, seconds=runs[0]["seconds"] if runs else 0.0)


# -- demo ---------------------------------------------------------------------------------

def precision_recall(found: set[str], truth: set[str]) -> tuple[float, float]:
    """Author-level precision and recall (1.0 for an empty denominator)."""
    tp = len(found & truth)
    return (tp / len(found) if found else 1.0), (tp / len(truth) if truth else 1.0)


def demo_summary(project: Any, sim: Any, summary: dict[str, Any]) -> None:
    """Run every kind on the demo corpus and score the flagged authors against the planted groups."""
    truth = sim.truth() if hasattr(sim, "truth") else {}
    groups = truth.get("groups", []) if isinstance(truth, dict) else []
    planted: dict[str, set[str]] = {}
    all_members: set[str] = set()
    for g in groups:
        members = g.get("members", [])
        platform = g.get("platform")
        if members and isinstance(members[0], dict):
            pseud = [project.pseudonym([m["handle"]], platform=m.get("platform") or platform)[0] for m in members]
        else:
            pseud = project.pseudonym(list(members), platform=platform or "twitter")
        kinds_g = g.get("kinds") or [g.get("kind", "co-repost")]
        for k in kinds_g:
            planted.setdefault(_kinds([k])[0], set()).update(pseud)
        all_members.update(pseud)
    kinds = sorted(planted) or ["co-repost", "co-link"]
    res = coordination(project.store, kinds=kinds)
    per_kind = {}
    for k in kinds:
        # precision: flagged accounts that belong to ANY planted group (a co-link group that also
        # posts near-identical texts is rightly flagged by co-text); recall: this kind's group found
        found = res.authors(k)
        p = len(found & all_members) / len(found) if found else 1.0
        r = precision_recall(found, planted.get(k, set()))[1]
        per_kind[k] = {"flagged": len(res.authors(k)), "planted": len(planted.get(k, set())),
                       "precision": round(p, 3), "recall": round(r, 3)}
    p, r = precision_recall(res.authors(), all_members)
    top = res.cluster_stats.slice(0, 5).select(["cluster_id", "size", "kinds", "suspicion", "explanation"])
    summary["coordination"] = {"edges": res.edges.num_rows, "clusters": res.cluster_stats.num_rows,
                               "precision": round(p, 3), "recall": round(r, 3), "by_kind": per_kind,
                               "top_clusters": top.to_pylist(), "seconds": round(res.seconds, 2)}


def render(section: dict[str, Any], console: Console) -> None:
    """Print the demo's coordination section with rich."""
    from rich.table import Table

    console.rule("[bold]Coordinated behaviour")
    console.print(f"{section['edges']:,} edges, {section['clusters']:,} clusters; planted accounts found: "
                  f"precision {section['precision']:.2f}, recall {section['recall']:.2f}")
    t = Table("kind", "flagged", "planted", "precision", "recall", title="Against the planted networks")
    for k, v in section.get("by_kind", {}).items():
        t.add_row(k, str(v["flagged"]), str(v["planted"]), f"{v['precision']:.2f}", f"{v['recall']:.2f}")
    console.print(t)
    t = Table("cluster", "size", "kinds", "suspicion", "why", title="Most suspicious clusters")
    for c in section.get("top_clusters", []):
        t.add_row(str(c["cluster_id"]), str(c["size"]), ", ".join(c["kinds"] or []), f"{c['suspicion']:.2f}",
                  c["explanation"])
    console.print(t)
