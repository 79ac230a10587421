"""One mapping per platform: a payload read from an export file and received live gives the same rows.

Each test runs the same payloads once through the file reader (`read(path, options=ReadOptions())`)
and once through the live connector's mapping (`event_to_row`, `status_to_row`, `parse_feed`) and
compares the `RAW_POST_SCHEMA` rows field by field (`record` excluded: only files have record
numbers). The payloads reuse the reader and stream fixtures and add the cases where the two
mappings once drifted apart: a boost/repost, a reply, a quote, HTML with links, mentions and
hashtags, a post without text, and non-post events.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pyarrow as pa
import pytest

from agorascope import sources
from agorascope.schema import conform
from agorascope.sources.base import ReadOptions
from agorascope.streams.base import StreamItem, rows_to_batch
from agorascope.streams.jetstream import event_to_row
from agorascope.streams.mastodon import MastodonConnector, status_to_row
from agorascope.streams.replay import rss_document, rss_items
from agorascope.streams.rss import parse_feed

DATA = Path(__file__).parent / "data"
T0 = 1_765_000_000_000_000  # time_us of the extra Jetstream events


def _keyed(batches: list[pa.RecordBatch]) -> dict[str, dict[str, Any]]:
    """Rows by post_id after `conform`, without `record`; a post_id seen twice fails the test."""
    out: dict[str, dict[str, Any]] = {}
    for b in batches:
        for row in conform(b).to_pylist():
            row.pop("record")
            assert row["post_id"] not in out, f"post_id {row['post_id']} twice"
            out[row["post_id"]] = row
    return out


def _from_file(fmt: str, path: Path) -> dict[str, dict[str, Any]]:
    return _keyed([ch.posts for ch in sources.get(fmt).read(path, options=ReadOptions())])


def _from_stream(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return _keyed([rows_to_batch(rows)])


def _rows_and_reasons(results: Iterable[tuple[dict[str, Any] | None, str | None]]
                      ) -> tuple[list[dict[str, Any]], list[str | None]]:
    """A stream function's (row, skip reason) results split into the rows and the reasons."""
    rows, reasons = [], []
    for row, why in results:
        if row is None:
            reasons.append(why)
        else:
            rows.append(row)
    return rows, reasons


def _assert_same(from_file: dict[str, dict[str, Any]], live: dict[str, dict[str, Any]]) -> None:
    assert sorted(live) == sorted(from_file)
    diffs = [(pid, k, v, live[pid][k]) for pid, row in from_file.items() for k, v in row.items() if live[pid][k] != v]
    assert diffs == [], "\n".join(f"{pid} {k}: file {a!r} != live {b!r}" for pid, k, a, b in diffs)


# -- Bluesky Jetstream ---------------------------------------------------------------------------------------
def _commit(did: str, rkey: str, record: dict[str, Any] | None, *, n: int, collection: str = "app.bsky.feed.post",
            op: str = "create") -> dict[str, Any]:
    commit: dict[str, Any] = {"rev": f"r{n}", "operation": op, "collection": collection, "rkey": rkey}
    if record is not None:
        commit["record"] = record
    return {"did": did, "time_us": T0 + n, "kind": "commit", "commit": commit}


def _extra_jetstream_events() -> list[dict[str, Any]]:
    post = "app.bsky.feed.post"
    return [
        # no text (an image post), declared language in mixed case
        _commit("did:plc:img", "3limg", {"text": "", "createdAt": "2025-12-06T05:00:00Z", "langs": ["pt-BR"],
                                         "embed": {"$type": "app.bsky.embed.images", "images": []}}, n=1),
        # no createdAt: a live event always has a time, and so does its line in an export
        _commit("did:plc:nots", "3lnots", {"text": "when? #Now", "langs": ["en"]}, n=2),
        # hashtags only in the text, one with a full-width sign; a link only in the text (no facet)
        _commit("did:plc:tags", "3ltags", {"text": "警報 ＃颱風 and #Typhoon see https://x.example/a",
                                           "createdAt": "2025-12-06T05:00:02Z", "langs": ["zh-Hant", "en"]}, n=3),
        # tag facets and record tags, duplicates and '#' prefixes; a quote of a list (not a post) with media
        _commit("did:plc:mix", "3lmix", {
            "text": "Flood #flood", "createdAt": "2025-12-06T05:00:03Z",
            "facets": [{"features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "Flood"}]}],
            "tags": ["#flood", "Rain "],
            "embed": {"$type": "app.bsky.embed.recordWithMedia",
                      "record": {"record": {"uri": "at://did:plc:l/app.bsky.graph.list/3llist"}},
                      "media": {"$type": "app.bsky.embed.external",
                                "external": {"uri": "https://WWW.Rain.example/map?utm_medium=x"}}}}, n=4),
        # an edit is stored like a create (the upsert keeps one row)
        _commit("did:plc:mix", "3ledit", {"text": "edited", "createdAt": "2025-12-06T05:00:04Z"}, n=5, op="update"),
        # a quote with media of a post, and a reply
        _commit("did:plc:q2", "3lq2", {
            "text": "this ↓", "createdAt": "2025-12-06T05:00:05Z",
            "reply": {"parent": {"uri": f"at://did:plc:mix/{post}/3lmix"}, "root": {"uri": f"at://did:plc:mix/{post}/3lmix"}},
            "embed": {"$type": "app.bsky.embed.recordWithMedia",
                      "record": {"record": {"uri": f"at://did:plc:img/{post}/3limg"}},
                      "media": {"$type": "app.bsky.embed.images", "images": []}}}, n=6),
        # a repost without a subject and a post commit without a record: malformed, no row either way
        _commit("did:plc:bad", "3lrp", {"createdAt": "2025-12-06T05:00:06Z"}, n=7, collection="app.bsky.feed.repost"),
        _commit("did:plc:bad", "3lnorec", None, n=8),
        # non-posts: a follow, a deleted repost, an account event
        _commit("did:plc:mix", "3lf", {"subject": "did:plc:img"}, n=9, collection="app.bsky.graph.follow"),
        _commit("did:plc:mix", "3lrd", None, n=10, collection="app.bsky.feed.repost", op="delete"),
        {"did": "did:plc:mix", "time_us": T0 + 11, "kind": "account", "account": {"active": True}},
    ]


def test_jetstream_file_and_live_rows_are_equal(tmp_path: Path) -> None:
    lines = (DATA / "streams/jetstream_sample.jsonl").read_bytes().splitlines()
    lines += (DATA / "sources/bluesky/jetstream.jsonl").read_bytes().splitlines()
    lines += [orjson.dumps(e) for e in _extra_jetstream_events()]
    path = tmp_path / "jetstream.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    events = []
    for line in lines:
        try:
            events.append(orjson.loads(line))
        except orjson.JSONDecodeError:  # the connector skips a broken frame as "malformed"
            continue
    live_rows, reasons = _rows_and_reasons(event_to_row(e)[:2] for e in events)
    from_file = _from_file("bluesky-jetstream", path)
    _assert_same(from_file, _from_stream(live_rows))
    assert len(from_file) == 3 + 5 + 6
    assert reasons == ["like", "delete", "identity", "account", "like", "identity", "account", "delete", "follow",
                       "malformed", "malformed", "malformed", "follow", "delete", "account"]
    nots = from_file["bluesky:at://did:plc:nots/app.bsky.feed.post/3lnots"]
    assert nots["created_at"] == datetime.fromtimestamp((T0 + 2) // 10**6, UTC).replace(microsecond=2)
    tags = from_file["bluesky:at://did:plc:tags/app.bsky.feed.post/3ltags"]
    assert (tags["hashtags"], tags["urls"], tags["lang"]) == (["颱風", "typhoon"], [], "zh-hant")
    mix = from_file["bluesky:at://did:plc:mix/app.bsky.feed.post/3lmix"]
    assert (mix["hashtags"], mix["urls"], mix["quote_of"]) == (["flood", "rain"], ["https://rain.example/map"], None)
    q2 = from_file["bluesky:at://did:plc:q2/app.bsky.feed.post/3lq2"]
    assert q2["quote_of"] == "bluesky:at://did:plc:img/app.bsky.feed.post/3limg"
    assert q2["reply_to"] == "bluesky:at://did:plc:mix/app.bsky.feed.post/3lmix"
    assert from_file["bluesky:at://did:plc:img/app.bsky.feed.post/3limg"]["text"] == ""


def test_jetstream_live_keeps_the_declared_languages_for_the_filter() -> None:
    row, why, langs = event_to_row(_extra_jetstream_events()[2])
    assert why is None and row is not None and langs == ["zh-Hant", "en"] and row["lang"] == "zh-hant"


# -- Mastodon ------------------------------------------------------------------------------------------------
HOST = "social.example"
_LOCAL_EVE = {"id": "7", "username": "eve", "acct": "eve"}  # a local account: no '@host', no profile URL


def _status(sid: str, content: str | None, **extra: Any) -> dict[str, Any]:
    st = {"id": sid, "uri": f"https://{HOST}/users/eve/statuses/{sid}", "url": f"https://{HOST}/@eve/{sid}",
          "created_at": f"2024-06-02T10:00:{int(sid) % 60:02d}.000Z", "account": _LOCAL_EVE, "content": content,
          "visibility": "public", "language": "en", "in_reply_to_id": None, "reblog": None, "tags": [],
          "spoiler_text": "", "card": None, "favourites_count": 2, "reblogs_count": 1, "replies_count": 0}
    st.update(extra)
    return st


def _extra_statuses() -> list[dict[str, Any]]:
    html = ('<p>Line one <br> line two <a href="https://social.example/tags/Flood" class="mention hashtag" '
            'rel="tag">#<span>Flood</span></a></p><blockquote><p>quoted bit</p></blockquote>'
            '<ul><li>first</li><li>second</li></ul><p><span class="h-card"><a href="https://social.example/@anna" '
            'class="u-url mention">@<span>anna</span></a></span> <a href="https://social.example/@eve" '
            'class="u-url">my profile</a> <a href="https://www.blog.example/post?utm_source=m&amp;p=2" '
            'rel="nofollow noopener" target="_blank">blog</a> <a href="https://stage.example/x" '
            'class="stage-link">stage</a></p>')
    quoted = {"id": "900", "uri": "https://far.example/users/zed/statuses/900", "content": "<p>orig</p>",
              "created_at": "2024-06-02T09:00:00Z", "account": {"acct": "zed@far.example", "username": "zed"}}
    return [
        _status("116", html, tags=[{"name": "Flood"}], card={"url": "https://www.blog.example/post?p=2"}),
        _status("117", "<p>see this</p>", quote={"state": "accepted", "quoted_status": quoted}),
        _status("118", "", media_attachments=[{"type": "image"}], language=None),  # a post with no text
        _status("119", "", reblog=quoted, uri=f"https://{HOST}/users/eve/statuses/119/activity"),  # a boost
        _status("120", "<p>reply</p>", in_reply_to_id="116", spoiler_text="cw: weather"),  # a reply in the file
        _status("121", None),  # content null
    ]


def test_mastodon_file_and_live_rows_are_equal(tmp_path: Path) -> None:
    statuses = orjson.loads((DATA / "sources/mastodon/statuses.json").read_bytes())
    statuses += orjson.loads((DATA / "streams/mastodon_sample.json").read_bytes())
    statuses += _extra_statuses()
    path = tmp_path / "statuses.json"
    path.write_bytes(orjson.dumps(statuses))
    ids: dict[str, str] = {}  # the connector keeps one per session, as the reader keeps one per file
    live_rows, reasons = _rows_and_reasons(status_to_row(st, host=HOST, ids=ids) for st in statuses)
    from_file = _from_file("mastodon", path)
    _assert_same(from_file, _from_stream(live_rows))
    assert len(from_file) == 4 + 2 + 6 and reasons == ["malformed"]
    rich = from_file[f"mastodon:https://{HOST}/users/eve/statuses/116"]
    assert rich["author"] == "eve@social.example"
    assert rich["text"] == ("Line one\nline two #Flood\n\nquoted bit\n\nfirst\n\nsecond\n\n@anna my profile blog stage")
    assert rich["urls"] == ["https://blog.example/post?p=2", "https://stage.example/x"]
    assert rich["hashtags"] == ["flood"]
    assert from_file[f"mastodon:https://{HOST}/users/eve/statuses/117"]["quote_of"] == (
        "mastodon:https://far.example/users/zed/statuses/900")
    assert from_file[f"mastodon:https://{HOST}/users/eve/statuses/118"]["text"] == ""
    boost = from_file[f"mastodon:https://{HOST}/users/eve/statuses/119/activity"]
    assert (boost["repost_of"], boost["text"], boost["like_count"]) == (
        "mastodon:https://far.example/users/zed/statuses/900", "orig", None)
    reply = from_file[f"mastodon:https://{HOST}/users/eve/statuses/120"]
    assert reply["reply_to"] == f"mastodon:https://{HOST}/users/eve/statuses/116"
    assert reply["text"] == "cw: weather\n\nreply"
    assert from_file[f"mastodon:https://{HOST}/users/eve/statuses/121"]["text"] is None


def test_mastodon_connector_links_replies_to_statuses_seen_earlier() -> None:
    """The connector keeps the reader's local-id map for its session (a page arrives newest first)."""
    parent, reply = _status("130", "<p>parent</p>"), _status("131", "<p>child</p>", in_reply_to_id="130")
    orphan = _status("132", "<p>child of an unseen post</p>", in_reply_to_id="99")
    page = httpx.MockTransport(lambda req: httpx.Response(200, json=[orphan, reply, parent]))
    conn = MastodonConnector(f"https://{HOST}", poll_s=0.0, transport=page)

    async def first(n: int) -> list[StreamItem]:
        got: list[StreamItem] = []
        async with contextlib.aclosing(conn.stream(None)) as items:
            async for item in items:
                got.append(item)
                if len(got) == n:
                    break
        await conn.aclose()
        return got

    rows = [it.row for it in asyncio.run(first(3))]
    base = f"mastodon:https://{HOST}/users/eve/statuses/"
    assert [r["post_id"] for r in rows if r] == [base + "130", base + "131", base + "132"]
    assert [r["reply_to"] for r in rows if r] == [None, base + "130", "mastodon:local:99"]


# -- RSS / Atom ----------------------------------------------------------------------------------------------
_HARBOUR = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Harbour Times</title><link>https://www.harbour.example/</link><language>en-HK</language>
  <item><title>Ferry strike #HongKong</title>
    <link>https://www.harbour.example/news/ferry?utm_source=rss</link><guid isPermaLink="false">ht-1</guid>
    <content:encoded><![CDATA[<p>The full article, much longer.</p>]]></content:encoded>
    <description><![CDATA[<p>Workers walk out.<br> More <a href="https://union.example/statement">here</a>.</p>
      <script>track()</script><ul><li>One</li><li>Two</li></ul>]]></description>
    <pubDate>Tue, 03 Dec 2024 10:00:00 +0800</pubDate><dc:creator>A. Reporter</dc:creator></item>
  <item><title>Same as summary</title><link>https://harbour.example/news/same</link>
    <description>Same as summary</description><dc:date>2024-12-03T03:00:00Z</dc:date></item>
  <item><title>Guid only</title><guid>urn:harbour:3</guid><pubDate>Tue, 03 Dec 2024 04:00:00 GMT</pubDate></item>
  <item><link>https://harbour.example/news/untitled</link>
    <description>&lt;p&gt;Only a summary &amp;amp; no title&lt;/p&gt;</description>
    <pubDate>Tue, 03 Dec 2024 05:00:00 GMT</pubDate></item>
  <item><title>No link, no guid</title><pubDate>Tue, 03 Dec 2024 06:00:00 GMT</pubDate></item>
</channel></rss>
"""

_FEEDS = {
    "news/feed.rss": (DATA / "sources/news/feed.rss").read_bytes(),
    "news/feed.atom": (DATA / "sources/news/feed.atom").read_bytes(),
    "replay.rss": rss_document(rss_items(3, start=datetime(2025, 1, 1, tzinfo=UTC))),
    "replay.atom": rss_document(rss_items(3, start=datetime(2025, 1, 1, tzinfo=UTC)), atom=True),
    "harbour.rss": _HARBOUR,
}


@pytest.mark.parametrize("name", sorted(_FEEDS))
def test_feed_file_and_live_rows_are_equal(name: str, tmp_path: Path) -> None:
    path = tmp_path / name.replace("/", "_")
    path.write_bytes(_FEEDS[name])
    from_file = _from_file("rss", path)
    live = _from_stream(parse_feed(_FEEDS[name], feed_url="https://feeds.example/x.xml"))
    _assert_same(from_file, live)
    assert from_file and all(pid.startswith("news:") and r["platform"] == "news" for pid, r in from_file.items())


def test_feed_rows_follow_the_news_conventions() -> None:
    rows = _from_stream(parse_feed(_HARBOUR, feed_url="https://feeds.example/harbour.xml"))
    assert sorted(rows) == ["news:https://harbour.example/news/ferry", "news:https://harbour.example/news/same",
                            "news:https://harbour.example/news/untitled", "news:urn:harbour:3"]
    ferry = rows["news:https://harbour.example/news/ferry"]
    assert ferry["text"] == "Ferry strike #HongKong\n\nWorkers walk out.\nMore here.\n\nOne\n\nTwo"
    assert (ferry["author"], ferry["urls"], ferry["hashtags"], ferry["lang"]) == (
        "harbour.example", ["https://harbour.example/news/ferry"], ["hongkong"], "en")
    assert rows["news:https://harbour.example/news/same"]["text"] == "Same as summary"
    assert rows["news:https://harbour.example/news/untitled"]["text"] == "Only a summary & no title"
    assert rows["news:urn:harbour:3"]["author"] == "harbour.example"  # the feed's site: the item has no link
