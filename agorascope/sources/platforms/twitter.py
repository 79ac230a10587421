"""X/Twitter: twarc2 raw API v2 pages, twarc2 flattened lines, API v1.1 status objects.

Author = the numeric user id (`author_id`, `user.id_str`) in all three, so one account gets
one pseudonym whichever way it was collected. Post ids are `twitter:<tweet id>`.

Choices (see docs/parts/sources-architecture.md):
- A retweet is a row with `repost_of`; its text is the original's full text when the page
  carries the original (v2 `includes.tweets`, v1.1 `retweeted_status`), because the retweet's
  own text is cut to "RT @x: …" at 140 characters. Its metrics are null: the API copies the
  original's counts onto every retweet, and summing them would count one like many times.
- Long tweets: `note_tweet.text` (v2) / `extended_tweet.full_text` (v1.1) replace the cut text.
- URLs are the `unwound_url`/`expanded_url` of the URL entities, never the t.co link; media
  links (photos, videos) are not URLs to a page and are left out.
- Referenced tweets in `includes` are context, not rows: only the collected tweets (`data`)
  are imported.
- Unavailable tweets reported in a page's `errors`, v1.1 delete/withheld/limit notices are
  counted as skipped.
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
    has_keys,
    head_text,
    json_sample,
    lst,
    norm_url,
    norm_urls,
    qualify,
    read_json,
    s,
    sample_items,
    share,
    tags,
    text_hashtags,
    text_urls,
    vote,
)

P = "twitter"


def _urls_v2(ents: dict[str, Any]) -> list[str]:
    us = ents.get("urls")
    out: list[str] = []
    if not us or type(us) is not list:
        return out
    for u in us:
        if type(u) is dict and not u.get("media_key"):
            v = u.get("unwound_url") or u.get("expanded_url") or u.get("url")
            if type(v) is str and v:
                n = norm_url(v)
                if n and n not in out:
                    out.append(n)
    return out


def _tags_v2(ents: dict[str, Any]) -> list[str]:
    hs = ents.get("hashtags")
    out: list[str] = []
    if not hs or type(hs) is not list:
        return out
    for h in hs:
        if type(h) is dict:
            t = h.get("tag")
            if type(t) is str:
                t = t.strip().lstrip("#＃").lower()
                if t and t not in out:
                    out.append(t)
    return out


def _body_v2(t: dict[str, Any]) -> tuple[Any, dict[str, Any] | None]:
    """Full text and its entities (note_tweet for long tweets); entities None when the tweet has none."""
    note = t.get("note_tweet")
    if note and type(note) is dict and type(note.get("text")) is str:
        e = note.get("entities") if "entities" in note else t.get("entities")
        return note["text"], e if type(e) is dict else {}
    if "entities" in t:
        e = t["entities"]
        return t.get("text"), e if type(e) is dict else {}
    return t.get("text"), None


def add_v2_tweet(t: dict[str, Any], rec: int, out: PostRows, refs: dict[str, dict[str, Any]]) -> None:
    """One API v2 tweet object; `refs` maps ids of referenced tweets to their objects.

    The hot path of the heaviest format: plain type checks and one tuple per post
    (`PostRows.append`); odd value types are cleaned when the batch is built.
    """
    if type(t) is not dict:
        raise Bad("tweet is not a JSON object")
    tid = t.get("id")
    pid = f"{P}:{tid}" if type(tid) is str and tid and tid.strip() == tid else qualify(P, tid)
    if pid is None:
        raise Bad("tweet without id")
    repost = reply = quote = None
    rts = t.get("referenced_tweets")
    if rts:
        for r in lst(rts):
            if type(r) is not dict:
                continue
            kind = r.get("type")
            if kind == "retweeted":
                repost = qualify(P, r.get("id"))
            elif kind == "quoted":
                quote = qualify(P, r.get("id"))
            elif kind == "replied_to":
                reply = qualify(P, r.get("id"))
    text, ents = _body_v2(t)
    if repost is not None:
        orig = refs.get(repost[len(P) + 1:])
        if type(orig) is dict:
            text, ents = _body_v2(orig)
    if type(text) is not str:
        text = s(text)
    if ents is None:
        urls, hashtags = text_urls(text), text_hashtags(text)
    else:
        urls, hashtags = _urls_v2(ents), _tags_v2(ents)
    author = t.get("author_id") or d(t.get("author")).get("id")
    if repost is None:
        m = t.get("public_metrics")
        if type(m) is not dict:
            m = {}
        counts = (m.get("like_count"), m.get("retweet_count"), m.get("reply_count"), m.get("impression_count"))
    else:
        counts = (None, None, None, None)
    out.append((pid, P, author, t.get("created_at"), text, t.get("lang"), urls, hashtags, repost, reply, quote,
                *counts, rec))


def _is_v2_tweet(x: dict[str, Any]) -> bool:
    return "id" in x and "text" in x and ("author_id" in x or "edit_history_tweet_ids" in x or "public_metrics" in x)


class Twarc2Pages:
    """twarc2 `search`/`timeline`/`sample` output: one raw API v2 response page per line."""

    name = "twarc2"
    description = "X/Twitter API v2 response pages as written by twarc2 (data + includes), one per line"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        items = sample_items(head, lambda o: [o] if isinstance(o, dict) else [])
        if items:
            def page(x: dict[str, Any]) -> bool:
                data = x.get("data")
                if isinstance(data, list):
                    return not data or _is_v2_tweet(data[0]) if data else ("meta" in x or "errors" in x)
                return False
            return vote(share(items, page))
        kind, _ = json_sample(head)
        if kind == "partial":  # one page longer than the head
            t = head_text(head)
            if t.lstrip().startswith('{"data"') or t.lstrip().startswith('{\n  "data"'):
                return 0.8 if has_keys(t, "author_id", "edit_history_tweet_ids", "public_metrics") else 0.4
        return 0.0

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        return read_json(path, options=options, convert=self._item, what="twarc2 page", expand=_page_items,
                         author_of=lambda x: s(d(x.get("__tweet")).get("author_id")))

    @staticmethod
    def _item(x: dict[str, Any], rec: int, out: PostRows) -> None:
        if "__tweet" in x:
            add_v2_tweet(x["__tweet"], rec, out, x["__refs"])
        elif "__skip" in x:
            out.skip(x["__skip"])
        elif _is_v2_tweet(x):  # a flattened tweet mixed in
            add_v2_tweet(x, rec, out, {})
        elif "errors" in x or "meta" in x:
            out.skip(len(lst(x.get("errors"))))
        else:
            raise Bad("not an API v2 page: no 'data'")


def _page_items(o: Any) -> list[dict[str, Any]]:
    """The tweets of a page (each with the page's referenced tweets), then a count of its errors."""
    if isinstance(o, list):
        return [x for p in o for x in _page_items(p)]
    if not isinstance(o, dict):
        raise Bad("page is not a JSON object")
    if "data" not in o:
        return [o]
    data = o["data"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise Bad("'data' is not a list of tweets")
    inc = d(o.get("includes"))
    refs = {str(t.get("id")): t for t in lst(inc.get("tweets")) if isinstance(t, dict)}
    items: list[dict[str, Any]] = [{"__tweet": t, "__refs": refs} for t in data]
    errors = sum(1 for e in lst(o.get("errors")) if isinstance(e, dict) and e.get("resource_type", "tweet") == "tweet")
    if errors:
        items.append({"__skip": errors})
    return items


class Twarc2Flat:
    """twarc2 `flatten` output: one API v2 tweet per line with `author` and referenced tweets inlined."""

    name = "twarc2-flat"
    description = "X/Twitter API v2 tweets, one per line, as written by `twarc2 flatten`"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        items = sample_items(head, lambda o: [o] if isinstance(o, dict) else [])
        if not items:
            return 0.0

        def flat(x: dict[str, Any]) -> bool:
            return _is_v2_tweet(x) and ("__twarc" in x or isinstance(x.get("author"), dict))
        sc = share(items, flat)
        if sc:
            return 0.9 * sc
        return 0.6 * share(items, lambda x: _is_v2_tweet(x) and "created_at" in x and "id_str" not in x)

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        return read_json(path, options=options, convert=self._tweet, what="twarc2 tweet",
                         author_of=lambda t: s(t.get("author_id")))

    @staticmethod
    def _tweet(t: dict[str, Any], rec: int, out: PostRows) -> None:
        if not isinstance(t, dict) or ("text" not in t and "note_tweet" not in t):
            raise Bad("not an API v2 tweet: no 'text'")
        refs = {str(r.get("id")): r for r in lst(t.get("referenced_tweets")) if isinstance(r, dict) and "text" in r}
        add_v2_tweet(t, rec, out, refs)


def _v1_body(st: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    ext = d(st.get("extended_tweet"))
    if isinstance(ext.get("full_text"), str):
        return ext["full_text"], d(ext.get("entities"))
    text = st.get("full_text") if isinstance(st.get("full_text"), str) else s(st.get("text"))
    return text, d(st.get("entities"))


def _v1_items(o: Any) -> list[Any]:
    if isinstance(o, dict) and isinstance(o.get("statuses"), list):  # a search/tweets response
        return o["statuses"]
    return o if isinstance(o, list) else [o]


_V1_NOTICES = ("delete", "scrub_geo", "limit", "status_withheld", "user_withheld", "disconnect", "warning",
               "event", "friends")


class TwitterV1:
    """API v1.1 status objects (streaming lines, or a JSON array from a timeline/search call)."""

    name = "twitter-v1"
    description = "X/Twitter API v1.1 statuses (retweeted_status, extended_tweet, entities), lines or array"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        items = sample_items(head)
        if items:
            def v1(x: dict[str, Any]) -> bool:
                if any(k in x for k in _V1_NOTICES) and len(x) <= 2:
                    return True
                return "id_str" in x and isinstance(x.get("user"), dict) and "created_at" in x
            return vote(share(items, v1))
        if json_sample(head)[0] == "partial":
            t = head_text(head)
            if has_keys(t, "id_str", "user", "created_at", "screen_name", "in_reply_to_status_id_str") >= 4:
                return 0.8
        return 0.0

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        return read_json(path, options=options, convert=self._status, what="v1.1 status", expand=_v1_items,
                         author_of=lambda st: s(d(st.get("user")).get("id_str")))

    @staticmethod
    def _status(st: dict[str, Any], rec: int, out: PostRows) -> None:
        if not isinstance(st, dict):
            raise Bad("status is not a JSON object")
        if "id_str" not in st and "id" not in st:
            if any(k in st for k in _V1_NOTICES):
                out.skip()
                return
            raise Bad("not a v1.1 status: no id_str")
        pid = qualify(P, st.get("id_str") or st.get("id"))
        user = d(st.get("user"))
        rt = st.get("retweeted_status")
        src = rt if isinstance(rt, dict) else st
        text, ents = _v1_body(src)
        repost = qualify(P, rt.get("id_str") or rt.get("id")) if isinstance(rt, dict) else None
        quote = None
        if repost is None:
            quote = qualify(P, st.get("quoted_status_id_str") or st.get("quoted_status_id")
                            or d(st.get("quoted_status")).get("id_str"))
        counts = {} if repost else {"like_count": st.get("favorite_count"), "repost_count": st.get("retweet_count"),
                                    "reply_count": st.get("reply_count")}
        out.add(post_id=pid, platform=P, author=user.get("id_str") or user.get("id"), created_at=st.get("created_at"),
                text=text, lang=st.get("lang"), record=rec,
                urls=norm_urls((u.get("expanded_url") or u.get("url")) for u in lst(ents.get("urls"))
                               if isinstance(u, dict)),
                hashtags=tags(h.get("text") for h in lst(ents.get("hashtags")) if isinstance(h, dict)),
                repost_of=repost, quote_of=quote,
                reply_to=qualify(P, st.get("in_reply_to_status_id_str") or st.get("in_reply_to_status_id")),
                **counts)
