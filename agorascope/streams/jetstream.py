"""Bluesky Jetstream: the JSON firehose over a websocket, with cursor resume.

Jetstream (https://github.com/bluesky-social/jetstream) sends one JSON event per frame::

    {"did": "did:plc:…", "time_us": 1725911162329308, "kind": "commit",
     "commit": {"operation": "create", "collection": "app.bsky.feed.post", "rkey": "3l3q…",
                "record": {"text": "…", "createdAt": "…", "langs": ["en"], "facets": […], …}}}

We subscribe to `wantedCollections=app.bsky.feed.post&wantedCollections=app.bsky.feed.repost`
and reconnect with `cursor=<time_us>` of the last event received, rewound by `rewind_us` (the
Jetstream README advises a few seconds for gapless playback): the events seen twice are dropped
by the store's upsert on `post_id`, so a reconnect loses and duplicates nothing. Keyword and
language filters are applied here (Jetstream filters by collection and DID only). An event
becomes a row through the file reader's own mapping (`event_to_row`), so there is one
Jetstream mapping, not two that can drift.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import orjson

from agorascope.sources.platforms._common import Bad, convert_to_rows, d, lst, s
from agorascope.sources.platforms.bluesky import POST, REPOST, Jetstream
from agorascope.streams.base import PostFilter, StreamItem, TransientError

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "wss://jetstream2.us-east.bsky.network/subscribe"
COLLECTIONS = (POST, REPOST)


def event_to_row(event: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None, list[str] | None]:
    """Map one Jetstream event to (raw post row, skip reason, declared langs).

    The row is the file reader's: `agorascope.sources.platforms.bluesky.Jetstream.convert_event` maps the
    event (through `convert_to_rows`), so a post seen in an export and live is stored once with
    the same fields. What only the live path needs is added here: a skip reason for each
    non-post (the event kind — `identity`, `account`, or one newer than this code — the
    collection's last part for `like`, `follow`, …, the operation for `delete`, or `malformed`),
    and every declared language (`langs`, as written) for the `PostFilter`; the row keeps only
    the first, lower-cased.
    """
    if not isinstance(event, dict):
        return None, "malformed", None
    kind = event.get("kind")
    if kind != "commit":
        return None, str(kind or "unknown"), None
    try:
        rows, _ = convert_to_rows(Jetstream.convert_event, event, what="Jetstream event")
    except Bad:
        return None, "malformed", None
    commit = d(event.get("commit"))
    if not rows:
        coll = s(commit.get("collection"))
        if coll not in COLLECTIONS:
            return None, (coll or "unknown").rsplit(".", 1)[-1], None
        return None, str(commit.get("operation") or "unknown"), None
    if commit.get("collection") == REPOST:
        return rows[0], None, None
    langs = [str(x) for x in lst(d(commit.get("record")).get("langs")) if x]
    return rows[0], None, langs


class JetstreamConnector:
    """Bluesky posts and reposts from a Jetstream endpoint, filtered by keyword and language."""

    platform = "bluesky"

    def __init__(self, endpoint: str = DEFAULT_ENDPOINT, *, track: list[str] | None = None,
                 langs: list[str] | None = None, rewind_us: int = 2_000_000, open_timeout_s: float = 10.0,
                 idle_timeout_s: float = 60.0):
        parts = urlsplit(endpoint)
        if parts.scheme not in ("ws", "wss"):
            raise ValueError(f"A Jetstream endpoint is a ws:// or wss:// URL, got {endpoint!r}.")
        self.endpoint = urlunsplit((parts.scheme, parts.netloc, parts.path or "/subscribe", "", ""))
        self.key = "bluesky:" + self.endpoint
        self.filter = PostFilter(track, langs)
        self.rewind_us = rewind_us
        self.open_timeout_s = open_timeout_s
        self.idle_timeout_s = idle_timeout_s

    def url(self, cursor: str | None) -> str:
        q: list[tuple[str, str]] = [("wantedCollections", c) for c in COLLECTIONS]
        if cursor:
            q.append(("cursor", str(max(0, int(cursor) - self.rewind_us))))
        return self.endpoint + "?" + urlencode(q)

    async def stream(self, cursor: str | None) -> AsyncIterator[StreamItem]:
        """One websocket session from `cursor`; ends when the server closes, raises when it breaks."""
        import asyncio

        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosedOK, InvalidHandshake, WebSocketException

        url = self.url(cursor)
        log.info("connecting to %s", url)
        try:
            async with connect(url, open_timeout=self.open_timeout_s, max_size=2 ** 22,
                               compression=None, ping_interval=20, ping_timeout=20) as ws:
                while True:
                    try:
                        frame = await asyncio.wait_for(ws.recv(), timeout=self.idle_timeout_s)
                    except TimeoutError:
                        raise TransientError(f"no event from {self.endpoint} for {self.idle_timeout_s:.0f}s") from None
                    except ConnectionClosedOK:
                        return
                    yield self._item(frame)
        except (OSError, InvalidHandshake, WebSocketException) as exc:
            raise TransientError(f"{self.endpoint}: {type(exc).__name__}: {exc}") from exc

    def _item(self, frame: str | bytes) -> StreamItem:
        try:
            event = orjson.loads(frame)
        except orjson.JSONDecodeError:
            return StreamItem(None, skipped="malformed")
        if not isinstance(event, dict):
            return StreamItem(None, skipped="malformed")
        t_us = event.get("time_us")
        cur = str(int(t_us)) if isinstance(t_us, int) else None
        lag = max(0.0, time.time() - t_us / 1e6) if isinstance(t_us, int) else None
        row, why, langs = event_to_row(event)
        if row is None:
            return StreamItem(None, cursor=cur, skipped=why, lag_s=lag)
        if not self.filter.keep(row, langs):
            return StreamItem(None, cursor=cur, skipped="filtered", lag_s=lag)
        return StreamItem(row, cursor=cur, lag_s=lag)

    async def aclose(self) -> None:
        return None
