"""Local replay servers for tests and benchmarks: Jetstream (websocket) and Mastodon/RSS (HTTP).

Both listen on 127.0.0.1 on an ephemeral port, in a background thread, and replay frames in the
recorded formats (Jetstream event JSON, Mastodon status JSON with Link and X-RateLimit-*
headers, RSS/Atom documents). Faults on demand: drop the connection mid-stream (websocket
aborted without a close frame; HTTP body cut short), 429 with Retry-After, 5xx. Nothing here
talks to the internet; `watch --endpoint/--instance` can point at them for a dry run.

    with JetstreamReplay(events, drop_after=[50]) as srv:   # first connection dies after 50 frames
        run_watch(project, JetstreamConnector(srv.url), options=...)
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import random
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import orjson

# -- frame generators (recorded formats) ------------------------------------------------------------

_WORDS = ["protest", "harbour", "police", "election", "rights", "court", "city", "news", "market", "housing",
          "rain", "transit", "vote", "march", "freedom", "law", "students", "artists", "music", "food", "weather"]


def jetstream_events(n: int, *, seed: int = 0, start_us: int | None = None, step_us: int = 1000,
                     texts: Sequence[str] | None = None, langs: Sequence[str] = ("en",), authors: int = 50,
                     repost_every: int = 0, noise_every: int = 0) -> list[dict[str, Any]]:
    """`n` Jetstream post-create events (plus optional reposts and non-post noise events).

    `texts` cycles through the given texts (else random words); `langs` cycles per post;
    every `repost_every`-th event is a repost of the previous post; every `noise_every`-th is a
    like, delete or identity event (which a connector must skip).
    """
    rng = random.Random(seed)
    t = start_us if start_us is not None else int(time.time() * 1e6) - n * step_us
    out: list[dict[str, Any]] = []
    last_post: str | None = None
    for i in range(n):
        t += step_us
        did = f"did:plc:replay{rng.randrange(authors):04d}"
        rkey = f"3k{seed:03d}{i:08d}"
        created = datetime.fromtimestamp(t / 1e6, UTC).isoformat().replace("+00:00", "Z")
        if noise_every and i % noise_every == noise_every - 1:
            kind = ("like", "delete", "identity")[i % 3]
            if kind == "identity":
                out.append({"did": did, "time_us": t, "kind": "identity",
                            "identity": {"did": did, "handle": "someone.bsky.social", "seq": i, "time": created}})
            elif kind == "like":
                out.append({"did": did, "time_us": t, "kind": "commit", "commit": {
                    "rev": "r", "operation": "create", "collection": "app.bsky.feed.like", "rkey": rkey,
                    "record": {"$type": "app.bsky.feed.like", "createdAt": created,
                               "subject": {"uri": last_post or "at://x/app.bsky.feed.post/y", "cid": "c"}}}})
            else:
                out.append({"did": did, "time_us": t, "kind": "commit", "commit": {
                    "rev": "r", "operation": "delete", "collection": "app.bsky.feed.post", "rkey": rkey}})
            continue
        if repost_every and last_post and i % repost_every == repost_every - 1:
            out.append({"did": did, "time_us": t, "kind": "commit", "commit": {
                "rev": "r", "operation": "create", "collection": "app.bsky.feed.repost", "rkey": rkey, "cid": "c",
                "record": {"$type": "app.bsky.feed.repost", "createdAt": created,
                           "subject": {"uri": last_post, "cid": "c"}}}})
            continue
        text = texts[i % len(texts)] if texts else " ".join(rng.choice(_WORDS) for _ in range(8))
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": created, "text": text,
                                  "langs": [langs[i % len(langs)]] if langs[i % len(langs)] else []}
        out.append({"did": did, "time_us": t, "kind": "commit", "commit": {
            "rev": "r", "operation": "create", "collection": "app.bsky.feed.post", "rkey": rkey, "cid": "c",
            "record": record}})
        last_post = f"at://{did}/app.bsky.feed.post/{rkey}"
    return out


def mastodon_statuses(n: int, *, seed: int = 0, first_id: int = 110_000_000_000_000_000, host: str = "replay.test",
                      hashtag_every: int = 0, hashtag: str = "hongkong", start: datetime | None = None,
                      step_s: float = 1.0) -> list[dict[str, Any]]:
    """`n` Mastodon statuses (API JSON): HTML content, mentions, tags; every `hashtag_every`-th tagged."""
    rng = random.Random(seed)
    start = start or datetime.now(UTC) - timedelta(seconds=n * step_s)
    out = []
    for i in range(n):
        sid = str(first_id + i * 1000 + rng.randrange(1000))
        user = f"user{rng.randrange(40):03d}"
        words = " ".join(rng.choice(_WORDS) for _ in range(6))
        tagged = bool(hashtag_every) and i % hashtag_every == 0
        tags = [{"name": hashtag, "url": f"https://{host}/tags/{hashtag}"}] if tagged else []
        tag_html = (f' <a href="https://{host}/tags/{hashtag}" class="mention hashtag" rel="tag">#<span>{hashtag}'
                    "</span></a>") if tags else ""
        content = (f'<p>{words}{tag_html} <span class="h-card"><a href="https://{host}/@friend" '
                   'class="u-url mention">@<span>friend</span></a></span></p>'
                   f'<p>see <a href="https://example.org/a?utm_source=x" rel="nofollow noopener">example.org/a</a></p>')
        out.append({"id": sid, "created_at": (start + timedelta(seconds=i * step_s)).isoformat().replace("+00:00", "Z"),
                    "uri": f"https://{host}/users/{user}/statuses/{sid}", "url": f"https://{host}/@{user}/{sid}",
                    "content": content, "language": "en", "in_reply_to_id": None, "reblog": None,
                    "account": {"id": str(rng.randrange(10**6)), "acct": user, "username": user},
                    "tags": tags, "reblogs_count": 0, "favourites_count": i % 5, "replies_count": 0,
                    "spoiler_text": "", "card": None})
    return out


def rss_document(items: Sequence[dict[str, str]], *, title: str = "Replay feed", atom: bool = False) -> bytes:
    """An RSS 2.0 (or Atom) document of items with keys id, title, link, summary, date (ISO)."""
    from xml.sax.saxutils import escape

    if atom:
        entries = "".join(
            f"<entry><id>{escape(it['id'])}</id><title>{escape(it['title'])}</title>"
            f'<link rel="alternate" href="{escape(it["link"])}"/><updated>{it["date"]}</updated>'
            f"<summary type=\"html\">{escape(it.get('summary', ''))}</summary>"
            "<author><name>Desk</name></author></entry>" for it in items)
        return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                f"<title>{escape(title)}</title>{entries}</feed>").encode()
    rows = "".join(
        f"<item><guid>{escape(it['id'])}</guid><title>{escape(it['title'])}</title><link>{escape(it['link'])}</link>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(it['date'].replace('Z', '+00:00')), usegmt=True)}</pubDate>"
        f"<description>{escape(it.get('summary', ''))}</description></item>" for it in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>http://127.0.0.1/</link>{rows}</channel></rss>").encode()


def rss_items(n: int, *, start: datetime | None = None, prefix: str = "item") -> list[dict[str, str]]:
    start = start or datetime.now(UTC) - timedelta(hours=1)
    return [{"id": f"urn:replay:{prefix}:{i}", "title": f"Headline {prefix} {i}",
             "link": f"https://news.example/{prefix}/{i}",
             "summary": f"<p>Story {i} about the <b>harbour</b> and housing.</p>",
             "date": (start + timedelta(seconds=i)).isoformat().replace("+00:00", "Z")} for i in range(n)]


# -- a background event loop --------------------------------------------------------------------------------

class _LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="agorascope-replay", daemon=True)
        self.thread.start()

    def call(self, coro: Any, timeout: float = 10.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        async def cancel_all() -> None:
            me = asyncio.current_task()
            tasks = [t for t in asyncio.all_tasks() if t is not me]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):
            self.call(cancel_all(), timeout=5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


# -- Jetstream ------------------------------------------------------------------------------------------------

class JetstreamReplay:
    """A Jetstream-like websocket server on 127.0.0.1 replaying events by `time_us`.

    Honours `wantedCollections` and `cursor` (events with time_us >= cursor, as Jetstream replays
    from the cursor's time). Without a cursor the first connection starts at the first event and
    later ones join live, after the furthest event already sent. `drop_after[i]` aborts connection
    i (0-based) after that many frames without a close frame; the event in flight is lost to it.
    After the last event the connection stays open (`hold`) waiting for `publish`ed events, or is
    closed normally. `pace_s` sleeps between frames. `sent` logs
    (wall time, time_us) of every frame sent, for latency measurements.
    """

    def __init__(self, events: Iterable[dict[str, Any]] = (), *, drop_after: Sequence[int] = (), hold: bool = True,
                 pace_s: float = 0.0):
        self.events: list[dict[str, Any]] = sorted(events, key=lambda e: e["time_us"])
        self._frames = [orjson.dumps(e) for e in self.events]
        self.drop_after = list(drop_after)
        self.hold = hold
        self.pace_s = pace_s
        self.connections: list[dict[str, Any]] = []  # per connection: query, frames sent, dropped
        self.sent: list[tuple[float, int]] = []
        self._high = 0  # index after the furthest event sent on any connection
        self._lt: _LoopThread | None = None
        self._server: Any = None
        self._new: asyncio.Condition | None = None
        self.url = ""

    def __enter__(self) -> JetstreamReplay:
        from websockets.asyncio.server import serve

        self._lt = _LoopThread()

        async def start() -> Any:
            self._new = asyncio.Condition()
            return await serve(self._handler, "127.0.0.1", 0, compression=None, max_size=2 ** 22)

        self._server = self._lt.call(start())
        port = next(iter(self._server.sockets)).getsockname()[1]
        self.url = f"ws://127.0.0.1:{port}/subscribe"
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._lt is not None

        async def stop() -> None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1)

        with contextlib.suppress(Exception):
            self._lt.call(stop())
        self._lt.close()

    def publish(self, events: Iterable[dict[str, Any]]) -> None:
        """Append events (time_us must not go back) and wake waiting connections."""
        assert self._lt is not None and self._new is not None
        new = list(events)

        async def add() -> None:
            assert self._new is not None
            async with self._new:
                self.events.extend(new)
                self._frames.extend(orjson.dumps(e) for e in new)
                self._new.notify_all()

        self._lt.call(add())

    async def _handler(self, ws: Any) -> None:
        assert self._new is not None
        q = parse_qs(urlsplit(ws.request.path).query)
        wanted = set(q.get("wantedCollections", []))
        cursor = int(q["cursor"][0]) if q.get("cursor") else None
        conn = {"query": {k: v for k, v in q.items()}, "frames": 0, "dropped": False}
        idx = len(self.connections)
        self.connections.append(conn)
        limit = self.drop_after[idx] if idx < len(self.drop_after) else None
        # Without a cursor the first connection replays from the first recorded event; a later one
        # joins live (like Jetstream): it starts after the furthest event already sent, so a client
        # that reconnects without its cursor loses what it missed.
        i = 0 if cursor is not None or idx == 0 else self._high
        try:
            while True:
                if ws.state.name != "OPEN":
                    return
                if i >= len(self.events):
                    if not self.hold:
                        await ws.close()
                        return
                    async with self._new:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(self._new.wait(), timeout=0.5)
                    continue
                ev = self.events[i]
                frame = self._frames[i]
                i += 1
                if cursor is not None and ev["time_us"] < cursor:
                    continue
                coll = (ev.get("commit") or {}).get("collection")
                if wanted and coll is not None and coll not in wanted:
                    continue
                if limit is not None and conn["frames"] >= limit:
                    conn["dropped"] = True
                    self._high = max(self._high, i)  # the event in flight counts as broadcast
                    ws.transport.abort()
                    return
                await ws.send(frame.decode())
                self._high = max(self._high, i)
                conn["frames"] += 1
                self.sent.append((time.time(), ev["time_us"]))
                if self.pace_s:
                    await asyncio.sleep(self.pace_s)
        except Exception:  # the client went away; a replay server just stops
            return


# -- HTTP (Mastodon + RSS) -------------------------------------------------------------------------------------

class HTTPReplay:
    """A Mastodon-API and RSS/Atom server on 127.0.0.1.

    `faults` maps a 1-based request number (counting every request) to "429", "500", "503" or
    "drop" (headers promise the full body, half is sent, the socket closes). `rate_limit=(n,
    window_s)` sends X-RateLimit-* headers and answers 429 with Retry-After once n requests
    were made in the current window. `requests` logs (monotonic time, path, query, status).
    """

    def __init__(self, *, statuses: Iterable[dict[str, Any]] = (), feeds: dict[str, bytes] | None = None,
                 faults: dict[int, str] | None = None, retry_after_s: float = 1.0,
                 rate_limit: tuple[int, float] | None = None):
        self.statuses: list[dict[str, Any]] = sorted(statuses, key=lambda s: (len(s["id"]), s["id"]))
        self.feeds: dict[str, tuple[bytes, str, str]] = {}
        for path, body in (feeds or {}).items():
            self.set_feed(path, body)
        self.faults = dict(faults or {})
        self.retry_after_s = retry_after_s
        self.rate_limit = rate_limit
        self.requests: list[tuple[float, str, dict[str, list[str]], int]] = []
        self._lock = threading.Lock()
        self._window_start = time.time()
        self._window_count = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def publish(self, statuses: Iterable[dict[str, Any]]) -> None:
        with self._lock:
            self.statuses.extend(statuses)
            self.statuses.sort(key=lambda s: (len(s["id"]), s["id"]))

    def set_feed(self, path: str, body: bytes) -> None:
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        self.feeds[path] = (body, etag, format_datetime(datetime.now(UTC), usegmt=True))

    def __enter__(self) -> HTTPReplay:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return None

            def do_GET(self) -> None:  # http.server's naming
                replay._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    # -- request handling ---------------------------------------------------------------------------------
    def _send(self, h: BaseHTTPRequestHandler, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
              *, drop: bool = False) -> None:
        h.send_response(status)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        if drop:
            h.send_header("Connection", "close")
        h.end_headers()
        if drop:
            h.wfile.write(body[: len(body) // 2])
            h.wfile.flush()
            h.close_connection = True
            with contextlib.suppress(OSError):
                h.connection.shutdown(2)
            return
        if h.command != "HEAD":
            h.wfile.write(body)

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        q = parse_qs(parts.query)
        with self._lock:
            n = len(self.requests) + 1
            fault = self.faults.get(n)
            rl_headers: dict[str, str] = {}
            limited = False
            retry = 0.0
            if self.rate_limit is not None:
                cap, window = self.rate_limit
                now = time.time()
                if now - self._window_start >= window:
                    self._window_start, self._window_count = now, 0
                reset = self._window_start + window
                if self._window_count >= cap:
                    limited = True
                else:
                    self._window_count += 1
                rl_headers = {"X-RateLimit-Limit": str(cap), "X-RateLimit-Remaining": str(cap - self._window_count),
                              "X-RateLimit-Reset": datetime.fromtimestamp(reset, UTC).isoformat()}
                retry = max(0.0, reset - now)
            status = 200
            if fault in ("429", "500", "503"):
                status = int(fault)
            elif limited:
                status = 429
            self.requests.append((time.monotonic(), parts.path, q, status))
            statuses = list(self.statuses)
        if status == 429:
            wait = retry if limited else self.retry_after_s
            hdr = dict(rl_headers)
            hdr.update({"Retry-After": f"{wait:.3f}".rstrip("0").rstrip(".") or "0",
                        "X-RateLimit-Remaining": "0", "Content-Type": "application/json"})
            self._send(h, 429, b'{"error":"Too many requests"}', hdr)
            return
        if status >= 500:
            self._send(h, status, b'{"error":"server error"}', {"Content-Type": "application/json"})
            return
        if parts.path.startswith("/api/v1/timelines/"):
            body, headers = self._timeline(parts.path, q, statuses)
            headers.update(rl_headers)
            self._send(h, 200, body, headers, drop=fault == "drop")
            return
        if parts.path in self.feeds:
            body, etag, modified = self.feeds[parts.path]
            if h.headers.get("If-None-Match") == etag or (h.headers.get("If-Modified-Since") == modified
                                                          and not h.headers.get("If-None-Match")):
                with self._lock:
                    self.requests[-1] = (*self.requests[-1][:3], 304)
                self._send(h, 304, b"", {"ETag": etag, "Last-Modified": modified})
                return
            ctype = "application/atom+xml" if b"<feed" in body[:200] else "application/rss+xml"
            self._send(h, 200, body, {"ETag": etag, "Last-Modified": modified, "Content-Type": ctype},
                       drop=fault == "drop")
            return
        self._send(h, 404, b'{"error":"Record not found"}', {"Content-Type": "application/json"})

    def _timeline(self, path: str, q: dict[str, list[str]], statuses: list[dict[str, Any]]
                  ) -> tuple[bytes, dict[str, str]]:
        def key(s: str) -> tuple[int, str]:
            return (len(s), s)

        limit = min(40, int(q.get("limit", ["20"])[0]))
        if path.startswith("/api/v1/timelines/tag/"):
            tag = path.rsplit("/", 1)[-1].lower()
            statuses = [s for s in statuses if any(t.get("name", "").lower() == tag for t in s.get("tags") or [])]
        if q.get("max_id"):
            statuses = [s for s in statuses if key(s["id"]) < key(q["max_id"][0])]
        if q.get("min_id"):  # the page right after min_id
            page = [s for s in statuses if key(s["id"]) > key(q["min_id"][0])][:limit]
        else:
            if q.get("since_id"):
                statuses = [s for s in statuses if key(s["id"]) > key(q["since_id"][0])]
            page = statuses[-limit:]
        page = sorted(page, key=lambda s: key(s["id"]), reverse=True)  # Mastodon answers newest first
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if page:
            base = f"{self.url}{path}"
            headers["Link"] = (f'<{base}?{urlencode({"max_id": page[-1]["id"]})}>; rel="next", '
                               f'<{base}?{urlencode({"min_id": page[0]["id"]})}>; rel="prev"')
        return orjson.dumps(page), headers
