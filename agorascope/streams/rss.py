"""RSS 2.0 and Atom feeds, polled with conditional GET (ETag / Last-Modified).

The cursor is a small JSON object per feed URL: the validators of the last answer
(`etag`, `last_modified`) and the ids of the items in it (`seen`, bounded), so an unchanged
feed costs a 304 and a changed one yields only its new items. Items are mapped by the feed
file reader (`agorascope.sources.platforms.news`), so a story polled live and read from a saved
feed is one row: platform `news`, post_id `news:<normalised link>` (else `news:<guid>`), author
the outlet's host, text = title + summary as plain text, url = the story link. Until this was
one mapping the connector stored `rss:<guid or link>` on platform `rss`; a store that holds
such rows keeps them, and a later watch stores the feed's items under the `news:` ids.
XML is parsed with the standard library's expat (which refuses entity-expansion bombs);
external entities and DTDs are never fetched.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from agorascope.sources.platforms._common import Bad, convert_to_rows
from agorascope.sources.platforms.news import add_feed_item, feed_items, outlet_host
from agorascope.streams._http import USER_AGENT, get
from agorascope.streams.base import PostFilter, StreamItem, TransientError

log = logging.getLogger(__name__)

SEEN_PER_FEED = 1000


def parse_feed(body: bytes, *, feed_url: str) -> list[dict[str, Any]]:
    """Items of an RSS 2.0 / RSS 1.0 / Atom document as raw post rows, oldest first (undated last).

    Rows come from the file reader's mapping (`news.feed_items` and `news.add_feed_item` through
    `convert_to_rows`): post_id `news:<normalised link>` (else `news:<guid>`), platform `news`,
    author the outlet's host. Live adds one fallback: an item with neither its own link nor a
    `<link>` in the feed gets the feed URL's host as author. An item with neither link nor guid
    has no stable id and is left out. A document that breaks off is a `TransientError` (a cut
    download is fetched again; storing half of it would save validators that hide the rest).
    """
    fallback = outlet_host(feed_url) or feed_url
    rows: list[dict[str, Any]] = []
    try:
        for item in feed_items(io.BytesIO(body)):
            try:
                got, _ = convert_to_rows(add_feed_item, item, what="feed item")
            except Bad as exc:
                log.debug("%s: item left out (%s)", feed_url, exc)
                continue
            for r in got:
                r["author"] = r["author"] or fallback
                rows.append(r)
    except ET.ParseError as exc:
        raise TransientError(f"{feed_url}: not a readable RSS/Atom document ({exc})") from exc
    rows.sort(key=lambda r: r["created_at"] or datetime.max.replace(tzinfo=UTC))
    return rows


class RSSConnector:
    """Polls feeds in turn; a 304 yields nothing, new items yield posts, then a cursor."""

    platform = "rss"
    key = "rss"

    def __init__(self, urls: list[str], *, track: list[str] | None = None, langs: list[str] | None = None,
                 poll_s: float = 300.0, timeout_s: float = 20.0, transport: httpx.AsyncBaseTransport | None = None):
        bad = [u for u in urls if urlsplit(u).scheme not in ("http", "https")]
        if not urls or bad:
            raise ValueError(f"Give feed URLs as http(s) URLs (got {bad or 'none'}).")
        self.urls = list(dict.fromkeys(urls))
        self.filter = PostFilter(track, langs)
        self.poll_s = poll_s
        self._timeout_s = timeout_s
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self.state: dict[str, dict[str, Any]] = {}

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout_s, transport=self._transport,
                                             follow_redirects=True, headers={"User-Agent": USER_AGENT})
        return self._client

    async def stream(self, cursor: str | None) -> AsyncIterator[StreamItem]:
        if cursor:
            try:
                self.state = orjson.loads(cursor)
            except orjson.JSONDecodeError:
                self.state = {}
        while True:
            for url in self.urls:
                async for item in self._poll(url):
                    yield item
            await asyncio.sleep(self.poll_s)

    async def _poll(self, url: str) -> AsyncIterator[StreamItem]:
        st = self.state.get(url, {})
        headers = {}
        if st.get("etag"):
            headers["If-None-Match"] = st["etag"]
        if st.get("last_modified"):
            headers["If-Modified-Since"] = st["last_modified"]
        resp = await get(self._http(), url, headers=headers)
        if resp.status_code == 304:
            return
        rows = parse_feed(resp.content, feed_url=url)
        seen = set(st.get("seen", []))
        now = time.time()
        fresh = [r for r in rows if r["post_id"] not in seen]
        for r in fresh:
            if r["created_at"] is None:
                r["created_at"] = datetime.now(UTC)
            lag = max(0.0, now - r["created_at"].timestamp())
            if self.filter.keep(r):
                yield StreamItem(r, lag_s=lag)
            else:
                yield StreamItem(None, skipped="filtered", lag_s=lag)
        ids = [r["post_id"] for r in rows]
        self.state[url] = {"etag": resp.headers.get("etag"), "last_modified": resp.headers.get("last-modified"),
                           "seen": ids[-SEEN_PER_FEED:]}
        yield StreamItem(None, cursor=orjson.dumps(self.state).decode())

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
