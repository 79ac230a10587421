"""Zeeschuimer NDJSON: items captured by the browser extension (TikTok, Instagram, X).

Each line wraps one platform-native item: `{"item_id", "source_platform", "timestamp_collected",
"data": {...}}`. TikTok items (`desc`, `createTime`, `author.id`, `stats`, `challenges`),
Instagram items (`caption.text`, `taken_at`, `user.pk`) and X GraphQL tweet results
(`rest_id`, `legacy`, `core.user_results`) are mapped; items of other platforms are skipped.
Authors: TikTok `author.id`, Instagram `user.pk` (numeric ids), X the numeric user id — the
same ids the X API formats use, so an X account has one pseudonym across formats.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from agorascope.sources.base import Chunk, ReadOptions
from agorascope.sources.platforms._common import (
    Bad,
    PostRows,
    d,
    lst,
    norm_urls,
    qualify,
    read_json,
    s,
    sample_items,
    share,
    tags,
    vote,
)


def _tiktok(x: dict[str, Any], rec: int, out: PostRows) -> None:
    a = x.get("author")
    author = d(a).get("id") or d(a).get("uniqueId") if isinstance(a, dict) else a
    st = d(x.get("stats"))
    hts = [c.get("title") for c in lst(x.get("challenges")) if isinstance(c, dict)]
    hts += [t.get("hashtagName") for t in lst(x.get("textExtra")) if isinstance(t, dict)]
    out.add(post_id=qualify("tiktok", x.get("id")), platform="tiktok", author=author, created_at=x.get("createTime"),
            text=x.get("desc"), record=rec, hashtags=tags(hts) if any(hts) else None,
            like_count=st.get("diggCount"), repost_count=st.get("shareCount"), reply_count=st.get("commentCount"),
            view_count=st.get("playCount"))


def _instagram(x: dict[str, Any], rec: int, out: PostRows) -> None:
    node = d(x.get("node")) or x
    user = d(node.get("user")) or d(node.get("owner"))
    cap = node.get("caption")
    text = d(cap).get("text") if isinstance(cap, dict) else s(cap)
    pid = node.get("code") or node.get("shortcode") or node.get("id")
    out.add(post_id=qualify("instagram", pid), platform="instagram", author=user.get("pk") or user.get("id"),
            created_at=node.get("taken_at") or node.get("taken_at_timestamp"), text=text, record=rec,
            like_count=node.get("like_count"), reply_count=node.get("comment_count"),
            view_count=node.get("play_count") or node.get("view_count"))


def _x_result(r: dict[str, Any]) -> dict[str, Any]:
    r = d(r)
    if r.get("__typename") == "TweetWithVisibilityResults":
        r = d(r.get("tweet"))
    return r


def x_tweet(x: dict[str, Any], rec: int, out: PostRows) -> None:
    """An X GraphQL tweet result (as captured by Zeeschuimer)."""
    x = _x_result(x)
    if x.get("__typename") == "TweetTombstone":
        out.skip()
        return
    leg = x.get("legacy")
    if not isinstance(leg, dict):
        raise Bad("X item without 'legacy'")
    user = d(d(d(x.get("core")).get("user_results")).get("result"))
    author = user.get("rest_id") or leg.get("user_id_str")
    rt = _x_result(d(leg.get("retweeted_status_result")).get("result"))
    src = rt if rt.get("legacy") else x
    sleg = d(src.get("legacy"))
    note = d(d(d(src.get("note_tweet")).get("note_tweet_results")).get("result"))
    text = s(note.get("text")) or s(sleg.get("full_text"))
    ents = d(note.get("entity_set")) if note.get("text") else d(sleg.get("entities"))
    repost = qualify("twitter", rt.get("rest_id")) if rt.get("legacy") else None
    counts = {} if repost else {"like_count": leg.get("favorite_count"), "repost_count": leg.get("retweet_count"),
                                "reply_count": leg.get("reply_count"),
                                "view_count": d(x.get("views")).get("count")}
    out.add(post_id=qualify("twitter", x.get("rest_id") or leg.get("id_str")), platform="twitter", author=author,
            created_at=leg.get("created_at"), text=text, lang=leg.get("lang"), record=rec,
            urls=norm_urls((u.get("expanded_url") or u.get("url")) for u in lst(ents.get("urls"))
                           if isinstance(u, dict)),
            hashtags=tags(h.get("text") for h in lst(ents.get("hashtags")) if isinstance(h, dict)),
            repost_of=repost, reply_to=qualify("twitter", leg.get("in_reply_to_status_id_str")),
            quote_of=None if repost else qualify("twitter", leg.get("quoted_status_id_str")), **counts)


_BY_HOST = {"tiktok.com": _tiktok, "instagram.com": _instagram, "twitter.com": x_tweet, "x.com": x_tweet}


def _host(x: dict[str, Any]) -> str:
    h = (s(x.get("source_platform")) or "").lower()
    return h[4:] if h.startswith("www.") else h


class Zeeschuimer:
    """Zeeschuimer `.ndjson` exports."""

    name = "zeeschuimer"
    description = "Zeeschuimer NDJSON captures (TikTok, Instagram and X items; others skipped)"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        items = sample_items(head, lambda o: [o] if isinstance(o, dict) else [])
        return vote(share(items, lambda x: "source_platform" in x and "data" in x and (
            "timestamp_collected" in x or "item_id" in x)))

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        return read_json(path, options=options, convert=_item, what="Zeeschuimer item", lines_only=True)


def _item(x: dict[str, Any], rec: int, out: PostRows) -> None:
    if not isinstance(x, dict) or not isinstance(x.get("data"), dict):
        raise Bad("not a Zeeschuimer item: no 'data' object")
    fn = _BY_HOST.get(_host(x))
    if fn is None:
        out.skip()
        return
    fn(x["data"], rec, out)
