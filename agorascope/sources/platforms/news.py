"""News: RSS 2.0 / RSS 1.0 (RDF) / Atom feed files, and Media Cloud story CSV exports.

A story's id is its normalised link (`news:https://outlet.example/story`), so the same story
from a feed and from Media Cloud is one row. Author = the outlet's host (the domain of the
link, or Media Cloud's `media_url`): the byline is a person and is not what news analyses
count. Text = title, a blank line and the summary as plain text. Items whose XML breaks off
are quarantined from there on; a file with no parseable start is a `SourceError`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from agorascope.errors import SourceError
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
from agorascope.sources.platforms.mastodon import html_text

P = "news"
_ATOM = "{http://www.w3.org/2005/Atom}"


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        h = urlsplit(url).hostname
    except ValueError:
        return None
    return h[4:] if h and h.startswith("www.") else h


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if "}" in tag else tag.split(":")[-1]


def _child(el: ET.Element, *names: str) -> str | None:
    for c in el:
        if _local(c.tag) in names:
            if c.text and c.text.strip():
                return c.text.strip()
            href = c.get("href")
            if href and c.get("rel", "alternate") == "alternate":
                return href.strip()
    return None


def _add_story(out: PostRows, *, link: str | None, guid: str | None, title: str | None, summary: str | None,
               when: str | None, rec: int, lang: str | None = None, outlet: str | None = None) -> None:
    url = norm_url(link) if link else None
    key = url or (guid.strip() if guid else None)
    if not key:
        raise Bad("item without link or guid")
    plain = html_text(summary)[0] if summary else None
    text = "\n\n".join(x for x in (title, plain) if x) or None
    out.add(post_id=f"{P}:{key}", platform=P, author=outlet or _host(url), created_at=when, text=text, lang=lang,
            record=rec, urls=[url] if url else [], hashtags=text_hashtags(text))


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
        lang = None
        with open_bytes(path) as f:
            try:
                for _, el in ET.iterparse(f, events=("end",)):
                    tag = _local(el.tag)
                    if tag == "language" and el.text:
                        lang = el.text.strip()[:2].lower()
                    if tag not in ("item", "entry"):
                        continue
                    n += 1
                    if n <= ch.start:
                        el.clear()
                        continue
                    mark = ch.rows.mark()
                    try:
                        _add_story(ch.rows, link=_child(el, "link"), guid=_child(el, "guid", "id"),
                                   title=_child(el, "title"),
                                   summary=_child(el, "description", "summary", "content", "encoded"),
                                   when=_child(el, "pubDate", "published", "date", "updated"), rec=n,
                                   lang=el.get("{http://www.w3.org/XML/1998/namespace}lang") or lang)
                    except Bad as exc:
                        ch.rows.undo(mark)
                        ch.rejects.append(Reject(n, str(exc), (_child(el, "title") or "")[:200]))
                    el.clear()
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
            outlet = _host(r.get("media_url") if r.get("media_url", "").startswith("http")
                           else ("http://" + r["media_url"] if r.get("media_url") else None))
            lang = (r.get("language") or "").strip() or None
            _add_story(out, link=r.get("url"), guid=r.get("stories_id") or r.get("id"), title=r.get("title"),
                       summary=None, when=r.get("publish_date") or None, rec=rec, lang=lang, outlet=outlet)
        return read_csv(path, options=options, convert=convert, what="Media Cloud row")
