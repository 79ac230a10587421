"""HTML fragments (Mastodon content, feed summaries, YouTube comments) to plain text and links.

One helper for every reader and live connector, so the same post gets the same text and links
whichever way it arrives. Paragraph-like blocks become blank lines and `<br>` a newline; each
line is stripped and runs of blank lines collapse to one, so markup indentation never reaches
the text. `<script>`/`<style>` bodies are dropped. A link counts unless it is a mention or a
hashtag, told by whole class tokens (`mention`, `hashtag`, `u-url`) or `rel="tag"` — a
substring test would also drop `class="stage-link"`.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import overload

_BLOCKS = frozenset(("p", "div", "li", "blockquote"))
_NOT_LINKS = frozenset(("mention", "hashtag", "u-url"))
_BLANKS = re.compile(r"\n{3,}")


class _TextParser(HTMLParser):
    """HTML → text parts plus the hrefs of links that are not mentions or hashtags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS and self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n\n")
        elif tag in ("script", "style"):
            self._skip += 1
        elif tag == "a":
            a = dict(attrs)
            cls = set((a.get("class") or "").split())
            rel = (a.get("rel") or "").split()
            if a.get("href") and not (_NOT_LINKS & cls) and "tag" not in rel:
                self.links.append(a["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


@overload
def html_to_text(html: str) -> tuple[str, list[str]]: ...
@overload
def html_to_text(html: None) -> tuple[None, list[str]]: ...
@overload
def html_to_text(html: str | None) -> tuple[str | None, list[str]]: ...


def html_to_text(html: str | None) -> tuple[str | None, list[str]]:
    """(plain text, hrefs of links that are not mentions or hashtags) of an HTML fragment.

    None stays None (no content is not empty content); "" gives "". Text without `<` is only
    unescaped and stripped.
    """
    if html is None:
        return None, []
    if "<" not in html:
        return unescape(html).strip(), []
    p = _TextParser()
    p.feed(html)
    p.close()
    out = "\n".join(ln.strip() for ln in "".join(p.parts).split("\n"))
    return _BLANKS.sub("\n\n", out).strip(), p.links
