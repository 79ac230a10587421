"""Telegram: a Telegram Desktop channel/group export (`result.json`, "Machine-readable JSON").

Post ids are `telegram:<chat id>/<message id>`; replies resolve within the chat. Author =
`from_id` (`channel123…`/`user456…`, stable) else the display name `from`. `text` is a string
or a list of strings and entity objects; hashtags and URLs come from the entities
(`hashtag`, `link`, `text_link`). Forwards are imported as posts; the export names the
origin chat but not the original message id, so `repost_of` stays null. Service messages
(joins, pins, title changes) are skipped. Times come from `date_unixtime` (UTC); the `date`
field is the exporting computer's local time and is used only when that is missing.
Reactions are summed into like_count.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from agorascope.sources.base import Chunk, ReadOptions
from agorascope.sources.platforms._common import (
    Bad,
    PostRows,
    d,
    has_keys,
    head_text,
    i,
    lst,
    norm_urls,
    read_json,
    s,
    sample_items,
    share,
    tags,
    text_hashtags,
    text_urls,
    vote,
)

P = "telegram"


def _text(v: Any) -> tuple[str, list[str], list[str]]:
    """(plain text, urls, hashtags) of a message's `text` (string or entity list)."""
    if isinstance(v, str):
        return v, text_urls(v), text_hashtags(v)
    parts: list[str] = []
    urls: list[Any] = []
    hts: list[Any] = []
    for e in lst(v):
        if isinstance(e, str):
            parts.append(e)
            continue
        e = d(e)
        t = s(e.get("text")) or ""
        parts.append(t)
        kind = e.get("type")
        if kind == "link":
            urls.append(t)
        elif kind == "text_link":
            urls.append(e.get("href"))
        elif kind == "hashtag":
            hts.append(t)
    text = "".join(parts)
    return text, norm_urls(urls), tags(hts)


class _Doc:
    """Per-file state: the chat id comes from the document, messages are the records."""

    def __init__(self) -> None:
        self.chat: str = "0"

    def expand(self, doc: Any) -> Iterable[Any]:
        if not isinstance(doc, dict) or not isinstance(doc.get("messages"), list):
            raise Bad("not a Telegram export: no 'messages' list")
        self.chat = s(doc.get("id")) or s(doc.get("name")) or "0"
        return doc["messages"]

    def convert(self, m: dict[str, Any], rec: int, out: PostRows) -> None:
        if not isinstance(m, dict) or "id" not in m:
            raise Bad("message without id")
        if m.get("type") == "service":
            out.skip()
            return
        if m.get("type", "message") != "message":
            raise Bad(f"unknown message type {str(m.get('type'))[:30]!r}")
        text, urls, hts = _text(m.get("text", ""))
        reply = s(m.get("reply_to_message_id"))
        when = m.get("date_unixtime")
        if s(when) is None:
            when = m.get("date")
        likes = None
        reactions = lst(m.get("reactions"))
        if reactions:
            likes = sum(i(d(r).get("count")) or 0 for r in reactions)
        out.add(post_id=f"{P}:{self.chat}/{s(m['id'])}", platform=P, author=m.get("from_id") or m.get("from"),
                created_at=when, text=text, record=rec, urls=urls, hashtags=hts,
                reply_to=f"{P}:{self.chat}/{reply}" if reply else None, like_count=likes)


class TelegramExport:
    """Telegram Desktop export of one chat or channel (`result.json`)."""

    name = "telegram"
    description = "Telegram Desktop channel/group export result.json (service messages skipped)"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        items = sample_items(head, lambda o: [o] if isinstance(o, dict) else [])
        if items:
            return vote(share(items, lambda x: isinstance(x.get("messages"), list) and "type" in x))
        t = head_text(head)
        if t.lstrip().startswith("{") and has_keys(t, "messages", "type", "date", "from_id", "text_entities") >= 4:
            return 0.9
        if t.lstrip().startswith("{") and has_keys(t, "messages", "type", "date", "from_id") >= 3:
            return 0.7
        return 0.0

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        doc = _Doc()
        return read_json(path, options=options, convert=doc.convert, expand=doc.expand, what="Telegram message",
                         author_of=lambda m: s(m.get("from_id")))
