"""Live connectors: record → row mapping, filters, back-off and header parsing (no network)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from agorascope.config import Settings
from agorascope.project import Project
from agorascope.sources._html import html_to_text
from agorascope.streams import Backoff, PostFilter, WatchOptions, run_watch
from agorascope.streams._http import parse_reset, parse_retry_after
from agorascope.streams.base import parse_terms, rows_to_batch
from agorascope.streams.jetstream import JetstreamConnector, event_to_row
from agorascope.streams.mastodon import status_to_row
from agorascope.streams.replay import JetstreamReplay, jetstream_events, rss_document, rss_items
from agorascope.streams.rss import parse_feed

DATA = Path(__file__).parent / "data" / "streams"


@pytest.fixture
def project(tmp_path: Path):
    """A project without the trend/alert hooks (tests/test_streams_alerts.py runs them)."""
    p = Project.init(tmp_path / "proj", settings=Settings(run_hooks=False))
    yield p
    p.close()


def _events() -> list[dict]:
    return [orjson.loads(line) for line in (DATA / "jetstream_sample.jsonl").read_bytes().splitlines() if line]


def test_jetstream_post_event_maps_every_field() -> None:
    row, why, langs = event_to_row(_events()[0])
    assert why is None and langs == ["en"]
    assert row["post_id"] == "bluesky:at://did:plc:abc123/app.bsky.feed.post/3lbpost1"
    assert row["author"] == "did:plc:abc123" and row["platform"] == "bluesky"
    assert row["created_at"] == datetime(2025, 11, 23, 12, 0, tzinfo=UTC)
    assert row["hashtags"] == ["hongkong"]
    assert row["urls"] == ["https://example.com/story"]
    assert row["reply_to"] == "bluesky:at://did:plc:parent/app.bsky.feed.post/3lparent"
    assert row["quote_of"] == "bluesky:at://did:plc:q/app.bsky.feed.post/3lquoted"
    assert row["lang"] == "en" and row["text"].startswith("Rally in Hong Kong")


def test_jetstream_repost_and_skips() -> None:
    ev = _events()
    row, _, _ = event_to_row(ev[1])
    assert row["post_id"] == "bluesky:at://did:plc:def456/app.bsky.feed.repost/3lrepost1"
    assert row["repost_of"] == "bluesky:at://did:plc:abc123/app.bsky.feed.post/3lbpost1"
    assert [event_to_row(e)[1] for e in ev[2:6]] == ["like", "delete", "identity", "account"]
    zh, _, langs = event_to_row(ev[6])
    assert zh["hashtags"] == ["香港"] and zh["urls"] == ["https://news.example.hk/a/1"] and zh["lang"] == "zh-hant"
    assert langs == ["zh-Hant"]


def test_jetstream_rows_match_the_file_reader(project) -> None:
    """A post seen in a Jetstream export and live must get the same id, author and links."""
    pytest.importorskip("agorascope.sources.platforms.bluesky")
    project.ingest([DATA / "jetstream_sample.jsonl"], format="bluesky-jetstream")
    from_file = project.store.query("SELECT post_id, author, text, hashtags, urls, reply_to, quote_of, repost_of "
                                    "FROM posts ORDER BY post_id").to_pylist()
    project.store.execute("DELETE FROM posts")
    rows = [r for r in (event_to_row(e)[0] for e in _events()) if r]
    project.ingest_batches([rows_to_batch(rows)], source="watch:bluesky")
    live = project.store.query("SELECT post_id, author, text, hashtags, urls, reply_to, quote_of, repost_of "
                               "FROM posts ORDER BY post_id").to_pylist()
    assert len(live) == 3
    assert live == from_file


def test_mastodon_status_and_boost() -> None:
    st = orjson.loads((DATA / "mastodon_sample.json").read_bytes())
    row, why = status_to_row(st[0], host="mastodon.example")
    assert why is None
    assert row["post_id"] == "mastodon:https://mastodon.example/users/bob/statuses/113000000000000002"
    assert row["author"] == "bob@mastodon.example"
    assert row["text"] == "Hong Kong #HongKong rally\nsecond line @carol\n\nread example.org/x & more"
    assert row["hashtags"] == ["hongkong"]
    assert row["urls"] == ["https://example.org/x?id=7"]
    assert row["reply_to"] == "mastodon:local:112999"
    assert (row["like_count"], row["repost_count"], row["reply_count"]) == (5, 3, 1)
    boost, _ = status_to_row(st[1], host="mastodon.example")
    assert boost["author"] == "dan@remote.example"
    assert boost["repost_of"] == row["post_id"]
    assert boost["text"] == "Hong Kong rally"


def test_html_to_text_drops_scripts_and_keeps_links() -> None:
    text, links = html_to_text('<p>a<script>x()</script> <a href="https://e.org/">e</a></p><p>b &lt;3</p>')
    assert text == "a e\n\nb <3"
    assert links == ["https://e.org/"]


@pytest.mark.parametrize("atom", [False, True])
def test_rss_and_atom_items(atom: bool) -> None:
    items = rss_items(3, start=datetime(2025, 1, 1, tzinfo=UTC))
    rows = parse_feed(rss_document(items, atom=atom), feed_url="http://127.0.0.1:1/feed.xml")
    # the feed file reader's conventions (tests/test_streams_parity.py): id = the normalised story link,
    # author = the outlet's host (not the byline "Desk", not the feed server)
    assert [r["post_id"] for r in rows] == [f"news:https://news.example/item/{i}" for i in range(3)]
    assert {r["platform"] for r in rows} == {"news"}
    assert rows[1]["text"] == "Headline item 1\n\nStory 1 about the harbour and housing."
    assert rows[1]["urls"] == ["https://news.example/item/1"]
    assert rows[2]["created_at"] == datetime(2025, 1, 1, 0, 0, 2, tzinfo=UTC)
    assert rows[0]["author"] == "news.example"


def test_post_filter_terms_languages_and_reposts() -> None:
    f = PostFilter(parse_terms("Hong Kong, 香港"), ["zh", "en"])
    assert f.keep({"post_id": "a", "text": "Hong kong rally"}, ["en-GB"])
    assert f.keep({"post_id": "b", "text": "今日香港"}, ["zh-Hant"])
    assert not f.keep({"post_id": "c", "text": "Hong Kong"}, ["de"])
    assert not f.keep({"post_id": "d", "text": "Hong Kong"}, [])  # no declared language, filter set
    assert not f.keep({"post_id": "e", "text": "Macau"}, ["en"])
    assert f.keep({"post_id": "f", "text": "", "hashtags": ["hongkong"]}, ["en"]) is False  # no space in tag
    assert f.keep({"post_id": "r1", "repost_of": "a"})
    assert not f.keep({"post_id": "r2", "repost_of": "c"})


def test_backoff_grows_with_bounded_jitter() -> None:
    b = Backoff(initial_s=1.0, max_s=8.0, factor=2.0, jitter=0.5, rng=random.Random(1))
    delays = [b.next_delay() for _ in range(6)]
    for d, base in zip(delays, [1, 2, 4, 8, 8, 8], strict=True):
        assert base * 0.5 <= d <= base
    assert len(set(delays)) == 6  # jittered
    b.reset()
    assert b.next_delay() <= 1.0


def test_retry_after_and_reset_headers() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("soon") is None
    assert parse_reset("2015-10-21T07:28:00Z", now=1445412475.0) == 5.0
    assert parse_reset("1445412480", now=1445412475.0) == 5.0


def test_keyword_and_language_filters_exact_counts(project) -> None:
    texts = ["Hong Kong protest today", "香港 news tonight", "nothing to see", "HONG KONG harbour", "Taipei rain"]
    langs = ["en", "zh", "en", "de", "en", "zh-Hant", ""]
    ev = jetstream_events(70, texts=texts, langs=langs, repost_every=10)
    # Expected from the generator's cycles: a post i has text i%5 and lang i%7; reposts follow their subject.
    want_track = want_both = 0
    kept: set[str] = set()
    for e in ev:
        c = e["commit"]
        if c["collection"].endswith("repost"):
            hit = c["record"]["subject"]["uri"] in kept
            want_track += hit
            want_both += hit
            continue
        i = int(c["rkey"][-8:])
        t, lang = texts[i % 5], langs[i % 7]
        on_topic = "hong kong" in t.lower() or "香港" in t
        want_track += on_topic
        if on_topic and lang.split("-")[0] in ("en", "zh") and lang:
            want_both += 1
            kept.add(f"at://{e['did']}/app.bsky.feed.post/{c['rkey']}")
    assert 0 < want_both < want_track < len(ev)
    with JetstreamReplay(ev) as srv:
        opts = WatchOptions(batch_seconds=0.1, idle_stop_s=0.8, max_seconds=20)
        rep = run_watch(project, JetstreamConnector(srv.url, track=["hong kong", "香港"], langs=["en", "zh"]),
                        options=opts)
    assert rep.stored == want_both
    assert rep.skipped == {"filtered": len(ev) - want_both}
    assert project.store.scalar("SELECT count(*) FROM posts") == want_both
    assert project.store.scalar("SELECT count(*) FROM posts WHERE repost_of IS NOT NULL") > 0
