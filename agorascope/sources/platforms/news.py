"""News: RSS 2.0 / RSS 1.0 (RDF) / Atom feed files, and Media Cloud story CSV exports.

A story's id is its normalised link (`news:https://outlet.example/story`), else its guid, so
the same story from a feed and from Media Cloud is one row. Author = the outlet's host (the
domain of the link, or Media Cloud's `media_url`; for a feed item without a link, the host of
the feed's own `<link>`): the byline is a person and is not what news analyses count. Text =
title, a blank line and the summary (`description`/`summary`, else the full `content`) as plain
text; a summary that only repeats the title is left out. URLs = the story link alone (links
inside a summary are "read more", related stories and trackers, not what the story shares).
Language = the item's or the nearest enclosing `xml:lang`, else the channel's `<language>`,
lower-cased. Items whose XML breaks off are quarantined from there on; a file with no
parseable start is a `SourceError`.

`feed_items` and `add_feed_item` are also the live mapping: `agorascope.streams.rss` parses each polled
document with them, so a story read from a saved feed and polled live is one row.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from agorascope.errors import SourceError
from agorascope.sources._html import html_to_text
from agorascope.sources._io import open_bytes
from agorascope.sources.base import Chunk, ReadOptions, Reject
from agorascope.sources.platforms._common import (
    Bad,
    PostRows,
    _Chunker,
    csv_header,
    head_text,
    norm_url,
    read_csv,
    text_hashtags,
)

P = "news"
_ATOM = "{http://www.w3.org/2005/Atom}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def outlet_host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        h = urlsplit(url).hostname
    except ValueError:
        return None
    return h[4:] if h and h.startswith("www.") else h


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if "}" in tag else tag.split(":")[-1]


def _text(el: ET.Element, *names: str) -> str | None:
    """The text of the first child named (in the order of `names`) that has any, nested markup included."""
    for name in names:
        for c in el:
            if _local(c.tag) == name:
                t = "".join(c.itertext()).strip()
                if t:
                    return t
    return None


def _link_of(link: ET.Element) -> str | None:
    """The URL of a `<link>`: RSS's text, or an Atom `href` that is `rel="alternate"` (the default)."""
    href = link.get("href")
    if href:
        return href.strip() if link.get("rel", "alternate") == "alternate" else None
    return link.text.strip() if link.text and link.text.strip() else None


def _link(el: ET.Element) -> str | None:
    """The item's own link: its first `<link>` that names one."""
    for c in el:
        if _local(c.tag) == "link":
            url = _link_of(c)
            if url:
                return url
    return None


@dataclass(frozen=True)
class FeedItem:
    """One `<item>`/`<entry>` with what its feed says about it: language and site (the author fallback)."""

    el: ET.Element
    lang: str | None = None
    site: str | None = None


def feed_items(f: IO[bytes]) -> Iterator[FeedItem]:
    """The items of an RSS 2.0 / RSS 1.0 / Atom document in order, each cleared once the caller is done.

    Streams with `iterparse` (expat: no external entities or DTDs fetched, entity-expansion
    bombs refused). `ET.ParseError` escapes where the XML breaks off, after the items before it.
    """
    open_els: list[tuple[str, str | None]] = []  # (local tag, xml:lang) of the enclosing elements
    channel_lang = site = None
    for event, el in ET.iterparse(f, events=("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            open_els.append((tag, el.get(_XML_LANG)))
            continue
        open_els.pop()
        if tag == "language" and el.text and el.text.strip():
            channel_lang = el.text.strip()[:2].lower()
        elif tag == "link" and site is None and open_els and open_els[-1][0] in ("channel", "feed"):
            site = outlet_host(_link_of(el))
        if tag not in ("item", "entry"):
            continue
        xml_lang = el.get(_XML_LANG) or next((x for _, x in reversed(open_els) if x), None)
        yield FeedItem(el, xml_lang.strip().lower() if xml_lang and xml_lang.strip() else channel_lang, site)
        el.clear()


def add_feed_item(item: FeedItem, rec: int, out: PostRows) -> None:
    """One feed item; the per-record converter of the file reader and the live connector."""
    el = item.el
    _add_story(out, link=_link(el), guid=_text(el, "guid", "id"), title=_text(el, "title"),
               summary=_text(el, "description", "summary", "content", "encoded"),
               when=_text(el, "pubDate", "published", "date", "updated", "issued"), rec=rec, lang=item.lang,
               site=item.site)


def _add_story(out: PostRows, *, link: str | None, guid: str | None, title: str | None, summary: str | None,
               when: str | None, rec: int, lang: str | None = None, outlet: str | None = None,
               site: str | None = None) -> None:
    url = norm_url(link) if link else None
    key = url or (guid.strip() if guid else None)
    if not key:
        raise Bad("item without link or guid")
    plain = html_to_text(summary)[0] if summary else None
    if plain and title and plain == title.strip():
        plain = None
    text = "\n\n".join(x for x in (title, plain) if x) or None
    out.add(post_id=f"{P}:{key}", platform=P, author=outlet or outlet_host(url) or site, created_at=when, text=text,
            lang=lang, record=rec, urls=[url] if url else [], hashtags=text_hashtags(text))


class Feed:
    """RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 files."""

    name = "rss"
    description = "RSS 2.0 / RSS 1.0 / Atom feed files (news stories)"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        t = head_text(head)[:4096].lstrip()
        if not t.startswith("<"):
            return 0.0
        if "<rss" in t or ("<rdf:RDF" in t and "purl.org/rss" in t):
            return 0.97
        if "<feed" in t and "http://www.w3.org/2005/Atom" in t:
            return 0.97
        return 0.0

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        ch = _Chunker(options)
        n = 0
        with open_bytes(path) as f:
            try:
                for item in feed_items(f):
                    n += 1
                    if n <= ch.start:
                        continue
                    mark = ch.rows.mark()
                    try:
                        add_feed_item(item, n, ch.rows)
                    except Bad as exc:
                        ch.rows.undo(mark)
                        ch.rejects.append(Reject(n, str(exc), (_text(item.el, "title") or "")[:200]))
                    if ch.due():
                        yield from ch.flush(n)
            except ET.ParseError as exc:
                if n == 0 and not len(ch.rows):
                    raise SourceError(f"{path.name}: not a readable feed ({exc}).") from None
                ch.rejects.append(Reject(n + 1, f"XML breaks off here ({exc}); the rest of the file is not read"))
        yield from ch.flush(n, final=True)


class MediaCloud:
    """Media Cloud story list CSV (v2 `stories_id`… or v4 `id, indexed_date, …`)."""

    name = "mediacloud"
    description = "Media Cloud story list CSV (news stories)"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        h = csv_header(head)
        if not h or "publish_date" not in h or "url" not in h:
            return 0.0
        if "stories_id" in h or "media_name" in h or "media_url" in h:
            return 0.95
        return 0.5

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        def convert(r: dict[str, str], rec: int, out: PostRows) -> None:
            outlet = outlet_host(r.get("media_url") if r.get("media_url", "").startswith("http")
                           else ("http://" + r["media_url"] if r.get("media_url") else None))
            lang = (r.get("language") or "").strip() or None
            _add_story(out, link=r.get("url"), guid=r.get("stories_id") or r.get("id"), title=r.get("title"),
                       summary=None, when=r.get("publish_date") or None, rec=rec, lang=lang, outlet=outlet)
        return read_csv(path, options=options, convert=convert, what="Media Cloud row")
