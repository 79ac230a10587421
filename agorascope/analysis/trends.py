"""Trends: what is rising now, per term, hashtag, domain, language, platform and narrative.

Counting is incremental (`TrendCounter.update`, run by the `trends` batch hook on every batch of
newly stored posts, from file ingest and live streams alike); the analyses here read the tables
it keeps:

    trend_buckets   (resolution, bucket, posts, items, closed)            exact volume per bucket
    trend_keys      (resolution, bucket, kind, key, observed, baseline, z_score, distinct_authors,
                     first_seen, bucket_posts, closed, seq)               keys that rose (z >= z_keep),
                                                                          are watched, or are the top
                                                                          keys of their kind
    trend_examples  (resolution, bucket, kind, key, post_id)              example posts per row
    trend_state     (resolution, params, seen, last_closed, watermark, late, hash_version, mean, var)
    trend_meta      (key, value)                                          the batch sequence number

`rising()` ranks keys over any time range; `volume()` and `changepoints()` give the total
series and its change points (ruptures PELT) for batch analysis.
"""

from __future__ import annotations

import json
import logging
import weakref
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from agorascope.analysis import trends_burst as burst
from agorascope.analysis.trends_counts import KIND_CODE, KINDS, RESOLUTIONS, US, OpenBucket, Resolution, extract_items
from agorascope.errors import ConfigError
from agorascope.store.duckdb_store import DuckDBStore
from agorascope.store.sql import time_range

if TYPE_CHECKING:
    from rich.console import Console

    from agorascope.analysis.trends_counts import Items
    from agorascope.project import Project

log = logging.getLogger(__name__)
_TS = pa.timestamp("us", tz="UTC")

__all__ = ["KINDS", "RESOLUTIONS", "TrendCounter", "TrendParams", "after_narratives", "changepoints", "configure",
           "demo_summary", "ensure_tables", "rebuild", "recount_kind", "render", "rising", "volume"]

_DDL = [
    """CREATE TABLE IF NOT EXISTS trend_buckets (resolution VARCHAR, bucket TIMESTAMPTZ, posts BIGINT,
        items BIGINT, closed BOOLEAN)""",
    """CREATE TABLE IF NOT EXISTS trend_keys (resolution VARCHAR, bucket TIMESTAMPTZ, kind VARCHAR, key VARCHAR,
        observed BIGINT, baseline DOUBLE, z_score DOUBLE, distinct_authors BIGINT, first_seen TIMESTAMPTZ,
        bucket_posts BIGINT, closed BOOLEAN, seq BIGINT)""",
    """CREATE TABLE IF NOT EXISTS trend_examples (resolution VARCHAR, bucket TIMESTAMPTZ, kind VARCHAR,
        key VARCHAR, post_id VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS trend_state (resolution VARCHAR, params VARCHAR, seen BIGINT,
        last_closed BIGINT, watermark BIGINT, late BIGINT, hash_version VARCHAR, mean BLOB, var BLOB,
        updated_at TIMESTAMPTZ)""",
    "CREATE TABLE IF NOT EXISTS trend_meta (key VARCHAR PRIMARY KEY, value BIGINT)",
]


@dataclass(frozen=True)
class TrendParams:
    """Knobs of the counters and the burst test (defaults measured in docs/parts/trends-architecture.md)."""

    resolutions: tuple[str, ...] = ("5m", "1h", "1d")
    kinds: tuple[str, ...] = KINDS
    depth: int = 3  # hash rows of each count-min sketch
    width_log2: dict[str, int] = field(default_factory=lambda: {"5m": 17, "1h": 19, "1d": 20})
    #: cells (log2; one byte each) of the (key, author) Bloom filter of an open bucket
    bloom_log2: dict[str, int] = field(default_factory=lambda: {"5m": 20, "1h": 23, "1d": 26})
    halflife: dict[str, float] = field(default_factory=lambda: {"5m": 288.0, "1h": 72.0, "1d": 14.0})
    warmup: dict[str, int] = field(default_factory=lambda: {"5m": 36, "1h": 6, "1d": 3})
    lateness_s: int = 60  # a bucket closes once posts newer than its end + this arrived
    #: a key holds a candidate slot (string, exact count) in a bucket from this many posts on
    min_support: dict[str, int] = field(default_factory=lambda: {"5m": 5, "1h": 8, "1d": 20})
    z_keep: float = 3.0  # keys at or above this z are stored in trend_keys
    top_keep: int = 10  # plus the top keys of each kind by count
    beta: float = 1.0  # variance bias (see trends_burst)
    min_token_len: int = 2

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> TrendParams:
        d = json.loads(text)
        d["resolutions"] = tuple(d["resolutions"])
        d["kinds"] = tuple(d["kinds"])
        if isinstance(d.get("bloom_log2"), int):  # older single value
            d["bloom_log2"] = {r: d["bloom_log2"] for r in RESOLUTIONS}
        return cls(**d)


_READY: weakref.WeakSet[DuckDBStore] = weakref.WeakSet()


def ensure_tables(store: DuckDBStore) -> None:
    """Create the trend tables (once per open store); a read-only store is left as is."""
    if store.read_only or store in _READY:
        return
    for ddl in _DDL:
        store.execute(ddl)
    _READY.add(store)


def _counted(store: DuckDBStore) -> bool:
    return "trend_keys" in store.tables()


def _check_resolution(resolution: str) -> None:
    if resolution not in RESOLUTIONS:
        raise ConfigError(f"Unknown resolution {resolution!r}: use one of {', '.join(RESOLUTIONS)}.")


def _check_kinds(kinds: list[str] | tuple[str, ...] | None) -> list[str]:
    if not kinds:
        return list(KINDS)
    bad = [k for k in kinds if k not in KIND_CODE]
    if bad:
        raise ConfigError(f"Unknown kind {', '.join(bad)}: use any of {', '.join(KINDS)}.")
    return list(kinds)


# -- the counter ------------------------------------------------------------------------------
class TrendCounter:
    """All resolutions' counters of one store; `update()` per batch, state flushed to the store."""

    def __init__(self, params: TrendParams | None = None):
        self.params = params or TrendParams()
        p = self.params
        self.res: dict[str, Resolution] = {
            r: Resolution(r, depth=p.depth, width=1 << p.width_log2[r], bloom_bits=1 << p.bloom_log2[r],
                          halflife=p.halflife[r], warmup=p.warmup[r], lateness_s=p.lateness_s)
            for r in p.resolutions}
        self.seq = 0
        self.watched: dict[str, set[str]] = {}  # kind -> keys always kept (alert rules)
        self.threads = 2

    # -- per batch ------------------------------------------------------------------------
    def update(self, store: DuckDBStore, posts: pa.RecordBatch | pa.Table) -> int:
        """Count a batch of new posts, score the touched buckets and write their rows; return the seq."""
        if posts.num_rows == 0:
            return self.seq
        items = extract_items(store, posts, kinds=self.params.kinds, min_token_len=self.params.min_token_len)
        rows = self.count(items)
        self.seq += 1
        self.flush(store, rows)
        return self.seq

    def count(self, items: Items) -> dict[str, Any]:
        """Count items; close what the watermark passed; return the rows to write (no I/O).

        The batch is sorted once (finest layout first; coarser ones merge its runs). The
        resolutions are independent and run on a small thread pool (numpy's sorts, gathers and
        ufuncs release the GIL); within one, buckets are counted in time order and each is closed
        (scored, folded into the baseline) as soon as the watermark has passed it, so a batch
        spanning days holds about one open bucket per resolution, not one per bucket it touches.
        """
        out: dict[str, Any] = {"keys": [], "buckets": [], "folded": set()}
        for size in sorted(r.size_us for r in self.res.values()):
            items.layout(size)  # finest first: the coarser layouts merge its sorted runs
        items.post_ids()
        items.k40()
        if self.threads > 1 and len(items) > 50_000:
            # One thread per resolution even on 2 cores: three similar tasks on two workers would
            # leave a core idle for a third of the batch; the OS interleaves three threads.
            parts = list(_pool(max(self.threads, len(self.res))).map(lambda r: self._count_one(r, items),
                                                                     self.res.values()))
        else:
            parts = [self._count_one(r, items) for r in self.res.values()]
        for keys, buckets, folded in parts:
            out["keys"] += keys
            out["buckets"] += buckets
            if folded:
                out["folded"].add(folded)
        return out

    def _count_one(self, res: Resolution, items: Items) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]], str]:
        keys: list[dict[str, Any]] = []
        buckets: list[tuple[Any, ...]] = []
        folded = ""
        touched, posts_per, lay = res.begin(items)
        fresh = set(touched)
        for b in sorted(fresh | set(res.open)):
            if b in fresh:
                ob = res.count_into(b, posts_per[b], items, lay, min_support=self.params.min_support[res.name])
            else:
                ob = res.open[b]
            if res.is_closable(b):
                del res.open[b]
                keys.append(self._rows(res, b, ob, closed=True))
                buckets.append((res.name, b * res.size_us, ob.posts, ob.items, True))
                burst.fold(res, b, ob)
                res.recycle(ob)
                folded = res.name
            elif ob.dirty:
                keys.append(self._rows(res, b, ob, closed=False))
                buckets.append((res.name, b * res.size_us, ob.posts, ob.items, False))
                ob.dirty = False
        return keys, buckets, folded

    def _rows(self, res: Resolution, b: int, ob: OpenBucket, *, closed: bool) -> dict[str, Any]:
        p = self.params
        sc = burst.score(res, ob, beta=p.beta)
        cand = ob.cand
        keep = np.zeros(len(cand), bool)
        if len(cand):
            keep |= np.nan_to_num(sc.z, nan=-np.inf) >= p.z_keep
            for k in range(len(KINDS)):
                idx = np.flatnonzero(cand.kind == k)
                if len(idx):
                    keep[idx[_top(cand.n[idx], cand.h[idx], p.top_keep)]] = True
                    watched = self.watched.get(KINDS[k])
                    if watched:
                        keep[idx] |= np.fromiter((str(x) in watched for x in cand.key[idx]), bool, len(idx))
        sel = np.flatnonzero(keep)
        return {"resolution": res.name, "bucket": b * res.size_us, "posts": ob.posts, "closed": closed,
                "kind": cand.kind[sel], "key": cand.key[sel], "observed": cand.n[sel],
                "baseline": sc.baseline[sel], "z": sc.z[sel], "authors": cand.authors[sel],
                "first": cand.first[sel],
                "examples": [[x for x in row if x is not None] for row in cand.examples[sel].tolist()]}

    # -- persistence ----------------------------------------------------------------------
    def flush(self, store: DuckDBStore, rows: dict[str, Any], *, only_kinds: tuple[str, ...] | None = None) -> None:
        """Write the rows of touched buckets, the volume, and (when a bucket closed) the baseline.

        `only_kinds`: replace just these kinds' rows (a recount of one kind; volume and baseline
        state are left alone).
        """
        ensure_tables(store)
        con = store.con
        lo = datetime.fromtimestamp(min((r[1] for r in rows["buckets"]), default=0) / US, UTC)
        if rows["buckets"] and only_kinds:
            tb = pa.table({"resolution": [r[0] for r in rows["buckets"]],
                           "bucket": pa.array([r[1] for r in rows["buckets"]], pa.int64()).cast(_TS)})
            con.register("_tb", tb)
            try:
                for table in ("trend_keys", "trend_examples"):
                    con.execute(f"DELETE FROM {table} t USING (SELECT DISTINCT resolution, bucket FROM _tb) u "
                                "WHERE t.bucket >= ? AND t.resolution = u.resolution AND t.bucket = u.bucket "
                                "AND list_contains(?, t.kind)",
                                [lo, list(only_kinds)])
            finally:
                con.unregister("_tb")
        elif rows["buckets"]:
            tb = pa.table({
                "resolution": [r[0] for r in rows["buckets"]],
                "bucket": pa.array([r[1] for r in rows["buckets"]], pa.int64()).cast(pa.timestamp("us", tz="UTC")),
                "posts": pa.array([r[2] for r in rows["buckets"]], pa.int64()),
                "items": pa.array([r[3] for r in rows["buckets"]], pa.int64()),
                "closed": pa.array([r[4] for r in rows["buckets"]], pa.bool_())})
            con.register("_tb", tb)
            try:
                for table in ("trend_buckets", "trend_keys", "trend_examples"):
                    # `bucket >= lo` lets DuckDB skip old row groups by their min/max (no index needed).
                    con.execute(f"DELETE FROM {table} t USING (SELECT DISTINCT resolution, bucket FROM _tb) u "
                                "WHERE t.bucket >= ? AND t.resolution = u.resolution AND t.bucket = u.bucket", [lo])
                # A bucket may appear twice (touched, then closed in the same batch): keep the last.
                con.execute("INSERT INTO trend_buckets SELECT resolution, bucket, last(posts), last(items), "
                            "bool_or(closed) FROM _tb GROUP BY ALL")
            finally:
                con.unregister("_tb")
        keys = _key_table(rows["keys"], self.seq)
        if keys.num_rows:
            # Closed rows replace the open rows of the same bucket written earlier in this batch.
            con.register("_tk", keys)
            try:
                con.execute("INSERT INTO trend_keys SELECT resolution, bucket, kind, key, observed, baseline, z_score, "
                            "distinct_authors, first_seen, bucket_posts, closed, seq FROM _tk "
                            "QUALIFY row_number() OVER (PARTITION BY resolution, bucket, kind, key "
                            "ORDER BY closed DESC) = 1")
                con.execute("INSERT INTO trend_examples SELECT DISTINCT resolution, bucket, kind, key, "
                            "unnest(example_post_ids) FROM _tk")
            finally:
                con.unregister("_tk")
        if only_kinds:
            return
        for name in rows["folded"]:
            self._save_state(store, self.res[name])
        con.execute("INSERT INTO trend_meta VALUES ('seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [self.seq])

    def _save_state(self, store: DuckDBStore, res: Resolution) -> None:
        # DELETE + INSERT: an ON CONFLICT upsert of a multi-MB blob is ~10x slower in DuckDB.
        store.execute("DELETE FROM trend_state WHERE resolution = ?", [res.name])
        store.execute(
            "INSERT INTO trend_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [res.name, self.params.to_json(), res.seen, res.last_closed, res.watermark, res.late, _hash_version(),
             res.mean.tobytes(), res.var.tobytes(), datetime.now(UTC)])

    @classmethod
    def load(cls, store: DuckDBStore, *, params: TrendParams | None = None,
             exclude: pa.Array | None = None) -> TrendCounter:
        """The counter as the store last saw it; open buckets are re-counted from `posts`.

        `exclude`: post ids already in `posts` that the caller is about to count (the batch in
        flight), so they are not counted twice.
        """
        ensure_tables(store)
        state = store.query("SELECT * FROM trend_state").to_pylist()
        if params is None and state:
            params = TrendParams.from_json(state[0]["params"])
        counter = cls(params)
        counter.seq = int(store.scalar("SELECT value FROM trend_meta WHERE key = 'seq'") or 0)
        for row in state:
            res = counter.res.get(row["resolution"])
            if res is None:
                continue
            if row["hash_version"] != _hash_version():
                log.warning("trend baseline of %s was built with another hash (%s); starting afresh "
                            "(run `agorascope trends --rebuild` to recount)", res.name, row["hash_version"])
                continue
            res.mean = np.frombuffer(row["mean"], np.float32).reshape(res.depth, res.width).copy()
            res.var = np.frombuffer(row["var"], np.float32).reshape(res.depth, res.width).copy()
            res.seen, res.last_closed, res.late = int(row["seen"]), row["last_closed"], int(row["late"] or 0)
            res.watermark = row["watermark"]
        counter._recount_open(store, exclude)
        return counter

    def _recount_open(self, store: DuckDBStore, exclude: pa.Array | None) -> None:
        """Rebuild open buckets (not persisted) from the posts stored after the last closed bucket."""
        for res in self.res.values():
            if res.last_closed is None and self.seq == 0:
                continue  # nothing was ever counted
            first = 0 if res.last_closed is None else (res.last_closed + 1) * res.size_us
            start = datetime.fromtimestamp(first / US, UTC)
            for batch in store.stream("SELECT * FROM posts WHERE created_at >= ? ORDER BY created_at", [start],
                                      batch_rows=50_000):
                if exclude is not None and len(exclude):
                    batch = batch.filter(pc.invert(pc.is_in(batch.column("post_id"), value_set=exclude)))
                if batch.num_rows:
                    items = extract_items(store, batch, kinds=self.params.kinds,
                                          min_token_len=self.params.min_token_len)
                    res.count(items, min_support=self.params.min_support[res.name])

    def nbytes(self) -> int:
        return sum(r.nbytes() for r in self.res.values())


def _top(n: np.ndarray, h: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k largest counts (ties: smaller key id first), best first."""
    if len(n) > 4 * k:
        part = np.argpartition(-n, k - 1)[:k]
        cut = n[part].min()
        part = np.flatnonzero(n >= cut)  # every tie at the cut, so the tie-break below is exact
    else:
        part = np.arange(len(n))
    return part[np.lexsort((h[part], -n[part]))][:k]


_POOL: list[Any] = []


def _pool(n: int) -> Any:
    from concurrent.futures import ThreadPoolExecutor

    if not _POOL or _POOL[0]._max_workers < n:
        if _POOL:
            _POOL[0].shutdown(wait=False)
        _POOL[:] = [ThreadPoolExecutor(max_workers=n, thread_name_prefix="trends")]
    return _POOL[0]


def _hash_version() -> str:
    return f"duckdb-{duckdb.__version__}"


def _key_table(parts: list[dict[str, Any]], seq: int) -> pa.Table:
    ts = pa.timestamp("us", tz="UTC")
    cols: dict[str, list[Any]] = {k: [] for k in ("resolution", "bucket", "kind", "key", "observed", "baseline",
                                                  "z_score", "distinct_authors", "first_seen", "bucket_posts",
                                                  "closed", "example_post_ids")}
    for p in parts:
        n = len(p["key"])
        if not n:
            continue
        cols["resolution"] += [p["resolution"]] * n
        cols["bucket"] += [p["bucket"]] * n
        cols["kind"] += [KINDS[k] for k in p["kind"].tolist()]
        cols["key"] += p["key"].tolist()
        cols["observed"] += p["observed"].tolist()
        cols["baseline"] += np.round(p["baseline"], 3).tolist()
        cols["z_score"] += [None if np.isnan(z) else round(float(z), 3) for z in p["z"].tolist()]
        cols["distinct_authors"] += p["authors"].tolist()
        cols["first_seen"] += p["first"].tolist()
        cols["bucket_posts"] += [p["posts"]] * n
        cols["closed"] += [p["closed"]] * n
        cols["example_post_ids"] += list(p["examples"])
    return pa.table({
        "resolution": pa.array(cols["resolution"], pa.string()),
        "bucket": pa.array(cols["bucket"], pa.int64()).cast(ts),
        "kind": pa.array(cols["kind"], pa.string()),
        "key": pa.array(cols["key"], pa.string()),
        "observed": pa.array(cols["observed"], pa.int64()),
        "baseline": pa.array(cols["baseline"], pa.float64()),
        "z_score": pa.array(cols["z_score"], pa.float64()),
        "distinct_authors": pa.array(cols["distinct_authors"], pa.int64()),
        "first_seen": pa.array(cols["first_seen"], pa.int64()).cast(ts),
        "bucket_posts": pa.array(cols["bucket_posts"], pa.int64()),
        "closed": pa.array(cols["closed"], pa.bool_()),
        "seq": pa.array([seq] * len(cols["key"]), pa.int64()),
        "example_post_ids": pa.array(cols["example_post_ids"], pa.list_(pa.string())),
    })


# -- in-process cache (one counter per open store) -------------------------------------------
_COUNTERS: weakref.WeakKeyDictionary[DuckDBStore, TrendCounter] = weakref.WeakKeyDictionary()


def counter_for(store: DuckDBStore, *, exclude: pa.Array | None = None) -> TrendCounter:
    """The store's counter, reloaded when the store moved on without us (rollback, other process)."""
    ensure_tables(store)
    c = _COUNTERS.get(store)
    stored_seq = int(store.scalar("SELECT value FROM trend_meta WHERE key = 'seq'") or 0)
    if c is None or c.seq != stored_seq:
        c = _COUNTERS[store] = TrendCounter.load(store, exclude=exclude)
    return c


def configure(store: DuckDBStore, params: TrendParams) -> None:
    """Set the counters' params for a store that has counted nothing yet (else use `rebuild`)."""
    ensure_tables(store)
    if int(store.scalar("SELECT value FROM trend_meta WHERE key = 'seq'") or 0):
        raise ConfigError("Trends were already counted with other params; use rebuild(store, params=...) "
                          "(`agorascope trends --rebuild`) to recount.")
    counter = TrendCounter(params)
    for res in counter.res.values():
        counter._save_state(store, res)
    _COUNTERS[store] = counter


def rebuild(store: DuckDBStore, *, params: TrendParams | None = None, batch_rows: int = 50_000) -> dict[str, int]:
    """Recount every trend table from `posts` in time order (after changing params or late imports).

    `params`: new counter params; default: the ones the store was counted with.
    """
    ensure_tables(store)
    if params is None:
        state = store.query("SELECT params FROM trend_state LIMIT 1").to_pylist()
        params = TrendParams.from_json(state[0]["params"]) if state else None
    for table in ("trend_buckets", "trend_keys", "trend_examples", "trend_state", "trend_meta"):
        store.execute(f"DELETE FROM {table}")
    counter = TrendCounter(params)
    _COUNTERS[store] = counter
    n = 0
    for batch in store.stream("SELECT * FROM posts ORDER BY created_at, post_id", batch_rows=batch_rows):
        counter.update(store, batch)
        n += batch.num_rows
    return {"posts": n, "keys": int(store.scalar("SELECT count(*) FROM trend_keys"))}


def recount_kind(store: DuckDBStore, kind: str = "narrative", *, batch_rows: int = 50_000) -> int:
    """Recount the trend rows of one kind over all posts; return the rows written.

    For keys that exist only after import: narratives are assigned by `narratives` after the
    posts were counted, so `recount_kind(store, "narrative")` makes narrative trends (and "new
    narrative rising" alerts: `alerts.engine.evaluate` sees the rows as new) without recounting
    anything else. The counter used here is separate and not kept.
    """
    _check_kinds([kind])
    ensure_tables(store)
    state = store.query("SELECT params FROM trend_state LIMIT 1").to_pylist()
    base = TrendParams.from_json(state[0]["params"]) if state else TrendParams()
    counter = TrendCounter(replace(base, kinds=(kind,)))
    counter.threads = 1
    counter.seq = int(store.scalar("SELECT value FROM trend_meta WHERE key = 'seq'") or 0) + 1
    cols = ", ".join(["post_id", "created_at", "author", *_KIND_COLUMNS.get(kind, ())])
    for batch in store.stream(f"SELECT {cols} FROM posts ORDER BY created_at, post_id", batch_rows=batch_rows):
        items = extract_items(store, batch, kinds=(kind,), min_token_len=base.min_token_len)
        counter.flush(store, counter.count(items), only_kinds=(kind,))
    # Close what is left open so the final rows are stored.
    for res in counter.res.values():
        res.watermark = None if res.watermark is None else res.watermark + 2 * res.size_us + res.lateness_us
    counter.flush(store, counter.count(_no_items()), only_kinds=(kind,))
    store.execute("INSERT INTO trend_meta VALUES ('seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                  [counter.seq])
    return int(store.scalar("SELECT count(*) FROM trend_keys WHERE kind = ?", [kind]))


#: posts columns that extract_items reads for a kind (besides post_id, created_at, author)
_KIND_COLUMNS: dict[str, tuple[str, ...]] = {"term": ("text",), "hashtag": ("hashtags",), "domain": ("domains",),
                                             "lang": ("lang",), "platform": ("platform",)}


def after_narratives(store: DuckDBStore) -> int:
    """Bring narrative trends up to date after narratives were (re)assigned; return the rows.

    Called where assignments are written (`narratives_store.write_assignments`): when the store
    counts trends, the narrative rows are recounted over all posts (only their post id, time and
    author are read) and the alert rules run on the new rows, so "new narrative rising" fires
    without a manual step. A store whose trends were never counted is left alone.
    """
    if store.read_only or "trend_meta" not in store.tables():
        return 0
    if not int(store.scalar("SELECT value FROM trend_meta WHERE key = 'seq'") or 0):
        return 0
    live = _COUNTERS.get(store)
    before = int(store.scalar("SELECT value FROM trend_meta WHERE key = 'seq'") or 0)
    n = recount_kind(store, "narrative")
    if live is not None and live.seq == before:
        # Only narrative rows changed, not the counter's state: keep it (no reload from posts).
        live.seq = int(store.scalar("SELECT value FROM trend_meta WHERE key = 'seq'") or 0)
    from agorascope.alerts import engine

    engine.evaluate(store)
    return n


def _no_items() -> Items:
    from agorascope.analysis.trends_counts import Items

    z = np.zeros(0, np.int64)
    return Items(t=z, kind=z.astype(np.int8), h=z.astype(np.uint64), ah=z.astype(np.uint64), i=z,
                 key=pa.array([], pa.string()), post_t=z, post_id=pa.array([], pa.string()))


# -- analyses ---------------------------------------------------------------------------------
_EMPTY_RISING = pa.schema([("key", pa.string()), ("kind", pa.string()), ("z_score", pa.float64()),
                           ("observed", pa.int64()), ("baseline", pa.float64()), ("growth", pa.float64()),
                           ("distinct_authors", pa.int64()), ("first_seen", _TS),
                           ("example_post_ids", pa.list_(pa.string())), ("bucket", _TS), ("resolution", pa.string())])

def rising(store: DuckDBStore, *, since: datetime | None = None, until: datetime | None = None,
           resolution: str = "1h", kinds: list[str] | tuple[str, ...] | None = None, limit: int = 50,
           min_z: float = 3.0, min_authors: int = 3) -> pa.Table:
    """Keys rising above their baseline in [since, until), best bucket per key, highest z first.

    Columns: key, kind, z_score, observed, baseline, growth, distinct_authors, first_seen,
    example_post_ids, bucket, resolution. `min_authors` hides keys pushed by a handful of accounts.
    """
    _check_resolution(resolution)
    kinds = _check_kinds(kinds)
    if limit < 1:
        raise ConfigError(f"--limit must be at least 1, got {limit}.")
    ensure_tables(store)
    if not _counted(store):
        return _EMPTY_RISING.empty_table()
    where = ["k.resolution = ?", "k.z_score >= ?", "k.distinct_authors >= ?", "list_contains(?, k.kind)"]
    params: list[Any] = [resolution, float(min_z), int(min_authors), kinds]
    span, span_params = time_range("k.bucket", since, until)
    where += span
    params += span_params
    sql = f"""
        WITH best AS (
            SELECT * FROM trend_keys k WHERE {' AND '.join(where)}
            QUALIFY row_number() OVER (PARTITION BY kind, key ORDER BY z_score DESC, bucket) = 1),
        ex AS (SELECT e.resolution, e.bucket, e.kind, e.key, list(e.post_id ORDER BY e.post_id) AS ids
               FROM trend_examples e JOIN best b USING (resolution, bucket, kind, key) GROUP BY ALL)
        SELECT b.key, b.kind, b.z_score, b.observed, b.baseline,
               round(b.observed / greatest(b.baseline, 1.0), 2) AS growth, b.distinct_authors, b.first_seen,
               coalesce(ex.ids, []::VARCHAR[]) AS example_post_ids, b.bucket, b.resolution
        FROM best b LEFT JOIN ex USING (resolution, bucket, kind, key)
        ORDER BY b.z_score DESC, b.observed DESC, b.key LIMIT {int(limit)}"""
    return store.query(sql, params)


def volume(store: DuckDBStore, *, resolution: str = "1h", since: datetime | None = None,
           until: datetime | None = None) -> pa.Table:
    """Posts per bucket (exact): bucket, posts, items, closed."""
    _check_resolution(resolution)
    ensure_tables(store)
    if not _counted(store):
        return pa.schema([("bucket", _TS), ("posts", pa.int64()), ("items", pa.int64()),
                          ("closed", pa.bool_())]).empty_table()
    span, span_params = time_range("bucket", since, until)
    where, params = ["resolution = ?", *span], [resolution, *span_params]
    return store.query(f"SELECT bucket, posts, items, closed FROM trend_buckets WHERE {' AND '.join(where)} "
                       "ORDER BY bucket", params)


def changepoints(store: DuckDBStore, *, resolution: str = "1h", since: datetime | None = None,
                 until: datetime | None = None, penalty: float | None = None, min_change: float = 0.2) -> pa.Table:
    """Change points in total volume (ruptures PELT), after removing the hour-of-day rhythm.

    Columns: bucket (where the new level starts), before, after (mean posts per bucket), ratio.
    """
    from agorascope.analysis.changepoints import detect

    vol = volume(store, resolution=resolution, since=since, until=until)
    return detect(vol, resolution=resolution, penalty=penalty, min_change=min_change)


# -- demo ---------------------------------------------------------------------------------------
def demo_summary(project: Project, sim: Any, summary: dict[str, Any]) -> None:
    """Add `trends` to the demo summary: top rising keys and the planted burst(s) vs detection."""
    from agorascope.analysis.trends_demo import summarise

    summary["trends"] = summarise(project, sim)


def render(section: dict[str, Any], console: Console) -> None:
    """Print the demo's `trends` section."""
    from agorascope.analysis.trends_demo import render_section

    render_section(section, console)
