"""Incremental, vocabulary-independent counters for trends (one `Resolution` per bucket size).

Every committed batch of new posts is turned into *items* — one per (post, kind, key): the
distinct terms of its text, its hashtags, domains, language, platform and narrative — and each
item is counted into the open time bucket of every resolution (5 min, 1 h, 1 day):

* a count-min sketch (`depth` x `width` int32) of item counts per hashed key,
* a second count-min sketch of *distinct (key, author) pairs*, fed through a Bloom filter, so
  a key posted 500 times by one account counts one author,
* the exact post total of the bucket (the denominator of every frequency),
* a *candidate* list: keys whose sketch estimate reached `min_support` in this bucket keep
  their string, an exact count from then on, first-seen time and example post ids.

Memory is fixed by the sketch sizes, not by the vocabulary: a million new keys cost nothing
but their hash cells. Only candidates (at most items / min_support per bucket) hold strings.
The significance test (`trends_burst`) compares each cell with an EWMA baseline of the same
cell, so the mass that hash collisions add to a cell is part of its baseline and cancels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from agorascope.store.duckdb_store import DuckDBStore

KINDS: tuple[str, ...] = ("term", "hashtag", "domain", "lang", "platform", "narrative")
KIND_CODE: dict[str, int] = {k: i for i, k in enumerate(KINDS)}
#: Bucket sizes in seconds.
RESOLUTIONS: dict[str, int] = {"5m": 300, "1h": 3600, "1d": 86400}
US = 1_000_000

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_SALT = [np.uint64(((r + 1) * 0x9E3779B97F4A7C15) % 2**64) for r in range(16)]

# One SQL statement turns a batch into items. Terms: lower-cased text without URLs and masked
# mentions, split on anything that is not a letter, digit or underscore, distinct per post.
_ITEMS_SQL = r"""
WITH b AS (SELECT _i AS i, epoch_us(created_at) AS t, hash(coalesce(author, post_id)) AS ah, * FROM _trend_batch)
SELECT i, t, ah, 0::TINYINT AS kind, tok AS key FROM (
    SELECT i, t, ah, unnest(list_distinct(regexp_split_to_array(
        regexp_replace(lower(coalesce(text, '')), 'https?://\S+|@user\b', ' ', 'g'), '[^\p{L}\p{N}_]+'))) AS tok
    FROM b) WHERE length(tok) BETWEEN ? AND 64
UNION ALL SELECT i, t, ah, 1::TINYINT, k FROM (SELECT i, t, ah, unnest(list_distinct(hashtags)) AS k FROM b)
    WHERE k IS NOT NULL AND k <> ''
UNION ALL SELECT i, t, ah, 2::TINYINT, k FROM (SELECT i, t, ah, unnest(list_distinct(domains)) AS k FROM b)
    WHERE k IS NOT NULL AND k <> ''
UNION ALL SELECT i, t, ah, 3::TINYINT, coalesce(lang, 'und') FROM b
UNION ALL SELECT i, t, ah, 4::TINYINT, platform FROM b
"""
_NARRATIVE_SQL = """
UNION ALL SELECT b.i, b.t, b.ah, 5::TINYINT, CAST(n.narrative_id AS VARCHAR)
    FROM b JOIN narrative_assignments n ON n.post_id = b.post_id
    WHERE n.narrative_id IS NOT NULL AND CAST(n.narrative_id AS VARCHAR) <> '-1'
"""


def _runs(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(unique values, run lengths) of a sorted array."""
    if not len(sorted_keys):
        return sorted_keys, np.zeros(0, np.int64)
    starts = np.flatnonzero(np.concatenate([[True], sorted_keys[1:] != sorted_keys[:-1]]))
    return sorted_keys[starts], np.diff(np.append(starts, len(sorted_keys)))


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, vectorised (uint64 in, uint64 out)."""
    x = x.astype(np.uint64, copy=True)
    x ^= x >> np.uint64(30)
    x *= _M1
    x ^= x >> np.uint64(27)
    x *= _M2
    x ^= x >> np.uint64(31)
    return x


@dataclass
class Items:
    """One batch as flat item arrays (all the same length) plus the batch's post ids and times."""

    t: np.ndarray  # int64 µs since epoch (the post's created_at)
    kind: np.ndarray  # int8 code into KINDS
    h: np.ndarray  # uint64 hash of (kind, key)
    ah: np.ndarray  # uint64 hash of the author pseudonym
    i: np.ndarray  # int64 row of the post in the batch
    key: pa.Array  # string
    post_t: np.ndarray  # int64 µs, one per post of the batch
    post_id: pa.Array  # string, one per post of the batch
    _pid: np.ndarray | None = None
    _cache: dict[str, np.ndarray] = field(default_factory=dict)

    def k40(self) -> np.ndarray:
        """The key id the counters use: the top 40 bits of the key hash."""
        if "k40" not in self._cache:
            self._cache["k40"] = self.h >> np.uint64(24)
        return self._cache["k40"]

    def sorted_k40(self) -> np.ndarray:
        if "sk40" not in self._cache:
            self._cache["sk40"] = np.sort(self.k40())
        return self._cache["sk40"]

    def pairs(self) -> np.ndarray:
        """(key, author) pair ids: key id in the high 40 bits, 24 bits of author hash below."""
        if "pairs" not in self._cache:
            self._cache["pairs"] = (self.k40() << np.uint64(24)) | (self.ah >> np.uint64(40))
        return self._cache["pairs"]

    def sorted_pairs(self) -> np.ndarray:
        if "spairs" not in self._cache:
            self._cache["spairs"] = np.sort(self.pairs())
        return self._cache["spairs"]

    def post_ids(self) -> np.ndarray:
        """The batch's post ids as a numpy object array (converted once)."""
        if self._pid is None:
            self._pid = self.post_id.to_numpy(zero_copy_only=False)
        return self._pid

    def __len__(self) -> int:
        return len(self.t)


def extract_items(store: DuckDBStore, posts: pa.RecordBatch | pa.Table, *, kinds: tuple[str, ...] = KINDS,
                  min_token_len: int = 2) -> Items:
    """Turn new posts into items with DuckDB (vectorised; runs inside the caller's transaction)."""
    table = posts if isinstance(posts, pa.Table) else pa.Table.from_batches([posts])
    table = table.append_column("_i", pa.array(np.arange(table.num_rows, dtype=np.int64)))
    sql = _ITEMS_SQL
    if "narrative" in kinds and "narrative_assignments" in _tables(store):
        sql += _NARRATIVE_SQL
    wanted = [KIND_CODE[k] for k in kinds]
    sql = f"SELECT i, t, ah, kind, key, hash(kind, key) AS h FROM ({sql}) WHERE kind IN ({','.join(map(str, wanted))})"
    cur = store.con
    cur.register("_trend_batch", table)
    try:
        got = cur.sql(sql, params=[min_token_len]).to_arrow_table()
    finally:
        cur.unregister("_trend_batch")
    ts = table.column("created_at").cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
    return Items(
        t=got.column("t").to_numpy().astype(np.int64),
        kind=got.column("kind").to_numpy().astype(np.int8),
        h=got.column("h").to_numpy().astype(np.uint64),
        ah=got.column("ah").to_numpy().astype(np.uint64),
        i=got.column("i").to_numpy().astype(np.int64),
        key=got.column("key").combine_chunks(),
        post_t=ts.to_numpy().astype(np.int64),
        post_id=table.column("post_id").combine_chunks(),
    )


def items_from_arrays(t: np.ndarray, kind: np.ndarray, h: np.ndarray, ah: np.ndarray, key: pa.Array,
                      post_ids: pa.Array | None = None) -> Items:
    """Items built from ready arrays, one post per item (benchmarks and tests with synthetic keys)."""
    n = len(t)
    t = np.asarray(t, np.int64)
    return Items(t=t, kind=np.asarray(kind, np.int8), h=mix64(np.asarray(h, np.uint64)),
                 ah=mix64(np.asarray(ah, np.uint64)), i=np.arange(n, dtype=np.int64), key=key, post_t=t,
                 post_id=post_ids if post_ids is not None else pa.array(np.arange(n).astype(str)))


def _tables(store: DuckDBStore) -> set[str]:
    return set(store.tables())


@dataclass
class Candidates:
    """Keys of one open bucket that reached the support floor; sorted by hash."""

    h: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    n: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    authors: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    first: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    kind: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    key: np.ndarray = field(default_factory=lambda: np.zeros(0, object))
    examples: np.ndarray = field(default_factory=lambda: np.zeros(0, object))

    def __len__(self) -> int:
        return len(self.h)

    def locate(self, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(found mask, position) of each hash in the candidate list."""
        if not len(self.h):
            return np.zeros(len(h), bool), np.zeros(len(h), np.int64)
        pos = np.searchsorted(self.h, h)
        pos_c = np.minimum(pos, len(self.h) - 1)
        return self.h[pos_c] == h, pos_c

    def add(self, h: np.ndarray, n: np.ndarray, authors: np.ndarray, first: np.ndarray, kind: np.ndarray,
            key: np.ndarray, examples: np.ndarray) -> None:
        cat = {name: np.concatenate([getattr(self, name), val]) for name, val in
               (("h", h), ("n", n), ("authors", authors), ("first", first), ("kind", kind), ("key", key),
                ("examples", examples))}
        order = np.argsort(cat["h"], kind="stable")
        for name, val in cat.items():
            setattr(self, name, val[order])


class OpenBucket:
    """Counters of one bucket that still receives posts."""

    def __init__(self, start_us: int, depth: int, width: int, bloom_bits: int):
        self.start_us = start_us
        self.posts = 0
        self.items = 0
        self.items_by_kind = np.zeros(len(KINDS), np.int64)
        self.cnt = np.zeros((depth, width), np.int32)
        self.dst = np.zeros((depth, width), np.int32)
        self.bloom = np.zeros(bloom_bits // 64, np.uint64)
        self.cand = Candidates()
        self.dirty = True

    def nbytes(self) -> int:
        return self.cnt.nbytes + self.dst.nbytes + self.bloom.nbytes + sum(
            getattr(self.cand, f).nbytes for f in ("h", "n", "authors", "first", "kind"))


class Resolution:
    """Sketch counters and EWMA baseline of one bucket size."""

    def __init__(self, name: str, *, depth: int, width: int, bloom_bits: int, halflife: float, warmup: int,
                 lateness_s: int):
        self.name = name
        self.size_us = RESOLUTIONS[name] * US
        self.depth, self.width, self.bloom_bits = depth, width, bloom_bits
        self.alpha = 1.0 - 0.5 ** (1.0 / halflife)
        self.warmup = warmup
        self.lateness_us = lateness_s * US
        self.mean = np.zeros((depth, width), np.float32)
        self.var = np.zeros((depth, width), np.float32)
        self.seen = 0  # buckets folded into the baseline
        self.last_closed: int | None = None  # bucket index of the last closed bucket
        self.watermark: int | None = None  # µs, newest post time seen
        self.open: dict[int, OpenBucket] = {}
        self.late = 0  # items dropped because their bucket had closed

    # -- hashing --------------------------------------------------------------------------
    def cells(self, h: np.ndarray) -> np.ndarray:
        """(depth, len(h)) cell index per row."""
        mask = np.uint64(self.width - 1)
        return np.stack([(mix64(h + _SALT[r]) & mask).astype(np.int64)
                         for r in range(self.depth)]) if len(h) else np.zeros((self.depth, 0), np.int64)

    def estimate(self, grid: np.ndarray, cells: np.ndarray) -> np.ndarray:
        """Count-min estimate (min over rows) of each key from its cells."""
        if cells.shape[1] == 0:
            return np.zeros(0, np.int64)
        return np.min(np.take_along_axis(grid, cells, axis=1), axis=0).astype(np.int64)

    def bucket_of(self, t_us: np.ndarray) -> np.ndarray:
        return np.floor_divide(t_us, self.size_us)

    # -- counting -------------------------------------------------------------------------
    def _bucket(self, b: int) -> OpenBucket:
        ob = self.open.get(b)
        if ob is None:
            ob = self.open[b] = OpenBucket(b * self.size_us, self.depth, self.width, self.bloom_bits)
        return ob

    def count(self, items: Items, *, min_support: int, max_examples: int = 3) -> list[int]:
        """Add a batch's items to the open buckets; return the bucket indexes touched."""
        pb = self.bucket_of(items.post_t)
        ib = self.bucket_of(items.t)
        if self.last_closed is not None:
            late = ib <= self.last_closed
            if late.any():
                self.late += int(late.sum())
        ub, ub_n = np.unique(pb, return_counts=True)
        posts_per = dict(zip(ub.tolist(), ub_n.tolist(), strict=True))
        touched = [b for b in posts_per if self.last_closed is None or b > self.last_closed]
        if len(items.post_t):
            wm = int(items.post_t.max())
            self.watermark = wm if self.watermark is None else max(self.watermark, wm)
        if not touched:
            return []
        whole = len(ub) == 1 and len(touched) == 1
        order = bounds = None
        if len(touched) > 4:  # a batch spanning many buckets: one sort instead of a scan per bucket
            order = np.argsort(ib, kind="stable")
            bounds = np.searchsorted(ib[order], np.array(touched + [t + 1 for t in touched]))
        for j, b in enumerate(touched):
            ob = self._bucket(b)
            ob.dirty = True
            ob.posts += int(posts_per.get(b, 0))
            if whole:
                sel = None
            elif order is not None and bounds is not None:
                sel = order[bounds[j]:bounds[j + len(touched)]]
            else:
                sel = np.flatnonzero(ib == b)
            if sel is None or len(sel):
                self._count_bucket(ob, items, sel, min_support=min_support, max_examples=max_examples)
        return touched

    def _count_bucket(self, ob: OpenBucket, items: Items, sel: np.ndarray | None, *, min_support: int,
                      max_examples: int) -> None:
        """Count the selected items (None: all) into one open bucket. Two sorts, no argsort."""
        k = items.k40() if sel is None else items.k40()[sel]
        ob.items += len(k)
        kinds = items.kind if sel is None else items.kind[sel]
        ob.items_by_kind += np.bincount(kinds.astype(np.int64), minlength=len(KINDS))
        # Exact per-key counts of this batch by run lengths of the sorted keys.
        uh, cnt = _runs(items.sorted_k40() if sel is None else np.sort(k))
        cells_u = self.cells(uh)
        cnt32 = cnt.astype(np.int32)
        for r in range(self.depth):
            np.add.at(ob.cnt[r], cells_u[r], cnt32)
        # Distinct (key, author) pairs new to this bucket (Bloom filter); a pair's high 40 bits
        # are its key, so sorted new pairs give the new-author count per key by run lengths.
        up, _ = _runs(items.sorted_pairs() if sel is None else np.sort(items.pairs()[sel]))
        mask = np.uint64(self.bloom_bits - 1)
        p1 = (mix64(up) & mask).astype(np.int64)
        p2 = (mix64(up ^ _GOLDEN) & mask).astype(np.int64)
        one = np.uint64(1)
        have = ((ob.bloom[p1 >> 6] >> (p1 & 63).astype(np.uint64)) & one) & \
               ((ob.bloom[p2 >> 6] >> (p2 & 63).astype(np.uint64)) & one)
        new = have == 0
        np.bitwise_or.at(ob.bloom, p1[new] >> 6, one << (p1[new] & 63).astype(np.uint64))
        np.bitwise_or.at(ob.bloom, p2[new] >> 6, one << (p2[new] & 63).astype(np.uint64))
        nh, nh_cnt = _runs(up[new] >> np.uint64(24))
        cells_n = self.cells(nh)
        nh32 = nh_cnt.astype(np.int32)
        for r in range(self.depth):
            np.add.at(ob.dst[r], cells_n[r], nh32)
        new_authors = np.zeros(len(uh), np.int64)
        if len(nh):
            new_authors[np.searchsorted(uh, nh)] = nh_cnt
        # Candidates: exact counts from here on; promotion at the support floor.
        found, pos = ob.cand.locate(uh)
        if found.any():
            p = pos[found]
            ob.cand.n[p] += cnt[found]
            ob.cand.authors[p] += new_authors[found]
        est = self.estimate(ob.cnt, cells_u)
        promote = ~found & (est >= min_support)
        if promote.any():
            idx = np.flatnonzero(promote)
            prom = uh[idx]
            est_a = self.estimate(ob.dst, cells_u[:, idx])
            rows = np.arange(len(k)) if sel is None else sel
            at = np.minimum(np.searchsorted(prom, k), len(prom) - 1)
            hit = np.flatnonzero(prom[at] == k)  # items of promoted keys, in batch order
            which = at[hit]
            first = np.full(len(prom), np.iinfo(np.int64).max)
            tmin = np.full(len(prom), np.iinfo(np.int64).max)
            np.minimum.at(first, which, hit)
            np.minimum.at(tmin, which, items.t[rows[hit]])
            first_rows = rows[first]
            keys = items.key.take(pa.array(first_rows)).to_numpy(zero_copy_only=False)
            examples = self._examples(items, rows[hit], which, len(prom), max_examples)
            ob.cand.add(prom, est[idx], np.minimum(est_a, est[idx]), tmin, items.kind[first_rows],
                        keys.astype(object), examples)

    @staticmethod
    def _examples(items: Items, rows: np.ndarray, which: np.ndarray, m: int, k: int) -> np.ndarray:
        """Up to k post ids per promoted key (the first ones of this batch)."""
        order = np.argsort(which, kind="stable")
        rows, which = rows[order], which[order]
        starts = np.searchsorted(which, np.arange(m))
        rank = np.arange(len(which)) - starts[which]
        keep = rank < k
        pid = items.post_ids()[items.i[rows[keep]]]
        out = np.empty(m, object)
        for j, part in enumerate(np.split(pid, np.cumsum(np.bincount(which[keep], minlength=m))[:-1])):
            out[j] = part.tolist()
        return out

    def closable(self) -> list[int]:
        """Open buckets whose end (plus the allowed lateness) the watermark has passed, oldest first."""
        if self.watermark is None:
            return []
        return sorted(b for b in self.open if (b + 1) * self.size_us + self.lateness_us <= self.watermark)

    def nbytes(self) -> int:
        return self.mean.nbytes + self.var.nbytes + sum(ob.nbytes() for ob in self.open.values())
