"""A small corpus with planted coordinated groups of every kind, for tests and the benchmark.

Organic accounts have heavy-tailed activity (a few hyper-active accounts write a large share of
the posts) and repost, link, reply to and tag popular items *independently*: each share of an
item falls at the item's birth plus an exponential delay, so hot items draw many co-occurrences
within a minute by chance. Each planted group acts on the same object within `spread_s`
seconds in `events` events, and its members also post organically. Vectorised numpy; raw
handles like ``u000123`` (pseudonymised at ingest) and `RAW_POST_SCHEMA` columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from agorascope.schema import RAW_POST_SCHEMA, conform

GROUP_KINDS = ("co-repost", "co-link", "co-text", "co-hashtag", "co-reply")


@dataclass
class Planted:
    """The posts (raw batches) and the truth: planted raw handles per kind."""

    batches: list[pa.RecordBatch]
    groups: dict[str, list[str]] = field(default_factory=dict)
    platform: str = "twitter"

    @property
    def table(self) -> pa.Table:
        return pa.Table.from_batches(self.batches)


def _flat(a: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One Array (pa.array of a large numpy array may come back chunked)."""
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


def planted_corpus(*, posts: int = 40_000, days: float = 2.0, accounts: int = 3_000, hyper: int = 40,
                   group_size: int = 15, events: int = 12, spread_s: float = 20.0, kinds: tuple[str, ...] = GROUP_KINDS,
                   seed: int = 7, integer_seconds: bool = True,
                   pop_exponent: float = 1.1, item_scale: int = 1) -> Planted:
    """Simulate `posts` organic posts plus one planted group per kind in `kinds`.

    `pop_exponent` is the Zipf exponent of item popularity (1.1: a few items draw hundreds of
    reposts a minute at their peak, at 1M posts a week).

    `item_scale` k > 1 gives the popularity curve of a corpus k times smaller, repeated k times:
    popularity ranks come in blocks of k equally popular items (Zipf over ``rank // k``), and the
    URL pool is k times larger with the same blocked Zipf. So k times more posts over k times more
    days (same posting rate) keep the per-item-minute density of the smaller corpus, and the
    raw co-share network grows linearly with the posts instead of quadratically (k copies of the
    small corpus' hot items rather than hot items k times hotter). k = 1 is the plain Zipf curve,
    draw for draw the same corpus as before this knob existed.
    """
    if item_scale < 1:
        raise ValueError("item_scale must be >= 1")
    rng = np.random.default_rng(seed)
    start = int(datetime(2026, 3, 2, tzinfo=UTC).timestamp())
    span = days * 86400.0
    vocab = np.array([f"w{i}" for i in range(5000)])
    zipf_v = 1.0 / np.arange(1, len(vocab) + 1) ** 1.05
    zipf_v /= zipf_v.sum()
    tags = np.array([f"tag{i}" for i in range(200)])
    zipf_t = 1.0 / np.arange(1, len(tags) + 1) ** 1.3
    zipf_t /= zipf_t.sum()

    act = rng.lognormal(0.0, 1.0, accounts)
    act[:hyper] *= 60.0  # hyper-active organic accounts
    act /= act.sum()
    n = posts
    author = rng.choice(accounts, size=n, p=act)
    kind = rng.choice(4, size=n, p=[0.45, 0.25, 0.10, 0.20])  # repost, link, reply, plain
    ts = start + rng.uniform(0, span, n)
    # items: the organic originals (kind 3) with Zipf popularity; reposts and replies follow them
    orig = np.flatnonzero(kind == 3)
    pop = 1.0 / (np.arange(len(orig)) // item_scale + 1) ** pop_exponent
    rng.shuffle(pop)
    pop /= pop.sum()
    target = np.full(n, -1)
    dep = np.flatnonzero((kind == 0) | (kind == 2))
    target[dep] = orig[rng.choice(len(orig), size=len(dep), p=pop)]
    delay = rng.exponential(np.where(kind[dep] == 0, 7200.0, 3600.0))
    ts[dep] = ts[target[dep]] + delay
    # links: a pool of URLs, each born at a time and shared after it
    n_urls = 4000 * item_scale
    url_pop = 1.0 / (np.arange(n_urls) // item_scale + 1) ** 1.2
    url_pop /= url_pop.sum()
    url_born = start + rng.uniform(0, span, n_urls)
    li = np.flatnonzero(kind == 1)
    url_of = np.full(n, -1)
    url_of[li] = rng.choice(n_urls, size=len(li), p=url_pop)
    ts[li] = url_born[url_of[li]] + rng.exponential(10800.0, len(li))
    if integer_seconds:
        ts = np.floor(ts)

    handles = np.array([f"u{i:06d}" for i in range(accounts + len(kinds) * group_size)])
    ids = pc.binary_join_element_wise("twitter:", pa.array(np.arange(n)).cast(pa.string()), "")
    texts = _word_lists(rng, vocab, zipf_v, rng.integers(8, 21, n))
    # organic copypasta: popular slogans that many accounts post independently (co-text noise)
    slogans = np.array([" ".join(rng.choice(vocab[:400], size=10, replace=False)) for _ in range(30)])
    slogan_pop = 1.0 / np.arange(1, 31) ** 1.0
    sl = np.flatnonzero((kind == 3) & (rng.random(n) < 0.06))
    texts[sl] = slogans[rng.choice(30, size=len(sl), p=slogan_pop / slogan_pop.sum())]
    n_tags = np.where(kind != 0, rng.choice(6, size=n, p=[0.5, 0.15, 0.12, 0.12, 0.07, 0.04]), 0)
    # organic hashtag sets in fashion (co-hashtag noise): a few popular sets used independently
    fashion = rng.random(n) < 0.05
    n_tags[fashion & (kind != 0)] = 3
    tag_idx = rng.choice(len(tags), size=int(n_tags.sum()), p=zipf_t)
    fidx = np.flatnonzero(fashion & (kind != 0))
    offs = np.r_[0, np.cumsum(n_tags)]
    choice = rng.integers(0, 3, len(fidx))
    for c, triple in enumerate(([0, 1, 2], [0, 3, 5], [1, 4, 7])):
        sel = fidx[choice == c]
        for j in range(3):
            tag_idx[offs[sel] + j] = triple[j]
    has_url = url_of >= 0
    url_str = pc.binary_join_element_wise(
        "https://news", pa.array(url_of % 97).cast(pa.string()), ".example/a/", pa.array(url_of).cast(pa.string()), "")
    ids_np = np.asarray(ids.to_numpy(zero_copy_only=False), dtype=object)
    organic = pa.table({
        "post_id": ids,
        "author": pa.array(handles[author]),
        "created_at": pa.array((ts * 1e6).astype("int64"), pa.timestamp("us", tz="UTC")),
        "text": pa.array(texts, pa.string()),
        "urls": pa.ListArray.from_arrays(np.r_[0, np.cumsum(has_url)].astype(np.int32),
                                         _flat(url_str.filter(pa.array(has_url)))),
        "hashtags": pa.ListArray.from_arrays(offs.astype(np.int32), _flat(pa.array(tags[tag_idx]))),
        "repost_of": pa.array(np.where(kind == 0, ids_np[np.maximum(target, 0)], None), pa.string()),
        "reply_to": pa.array(np.where(kind == 2, ids_np[np.maximum(target, 0)], None), pa.string()),
    })
    ids = ids_np
    rows: dict[str, list[object]] = {k: [] for k in ("post_id", "author", "created_at", "text", "urls", "hashtags",
                                                      "repost_of", "reply_to")}
    groups: dict[str, list[str]] = {}
    nid = n
    for gi, gk in enumerate(kinds):
        members = np.arange(accounts + gi * group_size, accounts + (gi + 1) * group_size)
        groups[gk] = handles[members].tolist()
        # organic cover activity: every member reposts a few popular items and posts plain texts
        for m in members:
            for _ in range(int(rng.integers(5, 15))):
                t = orig[rng.choice(len(orig), p=pop)]
                _add(rows, f"twitter:{nid}", handles[m], ts[t] + rng.exponential(7200.0),
                     " ".join(rng.choice(vocab, 12, p=zipf_v)), repost_of=ids[t])
                nid += 1
        for e in range(events):
            t0 = start + rng.uniform(0.1, 0.9) * span
            obj_item = orig[rng.choice(len(orig), p=pop)]
            t0 = max(t0, ts[obj_item] + 1)
            template = rng.choice(vocab[200:], size=20, replace=False)
            gtags = [f"campaign{gi}x{e}", f"push{gi}", "tag0", f"tag{int(rng.integers(1, 50))}"]
            url = f"https://campaign{gi}.example/story/{e}" if e % 2 else \
                f"https://news{int(rng.integers(0, 97))}.example/a/{int(rng.integers(0, 50))}"
            for m in members:
                if rng.random() > 0.85:
                    continue
                t = t0 + rng.uniform(0, spread_s)
                if integer_seconds:
                    t = float(np.floor(t))
                words = template.copy()
                if rng.random() < 0.5:
                    words[int(rng.integers(0, 20))] = vocab[int(rng.integers(0, 200))]
                text = " ".join(rng.choice(vocab, 12, p=zipf_v))
                kw: dict[str, object] = {}
                if gk == "co-repost":
                    kw["repost_of"] = ids[obj_item]
                elif gk == "co-link":
                    kw["urls"] = [url]
                elif gk == "co-text":
                    text = " ".join(words)
                elif gk == "co-hashtag":
                    kw["hashtags"] = gtags
                elif gk == "co-reply":
                    kw["reply_to"] = ids[obj_item]
                _add(rows, f"twitter:{nid}", handles[m], t, text, **kw)
                nid += 1
    planted = pa.table({
        "post_id": pa.array(rows["post_id"], pa.string()),
        "author": pa.array(rows["author"], pa.string()),
        "created_at": pa.array((np.asarray(rows["created_at"], dtype=float) * 1e6).astype("int64"),
                               pa.timestamp("us", tz="UTC")),
        "text": pa.array(rows["text"], pa.string()),
        "urls": pa.array(rows["urls"], pa.list_(pa.string())),
        "hashtags": pa.array(rows["hashtags"], pa.list_(pa.string())),
        "repost_of": pa.array(rows["repost_of"], pa.string()),
        "reply_to": pa.array(rows["reply_to"], pa.string()),
    })
    tbl = pa.concat_tables([organic, planted.cast(organic.schema)])
    tbl = tbl.take(pc.sort_indices(tbl["created_at"]))
    tbl = tbl.append_column("platform", pa.array(np.full(tbl.num_rows, "twitter", dtype=object), pa.string()))
    batches = [conform(b, RAW_POST_SCHEMA) for b in tbl.to_batches(max_chunksize=50_000)]
    return Planted(batches=batches, groups=groups)


def _add(rows: dict[str, list[object]], pid: str, author: str, t: float, text: str, *,
         repost_of: str | None = None, reply_to: str | None = None, urls: list[str] | None = None,
         hashtags: list[str] | None = None) -> None:
    rows["post_id"].append(pid)
    rows["author"].append(author)
    rows["created_at"].append(float(t))
    rows["text"].append(text)
    rows["urls"].append(urls or [])
    rows["hashtags"].append(hashtags or [])
    rows["repost_of"].append(repost_of)
    rows["reply_to"].append(reply_to)


def _word_lists(rng: np.random.Generator, vocab: np.ndarray, p: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Random texts of `lens` Zipf-distributed words each, built without a per-post Python loop."""
    idx = rng.choice(len(vocab), size=int(lens.sum()), p=p)
    offs = np.r_[0, np.cumsum(lens)].astype(np.int64)
    lists = pa.LargeListArray.from_arrays(offs, pa.array(vocab, pa.string()).take(pa.array(idx)))
    return np.asarray(pc.binary_join(lists, " ").to_numpy(zero_copy_only=False), dtype=object)
