"""What a live connector is: an async iterator of raw items with a resumable cursor.

A connector turns one open API (Bluesky Jetstream, a Mastodon timeline, RSS/Atom feeds) into
`StreamItem`s. Each item carries the cursor *after* it, so whoever consumes the items can
resume exactly there. A connector's `stream(cursor)` covers one connection (or one polling
session); when it ends or raises, the runner (`streams.runner`) waits per `Backoff` and calls
`stream` again with the last cursor it received. Delivery is therefore at-least-once, and the
store's upsert on `post_id` makes it exactly-once in the store.

    TransientError        the connection failed or the server said 5xx: back off, then retry
    └── RateLimited       429 / rate-limit headers: wait `retry_after_s` (at least), then retry
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import pyarrow as pa

from agorascope.schema import RAW_POST_SCHEMA, conform


class TransientError(Exception):
    """The stream broke in a way that a later retry may fix (network, 5xx, a dropped connection)."""


class RateLimited(TransientError):
    """The server asked us to wait (429 or an exhausted rate-limit budget)."""

    def __init__(self, message: str, *, retry_after_s: float):
        super().__init__(message)
        self.retry_after_s = max(0.0, float(retry_after_s))


@dataclass
class StreamItem:
    """One event from a stream.

    `row` is a raw post (RAW_POST_SCHEMA field names; `author` the raw handle/DID) or None for an
    event that is not a post (`skipped` names why: "like", "delete", "filtered", …) or for a
    bare cursor advance (`skipped` None). `cursor` is the position after this item (None: unchanged).
    `lag_s` is how old the event was when received (now − its time), for the status line.
    """

    row: dict[str, Any] | None
    cursor: str | None = None
    skipped: str | None = None
    lag_s: float | None = None


class Connector(Protocol):
    """A live source. `key` names its cursor in the store, e.g. ``bluesky:wss://host/subscribe``."""

    key: str
    platform: str

    def stream(self, cursor: str | None) -> AsyncIterator[StreamItem]:
        """Yield items from `cursor` on (None: from now); end or raise when the connection ends."""
        ...

    async def aclose(self) -> None:
        """Release connections (HTTP clients)."""
        ...


@dataclass
class Backoff:
    """Exponential back-off with jitter: delay n = min(max_s, initial_s · factor^n) · U(1 − jitter, 1).

    "Equal jitter" keeps the delay at least half the exponential value (so a broken server is not
    hammered) while spreading reconnects of many clients. `reset()` after a success.
    """

    initial_s: float = 1.0
    max_s: float = 60.0
    factor: float = 2.0
    jitter: float = 0.5
    attempts: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def next_delay(self) -> float:
        base = min(self.max_s, self.initial_s * self.factor ** self.attempts)
        self.attempts += 1
        return base * (1.0 - self.jitter * self.rng.random())

    def reset(self) -> None:
        self.attempts = 0


def rows_to_batch(rows: list[dict[str, Any]]) -> pa.RecordBatch:
    """Raw post dicts → one `RAW_POST_SCHEMA` batch (micro-batches are small: a few thousand rows)."""
    if not rows:
        return pa.RecordBatch.from_pylist([], schema=RAW_POST_SCHEMA)
    names = set(RAW_POST_SCHEMA.names)
    clean = [{k: v for k, v in r.items() if k in names} for r in rows]
    return conform(pa.RecordBatch.from_pylist(clean, schema=RAW_POST_SCHEMA))


def parse_terms(spec: str | list[str] | None) -> list[str]:
    """`"hong kong,香港"` → ["hong kong", "香港"] (case folded, blanks dropped)."""
    if spec is None:
        return []
    parts = spec.split(",") if isinstance(spec, str) else [p for s in spec for p in s.split(",")]
    return [p.strip().casefold() for p in parts if p.strip()]


class PostFilter:
    """Keyword (any term, case-insensitive substring of text, hashtags or links) and language filter.

    Substring matching works for scripts without spaces (香港). A language filter keeps posts whose
    declared language starts with one of the codes (`zh` keeps `zh-Hant`); posts that declare no
    language are dropped when a language filter is set. Reposts carry no text: a repost is kept
    when the post it reposts was kept earlier in this session (bounded memory of kept ids).
    """

    def __init__(self, track: list[str] | None = None, langs: list[str] | None = None, *, memory: int = 100_000):
        self.track = [t.casefold() for t in (track or []) if t]
        self.langs = [x.casefold() for x in (langs or []) if x]
        self._kept: dict[str, None] = {}
        self._memory = memory

    @property
    def active(self) -> bool:
        return bool(self.track or self.langs)

    def keep(self, row: dict[str, Any], langs: list[str] | None = None) -> bool:
        """Whether a raw post passes; remembers kept post ids so their reposts pass too."""
        if not self.active:
            return True
        if row.get("repost_of") and not row.get("text"):
            return row["repost_of"] in self._kept
        ok = True
        if self.langs:
            declared = [x.casefold() for x in (langs if langs is not None else [row.get("lang") or ""]) if x]
            ok = any(d == c or d.startswith(c + "-") or d.startswith(c + "_") for d in declared for c in self.langs)
        if ok and self.track:
            hay = " ".join([row.get("text") or "", " ".join("#" + h for h in row.get("hashtags") or []),
                            " ".join(row.get("urls") or [])]).casefold()
            ok = any(t in hay for t in self.track)
        if ok:
            self._kept[row["post_id"]] = None
            if len(self._kept) > self._memory:
                self._kept.pop(next(iter(self._kept)))
        return ok


def utc_lag_s(when: datetime | None, now: datetime) -> float | None:
    return None if when is None else max(0.0, (now - when).total_seconds())
