"""co-text: near-identical posts within the window, found by MinHash/LSH and confirmed exactly.

Texts are reduced to a *token set* in SQL: lower-case, @mentions (the store masks them as
``@user``) removed, split on every run of characters that are not letters, digits or ``_``.
Similarity is the Jaccard index of two posts' token sets — the measure of
`coordination_network_toolkit`'s ``co_similar_tweet`` — so its edge set can be reproduced.

Candidates come from MinHash signatures (``num_perm`` permutations of a 32-bit token hash)
split into ``bands`` bands: two posts are compared when one band agrees and they fall in the
same or a neighbouring time bucket (the same equi-join as the other kinds). With 32 bands of 4
rows the chance that a pair at Jaccard 0.8 is never a candidate is (1 − 0.8⁴)³² ≈ 5·10⁻⁸; at
0.9 it is 10⁻¹⁴. Every candidate is then confirmed with the exact Jaccard in SQL, so there
are no false positives. Signatures are computed in numpy over chunks of posts (a per-post
stage: no corpus-level Python loop).
"""

from __future__ import annotations

import logging

import numpy as np
import pyarrow as pa

log = logging.getLogger(__name__)

_PRIME = np.uint64((1 << 31) - 1)
_MASK32 = np.uint64(0xFFFFFFFF)
_CHUNK_POSTS = 200_000

#: Token set of a text, in SQL (portable: lower, regexp_replace, regexp split, distinct, sort).
TOKENS_SQL = (r"list_sort(list_distinct(list_filter(regexp_split_to_array("
              r"regexp_replace(lower(text), '@\S*', '', 'g'), '[^\p{L}\p{N}_]+'), lambda x: x <> '')))")


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, int(_PRIME), size=num_perm, dtype=np.uint64)
    b = rng.integers(0, int(_PRIME), size=num_perm, dtype=np.uint64)
    return a, b


def minhash(token_hashes: np.ndarray, starts: np.ndarray, *, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """MinHash signatures (n, num_perm) of n token sets given as one flat array of 64-bit token hashes.

    `starts[i]` is the offset of set i in `token_hashes` (every set non-empty). Each permutation is
    a multiply-shift hash of the token's 32-bit fold, computed once per distinct token.
    """
    a, b = _permutations(num_perm, seed)
    a |= np.uint64(1)  # multiply-shift hashing needs odd multipliers
    # permute each distinct token once (num_perm × distinct tokens), then gather per occurrence
    uniq, inv = np.unique(token_hashes.astype(np.uint64), return_inverse=True)
    inv = inv.astype(np.int64)
    x = (uniq ^ (uniq >> np.uint64(32))) & _MASK32
    with np.errstate(over="ignore"):
        table = ((a[:, None] * x[None, :] + b[:, None]) >> np.uint64(32)).astype(np.uint32)
    sig = np.empty((len(starts), num_perm), dtype=np.uint32)
    for j in range(num_perm):  # a loop over permutations, each vectorised over all tokens
        sig[:, j] = np.minimum.reduceat(np.take(table[j], inv), starts)
    return sig


def band_hashes(sig: np.ndarray, *, bands: int = 32) -> np.ndarray:
    """One int64 per band (n, bands): a hash of the band's rows (collisions only add candidates)."""
    sig = sig.astype(np.uint64)
    n, num_perm = sig.shape
    rows = num_perm // bands
    out = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            out = out * np.uint64(0x9E3779B97F4A7C15) + sig[:, r::rows][:, :bands] + np.uint64(r + 1)
            out ^= out >> np.uint64(29)
    return out.view(np.int64)


def build_text_pairs(con: object, *, where: str, params: list[object], window_us: int, bucket_us: int,
                     max_per_object: int | None, self_loops: bool, threshold: float, min_tokens: int,
                     num_perm: int = 128, bands: int = 32, seed: int = 1) -> int:
    """Add co-text rows to `_coord_b` (activity) and confirmed pairs to `_coord_pairs`; return pairs added."""
    con.execute(  # type: ignore[attr-defined]
        f"""CREATE OR REPLACE TEMP TABLE _ct_posts AS
            SELECT (row_number() OVER ()) - 1 AS idx, * FROM (
                SELECT post_id, author, platform, created_at AS at_ts, epoch_us(created_at) AS t_us,
                       {TOKENS_SQL} AS tokens
                FROM posts WHERE repost_of IS NULL AND text IS NOT NULL AND author IS NOT NULL {where}) p
            WHERE len(tokens) >= ?""", [*params, min_tokens])
    n = con.execute("SELECT count(*) FROM _ct_posts").fetchone()[0]  # type: ignore[attr-defined]
    con.execute(  # type: ignore[attr-defined]
        "INSERT INTO _coord_b SELECT 'co-text', NULL, post_id, author, platform, at_ts, t_us, FALSE, t_us // ?, "
        "3, hash(author), hash(post_id), NULL FROM _ct_posts", [bucket_us])
    parts = []
    for lo in range(0, n, _CHUNK_POSTS):
        hi = min(lo + _CHUNK_POSTS, n)
        t = con.sql(  # type: ignore[attr-defined]
            "SELECT idx, hash(tok) AS h FROM (SELECT idx, unnest(tokens) AS tok FROM _ct_posts "
            "WHERE idx >= ? AND idx < ?) ORDER BY idx", params=[lo, hi]).to_arrow_table()
        idx = t.column("idx").to_numpy()
        h = t.column("h").to_numpy()
        starts = np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])
        bh = band_hashes(minhash(h, starts, num_perm=num_perm, seed=seed), bands=bands)
        post_idx = idx[starts]
        parts.append(pa.table({"idx": np.repeat(post_idx, bands), "band": np.tile(np.arange(bands, dtype=np.int16),
                                                                                   len(post_idx)),
                               "bh": bh.reshape(-1)}))
    if not parts:
        return 0
    con.register("_ct_bands_arrow", pa.concat_tables(parts))  # type: ignore[attr-defined]
    try:
        # Band values seen once cannot pair; then the cap: in a (band, value, bucket) holding c > cap
        # posts, each post stays with probability cap / c, decided by its hash (no sort needed).
        cap = "" if max_per_object is None else f"""
            QUALIFY count(*) OVER (PARTITION BY b.band, b.bh, p.t_us // {int(bucket_us)}) <= {int(max_per_object)}
                 OR hash(p.post_id) % count(*) OVER (PARTITION BY b.band, b.bh, p.t_us // {int(bucket_us)})
                    < {int(max_per_object)}"""
        con.execute(  # type: ignore[attr-defined]
            f"""CREATE OR REPLACE TEMP TABLE _ct_b AS
                WITH multi AS (SELECT band, bh FROM _ct_bands_arrow GROUP BY band, bh HAVING count(*) > 1)
                SELECT b.band, b.bh, p.idx, p.post_id, hash(p.author) AS aid, p.t_us, p.t_us // ? AS bk
                FROM _ct_bands_arrow b JOIN multi m ON m.band = b.band AND m.bh = b.bh
                JOIN _ct_posts p ON p.idx = b.idx {cap}""", [bucket_us])
    finally:
        con.unregister("_ct_bands_arrow")  # type: ignore[attr-defined]
    loops = "OR (a.aid = b.aid AND a.post_id < b.post_id)" if self_loops else ""
    con.execute(  # type: ignore[attr-defined]
        f"""CREATE OR REPLACE TEMP TABLE _ct_cand AS
            WITH a AS (SELECT o.*, o.bk + d.d AS jk FROM _ct_b o CROSS JOIN (VALUES (-1), (0), (1)) d(d))
            SELECT DISTINCT a.idx AS ia, b.idx AS ib
            FROM a JOIN _ct_b b ON a.band = b.band AND a.bh = b.bh AND a.jk = b.bk
            WHERE abs(a.t_us - b.t_us) <= ? AND (a.aid < b.aid {loops})""", [window_us])
    before = con.execute("SELECT count(*) FROM _coord_pairs").fetchone()[0]  # type: ignore[attr-defined]
    con.execute(  # type: ignore[attr-defined]
        """INSERT INTO _coord_pairs
           SELECT 3, least(hash(pa.tokens), hash(pb.tokens)), hash(pa.author), hash(pb.author),
                  hash(pa.post_id), hash(pb.post_id), pa.t_us, pb.t_us
           FROM _ct_cand c JOIN _ct_posts pa ON pa.idx = c.ia JOIN _ct_posts pb ON pb.idx = c.ib
           WHERE CAST(len(list_intersect(pa.tokens, pb.tokens)) AS DOUBLE)
                 / CAST(len(pa.tokens) + len(pb.tokens) - len(list_intersect(pa.tokens, pb.tokens)) AS DOUBLE)
                 >= ?""",
        [threshold])
    after = con.execute("SELECT count(*) FROM _coord_pairs").fetchone()[0]  # type: ignore[attr-defined]
    for t in ("_ct_cand", "_ct_b"):
        con.execute(f"DROP TABLE IF EXISTS {t}")  # type: ignore[attr-defined]
    return int(after - before)
