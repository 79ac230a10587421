"""Reddit: Pushshift / Arctic-Shift dump lines (submissions and comments), usually `.zst`.

Post ids are Reddit fullnames (`reddit:t3_abc` for a submission, `reddit:t1_def` for a
comment), so a comment's `parent_id` is its `reply_to` as is. Author = the user name
(`author`): old dumps have no `author_fullname`, and one spelling per platform keeps one
pseudonym. A crosspost is a repost (`crosspost_parent`). Comments whose body is
`[deleted]`/`[removed]` are tombstones and are skipped; a removed submission keeps its title.
Metrics: score → like_count, num_comments → reply_count.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from agorascope.sources.base import Chunk, ReadOptions
from agorascope.sources.platforms._common import (
    Bad,
    PostRows,
    norm_urls,
    read_json,
    s,
    sample_items,
    share,
    text_urls,
    vote,
)

P = "reddit"
_GONE = ("[deleted]", "[removed]", "")


def _kind(x: dict[str, Any]) -> str | None:
    if "body" in x and ("link_id" in x or "parent_id" in x):
        return "t1"
    if "title" in x and ("selftext" in x or "is_self" in x or "num_comments" in x):
        return "t3"
    return None


class Reddit:
    """Pushshift / Arctic-Shift `RS_*` (submissions) and `RC_*` (comments) dumps."""

    name = "reddit"
    description = "Reddit Pushshift/Arctic-Shift dump lines (submissions and comments), .zst or plain"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        items = sample_items(head, lambda o: [o] if isinstance(o, dict) else [])
        return vote(share(items, lambda x: "subreddit" in x and "created_utc" in x and _kind(x) is not None))

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        return read_json(path, options=options, convert=_item, what="Reddit", lines_only=True,
                         author_of=lambda x: s(x.get("author")))


def _fullname(kind: str, x: dict[str, Any]) -> str | None:
    name = s(x.get("name"))
    if name and name.startswith(kind + "_"):
        return f"{P}:{name}"
    rid = s(x.get("id"))
    return f"{P}:{kind}_{rid}" if rid else None


def _item(x: dict[str, Any], rec: int, out: PostRows) -> None:
    if not isinstance(x, dict):
        raise Bad("not a JSON object")
    kind = _kind(x)
    if kind is None:
        raise Bad("neither a submission (title) nor a comment (body, link_id)")
    pid = _fullname(kind, x)
    author = s(x.get("author"))
    if author in ("[deleted]", "[removed]"):
        author = None
    common = {"post_id": pid, "platform": P, "author": author, "created_at": x.get("created_utc"), "record": rec,
              "like_count": x.get("score")}
    if kind == "t1":
        body = s(x.get("body"))
        if body is None or body.strip() in _GONE:
            out.skip()
            return
        parent = s(x.get("parent_id")) or s(x.get("link_id"))
        out.add(text=body, reply_to=f"{P}:{parent}" if parent else None, **common)
        return
    title = s(x.get("title")) or ""
    body = s(x.get("selftext")) or ""
    if body.strip() in _GONE:
        body = ""
    text = f"{title}\n\n{body}" if body else title
    urls = [] if x.get("is_self") else norm_urls([x.get("url_overridden_by_dest") or x.get("url")])
    urls += [u for u in text_urls(body) if u not in urls]
    cp = s(x.get("crosspost_parent"))
    out.add(text=text, urls=urls, repost_of=f"{P}:{cp}" if cp else None, reply_count=x.get("num_comments"),
            **common)
