"""YouTube Data API v3: `commentThreads.list` and `videos.list` response pages.

A page may be a JSON document, a JSON array of pages, or one page per line. Post ids are
`youtube:<video id>` and `youtube:<comment id>`. A top-level comment replies to its video, a
reply to its parent comment. Author = the channel id (`authorChannelId.value`, `channelId`),
never the display name. A video's text is its title and description; a comment's is
`textOriginal` (else `textDisplay` as plain text). Items of other kinds (search results,
channels, playlists) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

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
    read_json,
    s,
    sample_items,
    share,
    vote,
)

P = "youtube"


def _items(o: Any) -> Iterable[Any]:
    if isinstance(o, list):
        return [it for page in o for it in (lst(d(page).get("items")) if "items" in d(page) else [page])]
    if isinstance(o, dict) and "items" in o:
        return lst(o["items"])
    return [o]


def _is_item(x: dict[str, Any]) -> bool:
    return str(x.get("kind", "")).startswith("youtube#")


class YouTube:
    """YouTube Data API v3 pages of comment threads or videos."""

    name = "youtube"
    description = "YouTube Data API v3 commentThreads / videos response pages (document, array or lines)"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        items = sample_items(head, _items)
        if items:
            return vote(share(items, _is_item))
        if json_sample(head)[0] == "partial":
            t = head_text(head)
            if '"youtube#' in t and has_keys(t, "kind", "etag", "items") >= 3:
                return 0.85
        return 0.0

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        return read_json(path, options=options, convert=_item, expand=_items, what="YouTube item",
                         author_of=_author_of)


def _author_of(x: dict[str, Any]) -> str | None:
    sn = d(x.get("snippet"))
    return s(sn.get("channelId")) or s(d(d(d(sn.get("topLevelComment")).get("snippet")).get("authorChannelId")).get(
        "value"))


def _comment(c: dict[str, Any], rec: int, out: PostRows, *, parent: str | None) -> None:
    sn = c.get("snippet")
    if not isinstance(sn, dict):
        raise Bad("comment without snippet")
    text = s(sn.get("textOriginal"))
    if text is None:
        text = html_to_text(s(sn.get("textDisplay")))[0]
    up = s(sn.get("parentId"))
    reply_to = f"{P}:{up}" if up else parent
    out.add(post_id=f"{P}:{s(c.get('id'))}" if s(c.get("id")) else None, platform=P,
            author=d(sn.get("authorChannelId")).get("value"), created_at=sn.get("publishedAt"), text=text,
            record=rec, reply_to=reply_to, like_count=sn.get("likeCount"))


def _item(x: dict[str, Any], rec: int, out: PostRows) -> None:
    if not isinstance(x, dict):
        raise Bad("not a JSON object")
    kind = x.get("kind")
    if kind == "youtube#commentThread":
        sn = d(x.get("snippet"))
        top = sn.get("topLevelComment")
        if not isinstance(top, dict):
            raise Bad("comment thread without topLevelComment")
        vid = s(sn.get("videoId")) or s(d(top.get("snippet")).get("videoId"))
        video = f"{P}:{vid}" if vid else None
        _comment(top, rec, out, parent=video)
        out.set_last("reply_count", sn.get("totalReplyCount"))
        for r in lst(d(x.get("replies")).get("comments")):
            _comment(d(r), rec, out, parent=f"{P}:{s(top.get('id'))}")
        return
    if kind == "youtube#comment":
        _comment(x, rec, out, parent=None)
        return
    if kind == "youtube#video":
        sn = x.get("snippet")
        if not isinstance(sn, dict):
            raise Bad("video without snippet")
        st = d(x.get("statistics"))
        title = s(sn.get("title")) or ""
        desc = s(sn.get("description")) or ""
        vid = x.get("id")
        if isinstance(vid, dict):
            vid = vid.get("videoId")
        out.add(post_id=f"{P}:{s(vid)}" if s(vid) else None, platform=P, author=sn.get("channelId"),
                created_at=sn.get("publishedAt"), text=f"{title}\n\n{desc}" if desc else title,
                lang=sn.get("defaultAudioLanguage") or sn.get("defaultLanguage"), record=rec,
                like_count=st.get("likeCount"), reply_count=st.get("commentCount"), view_count=st.get("viewCount"))
        return
    if _is_item(x):
        out.skip()
        return
    raise Bad("not a YouTube API item: no 'kind'")
