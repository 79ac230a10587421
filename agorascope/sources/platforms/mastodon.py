"""Mastodon: REST API status objects (a JSON array page, pages one per line, or statuses one per line).

Status and account ids are local to the server that was queried, so agorascope keys posts on
the status `uri` (the global ActivityPub id): `mastodon:https://host/users/name/statuses/1`.
A reblog is a row of its own (its `uri` ends in `/activity`) with `repost_of` = the
original's uri and the original's text. `in_reply_to_id` is a local id: it is resolved to a
uri when the parent is in the same file, else kept as `mastodon:local:<id>`.
Author = `username@host` (global; `acct` omits the host of local accounts): the host of the
profile URL, else of the status uri (a local account's status lives on its home server).
HTML content becomes plain text (`agorascope.sources._html`); URLs are the links in the content
that are not mentions or hashtags, plus the preview card; hashtags come from `tags`; the
language is lower-cased.

`add_status` is also the live mapping: `agorascope.streams.mastodon` calls it through
`_common.convert_to_rows`, so a status seen in an export and live is one row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from agorascope.sources._html import html_to_text
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


def _hostname(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def _author(acc: dict[str, Any], *, home: str | None = None) -> str | None:
    """`user@host`, lower-cased: `acct` when it names the host, else the username at the host of
    the profile URL, else at `home` (the server the status lives on); None without a name."""
    acct = s(acc.get("acct"))
    if acct and "@" in acct:
        return acct.lower()
    name = s(acc.get("username")) or acct
    if not name:
        return None
    host = _hostname(s(acc.get("url"))) or home
    return f"{name}@{host}".lower() if host else name.lower()


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
            add_status(st, rec, out, ids)
        return read_json(path, options=options, convert=convert, what="Mastodon status", expand=_pages,
                         author_of=lambda st: _author(d(st.get("account"))))


def _pid(st: dict[str, Any]) -> str | None:
    u = s(st.get("uri")) or s(st.get("url"))
    if not u:
        return None
    return f"{P}:{u}"


def add_status(st: dict[str, Any], rec: int, out: PostRows, ids: dict[str, str], *, host: str | None = None) -> None:
    """Add one status (a boost is a row with `repost_of`) to `out`; the per-record converter.

    `ids` maps the local status ids seen so far to post ids, so a reply to one of them links to
    its uri (the file reader keeps one per file, the live connector one per session; both read
    one server's ids). `host` is the server queried, the last resort for a local account's host
    after its profile URL and the status's own uri.
    """
    if not isinstance(st, dict) or not _is_status(st):
        raise Bad("not a Mastodon status: needs account, content, created_at")
    pid = _pid(st)
    if pid is None:
        raise Bad("status without uri")
    author = _author(st["account"], home=_hostname(pid[len(P) + 1:]) or host)
    if author is None:
        raise Bad("status account without username or acct")
    if s(st.get("id")) and len(ids) < 1_000_000:
        ids[str(st["id"])] = pid
    rb = st.get("reblog")
    src = rb if isinstance(rb, dict) else st
    text, links = html_to_text(s(src.get("content")))
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
    lang = s(src.get("language"))
    out.add(post_id=pid, platform=P, author=author, created_at=st.get("created_at"), text=text,
            lang=lang.lower() if lang else None, record=rec, urls=urls, hashtags=hashtags, repost_of=repost,
            reply_to=reply, quote_of=quote, **counts)
