"""Bluesky: Jetstream event lines and AppView post views (searchPosts / getAuthorFeed / feed JSON).

Author = the account's DID (stable; handles change), in both formats. Post ids are
`bluesky:at://<did>/app.bsky.feed.post/<rkey>` — the AT URI, which is also what replies,
quotes and reposts point at, so links resolve across both formats.

Jetstream: `commit` events creating an `app.bsky.feed.post` (a post) or an
`app.bsky.feed.repost` (a repost row, id = the repost record's AT URI) are imported; likes,
follows, blocks, profile updates, deletes and `identity`/`account` events are skipped.
URLs come from link facets, then the external embed (link card); hashtags from tag facets,
else from the text. Declared languages are stored lower-case (`zh-hant`; BCP 47 tags ignore case,
and one spelling keeps language counts together). A post whose `createdAt` is missing or
unreadable is dated by the event's `time_us` (when the relay saw it), as the live connector
dates it: a Jetstream line is the very event the connector receives, so the same post gets the
same time either way instead of being stored live and quarantined from the file.

`Jetstream.convert_event` is also the live mapping: `agorascope.streams.jetstream` calls it through
`_common.convert_to_rows`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from agorascope.sources._convert import _py_parse_ts
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
    text_hashtags,
    vote,
)

P = "bluesky"
POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _uri(v: Any) -> str | None:
    u = s(v)
    if not u:
        return None
    return u if u.startswith(P + ":") else f"{P}:{u}"


def _facets(record: dict[str, Any]) -> tuple[list[str], list[str]]:
    links: list[Any] = []
    tag_list: list[Any] = []
    for f in lst(record.get("facets")):
        for feat in lst(d(f).get("features")):
            feat = d(feat)
            t = s(feat.get("$type")) or ""
            if t.endswith("#link"):
                links.append(feat.get("uri"))
            elif t.endswith("#tag"):
                tag_list.append(feat.get("tag"))
    return links, tag_list


def _embed_refs(record: dict[str, Any]) -> tuple[str | None, list[Any]]:
    """(quoted post URI, external link URIs) of a post record's embed."""
    emb = d(record.get("embed"))
    t = s(emb.get("$type")) or ""
    quote = None
    links: list[Any] = []
    if t.startswith("app.bsky.embed.recordWithMedia"):
        quote = d(d(emb.get("record")).get("record")).get("uri")
        media = d(emb.get("media"))
        if "external" in media:
            links.append(d(media.get("external")).get("uri"))
    elif t.startswith("app.bsky.embed.record"):
        quote = d(emb.get("record")).get("uri")
    elif t.startswith("app.bsky.embed.external"):
        links.append(d(emb.get("external")).get("uri"))
    if quote is not None and "app.bsky.feed.post" not in str(quote):
        quote = None  # an embedded feed generator or list, not a post
    return quote, links


def _created_at(value: Any, time_us: Any) -> Any:
    """`createdAt` when it reads as a time, else the event's `time_us` as ISO text (else `value`)."""
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value)
            return value
        except ValueError:
            if _py_parse_ts(value) is not None:
                return value
    if isinstance(time_us, int) and not isinstance(time_us, bool) and 0 < time_us < 2**62:
        return (_EPOCH + timedelta(microseconds=time_us)).isoformat()
    return value


def add_post_record(record: dict[str, Any], *, uri: str, did: Any, rec: int, out: PostRows,
                    counts: dict[str, Any] | None = None, created_at: Any = None) -> None:
    """One `app.bsky.feed.post` record; `created_at` (if given) replaces its `createdAt`."""
    if not isinstance(record, dict):
        raise Bad("post record is not a JSON object")
    text = s(record.get("text"))
    links, ftags = _facets(record)
    quote, ext = _embed_refs(record)
    langs = lst(record.get("langs"))
    hashtags = tags(ftags + lst(record.get("tags")))
    if not hashtags:
        hashtags = text_hashtags(text)
    reply = d(record.get("reply"))
    out.add(post_id=_uri(uri), platform=P, author=did,
            created_at=record.get("createdAt") if created_at is None else created_at, text=text,
            lang=langs[0].lower() if langs and isinstance(langs[0], str) else None, record=rec,
            urls=norm_urls(links + ext), hashtags=hashtags, quote_of=_uri(quote),
            reply_to=_uri(d(reply.get("parent")).get("uri")), **(counts or {}))


class Jetstream:
    """Bluesky Jetstream events, one JSON object per line."""

    name = "bluesky-jetstream"
    description = "Bluesky Jetstream event lines (posts and reposts; likes, identity, account events skipped)"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        items = sample_items(head, lambda o: [o] if isinstance(o, dict) else [])
        return vote(share(items, lambda x: "did" in x and "time_us" in x and x.get("kind") in
                            ("commit", "identity", "account")))

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        return read_json(path, options=options, convert=self.convert_event, what="Jetstream event", lines_only=True,
                         author_of=lambda e: s(e.get("did")))

    @staticmethod
    def convert_event(e: dict[str, Any], rec: int, out: PostRows) -> None:
        if not isinstance(e, dict) or "kind" not in e:
            raise Bad("not a Jetstream event: no 'kind'")
        kind = e["kind"]
        if kind in ("identity", "account"):
            out.skip()
            return
        if kind != "commit":
            raise Bad(f"unknown Jetstream event kind {str(kind)[:40]!r}")
        c = e.get("commit")
        if not isinstance(c, dict):
            raise Bad("commit event without 'commit'")
        did = s(e.get("did"))
        col = c.get("collection")
        if c.get("operation") not in ("create", "update") or col not in (POST, REPOST):
            out.skip()  # likes, follows, deletes, profile edits …
            return
        if not did or not s(c.get("rkey")):
            raise Bad("commit without did or rkey")
        uri = f"at://{did}/{col}/{c['rkey']}"
        record = c.get("record")
        if not isinstance(record, dict):
            raise Bad("commit without a record")
        created = _created_at(record.get("createdAt"), e.get("time_us"))
        if col == REPOST:
            subject = _uri(d(record.get("subject")).get("uri"))
            if subject is None:
                raise Bad("repost without a subject")
            out.add(post_id=_uri(uri), platform=P, author=did, created_at=created, text=None,
                    record=rec, urls=[], hashtags=[], repost_of=subject)
            return
        add_post_record(record, uri=uri, did=did, rec=rec, out=out, created_at=created)


def _appview_items(doc: Any) -> Iterable[Any]:
    if isinstance(doc, list):
        return doc
    if not isinstance(doc, dict):
        raise Bad("not an AppView response")
    for key in ("posts", "feed", "thread"):
        if key in doc:
            v = doc[key]
            return v if isinstance(v, list) else [v]
    return [doc]


def _is_post_view(x: dict[str, Any]) -> bool:
    return "uri" in x and isinstance(x.get("author"), dict) and isinstance(x.get("record"), dict)


def _view(pv: dict[str, Any], rec: int, out: PostRows) -> None:
    if not _is_post_view(pv):
        raise Bad("not a post view: needs uri, author and record")
    counts = {"like_count": pv.get("likeCount"), "repost_count": pv.get("repostCount"),
              "reply_count": pv.get("replyCount")}
    add_post_record(pv["record"], uri=pv["uri"], did=pv["author"].get("did"), rec=rec, out=out, counts=counts)


class AppView:
    """AppView `app.bsky.feed.*` responses: `{"posts": [...]}`, `{"feed": [...]}` pages, lines or a document."""

    name = "bluesky-appview"
    description = "Bluesky AppView post views (searchPosts, getAuthorFeed, feed pages), pages or one per line"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        items = sample_items(head, _appview_items)

        def view(x: dict[str, Any]) -> bool:
            return _is_post_view(x) or _is_post_view(d(x.get("post")))
        if items:
            return vote(share(items, view))
        if json_sample(head)[0] == "partial":
            t = head_text(head)
            if has_keys(t, "uri", "cid", "author", "record", "indexedAt") >= 5 and "app.bsky.feed.post" in t:
                return 0.8
        return 0.0

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        return read_json(path, options=options, convert=self._item, what="AppView post view",
                         expand=_appview_items, author_of=lambda x: s(d(x.get("author")).get("did")))

    @staticmethod
    def _item(x: dict[str, Any], rec: int, out: PostRows) -> None:
        if not isinstance(x, dict):
            raise Bad("not a JSON object")
        if "post" in x:  # a feed item: {post, reply?, reason?}
            pv = x["post"]
            _view(pv, rec, out)
            reason = d(x.get("reason"))
            if str(reason.get("$type", "")).endswith("reasonRepost"):
                by = d(reason.get("by"))
                rid = s(reason.get("uri")) or f"repost:{by.get('did')}:{pv['uri']}"
                out.add(post_id=_uri(rid), platform=P, author=by.get("did"), created_at=reason.get("indexedAt"),
                        text=None, record=rec, urls=[], hashtags=[], repost_of=_uri(pv["uri"]))
            return
        if "notFound" in x or "blocked" in x:
            out.skip()
            return
        _view(x, rec, out)
