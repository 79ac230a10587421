"""Facebook/Instagram: CrowdTangle CSV exports and Meta Content Library (MCL) CSV exports.

CrowdTangle has no post id column: the post's URL is its identity (`facebook:<normalised
URL>`). Times carry a US zone abbreviation (`2021-03-01 12:00:00 EST`) and are converted to
UTC. Author = `Facebook Id` (the page/group id) else `User Name`; for Instagram the `User
Name`. The platform comes from the post URL's host (instagram.com → instagram).
Links: `Final Link` (the expanded URL) else `Link`, plus links in the message.
MCL: `id`, `creation_time`, `text`, `post_owner.id` (author), `statistics.*` counts,
`link_attachment.link`; Instagram exports are told apart by an instagram URL or their
columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from agorascope.sources.base import Chunk, ReadOptions
from agorascope.sources.platforms._common import (
    Bad,
    PostRows,
    csv_header,
    header_score,
    norm_url,
    norm_urls,
    read_csv,
    text_urls,
)

_ZONES = {"UTC": "+00:00", "GMT": "+00:00", "EST": "-05:00", "EDT": "-04:00", "CST": "-06:00", "CDT": "-05:00",
          "MST": "-07:00", "MDT": "-06:00", "PST": "-08:00", "PDT": "-07:00", "CET": "+01:00", "CEST": "+02:00"}
_TS = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2}(?::\d{2})?)\s*([A-Z]{2,4})?\s*$")


def ct_time(v: str | None) -> str | None:
    """CrowdTangle's `2021-03-01 12:00:00 EST` as ISO 8601 with an offset."""
    if not v:
        return None
    m = _TS.match(v)
    if not m:
        return v
    date, time, zone = m.groups()
    if len(time) <= 5:
        time += ":00"
    off = _ZONES.get(zone or "UTC")
    if off is None:
        raise Bad(f"unknown time zone {zone!r} in {v[:40]!r}")
    return f"{date}T{time.zfill(8)}{off}"


def _platform_of(url: str | None, default: str) -> str:
    u = (url or "").lower()
    if "instagram.com" in u:
        return "instagram"
    if "facebook.com" in u or "fb.com" in u:
        return "facebook"
    return default


def _g(r: dict[str, str], *names: str) -> str | None:
    for n in names:
        v = r.get(n)
        if v is not None and v.strip():
            return v.strip()
    return None


_CT_FB = ["page name", "user name", "facebook id", "post created", "type", "likes", "comments", "shares", "url",
          "message", "link", "final link"]
_CT_IG = ["account", "user name", "post created", "type", "likes", "comments", "url", "description"]


class CrowdTangle:
    """CrowdTangle historical-data CSV (Facebook pages/groups, Instagram accounts)."""

    name = "crowdtangle"
    description = "CrowdTangle CSV export (Facebook and Instagram posts)"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        h = csv_header(head)
        if not h:
            return 0.0
        fb = header_score(h, ["post created", "url", "likes", "comments"], _CT_FB)
        ig = header_score(h, ["account", "post created", "url", "likes"], _CT_IG)
        return max(fb, ig) * (0.97 if "post created" in h else 0.0)

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        lower = _lower_keys
        default = options.platform or "facebook"

        def convert(r: dict[str, str], rec: int, out: PostRows) -> None:
            r = lower(r)
            url = _g(r, "url")
            if not url:
                raise Bad("row without a post URL")
            plat = _platform_of(url, default)
            pid = norm_url(url)
            if pid is None:
                raise Bad(f"post URL is not a URL: {url[:60]!r}")
            text = _g(r, "message") if plat == "facebook" else _g(r, "description", "message")
            text = text or _g(r, "title", "description", "image text")
            link = _g(r, "final link", "link")
            urls = norm_urls([link, *text_urls(text)])
            author = _g(r, "facebook id", "user name", "page name") if plat == "facebook" else _g(
                r, "user name", "account", "facebook id")
            out.add(post_id=f"{plat}:{pid}", platform=plat, author=author,
                    created_at=ct_time(_g(r, "post created")), text=text, record=rec, urls=urls,
                    like_count=_g(r, "likes"), repost_count=_g(r, "shares"), reply_count=_g(r, "comments"),
                    view_count=_g(r, "post views", "total views", "views"))
        return read_csv(path, options=options, convert=convert, what="CrowdTangle row")


def _lower_keys(r: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in r.items()}


class ContentLibrary:
    """Meta Content Library CSV export (Facebook or Instagram posts)."""

    name = "meta-content-library"
    description = "Meta Content Library CSV export (Facebook/Instagram posts)"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        h = csv_header(head)
        if not h or "creation_time" not in h:
            return 0.0
        owner = any(c in h for c in ("post_owner.id", "owner.id", "post_owner.name"))
        return 0.95 if owner and "id" in h else 0.5 if owner else 0.0

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        default = options.platform
        if default is None:
            name = path.name.lower()
            default = "instagram" if "instagram" in name or "_ig_" in name else "facebook"

        def convert(r: dict[str, str], rec: int, out: PostRows) -> None:
            r = _lower_keys(r)
            pid = _g(r, "id")
            if pid is None:
                raise Bad("row without id")
            url = _g(r, "url", "post_url", "permalink")
            plat = _platform_of(url, default)
            text = _g(r, "text", "caption", "description")
            link = _g(r, "link_attachment.link", "link")
            reactions = _g(r, "statistics.reaction_count", "statistics.like_count", "reaction_count",
                           "like_count")
            reshare = _g(r, "shared_post_id", "reshared_post_id")
            author = _g(r, "post_owner.id", "owner.id", "post_owner.name")
            out.add(post_id=f"{plat}:{pid}", platform=plat, author=author,
                    created_at=_g(r, "creation_time"), text=text, lang=_g(r, "lang", "language"), record=rec,
                    urls=norm_urls([link, *text_urls(text)]), repost_of=f"{plat}:{reshare}" if reshare else None,
                    like_count=reactions, repost_count=_g(r, "statistics.share_count", "share_count"),
                    reply_count=_g(r, "statistics.comment_count", "comment_count"),
                    view_count=_g(r, "statistics.views", "statistics.view_count", "views"))
        return read_csv(path, options=options, convert=convert, what="Content Library row", author_col="post_owner.id")
