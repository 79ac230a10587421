"""The SQL of coordination detection (DuckDB dialect, kept to portable constructs).

Every corpus-level step is one SQL statement over temp tables, so that a Spark engine can run
the same logic: objects per kind → capped, time-bucketed posts → co-occurring post pairs (an
equi-join on (kind, object, bucket) against the neighbouring buckets, then |Δt| ≤ W) → edges
with directed weights → the activity null model → kept edges → evidence.

Table names starting with `_coord_` are TEMP tables of one run; nothing here is formatted from
user input (kinds and numbers are validated by `coordination.py`, values go in as parameters).
"""

from __future__ import annotations

#: Per kind: the SELECT yielding (kind, object, post_id, author, platform, t_us, is_repost) rows.
#: `{where}` is the shared time filter. co-text has its own candidate step (see `coordination_text`).
OBJECT_SQL: dict[str, str] = {
    "co-repost": """
        SELECT 'co-repost' AS kind, repost_of AS object, post_id, author, platform,
               created_at AS at_ts, epoch_us(created_at) AS t_us, TRUE AS is_repost
        FROM posts WHERE repost_of IS NOT NULL AND author IS NOT NULL {where}""",
    # Links of reposts are not the reposter's own act (as in coordination_network_toolkit).
    "co-link": """
        SELECT 'co-link' AS kind, url AS object, post_id, author, platform, at_ts, t_us, FALSE AS is_repost
        FROM (SELECT unnest(list_distinct(urls)) AS url, post_id, author, platform, created_at AS at_ts,
                     epoch_us(created_at) AS t_us
              FROM posts WHERE repost_of IS NULL AND urls IS NOT NULL AND author IS NOT NULL {where}) u
        WHERE url IS NOT NULL AND url <> ''""",
    "co-reply": """
        SELECT 'co-reply' AS kind, reply_to AS object, post_id, author, platform,
               created_at AS at_ts, epoch_us(created_at) AS t_us, FALSE AS is_repost
        FROM posts WHERE reply_to IS NOT NULL AND repost_of IS NULL AND author IS NOT NULL {where}""",
    # The object is the sorted set of distinct hashtags, when it has at least ? of them.
    "co-hashtag": """
        SELECT 'co-hashtag' AS kind, array_to_string(list_sort(list_distinct(hashtags)), ' ') AS object,
               post_id, author, platform, created_at AS at_ts, epoch_us(created_at) AS t_us, FALSE AS is_repost
        FROM posts WHERE repost_of IS NULL AND author IS NOT NULL
             AND len(list_distinct(list_filter(hashtags, lambda h: h IS NOT NULL AND h <> ''))) >= {min_hashtags}
             {where}""",
}


#: Kind codes in the slim pair table.
KIND_IDS = {"co-repost": 1, "co-link": 2, "co-text": 3, "co-hashtag": 4, "co-reply": 5}
_KID = ("CASE kind " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in KIND_IDS.items()) + " END")

#: Columns of `_coord_b`, in order (co-text adds its rows with the same layout).
B_COLUMNS = "kind, object, post_id, author, platform, at_ts, t_us, is_repost, bk, kid, aid, pid, oid"


def capped_objects_sql(max_per_object: int | None) -> str:
    """`_coord_obj` rows with their time bucket and 64-bit hashes of author, post and object.

    At most `max_per_object` posts per (object, bucket) are kept: a deterministic pseudo-random
    sample (ordered by `hash(post_id)`), so a rerun keeps the same ones. Parameter: bucket width in µs.
    The hashes keep the pair table slim (eight numbers a row); collisions among 64-bit hashes of
    10⁷ posts have a probability of about 3·10⁻⁶.
    """
    base = (f"SELECT kind, object, post_id, author, platform, at_ts, t_us, is_repost, t_us // ? AS bk, "
            f"CAST({_KID} AS SMALLINT) AS kid, hash(author) AS aid, hash(post_id) AS pid, hash(object) AS oid "
            f"FROM _coord_obj")
    if max_per_object is None:
        return base
    return (f"SELECT * FROM ({base}) QUALIFY row_number() OVER "
            f"(PARTITION BY kind, object, bk ORDER BY pid, post_id) <= {int(max_per_object)}")


#: Co-occurring post pairs, one row per unordered pair of posts: canonical orientation by the
#: author hash (aid_a < aid_b; equal with pid_a < pid_b for self-loops). Pure equi-join: one
#: side is expanded to the three neighbouring buckets. Parameter: window in µs.
PAIRS_SQL = """
    CREATE OR REPLACE TEMP TABLE _coord_pairs AS
    WITH a AS (SELECT o.kid, o.oid, o.aid, o.pid, o.t_us, o.bk + d.d AS jk
               FROM _coord_b o CROSS JOIN (VALUES (-1), (0), (1)) d(d))
    SELECT a.kid, a.oid, a.aid AS aid_a, b.aid AS aid_b, a.pid AS pid_a, b.pid AS pid_b, a.t_us AS a_t, b.t_us AS b_t
    FROM a JOIN _coord_b b ON a.kid = b.kid AND a.oid = b.oid AND a.jk = b.bk
    WHERE abs(a.t_us - b.t_us) <= ?
      AND (a.aid < b.aid {self_loops})
"""

SELF_LOOPS_SQL = "OR (a.aid = b.aid AND a.pid < b.pid)"

#: Candidate edges. Step 1: co-occurring post pairs per author pair (cheap: one count). An author
#: pair can only reach min_weight / min_objects when it has that many post pairs, so only those
#: get the distinct counts of step 2. `n_tested` (for Bonferroni) counts every candidate pair.
PAIR_COUNTS_SQL = """
    CREATE OR REPLACE TEMP TABLE _coord_pc AS
    SELECT kid, aid_a, aid_b, count(*) AS n_pairs FROM _coord_pairs GROUP BY kid, aid_a, aid_b
"""

#: Step 2: directed weights (toolkit-compatible), objects, and the inputs of the null model.
#: `r`: the author's posts in the kind; `m`: the author's posts' window neighbours by other
#: authors; `n_rows`: all posts in the kind. Parameter: the least n_pairs worth counting.
CANDIDATES_SQL = """
    CREATE OR REPLACE TEMP TABLE _coord_cand AS
    WITH act AS (SELECT kid, aid, count(*) AS r FROM _coord_b GROUP BY kid, aid),
         tot AS (SELECT kid, count(*) AS n_rows FROM _coord_b GROUP BY kid),
         tested AS (SELECT kid, count(*) AS n_tested FROM _coord_pc GROUP BY kid),
         nb AS (SELECT kid, aid, sum(n) AS m FROM (
                    SELECT kid, aid_a AS aid, sum(n_pairs) AS n FROM _coord_pc
                    WHERE aid_a <> aid_b GROUP BY kid, aid_a
                    UNION ALL
                    SELECT kid, aid_b AS aid, sum(n_pairs) AS n FROM _coord_pc
                    WHERE aid_a <> aid_b GROUP BY kid, aid_b) x
                GROUP BY kid, aid),
         keep AS (SELECT kid, aid_a, aid_b, n_pairs FROM _coord_pc WHERE n_pairs >= ?),
         kp AS (SELECT p.kid, p.aid_a, p.aid_b, p.pid_a, p.pid_b, p.oid FROM _coord_pairs p
                JOIN keep k ON k.kid = p.kid AND k.aid_a = p.aid_a AND k.aid_b = p.aid_b),
         wa AS (SELECT kid, aid_a, aid_b, count(*) AS weight_ab
                FROM (SELECT DISTINCT kid, aid_a, aid_b, pid_a FROM kp) x GROUP BY kid, aid_a, aid_b),
         wb AS (SELECT kid, aid_a, aid_b, count(*) AS weight_ba
                FROM (SELECT DISTINCT kid, aid_a, aid_b, pid_b FROM kp) x GROUP BY kid, aid_a, aid_b),
         wo AS (SELECT kid, aid_a, aid_b, count(*) AS n_objects
                FROM (SELECT DISTINCT kid, aid_a, aid_b, oid FROM kp) x GROUP BY kid, aid_a, aid_b),
         e AS (SELECT k.kid, k.aid_a, k.aid_b, k.n_pairs, wa.weight_ab, wb.weight_ba, wo.n_objects
               FROM keep k
               JOIN wa ON wa.kid = k.kid AND wa.aid_a = k.aid_a AND wa.aid_b = k.aid_b
               JOIN wb ON wb.kid = k.kid AND wb.aid_a = k.aid_a AND wb.aid_b = k.aid_b
               JOIN wo ON wo.kid = k.kid AND wo.aid_a = k.aid_a AND wo.aid_b = k.aid_b)
    SELECT e.*, greatest(e.weight_ab, e.weight_ba) AS weight,
           coalesce(ma.m, 0) * rb.r / t.n_rows AS expected_ab,
           coalesce(mb.m, 0) * ra.r / t.n_rows AS expected_ba, ts.n_tested
    FROM e
    JOIN tot t ON t.kid = e.kid
    JOIN tested ts ON ts.kid = e.kid
    JOIN act ra ON ra.kid = e.kid AND ra.aid = e.aid_a
    JOIN act rb ON rb.kid = e.kid AND rb.aid = e.aid_b
    LEFT JOIN nb ma ON ma.kid = e.kid AND ma.aid = e.aid_a
    LEFT JOIN nb mb ON mb.kid = e.kid AND mb.aid = e.aid_b
"""


def _log_tail(k: str, lam: str) -> str:
    """ln of the Chernoff upper bound of the Poisson tail P(X ≥ k | λ): k − λ − k·ln(k/λ) for k > λ.

    An upper bound on the p-value, so the filter errs towards dropping an edge. Self-loops have
    no null neighbours (λ = 0) and get the bound of a tiny λ.
    """
    lam = f"greatest({lam}, 1e-9)"
    return f"(CASE WHEN {k} > {lam} THEN {k} - {lam} - {k} * ln({k} / {lam}) ELSE 0.0 END)"


EDGE_COLUMNS = ("author_a, author_b, kind, weight, weight_ab, weight_ba, n_objects, n_pairs, first_at, last_at, "
                "median_delta_s, expected_ab, expected_ba, log10_p, n_tested")

#: Kept edges. Parameters: min_weight, min_objects, ln(significance) (or NULL: no filter), twice.
EDGES_SQL = f"""
    CREATE OR REPLACE TEMP TABLE _coord_edges AS
    WITH c AS (
        SELECT *, greatest({_log_tail('weight_ab', 'expected_ab')}, {_log_tail('weight_ba', 'expected_ba')})
                  AS ln_p
        FROM _coord_cand),
    names AS (SELECT DISTINCT kid, aid, author FROM _coord_b),
    k AS (SELECT * FROM c
          WHERE weight >= ? AND n_objects >= ?
            AND (CAST(? AS DOUBLE) IS NULL OR ln_p <= CAST(? AS DOUBLE) - ln(n_tested))),
    tm AS (SELECT p.kid, p.aid_a, p.aid_b, min(least(p.a_t, p.b_t)) AS first_us,
                  max(greatest(p.a_t, p.b_t)) AS last_us, median(abs(p.a_t - p.b_t)) / 1e6 AS median_delta_s
           FROM _coord_pairs p JOIN k ON k.kid = p.kid AND k.aid_a = p.aid_a AND k.aid_b = p.aid_b
           GROUP BY p.kid, p.aid_a, p.aid_b)
    SELECT na.author AS author_a, nb.author AS author_b,
           CASE k.kid {" ".join(f"WHEN {v} THEN '{n}'" for n, v in KIND_IDS.items())} END AS kind,
           weight, weight_ab, weight_ba, n_objects, n_pairs,
           make_timestamptz(tm.first_us) AS first_at, make_timestamptz(tm.last_us) AS last_at,
           tm.median_delta_s, expected_ab, expected_ba, ln_p / ln(10) AS log10_p, n_tested,
           k.kid, k.aid_a, k.aid_b
    FROM k JOIN tm ON tm.kid = k.kid AND tm.aid_a = k.aid_a AND tm.aid_b = k.aid_b
           JOIN names na ON na.kid = k.kid AND na.aid = k.aid_a
           JOIN names nb ON nb.kid = k.kid AND nb.aid = k.aid_b
"""

#: Evidence: every post pair behind a kept edge, joined back to the posts' rows.
EVIDENCE_SQL = """
    CREATE OR REPLACE TEMP TABLE _coord_evidence AS
    SELECT e.author_a, e.author_b, e.kind,
           CASE WHEN p.kid = 3 THEN CAST(p.oid AS VARCHAR) ELSE ba.object END AS object,
           ba.post_id AS a_post_id, bb.post_id AS b_post_id, ba.at_ts AS a_at, bb.at_ts AS b_at,
           (p.b_t - p.a_t) / 1e6 AS delta_s, ba.platform AS a_platform, bb.platform AS b_platform, ba.is_repost
    FROM _coord_pairs p
    JOIN _coord_edges e ON e.kid = p.kid AND e.aid_a = p.aid_a AND e.aid_b = p.aid_b
    JOIN _coord_b ba ON ba.kid = p.kid AND ba.pid = p.pid_a AND (p.kid = 3 OR ba.oid = p.oid)
    JOIN _coord_b bb ON bb.kid = p.kid AND bb.pid = p.pid_b AND (p.kid = 3 OR bb.oid = p.oid)
"""

#: The stored tables (one analysis run at a time; a rerun replaces them).
STORE_DDL = [
    """CREATE TABLE IF NOT EXISTS coord_edges (
        author_a VARCHAR, author_b VARCHAR, kind VARCHAR, weight BIGINT, weight_ab BIGINT, weight_ba BIGINT,
        n_objects BIGINT, n_pairs BIGINT, first_at TIMESTAMPTZ, last_at TIMESTAMPTZ, median_delta_s DOUBLE,
        expected_ab DOUBLE, expected_ba DOUBLE, log10_p DOUBLE, n_tested BIGINT)""",
    """CREATE TABLE IF NOT EXISTS coord_evidence (
        author_a VARCHAR, author_b VARCHAR, kind VARCHAR, object VARCHAR, a_post_id VARCHAR, b_post_id VARCHAR,
        a_at TIMESTAMPTZ, b_at TIMESTAMPTZ, delta_s DOUBLE, a_platform VARCHAR, b_platform VARCHAR,
        is_repost BOOLEAN)""",
    """CREATE TABLE IF NOT EXISTS coord_clusters (
        author VARCHAR, cluster_id BIGINT, degree BIGINT, strength DOUBLE)""",
    """CREATE TABLE IF NOT EXISTS coord_cluster_stats (
        cluster_id BIGINT, size BIGINT, n_edges BIGINT, density DOUBLE, kinds VARCHAR[], n_objects BIGINT,
        n_posts BIGINT, platforms VARCHAR[], first_at TIMESTAMPTZ, last_at TIMESTAMPTZ, span_s DOUBLE,
        share_reposts DOUBLE, median_delta_s DOUBLE, min_log10_p DOUBLE, narratives VARCHAR[],
        suspicion DOUBLE, explanation VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS coord_runs (
        run_at TIMESTAMPTZ, params VARCHAR, n_edges BIGINT, n_clusters BIGINT, seconds DOUBLE)""",
]

#: Per-cluster statistics from the stored per-author clusters, the kept edges and the evidence.
CLUSTER_STATS_SQL = """
    WITH ce AS (
        SELECT ca.cluster_id, e.* FROM _coord_edges e
        JOIN _coord_clusters ca ON ca.author = e.author_a
        JOIN _coord_clusters cb ON cb.author = e.author_b AND cb.cluster_id = ca.cluster_id),
    cv AS (
        SELECT ca.cluster_id, v.* FROM _coord_evidence v
        JOIN _coord_clusters ca ON ca.author = v.author_a
        JOIN _coord_clusters cb ON cb.author = v.author_b AND cb.cluster_id = ca.cluster_id),
    posts_in AS (
        SELECT cluster_id, a_post_id AS post_id, a_platform AS platform, is_repost, a_at AS at_ts FROM cv
        UNION
        SELECT cluster_id, b_post_id, b_platform, is_repost, b_at FROM cv),
    sizes AS (SELECT cluster_id, count(*) AS size FROM _coord_clusters GROUP BY cluster_id),
    es AS (SELECT cluster_id, count(DISTINCT author_a || ' ' || author_b) AS n_edges,
                  list_sort(list_distinct(list(kind))) AS kinds, min(log10_p) AS min_log10_p
           FROM ce GROUP BY cluster_id),
    vs AS (SELECT cluster_id, count(DISTINCT kind || ' ' || object) AS n_objects,
                  median(abs(delta_s)) AS median_delta_s FROM cv GROUP BY cluster_id),
    ps AS (SELECT cluster_id, count(DISTINCT post_id) AS n_posts,
                  list_sort(list_distinct(list(platform))) AS platforms,
                  min(at_ts) AS first_at, max(at_ts) AS last_at,
                  avg(CASE WHEN is_repost THEN 1.0 ELSE 0.0 END) AS share_reposts
           FROM posts_in GROUP BY cluster_id)
    SELECT s.cluster_id, s.size, coalesce(es.n_edges, 0) AS n_edges,
           coalesce(es.n_edges, 0) / greatest(s.size * (s.size - 1) / 2.0, 1) AS density,
           es.kinds, coalesce(vs.n_objects, 0) AS n_objects, coalesce(ps.n_posts, 0) AS n_posts, ps.platforms,
           ps.first_at, ps.last_at, epoch(ps.last_at) - epoch(ps.first_at) AS span_s, ps.share_reposts,
           vs.median_delta_s, es.min_log10_p
    FROM sizes s LEFT JOIN es USING (cluster_id) LEFT JOIN vs USING (cluster_id) LEFT JOIN ps USING (cluster_id)
    ORDER BY s.size DESC, s.cluster_id
"""
