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


#: co-text posts, for looking up the posts behind co-text evidence (the object is the text pair).
COTEXT_POSTS_SQL = """
        SELECT 'co-text' AS kind, CAST(NULL AS VARCHAR) AS object, post_id, author, platform,
               created_at AS at_ts, epoch_us(created_at) AS t_us, FALSE AS is_repost
        FROM posts WHERE repost_of IS NULL AND text IS NOT NULL AND author IS NOT NULL {where}"""


#: Kind codes in the slim tables.
KIND_IDS = {"co-repost": 1, "co-link": 2, "co-text": 3, "co-hashtag": 4, "co-reply": 5}
_KID = ("CASE kind " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in KIND_IDS.items()) + " END")
_KIND_NAME = "CASE {col} " + " ".join(f"WHEN {v} THEN '{n}'" for n, v in KIND_IDS.items()) + " END"

#: Columns of `_coord_b`, in order (co-text adds its rows with the same layout, `oid` NULL).
B_COLUMNS = "kid, oid, aid, pid, t_us, bk"


def slim_objects_sql(objects_sql: str, max_per_object: int | None) -> str:
    """`_coord_b`: one slim row per (kind, object, post): 64-bit hashes of object, author and post,
    the time in µs and its W-bucket. Strings are looked up again only for kept edges.

    At most `max_per_object` posts per (object, bucket) are kept: a deterministic pseudo-random
    sample (ordered by `hash(post_id)`), so a rerun keeps the same ones. Parameters: bucket width
    in µs, then those of `objects_sql`. Collisions among 64-bit hashes of 10⁷ posts have a
    probability of about 3·10⁻⁶.
    """
    base = (f"SELECT CAST({_KID} AS SMALLINT) AS kid, hash(object) AS oid, hash(author) AS aid, "
            f"hash(post_id) AS pid, t_us, t_us // ? AS bk FROM ({objects_sql}) o")
    if max_per_object is None:
        return base
    return (f"SELECT * FROM ({base}) QUALIFY row_number() OVER "
            f"(PARTITION BY kid, oid, bk ORDER BY pid) <= {int(max_per_object)}")


#: An upper bound of the join rows (before |Δt| ≤ W and the orientation), to size the partitions.
JOIN_ROWS_SQL = """
    WITH c AS (SELECT kid, oid, bk, count(*) AS n FROM _coord_b WHERE oid IS NOT NULL GROUP BY kid, oid, bk),
         e AS (SELECT c.kid, c.oid, c.bk + d.d AS jk, c.n FROM c CROSS JOIN (VALUES (-1), (0), (1)) d(d))
    SELECT coalesce(sum(e.n * c.n), 0) FROM e JOIN c ON c.kid = e.kid AND c.oid = e.oid AND c.bk = e.jk
"""

#: Co-occurring post pairs of one partition (authors a with hash(a) mod {parts} = {part}), one
#: row per unordered pair of posts: canonical orientation by the author hash (aid_a < aid_b;
#: equal with pid_a < pid_b for self-loops). Pure equi-join: one side is expanded to the three
#: neighbouring buckets, and every ordered post pair meets in exactly one of them. Confirmed
#: co-text pairs (`_ct_pairs`) join the same partition. Parameter: window in µs.
PAIRS_SQL = """
    CREATE OR REPLACE TEMP TABLE _coord_pairs AS
    WITH a AS (SELECT o.kid, o.oid, o.aid, o.pid, o.t_us, o.bk + d.d AS jk
               FROM {src} o CROSS JOIN (VALUES (-1), (0), (1)) d(d)
               WHERE o.oid IS NOT NULL AND o.aid % {parts} = {part})
    SELECT a.kid, a.oid, a.aid AS aid_a, b.aid AS aid_b, a.pid AS pid_a, b.pid AS pid_b, a.t_us AS a_t, b.t_us AS b_t
    FROM a JOIN {src} b ON a.kid = b.kid AND a.oid = b.oid AND a.jk = b.bk
    WHERE abs(a.t_us - b.t_us) <= ?
      AND (a.aid < b.aid {self_loops})
    UNION ALL
    SELECT kid, oid, aid_a, aid_b, pid_a, pid_b, a_t, b_t FROM _ct_pairs WHERE aid_a % {parts} = {part}
"""

SELF_LOOPS_SQL = "OR (a.aid = b.aid AND a.pid < b.pid)"

#: Per partition, step 1: one cheap GROUP BY per author pair. `simple`: a single post pair (most
#: author pairs of the raw network co-occur once), so both weights are 1 and n_objects = n_pairs:
#: no DISTINCT needed. (Pairs of authors whose rows are all the same post pair — one post pair on
#: several objects — take the exact DISTINCT path with the same result; testing for them here with
#: min/max of both post ids cost 40 % more per partition at 10M posts than these three aggregates.)
PAIR_COUNTS_SQL = """
    CREATE OR REPLACE TEMP TABLE _coord_pc AS
    SELECT kid, aid_a, aid_b, count(*) AS n_pairs, min(least(a_t, b_t)) AS first_us, max(greatest(a_t, b_t)) AS last_us,
           count(*) = 1 AS simple
    FROM _coord_pairs GROUP BY kid, aid_a, aid_b
"""

#: Step 2: the null model's inputs accumulate over partitions: candidate pairs per kind (for
#: Bonferroni) and each author's window neighbours by other authors.
PART_TESTED_SQL = "INSERT INTO _coord_tested SELECT kid, count(*) FROM _coord_pc GROUP BY kid"
PART_NB_SQL = """
    INSERT INTO _coord_nbp
    SELECT kid, aid_a, sum(n_pairs) FROM _coord_pc WHERE aid_a <> aid_b GROUP BY kid, aid_a
    UNION ALL
    SELECT kid, aid_b, sum(n_pairs) FROM _coord_pc WHERE aid_a <> aid_b GROUP BY kid, aid_b
"""

#: Step 3: directed weights (toolkit-compatible), objects and timing of the author pairs that can
#: still reach min_weight / min_objects (weight and n_objects never exceed n_pairs). Simple pairs
#: (above) are written directly; only the others count DISTINCT posts and objects.
#: Parameter: the least n_pairs worth counting (twice).
PART_CAND_SQL = """
    INSERT INTO _coord_cs
    WITH keep AS (SELECT kid, aid_a, aid_b FROM _coord_pc WHERE n_pairs >= ? AND NOT simple),
         kp AS (SELECT p.kid, p.aid_a, p.aid_b, p.pid_a, p.pid_b, p.oid, abs(p.a_t - p.b_t) AS dt FROM _coord_pairs p
                JOIN keep k ON k.kid = p.kid AND k.aid_a = p.aid_a AND k.aid_b = p.aid_b),
         wa AS (SELECT kid, aid_a, aid_b, count(*) AS w
                FROM (SELECT DISTINCT kid, aid_a, aid_b, pid_a FROM kp) x GROUP BY kid, aid_a, aid_b),
         wb AS (SELECT kid, aid_a, aid_b, count(*) AS w
                FROM (SELECT DISTINCT kid, aid_a, aid_b, pid_b FROM kp) x GROUP BY kid, aid_a, aid_b),
         wo AS (SELECT kid, aid_a, aid_b, count(*) AS w
                FROM (SELECT DISTINCT kid, aid_a, aid_b, oid FROM kp) x GROUP BY kid, aid_a, aid_b),
         md AS (SELECT kid, aid_a, aid_b, median(dt) AS m FROM kp GROUP BY kid, aid_a, aid_b)
    SELECT kid, aid_a, aid_b, n_pairs, 1, 1, n_pairs, first_us, last_us, (last_us - first_us) / 1e6
    FROM _coord_pc WHERE simple AND n_pairs >= ?
    UNION ALL
    SELECT c.kid, c.aid_a, c.aid_b, c.n_pairs, wa.w, wb.w, wo.w, c.first_us, c.last_us, md.m / 1e6
    FROM _coord_pc c
    JOIN wa ON wa.kid = c.kid AND wa.aid_a = c.aid_a AND wa.aid_b = c.aid_b
    JOIN wb ON wb.kid = c.kid AND wb.aid_a = c.aid_a AND wb.aid_b = c.aid_b
    JOIN wo ON wo.kid = c.kid AND wo.aid_a = c.aid_a AND wo.aid_b = c.aid_b
    JOIN md ON md.kid = c.kid AND md.aid_a = c.aid_a AND md.aid_b = c.aid_b
"""

#: Accumulators of the partition loop.
ACC_DDL = [
    "CREATE OR REPLACE TEMP TABLE _coord_tested (kid SMALLINT, n BIGINT)",
    "CREATE OR REPLACE TEMP TABLE _coord_nbp (kid SMALLINT, aid UBIGINT, n BIGINT)",
    """CREATE OR REPLACE TEMP TABLE _coord_cs (kid SMALLINT, aid_a UBIGINT, aid_b UBIGINT, n_pairs BIGINT,
        weight_ab BIGINT, weight_ba BIGINT, n_objects BIGINT, first_us BIGINT, last_us BIGINT,
        median_delta_s DOUBLE)""",
]

#: Per author and kind, after the partition loop: `r` the author's posts in the kind, `m` the
#: author's posts' window neighbours by other authors (the null model's inputs), and the pseudonym.
AUTH_SQL = """
    CREATE OR REPLACE TEMP TABLE _coord_auth AS
    WITH act AS (SELECT kid, aid, count(*) AS r FROM _coord_b GROUP BY kid, aid),
         nb AS (SELECT kid, aid, sum(n) AS m FROM _coord_nbp GROUP BY kid, aid),
         names AS (SELECT hash(author) AS aid, min(author) AS author FROM posts WHERE author IS NOT NULL
                   GROUP BY hash(author))
    SELECT act.kid, act.aid, act.r, coalesce(nb.m, 0) AS m, names.author
    FROM act LEFT JOIN nb ON nb.kid = act.kid AND nb.aid = act.aid JOIN names ON names.aid = act.aid
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

#: Kept edges with the null model's expectations (`n_rows`: all posts in the kind; b fills each
#: of a's m_a neighbour slots with probability r_b / n_rows). Parameters: min_weight, min_objects,
#: ln(significance) (or NULL: no filter), twice.
EDGES_SELECT = f"""
    WITH tot AS (SELECT kid, count(*) AS n_rows FROM _coord_b GROUP BY kid),
         tested AS (SELECT kid, CAST(sum(n) AS BIGINT) AS n_tested FROM _coord_tested GROUP BY kid),
         c AS (SELECT e.*, ua.author AS author_a, ub.author AS author_b,
                      greatest(e.weight_ab, e.weight_ba) AS weight,
                      ua.m * ub.r / t.n_rows AS expected_ab, ub.m * ua.r / t.n_rows AS expected_ba, ts.n_tested
               FROM _coord_cs e
               JOIN tot t ON t.kid = e.kid
               JOIN tested ts ON ts.kid = e.kid
               JOIN _coord_auth ua ON ua.kid = e.kid AND ua.aid = e.aid_a
               JOIN _coord_auth ub ON ub.kid = e.kid AND ub.aid = e.aid_b
               WHERE greatest(e.weight_ab, e.weight_ba) >= ? AND e.n_objects >= ?),
         k AS (SELECT *, greatest({_log_tail('weight_ab', 'expected_ab')}, {_log_tail('weight_ba', 'expected_ba')})
                         AS ln_p
               FROM c)
    SELECT author_a, author_b, {_KIND_NAME.format(col="kid")} AS kind,
           weight, weight_ab, weight_ba, n_objects, n_pairs,
           make_timestamptz(first_us) AS first_at, make_timestamptz(last_us) AS last_at,
           median_delta_s, expected_ab, expected_ba, ln_p / ln(10) AS log10_p, n_tested,
           kid, aid_a, aid_b
    FROM k WHERE CAST(? AS DOUBLE) IS NULL OR ln_p <= CAST(? AS DOUBLE) - ln(n_tested)
"""
EDGES_SQL = "CREATE OR REPLACE TEMP TABLE _coord_edges AS " + EDGES_SELECT

#: Pseudonym by author hash, and a dense author number `nid` in hash order (the streamed network's lookup).
NAMES_SQL = """
    CREATE OR REPLACE TEMP TABLE _coord_names AS
    SELECT aid, author, CAST(row_number() OVER (ORDER BY aid) - 1 AS UBIGINT) AS nid
    FROM (SELECT hash(author) AS aid, min(author) AS author FROM posts WHERE author IS NOT NULL GROUP BY hash(author)) n
"""

#: `_coord_b` with dense author numbers (`_coord_names.nid`) instead of author hashes, so that the
#: streamed network looks its pseudonyms up by position. Same columns (`B_COLUMNS`); the numbers
#: follow the hashes' order, so every edge keeps the orientation `coordination` gives it.
DENSE_B_SQL = """
    CREATE OR REPLACE TEMP TABLE _coord_b AS
    SELECT b.kid, b.oid, n.nid AS aid, b.pid, b.t_us, b.bk FROM _coord_b b JOIN _coord_names n ON n.aid = b.aid
"""

#: One partition's edges of the streamed unfiltered network. Parameter: min_weight.
NETWORK_PART_SQL = f"""
    SELECT na.author AS author_a, nb.author AS author_b, {_KIND_NAME.format(col="e.kid")} AS kind,
           greatest(e.weight_ab, e.weight_ba) AS weight, e.weight_ab, e.weight_ba, e.n_objects, e.n_pairs,
           make_timestamptz(e.first_us) AS first_at, make_timestamptz(e.last_us) AS last_at, e.median_delta_s
    FROM _coord_cs e JOIN _coord_names na ON na.aid = e.aid_a JOIN _coord_names nb ON nb.aid = e.aid_b
    WHERE greatest(e.weight_ab, e.weight_ba) >= ?
"""

#: The same rows as `NETWORK_PART_SQL` with author numbers (`_coord_names.nid`; hashes with co-text)
#: instead of pseudonyms, which the caller looks up in Arrow (at 10⁶ authors far cheaper than two
#: joins against every author per partition: 0.1 s instead of 1.5 s per 2.5M edges),
#: read from `_coord_pc` for the simple pairs (not copied into `_coord_cs` on this path) and from
#: `_coord_cs` for the others. Parameter: min_weight.
NETWORK_IDS_SQL = f"""
    SELECT aid_a, aid_b, {_KIND_NAME.format(col="kid")} AS kind, greatest(weight_ab, weight_ba) AS weight,
           weight_ab, weight_ba, n_objects, n_pairs, make_timestamptz(first_us) AS first_at,
           make_timestamptz(last_us) AS last_at, median_delta_s
    FROM (SELECT kid, aid_a, aid_b, n_pairs, 1 AS weight_ab, 1 AS weight_ba, n_pairs AS n_objects, first_us, last_us,
                 (last_us - first_us) / 1e6 AS median_delta_s
          FROM _coord_pc WHERE simple
          UNION ALL
          SELECT kid, aid_a, aid_b, n_pairs, weight_ab, weight_ba, n_objects, first_us, last_us, median_delta_s
          FROM _coord_cs) e
    WHERE greatest(weight_ab, weight_ba) >= ?
"""

#: Evidence, step 1 (per partition): the post pairs of kept edges, recomputed from the posts of
#: their authors only (few, unless the network is unfiltered).
EV_PAIRS_SQL = """
    INSERT INTO _coord_evp
    SELECT p.kid, p.oid, p.aid_a, p.aid_b, p.pid_a, p.pid_b, p.a_t, p.b_t FROM _coord_pairs p
    JOIN _coord_edges e ON e.kid = p.kid AND e.aid_a = p.aid_a AND e.aid_b = p.aid_b
"""

#: Only the rows of `_coord_b` whose author is in a kept edge of that kind.
EV_B_SQL = """
    CREATE OR REPLACE TEMP TABLE _coord_evb AS
    SELECT o.* FROM _coord_b o
    JOIN (SELECT DISTINCT kid, aid FROM (SELECT kid, aid_a AS aid FROM _coord_edges
                                         UNION ALL SELECT kid, aid_b FROM _coord_edges) x) u
      ON u.kid = o.kid AND u.aid = o.aid
    WHERE o.oid IS NOT NULL
"""

#: Evidence, step 2: the posts behind the evidence pairs, looked up again (object string, post
#: id, time, platform). `{objects}`: the kinds' object query (its parameters come first).
EV_POSTS_SQL = """
    CREATE OR REPLACE TEMP TABLE _coord_evpost AS
    WITH ids AS (SELECT pid_a AS pid FROM _coord_evp UNION SELECT pid_b FROM _coord_evp)
    SELECT CAST({kid_expr} AS SMALLINT) AS kid, hash(object) AS oid, hash(post_id) AS pid, object, post_id, platform,
           at_ts, is_repost
    FROM ({objects}) o WHERE hash(post_id) IN (SELECT pid FROM ids)
""".replace("{kid_expr}", _KID)

#: Evidence, step 3: every post pair behind a kept edge, with the posts' ids and times.
EVIDENCE_SQL = """
    CREATE OR REPLACE TEMP TABLE _coord_evidence AS
    SELECT e.author_a, e.author_b, e.kind,
           CASE WHEN p.kid = 3 THEN CAST(p.oid AS VARCHAR) ELSE ba.object END AS object,
           ba.post_id AS a_post_id, bb.post_id AS b_post_id, ba.at_ts AS a_at, bb.at_ts AS b_at,
           (p.b_t - p.a_t) / 1e6 AS delta_s, ba.platform AS a_platform, bb.platform AS b_platform, ba.is_repost
    FROM _coord_evp p
    JOIN _coord_edges e ON e.kid = p.kid AND e.aid_a = p.aid_a AND e.aid_b = p.aid_b
    JOIN _coord_evpost ba ON ba.kid = p.kid AND ba.pid = p.pid_a AND (p.kid = 3 OR ba.oid = p.oid)
    JOIN _coord_evpost bb ON bb.kid = p.kid AND bb.pid = p.pid_b AND (p.kid = 3 OR bb.oid = p.oid)
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
