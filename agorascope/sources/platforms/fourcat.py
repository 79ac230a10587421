"""4CAT dataset exports: the CSV download and the NDJSON of mapped items.

4CAT maps every data source onto the same columns: `id`, `thread_id`, `body`, `author`,
`timestamp` (`YYYY-MM-DD HH:MM:SS`, UTC) or `unix_timestamp`, plus source-specific ones.
The platform is `--platform` when given, else guessed per row from the source-specific
columns (`subreddit` → reddit) or the post's URL host; a row whose platform cannot be told
is quarantined with that reason. Author = the `author` column (4CAT may have pseudonymised
it already; it is hashed again, consistently). Replies: a row whose `thread_id` differs from
its `id` replies to the thread's first post.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from agorascope.sources.base import Chunk, ReadOptions
from agorascope.sources.platforms._common import (
    Bad,
    PostRows,
    csv_header,
    d,
    norm_urls,
    read_csv,
    read_json,
    s,
    sample_items,
    share,
    text_urls,
    vote,
)

_HOSTS = {"reddit.com": "reddit", "tiktok.com": "tiktok", "instagram.com": "instagram", "twitter.com": "twitter",
          "x.com": "twitter", "t.me": "telegram", "youtube.com": "youtube", "facebook.com": "facebook",
          "bsky.app": "bluesky"}
_DATASOURCES = {"reddit": "reddit", "tiktok": "tiktok", "instagram": "instagram", "twitter": "twitter",
                "twitterv2": "twitter", "x": "twitter", "telegram": "telegram", "youtube": "youtube",
                "bsky": "bluesky", "bluesky": "bluesky", "facebook": "facebook"}


def _platform(r: dict[str, Any], given: str | None) -> str:
    if given:
        return given
    ds = (s(r.get("datasource")) or s(r.get("source")) or "").lower()
    if ds in _DATASOURCES:
        return _DATASOURCES[ds]
    if r.get("subreddit"):
        return "reddit"
    for key in ("url", "link", "post_url", "tiktok_url"):
        u = (s(r.get(key)) or "").lower()
        for host, plat in _HOSTS.items():
            if f"//{host}/" in u or f".{host}/" in u:
                return plat
    raise Bad("cannot tell the platform of this row; pass --platform")


def _row(r: dict[str, Any], rec: int, out: PostRows, given: str | None) -> None:
    pid = s(r.get("id"))
    if not pid:
        raise Bad("row without id")
    plat = _platform(r, given)
    body = s(r.get("body")) or ""
    subject = s(r.get("subject"))
    text = f"{subject}\n\n{body}" if subject and body else (subject or body)
    thread = s(r.get("thread_id"))
    when = s(r.get("unix_timestamp")) or s(r.get("timestamp"))
    links = [s(r.get(k)) for k in ("link", "urls", "link_url") if s(r.get(k))]
    flat_links = [u for v in links for u in str(v).split(",")]
    hts = s(r.get("hashtags"))
    out.add(post_id=f"{plat}:{pid}", platform=plat, author=s(r.get("author")) or s(r.get("author_id")),
            created_at=when, text=text, record=rec, urls=norm_urls(flat_links + text_urls(text)),
            hashtags=[h.strip().lstrip("#").lower() for h in hts.split(",") if h.strip()] if hts else None,
            reply_to=f"{plat}:{thread}" if thread and thread != pid else None,
            like_count=r.get("likes") or r.get("score"), repost_count=r.get("shares") or r.get("retweets"),
            reply_count=r.get("comments") or r.get("num_comments"), view_count=r.get("views") or r.get("plays"))


_REQUIRED = ("id", "thread_id", "body", "author")


class FourCatCSV:
    """4CAT dataset CSV download."""

    name = "4cat-csv"
    description = "4CAT dataset export (CSV: id, thread_id, body, author, timestamp, …)"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        h = csv_header(head)
        if not h or not all(c in h for c in _REQUIRED):
            return 0.0
        return 0.9 if ("timestamp" in h or "unix_timestamp" in h) else 0.5

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        return read_csv(path, options=options, convert=lambda r, rec, out: _row(r, rec, out, options.platform),
                        what="4CAT row", author_col="author")


class FourCatNDJSON:
    """4CAT dataset NDJSON of mapped items (one object per line with the CSV's columns)."""

    name = "4cat-ndjson"
    description = "4CAT dataset export (NDJSON of mapped items: id, thread_id, body, author, timestamp)"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        items = sample_items(head, lambda o: [o] if isinstance(o, dict) else [])
        return vote(share(items, lambda x: all(c in x for c in _REQUIRED) and (
            "timestamp" in x or "unix_timestamp" in x)), 0.9)

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        def convert(x: dict[str, Any], rec: int, out: PostRows) -> None:
            if not isinstance(x, dict):
                raise Bad("not a JSON object")
            _row(d(x), rec, out, options.platform)
        return read_json(path, options=options, convert=convert, what="4CAT item", lines_only=True,
                         author_of=lambda x: s(x.get("author")))
