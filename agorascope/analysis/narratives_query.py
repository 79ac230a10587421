"""Reading narratives back: the table, one narrative's evidence, evolution, and the export."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from agorascope.analysis import narratives_store as st
from agorascope.analysis.narratives_corpus import _window
from agorascope.errors import ConfigError
from agorascope.store.duckdb_store import DuckDBStore

_TABLE_COLS = ("n.narrative_id, n.label, n.born_at, n.last_seen, n.n_posts, n.n_authors, n.n_languages, n.languages, "
               "n.hashtags, n.domains, n.status, n.merged_into, n.model, n.run_id")


def narratives_table(store: DuckDBStore, *, since: datetime | None = None, until: datetime | None = None,
                     ids: list[int] | None = None, include_merged: bool = False, limit: int | None = None) -> pa.Table:
    """One row per narrative, largest first.

    Columns: narrative_id, label, born_at, last_seen, n_posts, n_authors, n_languages, languages
    (JSON {lang: posts}), hashtags / domains (JSON [[value, posts], …]), status, merged_into,
    model, run_id, and `posts_in_window` / `authors_in_window` (equal to the totals when no
    window is given).
    """
    if not st.has_narratives(store):
        raise ConfigError("No narratives yet: run `agorascope narratives discover` first.")
    where, params = _window(since, until)
    conds = ["TRUE"]
    cparams: list[Any] = []
    if not include_merged:
        conds.append("n.status = 'active'")
    if ids is not None:
        conds.append("n.narrative_id IN (SELECT unnest(?::BIGINT[]))")
        cparams.append([int(i) for i in ids])
    sql = f"""
        SELECT {_TABLE_COLS}, coalesce(w.posts, 0) AS posts_in_window, coalesce(w.authors, 0) AS authors_in_window
        FROM narratives n LEFT JOIN (
            SELECT a.narrative_id, count(*) AS posts, count(DISTINCT p.author) AS authors
            FROM narrative_assignments a JOIN posts p USING (post_id) WHERE {where} GROUP BY 1) w
          ON w.narrative_id = n.narrative_id
        WHERE {' AND '.join(conds)} {'AND w.posts > 0' if (since or until) else ''}
        ORDER BY posts_in_window DESC, n.n_posts DESC, n.narrative_id"""
    if limit:
        sql += f" LIMIT {int(limit)}"
    return store.query(sql, params + cparams)


def narrative_detail(store: DuckDBStore, narrative_id: int, *, resolution: str = "1d") -> dict[str, Any]:
    """Everything about one narrative: stats, terms per language, hashtags, domains,
    representative posts (masked text), lineage and its daily evolution."""
    t = narratives_table(store, ids=[int(narrative_id)], include_merged=True)
    if t.num_rows == 0:
        known = store.query("SELECT narrative_id FROM narratives WHERE status = 'active' "
                            "ORDER BY n_posts DESC LIMIT 10")
        raise ConfigError(f"No narrative {narrative_id}. Largest ones: "
                          f"{', '.join(map(str, known['narrative_id'].to_pylist())) or 'none'}; "
                          "`agorascope narratives` lists them.")
    row = t.to_pylist()[0]
    extra = store.query("SELECT terms FROM narratives WHERE narrative_id = ?", [int(narrative_id)]).to_pylist()[0]
    for k in ("languages", "hashtags", "domains"):
        row[k] = json.loads(row[k] or "null")
    row["terms"] = {lang: [t for t, _ in v] for lang, v in json.loads(extra["terms"] or "{}").items()}
    reps = store.query("""
        SELECT r.rank, r.post_id, p.platform, p.created_at, coalesce(p.lang, r.lang) AS lang, p.text, r.similarity
        FROM narrative_representatives r JOIN posts p USING (post_id)
        WHERE r.narrative_id = ? ORDER BY r.rank""", [int(narrative_id)])
    row["representatives"] = reps.to_pylist()
    lin = store.query("SELECT run_id, recorded_at, kind, parent_id, child_id, similarity FROM narrative_lineage "
                      "WHERE parent_id = ? OR child_id = ? ORDER BY run_id, kind, parent_id, child_id",
                      [int(narrative_id), int(narrative_id)])
    row["lineage"] = lin.to_pylist()
    row["evolution"] = evolution(store, narrative_ids=[int(narrative_id)], resolution=resolution).to_pylist()
    return row


_RES = re.compile(r"^(\d+)([mhdw])$")
_UNIT = {"m": "minutes", "h": "hours", "d": "days", "w": "days"}


def _interval(resolution: str) -> str:
    m = _RES.match(resolution.strip())
    if not m or int(m.group(1)) < 1:
        raise ConfigError(f"resolution {resolution!r} is not a duration: use e.g. 15m, 1h, 6h, 1d or 1w.")
    n = int(m.group(1)) * (7 if m.group(2) == "w" else 1)
    return f"{n} {_UNIT[m.group(2)]}"


def evolution(store: DuckDBStore, *, since: datetime | None = None, until: datetime | None = None,
              narrative_ids: list[int] | None = None, resolution: str = "1d") -> pa.Table:
    """Per narrative and time bucket: posts, distinct authors, languages, platforms, sentiment mix.

    Columns: narrative_id, bucket (start, UTC), posts, authors, languages (JSON {lang: posts}),
    platforms (JSON {platform: posts}), and — when `agorascope enrich` stored sentiment
    (`enrichment.sentiment` label, `sentiment_score`) — positive / neutral / negative post
    counts and mean_sentiment; otherwise those columns are null.
    """
    if not st.has_narratives(store):
        raise ConfigError("No narratives yet: run `agorascope narratives discover` first.")
    interval = _interval(resolution)
    where, params = _window(since, until)
    conds = [where, "a.narrative_id >= 0"]
    if narrative_ids is not None:
        conds.append("a.narrative_id IN (SELECT unnest(?::BIGINT[]))")
        params.append([int(i) for i in narrative_ids])
    cols = set(store.columns("enrichment")) if "enrichment" in store.tables() else set()
    has_sent = "sentiment" in cols
    join, lang = st.lang_sql(store)
    label = "lower(_e_p.sentiment)" if has_sent else "NULL::VARCHAR"
    score = "_e_p.sentiment_score" if "sentiment_score" in cols else "NULL::DOUBLE"
    sql = f"""
        WITH base AS (
            SELECT a.narrative_id,
                   time_bucket(INTERVAL '{interval}', p.created_at, TIMESTAMPTZ '2000-01-03 00:00:00+00')
                   AS bucket, p.author, {lang} AS lang, p.platform, {label} AS sentiment, {score} AS score
            FROM narrative_assignments a JOIN posts p USING (post_id) {join}
            WHERE {' AND '.join(conds)}),
        agg AS (
            SELECT narrative_id, bucket, count(*) AS posts, count(DISTINCT author) AS authors,
                   count(*) FILTER (WHERE sentiment LIKE 'pos%') AS positive,
                   count(*) FILTER (WHERE sentiment LIKE 'neu%') AS neutral,
                   count(*) FILTER (WHERE sentiment LIKE 'neg%') AS negative,
                   avg(score) AS mean_sentiment
            FROM base GROUP BY 1, 2),
        lg AS (SELECT narrative_id, bucket, lang AS k, count(*) AS n FROM base GROUP BY 1, 2, 3),
        pf AS (SELECT narrative_id, bucket, platform AS k, count(*) AS n FROM base GROUP BY 1, 2, 3),
        lj AS (SELECT narrative_id, bucket, to_json(map_from_entries(list(struct_pack(k := k, v := n)
                   ORDER BY n DESC, k)))::VARCHAR AS languages FROM lg GROUP BY 1, 2),
        pj AS (SELECT narrative_id, bucket, to_json(map_from_entries(list(struct_pack(k := k, v := n)
                   ORDER BY n DESC, k)))::VARCHAR AS platforms FROM pf GROUP BY 1, 2)
        SELECT agg.narrative_id, agg.bucket, agg.posts, agg.authors, lj.languages, pj.platforms,
               {'agg.positive, agg.neutral, agg.negative, agg.mean_sentiment' if has_sent else
                'NULL::BIGINT AS positive, NULL::BIGINT AS neutral, NULL::BIGINT AS negative, '
                'NULL::DOUBLE AS mean_sentiment'}
        FROM agg JOIN lj USING (narrative_id, bucket) JOIN pj USING (narrative_id, bucket)
        ORDER BY agg.narrative_id, agg.bucket"""
    return store.query(sql, params)


def export_assignments(store: DuckDBStore, out: Path | str, *, since: datetime | None = None,
                       until: datetime | None = None) -> int:
    """Write post_id → narrative_id (+ label, similarity and the post's columns) to Parquet or CSV."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if not st.has_narratives(store):
        raise ConfigError("No narratives yet: run `agorascope narratives discover` first.")
    out = Path(out)
    where, params = _window(since, until)
    t = store.query(f"""
        SELECT p.post_id, a.narrative_id, n.label AS narrative_label, a.similarity, p.platform, p.created_at,
               p.author, p.lang, p.text, p.hashtags, p.domains, p.repost_of
        FROM narrative_assignments a JOIN posts p USING (post_id) LEFT JOIN narratives n USING (narrative_id)
        WHERE {where} ORDER BY p.created_at, p.post_id""", params)
    if out.suffix.lower() == ".csv":
        cols = [pc.binary_join(c, "|") if pa.types.is_list(c.type) else c for c in t.columns]
        pacsv.write_csv(pa.table(cols, names=t.column_names), out)
    else:
        pq.write_table(t, out, compression="zstd")
    return t.num_rows
