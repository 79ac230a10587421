"""HTTP helpers the polling connectors share: rate-limit headers and errors.

HTML to text lives with the readers (`agorascope.sources._html`): the connectors map payloads
with the file readers' converters, which use it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from agorascope.errors import ConfigError
from agorascope.streams.base import RateLimited, TransientError

USER_AGENT = "agorascope-watch/0.1 (+https://github.com/agorascope; research, honours rate limits)"


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """`Retry-After` in seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    v = value.strip()
    try:
        return max(0.0, float(v))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(v)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def parse_reset(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds until `X-RateLimit-Reset` (Mastodon sends an ISO time; some servers epoch seconds)."""
    if not value:
        return None
    now = now if now is not None else time.time()
    v = value.strip()
    try:
        x = float(v)
        return max(0.0, x - now) if x > 1e9 else max(0.0, x)
    except ValueError:
        pass
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return max(0.0, dt.timestamp() - now)


def wait_for_budget(resp: httpx.Response, *, reserve: int = 0) -> float:
    """Seconds to wait before the next request so as not to exceed `X-RateLimit-Remaining`."""
    rem = resp.headers.get("x-ratelimit-remaining")
    try:
        remaining = int(float(rem)) if rem is not None else None
    except ValueError:
        remaining = None
    if remaining is None or remaining > reserve:
        return 0.0
    return parse_reset(resp.headers.get("x-ratelimit-reset")) or 0.0


async def get(client: httpx.AsyncClient, url: str, *, params: dict[str, str] | None = None,
              headers: dict[str, str] | None = None) -> httpx.Response:
    """GET with the body read; maps failures to `TransientError`/`RateLimited`/`ConfigError`."""
    try:
        resp = await client.get(url, params=params, headers=headers)
    except httpx.HTTPError as exc:  # transport errors, a connection dropped mid-body, timeouts
        raise TransientError(f"{url}: {type(exc).__name__}: {exc}") from exc
    if resp.status_code == 429:
        wait = parse_retry_after(resp.headers.get("retry-after"))
        if wait is None:
            wait = parse_reset(resp.headers.get("x-ratelimit-reset"))
        raise RateLimited(f"{url}: 429 Too Many Requests", retry_after_s=60.0 if wait is None else wait)
    if resp.status_code >= 500:
        wait = parse_retry_after(resp.headers.get("retry-after"))
        if wait is not None and resp.status_code == 503:
            raise RateLimited(f"{url}: 503 Service Unavailable", retry_after_s=wait)
        raise TransientError(f"{url}: HTTP {resp.status_code}")
    if resp.status_code in (401, 403):
        raise ConfigError(f"{url} answered {resp.status_code}: this endpoint needs a login, which agorascope "
                          "does not do. Pick a public timeline, another instance, or an RSS feed.")
    if resp.status_code == 404:
        raise ConfigError(f"{url} answered 404: check the instance URL / hashtag / feed URL.")
    if resp.status_code >= 400:
        raise ConfigError(f"{url} answered HTTP {resp.status_code}.")
    return resp
