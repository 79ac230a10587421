"""Bluesky Jetstream: the JSON firehose over a websocket, with cursor resume.

Jetstream (https://github.com/bluesky-social/jetstream) sends one JSON event per frame::

    {"did": "did:plc:…", "time_us": 1725911162329308, "kind": "commit",
     "commit": {"operation": "create", "collection": "app.bsky.feed.post", "rkey": "3l3q…",
                "record": {"text": "…", "createdAt": "…", "langs": ["en"], "facets": […], …}}}

We subscribe to `wantedCollections=app.bsky.feed.post&wantedCollections=app.bsky.feed.repost`
and reconnect with `cursor=<time_us>` of the last event received, rewound by `rewind_us` (the
Jetstream README advises a few seconds for gapless playback): the events seen twice are dropped
by the store's upsert on `post_id`, so a reconnect loses and duplicates nothing. Keyword and
language filters are applied here (Jetstream filters by collection and DID only).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import orjson

from agorascope.sources._convert import _py_parse_ts
from agorascope.streams.base import PostFilter, StreamItem, TransientError
from agorascope.urls import normalise_url

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "wss://jetstream2.us-east.bsky.network/subscribe"
POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
COLLECTIONS = (POST, REPOST)


def event_to_row(event: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None, list[str] | None]:
    """Map one Jetstream event to (raw post row, skip reason, declared langs).

    Posts and reposts that are created (or updated) become rows; everything else (identity/account
    events, deletes, likes, follows) is skipped with a reason.
    """
    kind = event.get("kind")
    # Conventions (ids, author = DID, facets, quote/reply links) match the file reader
    # agorascope.sources.platforms.bluesky, so a post seen in an export and live is stored once.
    if kind != "commit":
        return None, str(kind or "unknown"), None
    commit = event.get("commit") or {}
    op = commit.get("operation")
    coll = commit.get("collection")
    if coll not in COLLECTIONS:
        return None, (coll or "unknown").rsplit(".", 1)[-1], None
    if op not in ("create", "update"):  # an edit is kept like the file reader does; the upsert drops repeats
        return None, str(op or "unknown"), None
    did = event.get("did")
    rkey = commit.get("rkey")
    record = commit.get("record") or {}
    if not did or not rkey:
        return None, "malformed", None
    uri = f"at://{did}/{coll}/{rkey}"
    created = _py_parse_ts(record.get("createdAt")) or _from_time_us(event.get("time_us"))
    row: dict[str, Any] = {"post_id": "bluesky:" + uri, "platform": "bluesky", "author": did, "created_at": created}
    if coll == REPOST:
        subject = (record.get("subject") or {}).get("uri")
        row["repost_of"] = _qualify(subject)
        row["urls"], row["hashtags"] = [], []
        return row, None, None
    langs = [str(x) for x in record.get("langs") or [] if x]
    row["text"] = record.get("text") or ""
    row["lang"] = langs[0].lower() if langs else None
    tags: list[str] = []
    urls: list[str] = []
    for facet in record.get("facets") or []:
        for feat in facet.get("features") or []:
            t = feat.get("$type", "")
            if t.endswith("#tag") and feat.get("tag"):
                tags.append(str(feat["tag"]).lstrip("#＃").lower())
            elif t.endswith("#link") and feat.get("uri"):
                u = normalise_url(str(feat["uri"]))
                if u:
                    urls.append(u)
    tags += [str(t).lstrip("#＃").lower() for t in record.get("tags") or [] if t]
    embed = record.get("embed") or {}
    etype = embed.get("$type", "")
    if etype == "app.bsky.embed.external":
        u = normalise_url(str((embed.get("external") or {}).get("uri") or ""))
        if u:
            urls.append(u)
    elif etype == "app.bsky.embed.record":
        row["quote_of"] = _quote((embed.get("record") or {}).get("uri"))
    elif etype == "app.bsky.embed.recordWithMedia":
        row["quote_of"] = _quote(((embed.get("record") or {}).get("record") or {}).get("uri"))
        u = normalise_url(str(((embed.get("media") or {}).get("external") or {}).get("uri") or ""))
        if u:
            urls.append(u)
    reply = record.get("reply") or {}
    row["reply_to"] = _qualify((reply.get("parent") or {}).get("uri"))
    if not tags and "#" in row["text"]:
        tags = [m.group(1).lower() for m in _hashtag_re().finditer(row["text"])]
    row["hashtags"] = list(dict.fromkeys(tags))
    row["urls"] = list(dict.fromkeys(urls))
    return row, None, langs


def _quote(uri: object) -> str | None:
    """A quoted *post* (embedded feed generators and lists are not posts)."""
    return _qualify(uri) if uri and POST in str(uri) else None


@functools.cache
def _hashtag_re() -> Any:
    import regex

    from agorascope.sources._convert import _HASHTAG_RE

    return regex.compile(_HASHTAG_RE)


def _qualify(uri: object) -> str | None:
    return "bluesky:" + str(uri) if uri else None


def _from_time_us(value: object) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value) / 1e6, UTC)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError, OSError):
        return None


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
