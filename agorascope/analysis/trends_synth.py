"""A small, fast synthetic post stream for trend tests and benchmarks (not the demo simulator).

Daily rhythm (volume peaks in the afternoon, troughs at night), Zipf vocabularies of terms,
hashtags and domains, Zipf author activity, and planted bursts with known onset: each burst is
`posts` extra posts by distinct authors carrying its key, starting crisply at `onset`. Optional
spammers post one key many times. Everything is a function of the seed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class SynthBurst:
    kind: str  # hashtag | term | domain
    key: str
    onset: datetime
    posts: int
    duration: timedelta = timedelta(minutes=60)


@dataclass(frozen=True)
class SynthSpam:
    """One account posting `key` (a term) `posts` times from `start` over `duration`."""

    key: str
    start: datetime
    posts: int = 500
    duration: timedelta = timedelta(minutes=30)


@dataclass
class SynthStream:
    posts_per_day: int = 100_000
    days: float = 3.0
    seed: int = 1
    start: datetime = datetime(2026, 3, 2, tzinfo=UTC)
    vocab: int = 20_000
    hashtags: int = 2_000
    domains: int = 500
    terms_per_post: int = 8
    rhythm: float = 0.6  # amplitude of the daily cycle (0 = flat)
    bursts: list[SynthBurst] = field(default_factory=list)
    spam: list[SynthSpam] = field(default_factory=list)
    batch_rows: int = 20_000

    def _zipf(self, rng: np.random.Generator, n: int, size: int, a: float = 1.1) -> np.ndarray:
        ranks = np.arange(1, size + 1, dtype=np.float64)
        p = ranks ** -a
        return rng.choice(size, n, p=p / p.sum())

    def table(self) -> pa.Table:
        """The whole stream as one table sorted by created_at (RAW_POST_SCHEMA columns)."""
        rng = np.random.default_rng(self.seed)
        n = int(self.posts_per_day * self.days)
        minutes = int(self.days * 1440)
        hour = (np.arange(minutes) % 1440) / 60.0
        w = 1.0 + self.rhythm * np.sin(2 * np.pi * (hour - 9.0) / 24.0)
        per_min = rng.multinomial(n, w / w.sum())
        t0 = int(self.start.timestamp() * 1e6)
        t = t0 + np.repeat(np.arange(minutes, dtype=np.int64) * 60_000_000, per_min) + \
            rng.integers(0, 60_000_000, n)
        n_auth = max(n // 8, 400)
        author = self._zipf(rng, n, n_auth, 0.9)
        terms = self._zipf(rng, n * self.terms_per_post, self.vocab).reshape(n, self.terms_per_post)
        has_tag = rng.random(n) < 0.35
        tags = self._zipf(rng, n, self.hashtags)
        has_dom = rng.random(n) < 0.25
        doms = self._zipf(rng, n, self.domains)
        lang = rng.choice(np.array(["en", "es", "fr", "de", "zh"]), n, p=[0.5, 0.2, 0.1, 0.1, 0.1])
        platform = rng.choice(np.array(["twitter", "bluesky", "mastodon"]), n, p=[0.6, 0.3, 0.1])
        words = np.array([f"w{i}" for i in range(self.vocab)], dtype=object)
        text = [" ".join(words[row]) for row in terms]
        htag = [[f"tag{x}"] if h else [] for x, h in zip(tags.tolist(), has_tag.tolist(), strict=True)]
        dom = [[f"site{x}.org"] if d else [] for x, d in zip(doms.tolist(), has_dom.tolist(), strict=True)]
        authors = [f"u{a:06d}" for a in author.tolist()]
        cols = {"t": t.tolist(), "author": authors, "text": text, "hashtags": htag, "domains": dom,
                "lang": lang.tolist(), "platform": platform.tolist()}
        for j, b in enumerate(self.bursts):
            self._add_burst(cols, rng, b, j, n_auth, words)
        for j, s in enumerate(self.spam):
            s0 = int(s.start.timestamp() * 1e6)
            ts = s0 + np.sort(rng.integers(0, int(s.duration.total_seconds() * 1e6), s.posts))
            for k, tt in enumerate(ts.tolist()):
                cols["t"].append(tt)
                cols["author"].append(f"spammer{j}")
                cols["text"].append(f"{s.key} {words[k % 50]} {s.key}")
                cols["hashtags"].append([])
                cols["domains"].append([])
                cols["lang"].append("en")
                cols["platform"].append("twitter")
        order = np.argsort(np.asarray(cols["t"]), kind="stable")
        tt = np.asarray(cols["t"], np.int64)[order]
        tab = pa.table({
            "post_id": pa.array([f"synth:{i}" for i in range(len(order))]),
            "platform": pa.array(np.asarray(cols["platform"], object)[order].tolist()),
            "author": pa.array(np.asarray(cols["author"], object)[order].tolist()),
            "created_at": pa.array(tt, pa.int64()).cast(TS),
            "text": pa.array(np.asarray(cols["text"], object)[order].tolist()),
            "lang": pa.array(np.asarray(cols["lang"], object)[order].tolist()),
            "hashtags": pa.array([cols["hashtags"][i] for i in order.tolist()], pa.list_(pa.string())),
            "domains": pa.array([cols["domains"][i] for i in order.tolist()], pa.list_(pa.string())),
        })
        return tab

    def _add_burst(self, cols: dict[str, list], rng: np.random.Generator, b: SynthBurst, j: int, n_auth: int,
                   words: np.ndarray) -> None:
        b0 = int(b.onset.timestamp() * 1e6)
        dur = int(b.duration.total_seconds() * 1e6)
        ts = b0 + np.sort(rng.integers(0, dur, b.posts))
        who = rng.choice(n_auth, b.posts, replace=b.posts > n_auth)
        bg = rng.choice(len(words), (b.posts, 4))
        for k in range(b.posts):
            body = " ".join(words[bg[k]])
            cols["t"].append(int(ts[k]))
            cols["author"].append(f"u{who[k]:06d}")
            cols["text"].append(f"{b.key} {body}" if b.kind == "term" else body)
            cols["hashtags"].append([b.key] if b.kind == "hashtag" else [])
            cols["domains"].append([b.key] if b.kind == "domain" else [])
            cols["lang"].append("en")
            cols["platform"].append("twitter")

    def batches(self) -> Iterator[pa.RecordBatch]:
        yield from self.table().to_batches(max_chunksize=self.batch_rows)


def planted(days: float, start: datetime, *, sizes: tuple[int, ...], seed: int = 3, warm_hours: float = 8,
            kinds: tuple[str, ...] = ("hashtag", "term", "domain")) -> list[SynthBurst]:
    """Bursts of the given sizes (posts over 60 min) at random onsets after a warm-up, spread apart."""
    rng = np.random.default_rng(seed)
    n = len(sizes)
    span = days * 24 - warm_hours - 2
    slots = np.sort(rng.choice(int(span), n, replace=False)) + warm_hours
    out = []
    for i, (size, h) in enumerate(zip(sizes, slots.tolist(), strict=True)):
        kind = kinds[i % len(kinds)]
        key = {"hashtag": f"burst{i}tag", "term": f"burstterm{i}", "domain": f"burst{i}.example"}[kind]
        onset = start + timedelta(hours=float(h), minutes=int(rng.integers(0, 60)))
        out.append(SynthBurst(kind, key, onset, int(size)))
    return out
