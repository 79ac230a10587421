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

from agorascope._mix import GOLDEN, mix64
from agorascope.store.duckdb_store import DuckDBStore

KINDS: tuple[str, ...] = ("term", "hashtag", "domain", "lang", "platform", "narrative")
KIND_CODE: dict[str, int] = {k: i for i, k in enumerate(KINDS)}
#: Bucket sizes in seconds.
RESOLUTIONS: dict[str, int] = {"5m": 300, "1h": 3600, "1d": 86400}
US = 1_000_000

_SALT = [np.uint64(((r + 1) * int(GOLDEN)) % 2**64) for r in range(16)]

# One SQL statement turns a batch into items, one SELECT per wanted kind over the registered
# batch (no CTE: DuckDB would materialise every column of it). Terms: lower-cased text without
# URLs and masked mentions, split on anything that is not a letter, digit or underscore,
# distinct per post (DISTINCT over the unnested tokens: as fast as list_distinct, measured).
_B = "_i AS i, epoch_us(created_at) AS t, hash(coalesce(author, post_id)) AS ah"
_KIND_SQL = {
    "term": rf"""SELECT DISTINCT i, t, ah, 0::TINYINT AS kind, tok AS key FROM (
    SELECT {_B}, unnest(regexp_split_to_array(
        regexp_replace(lower(coalesce(text, '')), 'https?://\S+|@user\b', ' ', 'g'), '[^\p{{L}}\p{{N}}_]+')) AS tok
    FROM _trend_batch) WHERE length(tok) BETWEEN ? AND 64""",
    "hashtag": f"""SELECT i, t, ah, 1::TINYINT AS kind, k AS key FROM (SELECT {_B}, unnest(list_distinct(hashtags)) AS k
    FROM _trend_batch) WHERE k IS NOT NULL AND k <> ''""",
    "domain": f"""SELECT i, t, ah, 2::TINYINT AS kind, k AS key FROM (SELECT {_B}, unnest(list_distinct(domains)) AS k
    FROM _trend_batch) WHERE k IS NOT NULL AND k <> ''""",
    "lang": f"SELECT {_B}, 3::TINYINT AS kind, coalesce(lang, 'und') AS key FROM _trend_batch",
    "platform": f"SELECT {_B}, 4::TINYINT AS kind, platform AS key FROM _trend_batch",
    "narrative": f"""SELECT b.i, b.t, b.ah, 5::TINYINT AS kind, CAST(n.narrative_id AS VARCHAR) AS key
    FROM (SELECT {_B}, post_id FROM _trend_batch) b JOIN narrative_assignments n ON n.post_id = b.post_id
    WHERE n.narrative_id IS NOT NULL AND CAST(n.narrative_id AS VARCHAR) <> '-1'""",
}


#: Every resolution is a multiple of this bucket (seconds); a batch's items are grouped by it once.
BASE_S = 300


@dataclass
class Layout:
    """A batch's items grouped by bucket of one size: bucket `buckets[j]` holds the items
    `Items.order()[lo[j]:hi[j]]`, and `sp[lo[j]:hi[j]]` are their (key, author) pairs, sorted."""

    buckets: np.ndarray  # int64 bucket indexes, ascending
    lo: np.ndarray  # int64
    hi: np.ndarray  # int64
    sp: np.ndarray  # uint64

    def segment(self, b: int) -> int:
        """Index j of bucket b (-1 when the batch has no items in it)."""
        j = int(np.searchsorted(self.buckets, b))
        return j if j < len(self.buckets) and self.buckets[j] == b else -1


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
    key_row: np.ndarray | None = None  # item -> row of `key` (None: the same row)
    _pid: np.ndarray | None = None
    _cache: dict[str, np.ndarray] = field(default_factory=dict)
    _layouts: dict[int, Layout] = field(default_factory=dict)

    def k40(self) -> np.ndarray:
        """The key id the counters use: the top 40 bits of the key hash."""
        if "k40" not in self._cache:
            self._cache["k40"] = self.h >> np.uint64(24)
        return self._cache["k40"]

    def pairs(self) -> np.ndarray:
        """(key, author) pair ids: key id in the high 40 bits, 24 bits of author hash below.

        Sorted, they are also sorted by key (`pairs >> 24` is the key id), so one sort per bucket
        gives both the per-key counts and the distinct pairs."""
        return (self.k40() << np.uint64(24)) | (self.ah >> np.uint64(40))

    def order(self) -> np.ndarray:
        """Stable permutation grouping the items by BASE_S bucket (a radix sort for < 2^16 buckets)."""
        if "order" not in self._cache:
            b = np.floor_divide(self.t, BASE_S * US)
            if not len(b) or int(b.max()) == int(b.min()):
                order = np.arange(len(b), dtype=np.int64)
            elif int(b.max()) - int(b.min()) < 1 << 16:
                order = np.argsort((b - b.min()).astype(np.uint16), kind="stable")
            else:
                order = np.argsort(b, kind="stable")
            self._cache["order"] = order
            self._cache["base_b"] = b[order]
        return self._cache["order"]

    def layout(self, size_us: int) -> Layout:
        """The items grouped by buckets of `size_us` (a multiple of BASE_S), pairs sorted per bucket.

        A coarser layout is merged from the finest one already built (timsort merges the
        sorted runs of its sub-buckets), so a batch is sorted about once for all resolutions."""
        got = self._layouts.get(size_us)
        if got is not None:
            return got
        base = BASE_S * US
        if size_us % base:
            raise ValueError(f"bucket size {size_us} µs is not a multiple of {BASE_S} s")
        order = self.order()
        b = np.floor_divide(self._cache["base_b"], size_us // base)
        n = len(b)
        lo = np.flatnonzero(np.concatenate(([True], b[1:] != b[:-1]))) if n else np.zeros(0, np.int64)
        hi = np.append(lo[1:], n).astype(np.int64) if n else np.zeros(0, np.int64)
        finer = [s for s in self._layouts if s < size_us and size_us % s == 0]
        if finer:
            sp = self._layouts[max(finer)].sp.copy()
            kind = "stable"
        else:
            sp = self.pairs()[order]
            kind = "quicksort"
        if len(lo) == 1:
            sp.sort(kind=kind)
        else:
            for s, e in zip(lo.tolist(), hi.tolist(), strict=True):
                sp[s:e].sort(kind=kind)
        lay = self._layouts[size_us] = Layout(buckets=b[lo] if n else np.zeros(0, np.int64), lo=lo, hi=hi, sp=sp)
        return lay

    def post_ids(self) -> np.ndarray:
        """The batch's post ids as a numpy object array (converted once)."""
        if self._pid is None:
            self._pid = self.post_id.to_numpy(zero_copy_only=False)
        return self._pid

    def __len__(self) -> int:
        return len(self.t)


def extract_items(store: DuckDBStore, posts: pa.RecordBatch | pa.Table, *, kinds: tuple[str, ...] = KINDS,
                  min_token_len: int = 2) -> Items:
    """Turn new posts into items with DuckDB (vectorised; runs inside the caller's transaction).

    Items come back ordered by post (row of the batch), so the example posts of a key are the
    first posts of the batch that hold it, whatever order DuckDB produced them in."""
    table = posts if isinstance(posts, pa.Table) else pa.Table.from_batches([posts])
    table = table.append_column("_i", pa.array(np.arange(table.num_rows, dtype=np.int64)))
    wanted = [k for k in KINDS if k in kinds]
    if "narrative" in wanted and "narrative_assignments" not in _tables(store):
        wanted.remove("narrative")
    ts = table.column("created_at").cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
    if not wanted or not table.num_rows:
        z = np.zeros(0, np.int64)
        return Items(t=z, kind=z.astype(np.int8), h=z.astype(np.uint64), ah=z.astype(np.uint64), i=z,
                     key=pa.array([], pa.string()), post_t=ts.to_numpy().astype(np.int64),
                     post_id=table.column("post_id").combine_chunks())
    parts = "\nUNION ALL ".join(_KIND_SQL[k] for k in wanted)
    sql = f"SELECT i, t, ah, kind, key, hash(kind, key) AS h FROM ({parts})"
    params = [min_token_len] if "term" in wanted else []
    cur = store.con
    cur.register("_trend_batch", table)
    try:
        got = cur.sql(sql, params=params).to_arrow_table()
    finally:
        cur.unregister("_trend_batch")
    i = got.column("i").to_numpy().astype(np.int64)
    perm = np.argsort(i.astype(np.uint16) if table.num_rows <= 1 << 16 else i, kind="stable")
    return Items(
        t=got.column("t").to_numpy().astype(np.int64)[perm],
        kind=got.column("kind").to_numpy().astype(np.int8)[perm],
        h=got.column("h").to_numpy().astype(np.uint64)[perm],
        ah=got.column("ah").to_numpy().astype(np.uint64)[perm],
        i=i[perm],
        key=got.column("key").combine_chunks(),
        key_row=perm,
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


class Candidates:
    """Keys of one open bucket that reached the support floor.

    Rows are kept in arrival order in growable arrays (no copy of the strings on every
    promotion); a sorted index of the key ids finds them."""

    def __init__(self, depth: int = 3, max_examples: int = 3):
        self.size = 0
        self._h = np.zeros(0, np.uint64)
        self._n = np.zeros(0, np.int64)
        self._authors = np.zeros(0, np.int64)
        self._first = np.zeros(0, np.int64)
        self._kind = np.zeros(0, np.int8)
        self._key = np.zeros(0, object)
        self._ex = np.full((0, max_examples), None, object)
        self._cells = np.zeros((depth, 0), np.int64)
        self.sh = np.zeros(0, np.uint64)  # key ids, sorted
        self.slot = np.zeros(0, np.int64)  # row of each sorted key id

    h = property(lambda self: self._h[:self.size])
    n = property(lambda self: self._n[:self.size])
    authors = property(lambda self: self._authors[:self.size])
    first = property(lambda self: self._first[:self.size])
    kind = property(lambda self: self._kind[:self.size])
    key = property(lambda self: self._key[:self.size])
    #: (rows, max_examples) post ids, None where a key has fewer
    examples = property(lambda self: self._ex[:self.size])
    #: (depth, rows) sketch cells of each key
    cells = property(lambda self: self._cells[:, :self.size])

    def __len__(self) -> int:
        return self.size

    def locate(self, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(found mask, row) of each key id."""
        if not self.size:
            return np.zeros(len(h), bool), np.zeros(len(h), np.int64)
        pos = np.minimum(np.searchsorted(self.sh, h), self.size - 1)
        return self.sh[pos] == h, self.slot[pos]

    def add(self, h: np.ndarray, n: np.ndarray, authors: np.ndarray, first: np.ndarray, kind: np.ndarray,
            key: np.ndarray, examples: np.ndarray, cells: np.ndarray) -> None:
        """Append new keys (`h` sorted, none present yet)."""
        m, s = len(h), self.size
        if s + m > len(self._h):
            cap = max(2 * len(self._h), s + m, 256)
            for name in ("_h", "_n", "_authors", "_first", "_kind", "_key", "_ex"):
                old = getattr(self, name)
                grown = np.full((cap, *old.shape[1:]), None, object) if old.dtype == object else \
                    np.zeros((cap, *old.shape[1:]), old.dtype)
                grown[:s] = old[:s]
                setattr(self, name, grown)
            cells_grown = np.zeros((self._cells.shape[0], cap), np.int64)
            cells_grown[:, :s] = self._cells[:, :s]
            self._cells = cells_grown
        self._h[s:s + m], self._n[s:s + m], self._authors[s:s + m] = h, n, authors
        self._first[s:s + m], self._kind[s:s + m], self._key[s:s + m] = first, kind, key
        self._ex[s:s + m] = examples
        self._cells[:, s:s + m] = cells
        pos = np.searchsorted(self.sh, h)
        self.sh = np.insert(self.sh, pos, h)
        self.slot = np.insert(self.slot, pos, np.arange(s, s + m, dtype=np.int64))
        self.size = s + m


class OpenBucket:
    """Counters of one bucket that still receives posts."""

    def __init__(self, start_us: int, depth: int, width: int, bloom_bits: int, max_examples: int = 3):
        self.start_us = start_us
        self.posts = 0
        self.items = 0
        self.max_examples = max_examples
        self.items_by_kind = np.zeros(len(KINDS), np.int64)
        self.cnt = np.zeros((depth, width), np.int32)
        self.dst = np.zeros((depth, width), np.int32)
        # Cache-line-blocked Bloom filter of (key, author) pairs, one byte per bit: both probes of
        # a pair fall in the same 64-byte block (one cache miss), and setting is a plain
        # fancy assignment (a packed bit array needs np.bitwise_or.at: 49 vs 19 ms per 400k pairs).
        self.bloom = np.zeros(max(bloom_bits, 64), np.uint8)
        self.bloom_shift = np.uint64(64 - (len(self.bloom).bit_length() - 1))
        self.cand = Candidates(depth, max_examples)
        self.dirty = True

    def reset(self, start_us: int) -> None:
        """Empty the bucket for reuse as the bucket starting at `start_us`."""
        self.start_us = start_us
        self.posts = self.items = 0
        self.items_by_kind[:] = 0
        self.cnt.fill(0)
        self.dst.fill(0)
        self.bloom.fill(0)
        self.cand = Candidates(self.cnt.shape[0], self.max_examples)
        self.dirty = True

    def add_pairs(self, pairs: np.ndarray) -> np.ndarray:
        """Insert distinct pair ids; return the mask of those not seen before in this bucket."""
        hq = mix64(pairs ^ GOLDEN)
        p1 = (hq >> self.bloom_shift).view(np.int64)
        p2 = (p1 & ~np.int64(63)) | (hq & np.uint64(63)).view(np.int64)
        new = (self.bloom[p1] & self.bloom[p2]) == 0
        self.bloom[p1[new]] = 1
        self.bloom[p2[new]] = 1
        return new

    def nbytes(self) -> int:
        c = self.cand
        return self.cnt.nbytes + self.dst.nbytes + self.bloom.nbytes + sum(
            getattr(c, f).nbytes for f in ("_h", "_n", "_authors", "_first", "_kind", "_cells", "sh", "slot"))


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
        self._free: list[OpenBucket] = []  # closed buckets whose arrays are reused

    # -- hashing --------------------------------------------------------------------------
    def cells(self, h: np.ndarray) -> np.ndarray:
        """(depth, len(h)) cell index per row."""
        mask = np.uint64(self.width - 1)
        return np.stack([(mix64(h + _SALT[r]) & mask).view(np.int64)
                         for r in range(self.depth)]) if len(h) else np.zeros((self.depth, 0), np.int64)

    def estimate(self, grid: np.ndarray, cells: np.ndarray) -> np.ndarray:
        """Count-min estimate (min over rows) of each key from its cells."""
        if cells.shape[1] == 0:
            return np.zeros(0, np.int64)
        est = grid[0][cells[0]]
        for r in range(1, self.depth):
            est = np.minimum(est, grid[r][cells[r]])
        return est.astype(np.int64)

    def bucket_of(self, t_us: np.ndarray) -> np.ndarray:
        return np.floor_divide(t_us, self.size_us)

    # -- counting -------------------------------------------------------------------------
    def _bucket(self, b: int) -> OpenBucket:
        ob = self.open.get(b)
        if ob is None:
            if self._free:
                ob = self._free.pop()
                ob.reset(b * self.size_us)
            else:
                ob = OpenBucket(b * self.size_us, self.depth, self.width, self.bloom_bits)
            self.open[b] = ob
        return ob

    def count(self, items: Items, *, min_support: int, max_examples: int = 3) -> list[int]:
        """Add a batch's items to the open buckets (closing none); return the bucket indexes touched."""
        touched, posts_per, lay = self.begin(items)
        for b in touched:
            self.count_into(b, posts_per[b], items, lay, min_support=min_support, max_examples=max_examples)
        return touched

    def begin(self, items: Items) -> tuple[list[int], dict[int, int], Layout | None]:
        """Book a batch: watermark and late items; return the touched buckets (ascending), the
        batch's posts per bucket and the items' layout for this bucket size."""
        if not len(items.post_t):
            return [], {}, None
        ub, ub_n = np.unique(self.bucket_of(items.post_t), return_counts=True)
        lay = items.layout(self.size_us)
        if self.last_closed is not None and len(lay.buckets):
            gone = lay.buckets <= self.last_closed
            if gone.any():
                self.late += int((lay.hi[gone] - lay.lo[gone]).sum())
        wm = int(items.post_t.max())
        self.watermark = wm if self.watermark is None else max(self.watermark, wm)
        touched = [b for b in ub.tolist() if self.last_closed is None or b > self.last_closed]
        return touched, dict(zip(ub.tolist(), ub_n.tolist(), strict=True)), lay

    def count_into(self, b: int, posts: int, items: Items, lay: Layout | None, *, min_support: int,
                   max_examples: int = 3) -> OpenBucket:
        """Count the batch's posts and items of bucket b into its open bucket (opened if needed)."""
        ob = self._bucket(b)
        ob.dirty = True
        ob.posts += int(posts)
        j = -1 if lay is None else lay.segment(b)
        if j >= 0:
            self._count_bucket(ob, items, lay, j, min_support=min_support, max_examples=max_examples)  # type: ignore[arg-type]
        return ob

    def is_closable(self, b: int) -> bool:
        """Whether the watermark passed bucket b's end plus the allowed lateness."""
        return self.watermark is not None and (b + 1) * self.size_us + self.lateness_us <= self.watermark

    def recycle(self, ob: OpenBucket) -> None:
        """Keep a closed bucket's arrays for the next bucket (no fresh page faults per bucket)."""
        if len(self._free) < 2:
            self._free.append(ob)

    def _count_bucket(self, ob: OpenBucket, items: Items, lay: Layout, j: int, *, min_support: int,
                      max_examples: int) -> None:
        """Count one bucket's items (a segment of the layout: pairs already sorted)."""
        lo, hi = int(lay.lo[j]), int(lay.hi[j])
        n = hi - lo
        sp = lay.sp[lo:hi]
        rows = items.order()[lo:hi]
        ob.items += n
        ob.items_by_kind += np.bincount(items.kind[rows], minlength=len(KINDS))
        # Sorted pairs are sorted by key: per-key counts and distinct pairs from run boundaries.
        key = sp >> np.uint64(24)
        kflag = np.empty(n, bool)
        kflag[:1] = True
        np.not_equal(key[1:], key[:-1], out=kflag[1:])
        kstart = np.flatnonzero(kflag)
        uh = key[kstart]
        cnt = np.diff(np.append(kstart, n))
        pflag = np.empty(n, bool)
        pflag[:1] = True
        np.not_equal(sp[1:], sp[:-1], out=pflag[1:])
        pstart = np.flatnonzero(pflag)
        # Distinct pairs of each key are consecutive: the first one of key j is at kp[j].
        kp = np.zeros(len(uh), np.int64)
        np.cumsum(np.add.reduceat(pflag, kstart, dtype=np.int64)[:-1], out=kp[1:])
        found, slot = ob.cand.locate(uh)
        nf = np.flatnonzero(~found)
        cells_u = self.cells(uh)
        cnt32 = cnt.astype(np.int32)
        cells_nf = cells_u[:, nf]
        est = None
        for r in range(self.depth):  # add, then read the keys' cells back while they are in cache
            np.add.at(ob.cnt[r], cells_u[r], cnt32)
            e = ob.cnt[r][cells_nf[r]]
            est = e if est is None else np.minimum(est, e)
        # Pairs new to this bucket (Bloom filter) -> new authors per key.
        new = ob.add_pairs(sp[pstart])
        new_authors = np.add.reduceat(new, kp, dtype=np.int64) if len(kp) else np.zeros(0, np.int64)
        # Candidates: exact counts from here on; promotion at the support floor.
        if len(nf) < len(uh):
            s = slot[found]
            ob.cand._n[s] += cnt[found]
            ob.cand._authors[s] += new_authors[found]
        # The author sketch is only read to promote a key, so candidates' authors skip it (the
        # estimate of every other key still holds all of its own authors: never an underestimate).
        nz = nf[new_authors[nf] > 0]
        if len(nz):
            na32 = new_authors[nz].astype(np.int32)
            for r in range(self.depth):
                np.add.at(ob.dst[r], cells_u[r, nz], na32)
        if not len(nf) or est is None:
            return
        pm = est >= min_support
        if not pm.any():
            return
        idx = nf[pm]
        prom, est_p = uh[idx], est[pm]
        est_a = self.estimate(ob.dst, cells_u[:, idx])
        hit, which = _member(prom, items.k40()[rows])  # this bucket's items of promoted keys, batch order
        m = len(prom)
        first = np.full(m, n, np.int64)
        np.minimum.at(first, which, hit)
        tmin = np.full(m, np.iinfo(np.int64).max)
        np.minimum.at(tmin, which, items.t[rows[hit]])
        first_rows = rows[first]
        key_rows = first_rows if items.key_row is None else items.key_row[first_rows]
        keys = items.key.take(pa.array(key_rows)).to_numpy(zero_copy_only=False)
        examples = self._examples(items, rows, hit, which, first, max_examples)
        ob.cand.add(prom, est_p, np.minimum(est_a, est_p), tmin, items.kind[first_rows], keys.astype(object),
                    examples, cells_u[:, idx])

    @staticmethod
    def _examples(items: Items, rows: np.ndarray, hit: np.ndarray, which: np.ndarray, first: np.ndarray,
                  k: int) -> np.ndarray:
        """(keys, k) post ids: the first k items of each promoted key in this batch (None: fewer)."""
        m, n = len(first), len(rows)
        out = np.full((m, k), None, object)
        pid, post_row = items.post_ids(), items.i
        cur = first
        for c in range(k):
            have = np.flatnonzero(cur < n)
            if not len(have):
                break
            out[have, c] = pid[post_row[rows[cur[have]]]]
            if c == k - 1:
                break
            rest = hit != cur[which]
            hit, which = hit[rest], which[rest]
            cur = np.full(m, n, np.int64)
            np.minimum.at(cur, which, hit)
        return out

    def closable(self) -> list[int]:
        """Open buckets whose end (plus the allowed lateness) the watermark has passed, oldest first."""
        if self.watermark is None:
            return []
        return sorted(b for b in self.open if (b + 1) * self.size_us + self.lateness_us <= self.watermark)

    def nbytes(self) -> int:
        return self.mean.nbytes + self.var.nbytes + sum(ob.nbytes() for ob in self.open.values())


def _member(sorted_keys: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions in k, index into sorted_keys) of the elements of k found in sorted_keys.

    A bit table on the low key bits drops most non-members before the binary search (a
    searchsorted of every item against the promoted keys cost ~25% of the update)."""
    bits = min(max(16, (len(sorted_keys) * 8).bit_length()), 24)
    mask = np.uint64((1 << bits) - 1)
    table = np.zeros(1 << bits, bool)
    table[(sorted_keys & mask).view(np.int64)] = True
    maybe = np.flatnonzero(table[(k & mask).view(np.int64)])
    at = np.minimum(np.searchsorted(sorted_keys, k[maybe]), len(sorted_keys) - 1)
    ok = sorted_keys[at] == k[maybe]
    return maybe[ok], at[ok]
