"""RSS 2.0 and Atom feeds, polled with conditional GET (ETag / Last-Modified).

The cursor is a small JSON object per feed URL: the validators of the last answer
(`etag`, `last_modified`) and the ids of the items in it (`seen`, bounded), so an unchanged
feed costs a 304 and a changed one yields only its new items. Items become posts on platform
`rss`: post_id `rss:<guid or link>`, text = title + summary as plain text, url = the item link.
XML is parsed with the standard library's expat (which refuses entity-expansion bombs);
external entities and DTDs are never fetched.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from agorascope.sources._convert import _py_parse_ts
from agorascope.streams._http import USER_AGENT, get, html_to_text
from agorascope.streams.base import PostFilter, StreamItem, TransientError
from agorascope.urls import normalise_url

log = logging.getLogger(__name__)

SEEN_PER_FEED = 1000


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if "}" in tag else tag.split(":")[-1]


def _children(el: ET.Element) -> dict[str, list[ET.Element]]:
    out: dict[str, list[ET.Element]] = {}
    for c in el:
        out.setdefault(_local(c.tag), []).append(c)
    return out


def _text(els: dict[str, list[ET.Element]], *names: str) -> str | None:
    for n in names:
        for e in els.get(n, []):
            t = "".join(e.itertext()).strip()
            if t:
                return t
    return None


def parse_feed(body: bytes, *, feed_url: str) -> list[dict[str, Any]]:
    """Items of an RSS 2.0 / RSS 1.0 / Atom document as raw post rows, oldest first."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise TransientError(f"{feed_url}: not a readable RSS/Atom document ({exc})") from exc
    site = urlsplit(feed_url).hostname or feed_url
    entries = [e for e in root.iter() if _local(e.tag) in ("item", "entry")]
    rows: list[dict[str, Any]] = []
    for e in entries:
        els = _children(e)
        link = None
        for lk in els.get("link", []):
            href = lk.get("href")
            if href and lk.get("rel", "alternate") == "alternate":
                link = href
                break
            if not href and (lk.text or "").strip():
                link = (lk.text or "").strip()
                break
        ident = _text(els, "guid", "id") or link
        title = _text(els, "title") or ""
        body_html = _text(els, "encoded", "content", "description", "summary") or ""
        summary, links = html_to_text(body_html)
        text = f"{title}\n\n{summary}".strip() if summary and summary != title else title
        when = _py_parse_ts(_text(els, "pubDate", "published", "updated", "date", "issued"))
        author = None
        for a in els.get("author", []) + els.get("creator", []):
            name = _text(_children(a), "name") or "".join(a.itertext()).strip()
            if name:
                author = name
                break
        if not ident:
            ident = hashlib.sha1(f"{feed_url}\x1f{title}\x1f{when}".encode()).hexdigest()
        urls = [normalise_url(u) for u in ([link] if link else []) + links]
        rows.append({"post_id": "rss:" + ident, "platform": "rss", "author": author or site, "created_at": when,
                     "text": text, "urls": list(dict.fromkeys(u for u in urls if u)),
                     "hashtags": [], "lang": None})
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
