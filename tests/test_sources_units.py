"""Mapping details of the platform formats: texts, links, ids, authors, chunking and resume."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agorascope import sources
from agorascope.project import Project
from agorascope.sources._html import html_to_text
from agorascope.sources.base import ReadOptions
from agorascope.sources.platforms._common import norm_url
from agorascope.sources.platforms.meta import ct_time
from agorascope.urls import normalise_url

DATA = Path(__file__).parent / "data" / "sources"


def _rows(fmt: str, name: str, **opts: object) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for ch in sources.get(fmt).read(DATA / name, options=ReadOptions(**opts)):  # type: ignore[arg-type]
        out.extend(ch.posts.to_pylist())
    return out


def _by_id(rows: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(r["post_id"]): r for r in rows}


_URL_PARTS = st.sampled_from(["http://", "https://", "HTTPS://", "ftp://", "", "http://user@"])
_HOSTS = st.sampled_from(["Example.com", "www.example.org", "WWW.News.Example.in", "a.b.c.", "host:8080",
                          "host:443", "[::1]", "xn--bcher-kva.example", "bad host", "",
                          "tëst.example"])
_PATHS = st.sampled_from(["", "/", "/a/b/", "/A%20b", "/x?utm_source=a", "/x?utm_source=a&id=3",
                          "/x?fbclid=1&gclid=2", "/x?q=a%20b&utm_medium=m", "/p#frag", "/p?&", "/p?=x",
                          "/p?s=1", "/x).", "/y…", "/p?utm%5Fsource=a"])


@given(_URL_PARTS, _HOSTS, _PATHS)
@settings(max_examples=300, deadline=None)
def test_fast_url_normaliser_agrees_with_the_reference(scheme: str, host: str, path: str) -> None:
    url = f"{scheme}{host}{path}"
    norm_url.cache_clear()
    assert norm_url(url) == normalise_url(url)


def test_tco_links_are_replaced_by_expanded_urls_and_media_links_dropped() -> None:
    rows = _by_id(_rows("twarc2", "twarc2/search.jsonl"))
    every = [u for r in rows.values() for u in r["urls"]]  # type: ignore[union-attr]
    assert not [u for u in every if "t.co/" in u]
    assert rows["twitter:1500000000000000001"]["urls"] == ["https://example-news.org/story/1?id=7"]
    assert rows["twitter:1500000000000000005"]["urls"] == []  # media-only post: the photo link is not a URL
    assert rows["twitter:1500000000000000008"]["urls"] == ["http://news.example.in/a/b/"]


def test_retweet_gets_the_originals_full_text_and_no_copied_metrics() -> None:
    rows = _by_id(_rows("twarc2", "twarc2/search.jsonl"))
    rt = rows["twitter:1500000000000000002"]
    orig = rows["twitter:1500000000000000001"]
    assert rt["repost_of"] == "twitter:1500000000000000001"
    assert rt["text"] == orig["text"] and not str(rt["text"]).startswith("RT @")
    assert rt["hashtags"] == ["flood", "eastriver"]  # not the truncated "flo"
    assert rt["like_count"] is None and orig["like_count"] == 10 and orig["view_count"] == 500
    long = rows["twitter:1500000000000000006"]
    assert str(long["text"]).endswith("#Наводнение https://t.co/ddd") and long["hashtags"] == ["наводнение"]


def test_v1_extended_tweet_and_retweet_text() -> None:
    rows = _by_id(_rows("twitter-v1", "twitter/v1.jsonl"))
    full = rows["twitter:1700000000000000001"]
    assert "full text here #Elections2024" in str(full["text"])
    assert full["urls"] == ["https://bit.ly/3abc"]
    assert rows["twitter:1700000000000000002"]["text"] == full["text"]
    assert rows["twitter:1700000000000000003"]["quote_of"] == "twitter:1700000000000000001"


def test_twitter_author_is_the_user_id_in_every_format(tmp_path: Path) -> None:
    with Project.init(tmp_path / "p") as p:
        p.ingest([DATA / "twarc2/search.jsonl", DATA / "twitter/v1.jsonl", DATA / "zeeschuimer/items.ndjson"])
        rows = p.store.query("SELECT post_id, author FROM posts WHERE platform = 'twitter'").to_pylist()
        got = {r["post_id"]: r["author"] for r in rows}
        assert got["twitter:1500000000000000001"] == p.pseudonym(["9001"], platform="twitter")[0]
        assert got["twitter:1700000000000000001"] == p.pseudonym(["9201"], platform="twitter")[0]
        assert got["twitter:1800000000000000001"] == p.pseudonym(["9301"], platform="twitter")[0]


def test_bluesky_links_resolve_between_posts_and_reposts() -> None:
    rows = _by_id(_rows("bluesky-jetstream", "bluesky/jetstream.jsonl"))
    root = "bluesky:at://did:plc:alice111/app.bsky.feed.post/3kabc1"
    assert root in rows
    assert rows["bluesky:at://did:plc:bob222/app.bsky.feed.repost/3krep1"]["repost_of"] == root
    assert rows["bluesky:at://did:plc:carol333/app.bsky.feed.post/3kr1"]["reply_to"] == root
    assert rows["bluesky:at://did:plc:dave444/app.bsky.feed.post/3kq1"]["quote_of"] == root
    assert rows[root]["author"] == "did:plc:alice111" and rows[root]["lang"] == "en"
    ext = rows["bluesky:at://did:plc:bob222/app.bsky.feed.post/3kx1"]
    assert ext["urls"] == ["https://noticias.example.es/incendio?page=2"]


def test_mastodon_html_becomes_plain_text() -> None:
    text, links = html_to_text('<p>a &amp; b<br>c</p><p><a href="https://x.example/1" rel="nofollow">'
                            '<span class="invisible">https://</span>x.example/1</a> '
                            '<a href="https://s.example/tags/t" class="mention hashtag" rel="tag">#t</a></p>')
    assert text == "a & b\nc\n\nhttps://x.example/1 #t"
    assert links == ["https://x.example/1"]
    rows = _by_id(_rows("mastodon", "mastodon/statuses.json"))
    reply = rows["mastodon:https://third.example/users/carla/statuses/9"]
    assert reply["reply_to"] == "mastodon:https://social.example/users/anna/statuses/111"
    assert reply["author"] == "carla@third.example"
    assert rows["mastodon:https://social.example/users/anna/statuses/114"]["reply_to"] == "mastodon:local:999"
    assert str(rows["mastodon:https://social.example/users/anna/statuses/114"]["text"]).startswith("погода\n\n")


def test_telegram_entity_text_and_reactions() -> None:
    rows = _by_id(_rows("telegram", "telegram/result.json"))
    m2 = rows["telegram:1234567890/2"]
    assert m2["text"] == "Шторм наближається #шторм деталі: https://meteo.example.ua/storm?utm_source=tg"
    assert m2["urls"] == ["https://meteo.example.ua/storm"] and m2["like_count"] == 7
    assert rows["telegram:1234567890/3"]["reply_to"] == "telegram:1234567890/2"
    assert rows["telegram:1234567890/5"]["text"] == ""  # a photo without caption is still a post


def test_crowdtangle_times_and_quoted_newlines() -> None:
    assert ct_time("2024-09-01 08:00:00 EDT") == "2024-09-01T08:00:00-04:00"
    assert ct_time("2024-01-01 8:00 EST") == "2024-01-01T08:00:00-05:00"
    rows = _rows("crowdtangle", "meta/crowdtangle.csv")
    first = rows[0]
    assert first["text"] == 'Inundaciones en la costa #Inundaciones\r\nMás información en el enlace, "urgente"'
    assert first["record"] == 2 and rows[1]["record"] == 4  # the quoted newline spans line 3
    assert {r["platform"] for r in rows} == {"facebook", "instagram"}


def test_youtube_replies_point_at_video_and_parent() -> None:
    rows = _by_id(_rows("youtube", "youtube/commentThreads.json"))
    assert rows["youtube:Ugx1"]["reply_to"] == "youtube:vid00000001"
    assert rows["youtube:Ugx1"]["reply_count"] == 1
    assert rows["youtube:Ugx1.r1"]["reply_to"] == "youtube:Ugx1"
    assert rows["youtube:Ugx2"]["text"] == "बहुत बढ़िया वीडियो & #भारत"
    vids = _by_id(_rows("youtube", "youtube/videos.jsonl"))
    assert vids["youtube:vid00000001"]["view_count"] == 12345


@pytest.mark.parametrize("fmt,name", [("twarc2", "twarc2/search.jsonl"),
                                      ("bluesky-jetstream", "bluesky/jetstream.jsonl"),
                                      ("crowdtangle", "meta/crowdtangle.csv"), ("telegram", "telegram/result.json")])
def test_chunks_are_bounded_and_resume_skips_done_records(fmt: str, name: str) -> None:
    full = _rows(fmt, name)
    chunks = list(sources.get(fmt).read(DATA / name, options=ReadOptions(batch_rows=2)))
    assert all(c.posts.num_rows <= 2 for c in chunks)
    ends = [c.records_end for c in chunks]
    assert ends == sorted(ends)
    assert sum(c.posts.num_rows for c in chunks) == len(full)
    # resuming after any chunk's records_end yields exactly the posts of later records
    for c in chunks:
        rest = _rows(fmt, name, start_record=c.records_end)
        assert [r["post_id"] for r in rest] == [r["post_id"] for r in full if r["record"] > c.records_end]


def test_a_page_larger_than_batch_rows_is_cut_without_losing_posts_on_resume() -> None:
    chunks = list(sources.get("twarc2").read(DATA / "twarc2/search.jsonl", options=ReadOptions(batch_rows=2)))
    first = chunks[0]  # two of page 1's three tweets: it may only claim the records before page 1
    assert first.posts.num_rows == 2 and first.records_end == 0


def test_zip_archive_and_bom_lines(tmp_path: Path) -> None:
    import zipfile

    lines = (DATA / "reddit/RC_sample.ndjson").read_bytes()
    z = tmp_path / "dump.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("__MACOSX/._RC.ndjson", b"junk")
        zf.writestr("RC.ndjson", b"\xef\xbb\xbf" + lines)
    assert sources.detect(z).format == "reddit"
    assert len(_rows_path("reddit", z)) == 4


def _rows_path(fmt: str, path: Path) -> list[dict[str, object]]:
    return [r for ch in sources.get(fmt).read(path, options=ReadOptions()) for r in ch.posts.to_pylist()]


def test_truncated_compressed_file_is_a_clean_source_error(tmp_path: Path) -> None:
    import gzip

    from agorascope.errors import SourceError

    data = gzip.compress((DATA / "bluesky/jetstream.jsonl").read_bytes() * 50)
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError, match="truncated"):
        _rows_path("bluesky-jetstream", cut)


def test_sample_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    """The committed samples and make_samples.py agree (regenerate both together)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_samples", DATA / "make_samples.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    mod.HERE = tmp_path
    mod.twarc2()
    mod.telegram()
    assert (tmp_path / "twarc2/search.jsonl").read_bytes() == (DATA / "twarc2/search.jsonl").read_bytes()
    assert orjson.loads((tmp_path / "telegram/result.json").read_bytes()) == orjson.loads(
        (DATA / "telegram/result.json").read_bytes())


def test_counts_parse_clean_and_messy_spellings():
    import pyarrow as pa

    from agorascope.sources._convert import to_int64

    assert to_int64(pa.array(["1", "2", None])).to_pylist() == [1, 2, None]
    messy = pa.array(["1,234", " 5 ", "3.0", "x", "", None, "99999999999999999999"])
    assert to_int64(messy).to_pylist() == [1234, 5, 3, None, None, None, None]
