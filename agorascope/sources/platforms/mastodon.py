"""Mastodon: REST API status objects (a JSON array page, pages one per line, or statuses one per line).

Status and account ids are local to the server that was queried, so agorascope keys posts on
the status `uri` (the global ActivityPub id): `mastodon:https://host/users/name/statuses/1`.
A reblog is a row of its own (its `uri` ends in `/activity`) with `repost_of` = the
original's uri and the original's text. `in_reply_to_id` is a local id: it is resolved to a
uri when the parent is in the same file, else kept as `mastodon:local:<id>`.
Author = `username@host` of the account's profile URL (global; `acct` omits the host of
local accounts). HTML content becomes plain text; URLs are the links in the content that
are not mentions or hashtags, plus the preview card; hashtags come from `tags`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from agorascope.sources.base import Chunk, ReadOptions
from agorascope.sources.platforms._common import (
    Bad,
    PostRows,
    d,
    has_keys,
    head_text,
    json_sample,
    lst,
    norm_urls,
    read_json,
    s,
    sample_items,
    share,
    tags,
    vote,
)

P = "mastodon"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")
        elif tag == "a":
            a = dict(attrs)
            cls = (a.get("class") or "") + " " + (a.get("rel") or "")
            if a.get("href") and not any(w in cls for w in ("mention", "hashtag", "tag")):
                self.links.append(a["href"] or "")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str | None) -> tuple[str | None, list[str]]:
    """(plain text, link hrefs that are not mentions or hashtags) of Mastodon HTML content."""
    if html is None:
        return None, []
    if "<" not in html:
        return unescape(html), []
    p = _Text()
    p.feed(html)
    p.close()
    return "".join(p.parts).strip(), p.links


def _author(acc: dict[str, Any]) -> str | None:
    acct = s(acc.get("acct"))
    url = s(acc.get("url"))
    host = None
    if url:
        try:
            host = urlsplit(url).hostname
        except ValueError:
            host = None
    if acct and "@" in acct:
        return acct.lower()
    name = s(acc.get("username")) or acct
    if name and host:
        return f"{name}@{host}".lower()
    return s(acc.get("id")) if name is None else name.lower()


def _is_status(x: dict[str, Any]) -> bool:
    return isinstance(x.get("account"), dict) and "content" in x and "created_at" in x and (
        "reblog" in x or "visibility" in x or "uri" in x)


def _pages(o: Any) -> Iterable[Any]:
    return o if isinstance(o, list) else [o]


class Mastodon:
    """Mastodon statuses from the REST API (timelines, search, `accounts/:id/statuses`)."""

    name = "mastodon"
    description = "Mastodon REST API statuses: JSON array pages, or one status/page per line"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        items = sample_items(head, _pages)
        if items:
            return vote(share(items, _is_status))
        if json_sample(head)[0] == "partial":
            t = head_text(head)
            if has_keys(t, "account", "content", "visibility", "reblog", "in_reply_to_id", "acct") >= 5:
                return 0.8
        return 0.0

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        ids: dict[str, str] = {}

        def convert(st: dict[str, Any], rec: int, out: PostRows) -> None:
            _status(st, rec, out, ids)
        return read_json(path, options=options, convert=convert, what="Mastodon status", expand=_pages,
                         author_of=lambda st: _author(d(st.get("account"))))


def _pid(st: dict[str, Any]) -> str | None:
    u = s(st.get("uri")) or s(st.get("url"))
    if not u:
        return None
    return f"{P}:{u}"


def _status(st: dict[str, Any], rec: int, out: PostRows, ids: dict[str, str]) -> None:
    if not isinstance(st, dict) or not _is_status(st):
        raise Bad("not a Mastodon status: needs account, content, created_at")
    pid = _pid(st)
    if pid is None:
        raise Bad("status without uri")
    if s(st.get("id")) and len(ids) < 1_000_000:
        ids[str(st["id"])] = pid
    rb = st.get("reblog")
    src = rb if isinstance(rb, dict) else st
    text, links = html_text(s(src.get("content")))
    spoiler = s(src.get("spoiler_text"))
    if spoiler:
        text = f"{spoiler}\n\n{text}" if text else spoiler
    card = d(src.get("card")).get("url")
    urls = norm_urls([*links, card])
    hashtags = tags(t.get("name") for t in lst(src.get("tags")) if isinstance(t, dict))
    repost = _pid(rb) if isinstance(rb, dict) else None
    reply = None
    rid = s(st.get("in_reply_to_id"))
    if rid:
        reply = ids.get(rid, f"{P}:local:{rid}")
    quote = None
    q = d(st.get("quote"))
    if isinstance(q.get("quoted_status"), dict):
        quote = _pid(q["quoted_status"])
    counts = {} if repost else {"like_count": st.get("favourites_count"), "repost_count": st.get("reblogs_count"),
                                "reply_count": st.get("replies_count")}
    out.add(post_id=pid, platform=P, author=_author(st["account"]), created_at=st.get("created_at"), text=text,
            lang=src.get("language"), record=rec, urls=urls, hashtags=hashtags, repost_of=repost, reply_to=reply,
            quote_of=quote, **counts)
