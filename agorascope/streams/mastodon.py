"""Mastodon public and hashtag timelines, polled forward with `min_id`, honouring rate limits.

`GET /api/v1/timelines/public` (or `/timelines/tag/NAME`) with `min_id=<cursor>` returns the
statuses *immediately after* the cursor, so paging forward until a short page never leaves a
gap, even when more than one page arrived between polls (`since_id` would return the newest
page and skip the rest). The cursor is the largest status id stored. `X-RateLimit-Remaining`
/ `X-RateLimit-Reset` pace the requests before the budget runs out; a 429 waits for
`Retry-After` (or the reset time). The streaming API needs a login on most instances, so we
poll (default every 15 s, well inside Mastodon's 300 requests / 5 min). A status becomes a row
through the file reader's own mapping (`status_to_row`), so there is one Mastodon mapping.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from agorascope.sources.platforms._common import Bad, PostRows, convert_to_rows
from agorascope.sources.platforms.mastodon import add_status
from agorascope.streams._http import USER_AGENT, get, wait_for_budget
from agorascope.streams.base import PostFilter, StreamItem, TransientError

log = logging.getLogger(__name__)

DEFAULT_INSTANCE = "https://mastodon.social"
#: Local status ids remembered per session to link replies (oldest forgotten first).
IDS_PER_SESSION = 100_000


def _id_key(status_id: str) -> tuple[int, str]:
    """Mastodon ids are decimal strings of growing length: compare by (length, text)."""
    return (len(status_id), status_id)


def status_to_row(status: dict[str, Any], *, host: str,
                  ids: dict[str, str] | None = None) -> tuple[dict[str, Any] | None, str | None]:
    """Map one Mastodon status (API JSON) to a raw post row, or (None, "malformed").

    The row is the file reader's: `agorascope.sources.platforms.mastodon.add_status` maps the status
    (through `convert_to_rows`), so a post seen in an export and live is stored once — post_id
    `mastodon:` + the ActivityPub `uri`, author `user@domain`, a boost as a row with `repost_of`
    and the original's text. `host` is the instance polled: the host of a local account that has
    neither a profile URL nor a status uri with a host name (old `tag:` uris) to take it from.
    `ids` (local status id → post id) links replies to statuses seen earlier in the session, as
    the file reader does within a file; without it a reply keeps `mastodon:local:<id>`.
    """
    seen: dict[str, str] = {} if ids is None else ids

    def convert(st: Any, rec: int, out: PostRows) -> None:
        add_status(st, rec, out, seen, host=host)
    try:
        rows, _ = convert_to_rows(convert, status, what="Mastodon status")
    except Bad:
        return None, "malformed"
    return (rows[0], None) if rows else (None, "malformed")


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
        self._ids: dict[str, str] = {}  # local status id → post id, to link replies (status_to_row)

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
                row, why = status_to_row(s, host=self.host, ids=self._ids)
                while len(self._ids) > IDS_PER_SESSION:
                    del self._ids[next(iter(self._ids))]
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
