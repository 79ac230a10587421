"""Mastodon public and hashtag timelines, polled forward with `min_id`, honouring rate limits.

`GET /api/v1/timelines/public` (or `/timelines/tag/NAME`) with `min_id=<cursor>` returns the
statuses *immediately after* the cursor, so paging forward until a short page never leaves a
gap, even when more than one page arrived between polls (`since_id` would return the newest
page and skip the rest). The cursor is the largest status id stored. `X-RateLimit-Remaining`
/ `X-RateLimit-Reset` pace the requests before the budget runs out; a 429 waits for
`Retry-After` (or the reset time). The streaming API needs a login on most instances, so we
poll (default every 15 s, well inside Mastodon's 300 requests / 5 min).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from agorascope.sources._convert import _py_parse_ts
from agorascope.streams._http import USER_AGENT, get, html_to_text, wait_for_budget
from agorascope.streams.base import PostFilter, StreamItem, TransientError
from agorascope.urls import normalise_url

log = logging.getLogger(__name__)

DEFAULT_INSTANCE = "https://mastodon.social"


def _id_key(status_id: str) -> tuple[int, str]:
    """Mastodon ids are decimal strings of growing length: compare by (length, text)."""
    return (len(status_id), status_id)


def _author(account: dict[str, Any], *, host: str) -> str | None:
    acct = account.get("acct")
    if acct and "@" in str(acct):
        return str(acct).lower()
    name = account.get("username") or acct
    if not name:
        return None
    try:
        home = urlsplit(str(account.get("url") or "")).hostname or host
    except ValueError:
        home = host
    return f"{name}@{home}".lower()


def status_to_row(status: dict[str, Any], *, host: str) -> tuple[dict[str, Any] | None, str | None]:
    """Map one Mastodon status (API JSON) to a raw post row, or (None, reason).

    post_id is `mastodon:` + the status's ActivityPub `uri` (the same on every instance, so one
    post seen through two instances is stored once); a boost becomes a row with `repost_of`.
    The author is the account's full `user@domain`, lower-cased (local accounts get the host of
    their profile URL, else the instance's). These conventions match the file reader
    `agorascope.sources.platforms.mastodon`, so a post seen in an export and live is stored once.
    """
    uri = status.get("uri") or status.get("url")
    acct = _author(status.get("account") or {}, host=host)
    if not uri or not acct:
        return None, "malformed"
    created = _py_parse_ts(status.get("created_at"))
    row: dict[str, Any] = {"post_id": "mastodon:" + uri, "platform": "mastodon", "author": acct,
                           "created_at": created}
    reblog = status.get("reblog")
    src = status
    if isinstance(reblog, dict):  # a boost: its own row, carrying the original's text like the file reader
        row["repost_of"] = "mastodon:" + str(reblog.get("uri") or reblog.get("url"))
        src = reblog
    text, links = html_to_text(src.get("content"))
    if src.get("spoiler_text"):
        text = f"{src['spoiler_text']}\n\n{text}".strip()
    row["text"] = text
    lang = src.get("language")
    row["lang"] = str(lang).lower() if lang else None
    row["hashtags"] = list(dict.fromkeys(str(t.get("name", "")).lower() for t in src.get("tags") or []
                                         if isinstance(t, dict) and t.get("name")))
    urls = [normalise_url(u) for u in links]
    card = src.get("card") or {}
    if card.get("url"):
        urls.append(normalise_url(str(card["url"])))
    row["urls"] = list(dict.fromkeys(u for u in urls if u))
    quote_of = (status.get("quote") or {}).get("quoted_status") or {}
    if isinstance(quote_of, dict) and quote_of.get("uri"):
        row["quote_of"] = "mastodon:" + str(quote_of["uri"])
    if reblog:
        return row, None
    # in_reply_to_id is instance-local: kept as `mastodon:local:<id>` like the file reader does.
    if status.get("in_reply_to_id"):
        row["reply_to"] = f"mastodon:local:{status['in_reply_to_id']}"
    row["like_count"] = status.get("favourites_count")
    row["repost_count"] = status.get("reblogs_count")
    row["reply_count"] = status.get("replies_count")
    return row, None


class MastodonConnector:
    """Polls one instance's public (or hashtag) timeline forward from the cursor."""

    platform = "mastodon"

    def __init__(self, instance: str = DEFAULT_INSTANCE, *, hashtag: str | None = None, local: bool = False,
                 track: list[str] | None = None, langs: list[str] | None = None, poll_s: float = 15.0,
                 limit: int = 40, timeout_s: float = 20.0, transport: httpx.AsyncBaseTransport | None = None):
        parts = urlsplit(instance if "://" in instance else "https://" + instance)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"A Mastodon instance is an http(s) URL, got {instance!r}.")
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.host = parts.hostname
        self.hashtag = hashtag.lstrip("#") if hashtag else None
        self.path = (f"/api/v1/timelines/tag/{quote(self.hashtag, safe='')}" if self.hashtag
                     else "/api/v1/timelines/public")
        self.local = local
        self.key = f"mastodon:{self.base}{self.path}" + ("?local" if local else "")
        self.filter = PostFilter(track, langs)
        self.poll_s = poll_s
        self.limit = limit
        self._timeout_s = timeout_s
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        #: (monotonic time, seconds) of every wait the connector chose for rate limits (tests read it).
        self.budget_waits: list[tuple[float, float]] = []

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout_s, transport=self._transport,
                                             headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        return self._client

    async def stream(self, cursor: str | None) -> AsyncIterator[StreamItem]:
        """Poll forever from `cursor`; raises `TransientError`/`RateLimited` for the runner to back off."""
        min_id = cursor
        url = self.base + self.path
        while True:
            params = {"limit": str(self.limit)}
            if self.local:
                params["local"] = "true"
            if min_id:
                params["min_id"] = min_id
            resp = await get(self._http(), url, params=params)
            try:
                statuses = resp.json()
            except ValueError as exc:
                raise TransientError(f"{url}: the answer is not JSON") from exc
            if not isinstance(statuses, list):
                raise TransientError(f"{url}: expected a list of statuses")
            statuses = [s for s in statuses if isinstance(s, dict) and s.get("id")]
            statuses.sort(key=lambda s: _id_key(str(s["id"])))
            now = time.time()
            for s in statuses:
                sid = str(s["id"])
                if min_id and _id_key(sid) <= _id_key(min_id):
                    continue
                min_id = sid
                row, why = status_to_row(s, host=self.host)
                lag = None
                if row and row.get("created_at"):
                    lag = max(0.0, now - row["created_at"].timestamp())
                if row is None:
                    yield StreamItem(None, cursor=sid, skipped=why, lag_s=lag)
                elif not self.filter.keep(row):
                    yield StreamItem(None, cursor=sid, skipped="filtered", lag_s=lag)
                else:
                    yield StreamItem(row, cursor=sid, lag_s=lag)
            wait = wait_for_budget(resp)
            if wait > 0:
                log.info("rate-limit budget spent: waiting %.1fs for the reset", wait)
                self.budget_waits.append((time.monotonic(), wait))
            full_page = len(statuses) >= self.limit
            await asyncio.sleep(max(wait, 0.0 if full_page else self.poll_s))

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
