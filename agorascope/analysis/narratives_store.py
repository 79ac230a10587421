"""The narrative tables in the project store: DDL, writes and the reads the API needs.

Tables (created on first use; a post-id column is named `post_id` so `forget` erases rows):

- `narratives(narrative_id BIGINT PK, label, born_at, last_seen, n_posts, n_authors, n_languages,
  languages JSON, terms JSON, hashtags JSON, domains JSON, status, model, run_id, updated_at)`
  — status is `active` or `merged` (then `merged_into` names the survivor).
- `narrative_assignments(post_id VARCHAR PK, narrative_id BIGINT, similarity FLOAT, run_id,
  assigned_at)` — one row per post in the analysed windows; `narrative_id = -1` is an outlier.
- `narrative_centroids(narrative_id BIGINT, model VARCHAR, centroid FLOAT[], n_texts BIGINT,
  assign_threshold FLOAT, PK (narrative_id, model))` — L2-normalised, used by `assign_new` and to
  match runs; `assign_threshold` is the cosine 95% of the narrative's own texts reach.
- `narrative_lineage(run_id, recorded_at, kind, parent_id, child_id, similarity)` — kind is `birth`,
  `continue`, `merge` or `split`.
- `narrative_representatives(narrative_id, rank, post_id, lang, similarity)`.
- `narrative_runs(run_id PK, run_at, kind, model, since, until, params JSON, posts, texts, narratives,
  outliers, new_narratives)`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa

from agorascope.project import EXPORT_JOINS, register_export_columns
from agorascope.store.duckdb_store import DuckDBStore

OUTLIER = -1

# `agorascope export` carries each post's narrative_id (registered once, on import).
if all(t != "narrative_assignments" for t, _ in EXPORT_JOINS):
    register_export_columns("narrative_assignments", ["narrative_id"])

DDL = [
    """CREATE TABLE IF NOT EXISTS narratives (
        narrative_id BIGINT PRIMARY KEY, label VARCHAR, born_at TIMESTAMPTZ, last_seen TIMESTAMPTZ,
        n_posts BIGINT, n_authors BIGINT, n_languages INTEGER, languages VARCHAR, terms VARCHAR,
        hashtags VARCHAR, domains VARCHAR, status VARCHAR, merged_into BIGINT, model VARCHAR,
        run_id BIGINT, updated_at TIMESTAMPTZ)""",
    """CREATE TABLE IF NOT EXISTS narrative_assignments (
        post_id VARCHAR PRIMARY KEY, narrative_id BIGINT, similarity FLOAT, run_id BIGINT,
        assigned_at TIMESTAMPTZ)""",
    """CREATE TABLE IF NOT EXISTS narrative_centroids (
        narrative_id BIGINT, model VARCHAR, centroid FLOAT[], n_texts BIGINT, assign_threshold FLOAT,
        PRIMARY KEY (narrative_id, model))""",
    """CREATE TABLE IF NOT EXISTS narrative_lineage (
        run_id BIGINT, recorded_at TIMESTAMPTZ, kind VARCHAR, parent_id BIGINT, child_id BIGINT, similarity FLOAT)""",
    """CREATE TABLE IF NOT EXISTS narrative_representatives (
        narrative_id BIGINT, rank INTEGER, post_id VARCHAR, lang VARCHAR, similarity FLOAT)""",
    """CREATE TABLE IF NOT EXISTS narrative_runs (
        run_id BIGINT PRIMARY KEY, run_at TIMESTAMPTZ, kind VARCHAR, model VARCHAR, since TIMESTAMPTZ,
        until TIMESTAMPTZ, params VARCHAR, posts BIGINT, texts BIGINT, narratives BIGINT, outliers BIGINT,
        new_narratives BIGINT)""",
]


def ensure_tables(store: DuckDBStore) -> None:
    if "narrative_assignments" in store.tables() and "narrative_runs" in store.tables():
        return
    for ddl in DDL:
        store.execute(ddl)


def lang_sql(store: DuckDBStore, alias: str = "p") -> tuple[str, str]:
    """(JOIN clause, language expression): the post's own language, else the one enrichment detected."""
    if "enrichment" in store.tables() and "lang" in store.columns("enrichment"):
        ea = f"_e_{alias}"
        return (f"LEFT JOIN enrichment {ea} ON {ea}.post_id = {alias}.post_id",
                f"coalesce({alias}.lang, {ea}.lang, 'und')")
    return "", f"coalesce({alias}.lang, 'und')"


def has_narratives(store: DuckDBStore) -> bool:
    return "narratives" in store.tables()


def next_run_id(store: DuckDBStore) -> int:
    return int(store.scalar("SELECT coalesce(max(run_id), 0) + 1 FROM narrative_runs") or 1)


def next_narrative_id(store: DuckDBStore) -> int:
    return int(store.scalar("SELECT coalesce(max(narrative_id), 0) + 1 FROM narratives") or 1)


def load_centroids(store: DuckDBStore, model: str) -> tuple[np.ndarray, np.ndarray]:
    """(ids, centroids) of the active narratives for `model` (empty arrays when none)."""
    ids, cents, _ = load_centroids_full(store, model)
    return ids, cents


def load_centroids_full(store: DuckDBStore, model: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, centroids, assign thresholds) of the active narratives for `model`."""
    empty = (np.zeros(0, np.int64), np.zeros((0, 0), np.float32), np.zeros(0, np.float32))
    if not has_narratives(store):
        return empty
    t = store.query(
        "SELECT c.narrative_id, c.centroid, c.assign_threshold FROM narrative_centroids c "
        "JOIN narratives n USING (narrative_id) WHERE c.model = ? AND n.status = 'active' ORDER BY c.narrative_id",
        [model])
    if t.num_rows == 0:
        return empty
    ids = t["narrative_id"].to_numpy()
    flat = t["centroid"].combine_chunks().flatten().to_numpy(zero_copy_only=False)
    thr = np.asarray([np.nan if v is None else v for v in t["assign_threshold"].to_pylist()], np.float32)
    return ids.astype(np.int64), flat.astype(np.float32).reshape(t.num_rows, -1), thr


def save_centroids(store: DuckDBStore, model: str, ids: np.ndarray, cents: np.ndarray, n_texts: np.ndarray,
                   thresholds: np.ndarray | None = None) -> None:
    if len(ids) == 0:
        return
    d = cents.shape[1]
    values = pa.FixedSizeListArray.from_arrays(pa.array(cents.astype(np.float32).ravel()), d).cast(
        pa.list_(pa.float32()))
    thr = (pa.array(thresholds, pa.float32(), mask=np.isnan(thresholds)) if thresholds is not None
           else pa.nulls(len(ids), pa.float32()))
    tbl = pa.table({"narrative_id": pa.array(ids, pa.int64()), "model": pa.array([model] * len(ids)),
                    "centroid": values, "n_texts": pa.array(n_texts, pa.int64()), "assign_threshold": thr})
    store.con.register("_nc", tbl)
    try:
        store.execute("INSERT INTO narrative_centroids SELECT narrative_id, model, centroid, n_texts, "
                      "assign_threshold FROM _nc ON CONFLICT (narrative_id, model) DO UPDATE SET "
                      "centroid = excluded.centroid, n_texts = excluded.n_texts, "
                      "assign_threshold = coalesce(excluded.assign_threshold, narrative_centroids.assign_threshold)")
    finally:
        store.con.unregister("_nc")


def write_assignments(store: DuckDBStore, post_ids: pa.Array, narrative_ids: np.ndarray, sims: np.ndarray,
                      run_id: int) -> None:
    """Upsert one row per post (a post belongs to exactly one narrative, or is an outlier)."""
    if len(post_ids) == 0:
        return
    now = datetime.now(UTC)
    tbl = pa.table({"post_id": post_ids, "narrative_id": pa.array(narrative_ids, pa.int64()),
                    "similarity": pa.array(np.round(sims, 4), pa.float32()),
                    "run_id": pa.array(np.full(len(post_ids), run_id), pa.int64()),
                    "assigned_at": pa.array([now] * len(post_ids), pa.timestamp("us", tz="UTC"))})
    store.con.register("_na", tbl)
    try:
        store.execute("INSERT OR REPLACE INTO narrative_assignments SELECT post_id, narrative_id, similarity, "
                      "run_id, assigned_at FROM _na")
    finally:
        store.con.unregister("_na")
    from agorascope.analysis.trends import after_narratives

    after_narratives(store)  # narrative trends and "new narrative" alerts follow (no-op without trends)


def write_lineage(store: DuckDBStore, run_id: int, rows: list[tuple[str, int | None, int, float | None]]) -> None:
    now = datetime.now(UTC)
    for kind, parent, child, sim in rows:
        store.execute("INSERT INTO narrative_lineage VALUES (?, ?, ?, ?, ?, ?)",
                      [run_id, now, kind, parent, child, sim])


def write_run(store: DuckDBStore, row: dict[str, Any]) -> None:
    cols = ["run_id", "run_at", "kind", "model", "since", "until", "params", "posts", "texts", "narratives",
            "outliers", "new_narratives"]
    store.execute(f"INSERT INTO narrative_runs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                  [row.get(c) for c in cols])


def refresh_stats(store: DuckDBStore, ids: list[int] | None = None) -> None:
    """Recompute born_at, last_seen, n_posts, n_authors, languages of narratives from assignments."""
    where = ""
    params: list[Any] = []
    if ids is not None:
        if not ids:
            return
        where = f"AND a.narrative_id IN ({', '.join('?' * len(ids))})"
        params = list(ids)
    join, lang = lang_sql(store)
    store.execute(f"""
        UPDATE narratives SET born_at = s.born_at, last_seen = s.last_seen, n_posts = s.n_posts,
               n_authors = s.n_authors, n_languages = s.n_languages, languages = s.languages
        FROM (
            WITH base AS (
                SELECT a.narrative_id, p.created_at, p.author, {lang} AS lang
                FROM narrative_assignments a JOIN posts p USING (post_id) {join}
                WHERE a.narrative_id >= 0 {where}),
            st AS (
                SELECT narrative_id, min(created_at) AS born_at, max(created_at) AS last_seen, count(*) AS n_posts,
                       count(DISTINCT author) AS n_authors, count(DISTINCT lang) AS n_languages
                FROM base GROUP BY 1),
            lg AS (SELECT narrative_id, lang, count(*) AS n FROM base GROUP BY 1, 2),
            lj AS (
                SELECT narrative_id,
                       to_json(map_from_entries(list(struct_pack(k := lang, v := n) ORDER BY n DESC, lang)))::VARCHAR
                           AS languages
                FROM lg GROUP BY 1)
            SELECT st.*, lj.languages FROM st JOIN lj USING (narrative_id)
        ) s WHERE narratives.narrative_id = s.narrative_id""", params)
