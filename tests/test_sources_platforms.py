"""Platform formats: exact counts per sample file, auto-detection (compressed or not), mixed folders."""

from __future__ import annotations

import bz2
import gzip
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from agorascope import sources
from agorascope.errors import FormatNotDetected
from agorascope.project import Project

DATA = Path(__file__).parent / "data" / "sources"


def T(s: str) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=UTC)


# file: (format, posts, reposts, replies, quotes, skipped, quarantined, authors, hashtags, domains, first, last)
EXPECTED = {
    "twarc2/search.jsonl": (
        "twarc2", 7, 1, 1, 1, 1, 2, 5, {"flood", "eastriver", "香港", "فيضان", "наводнение", "बाढ़"},
        {"example-news.org", "twitter.com", "t.me", "news.example.in"}, "2024-03-01T08:00:00", "2024-03-03T06:30:00"),
    "twarc2/flat.jsonl": (
        "twarc2-flat", 3, 1, 1, 0, 0, 1, 2, {"台風", "태풍"}, {"jma.go.jp"}, "2024-04-01T00:00:00",
        "2024-04-01T02:00:00"),
    "twitter/v1.jsonl": (
        "twitter-v1", 4, 1, 1, 1, 2, 1, 3, {"elections2024", "élections2024", "εκλογές"}, {"bit.ly"},
        "2024-03-06T10:00:00", "2024-03-06T13:30:00"),
    "bluesky/jetstream.jsonl": (
        "bluesky-jetstream", 5, 1, 1, 1, 5, 2, 4, {"wildfire", "smoke", "waldbrand", "incendio"},
        {"example.com", "noticias.example.es"}, "2024-04-25T00:00:00", "2024-04-25T01:00:00"),
    "bluesky/feed.json": (
        "bluesky-appview", 4, 1, 1, 1, 0, 1, 3, {"地震", "землетрус"}, {"quake.example.jp"}, "2024-05-01T03:00:00",
        "2024-05-01T04:00:00"),
    "mastodon/statuses.json": (
        "mastodon", 4, 1, 2, 0, 0, 1, 3, {"canicule", "hitzewelle"}, {"meteo.example.fr", "weather.example.ru"},
        "2024-06-01T10:00:00", "2024-06-01T12:00:00"),
    "reddit/RC_sample.ndjson": (
        "reddit", 4, 1, 2, 0, 2, 1, 3, {"staysafe"}, {"reuters.example", "city.example.gov"}, "2024-06-01T00:00:00",
        "2024-06-01T03:00:00"),
    "telegram/result.json": (
        "telegram", 4, 0, 1, 0, 2, 2, 1, {"шторм", "новини"}, {"meteo.example.ua", "news.example.com"},
        "2024-07-01T12:00:00", "2024-07-01T15:00:00"),
    "youtube/commentThreads.json": (
        "youtube", 3, 0, 3, 0, 1, 1, 3, {"news", "भारत"}, {"youtu.be"}, "2024-08-01T09:00:00", "2024-08-02T00:00:00"),
    "youtube/videos.jsonl": (
        "youtube", 2, 0, 0, 0, 0, 0, 2, {"news"}, {"gov.example"}, "2024-07-31T20:00:00", "2024-08-01T20:00:00"),
    "meta/crowdtangle.csv": (
        "crowdtangle", 3, 0, 0, 0, 0, 2, 3, {"inundaciones", "颱風", "sunset"},
        {"diario.example.mx", "news.example.tw"},
        "2024-09-01T12:00:00", "2024-09-02T22:00:00"),
    "meta/mcl_facebook.csv": (
        "meta-content-library", 3, 0, 0, 0, 0, 1, 2, {"debate2024", "ψηφοφορία"}, {"tvp.example.pl"},
        "2024-10-01T08:00:00", "2024-10-01T10:00:00"),
    "zeeschuimer/items.ndjson": (
        "zeeschuimer", 4, 1, 0, 0, 2, 1, 4, {"fyp", "tanz", "brunch", "sãopaulo", "traffic"}, {"traffic.example.nl"},
        "2024-10-27T00:00:00", "2024-10-27T02:30:00"),
    "fourcat/dataset.csv": (
        "4cat-csv", 2, 0, 1, 0, 0, 2, 2, {"mietendeckel"}, {"stats.example.de"}, "2024-11-01T10:00:00",
        "2024-11-01T11:00:00"),
    "fourcat/dataset.ndjson": (
        "4cat-ndjson", 2, 0, 1, 0, 0, 1, 2, {"новости"}, {"example.org"}, "2024-11-02T08:00:00",
        "2024-11-02T09:00:00"),
    "news/feed.rss": (
        "rss", 2, 0, 0, 0, 0, 1, 1, {"storm"}, {"omroep.example.nl"}, "2024-12-02T08:00:00", "2024-12-02T12:00:00"),
    "news/feed.atom": (
        "rss", 2, 0, 0, 0, 0, 0, 1, {"雾霾"}, {"news.example.cn"}, "2024-12-02T22:00:00", "2024-12-03T00:00:00"),
    "news/mediacloud.csv": (
        "mediacloud", 2, 0, 0, 0, 0, 1, 2, set(), {"bbc.example.co.uk", "lemonde.example.fr"}, "2024-12-04T07:00:00",
        "2024-12-04T08:30:00.123456"),
}


def _stats(p: Project) -> dict[str, object]:
    row = p.store.query(
        "SELECT count(*) AS posts, count(repost_of) AS reposts, count(reply_to) AS replies, count(quote_of) AS quotes,"
        " count(DISTINCT author) AS authors, min(created_at) AS first, max(created_at) AS last FROM posts"
    ).to_pylist()[0]
    row["hashtags"] = set(p.store.query("SELECT DISTINCT unnest(hashtags) AS h FROM posts")["h"].to_pylist())
    row["domains"] = set(p.store.query("SELECT DISTINCT unnest(domains) AS d FROM posts")["d"].to_pylist())
    return row


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_counts(name: str, tmp_path: Path) -> None:
    fmt, posts, reposts, replies, quotes, skipped, quarantined, authors, tags, doms, first, last = EXPECTED[name]
    with Project.init(tmp_path / "p") as p:
        rep = p.ingest([DATA / name])
        f = rep.files[0]
        assert f.format == fmt
        assert (f.skipped, f.quarantined) == (skipped, quarantined)
        got = _stats(p)
        assert (got["posts"], got["reposts"], got["replies"], got["quotes"], got["authors"]) == (
            posts, reposts, replies, quotes, authors)
        assert got["hashtags"] == tags
        assert got["domains"] == doms
        assert got["first"] == T(first) and got["last"] == T(last)
        # every quarantined record names its line/record and a reason
        q = p.store.query("SELECT record, reason FROM quarantine").to_pylist()
        assert len(q) == quarantined and all(r["record"] >= 1 and r["reason"] for r in q)
        # no raw handle reaches the store
        assert p.store.scalar("SELECT count(*) FROM posts WHERE author IN ('9001', 'river_fan', 'did:plc:alice111',"
                              " 'channel1234567890', 'anna@social.example', 'UCaaa')") == 0


def _compress(src: Path, dst_dir: Path, kind: str) -> Path:
    if kind == "plain":
        return src
    out = dst_dir / f"{src.name}.{kind}"
    data = src.read_bytes()
    if kind == "gz":
        out.write_bytes(gzip.compress(data))
    elif kind == "bz2":
        out.write_bytes(bz2.compress(data))
    elif kind == "zst":
        import zstandard

        out.write_bytes(zstandard.ZstdCompressor().compress(data))
    elif kind == "zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(src.name, data)
    return out


@pytest.mark.parametrize("kind", ["plain", "gz", "zst", "bz2", "zip"])
def test_detect_every_sample(kind: str, tmp_path: Path) -> None:
    """Like sqlite-utils' test_sniff: one answer per file, whatever the compression."""
    for name, exp in EXPECTED.items():
        path = _compress(DATA / name, tmp_path, kind)
        det = sources.detect(path)
        assert det.format == exp[0], (name, kind, det.candidates)
        assert det.confidence >= 0.7
        # the runner-up is far behind: no other platform format claims the file
        assert det.candidates[1][1] <= 0.4, (name, det.candidates)


def test_compressed_reddit_dump_imports_the_same(tmp_path: Path) -> None:
    path = _compress(DATA / "reddit/RC_sample.ndjson", tmp_path, "zst")
    with Project.init(tmp_path / "p") as p:
        rep = p.ingest([path])
        assert (rep.imported, rep.skipped, rep.quarantined) == (4, 2, 1)


def test_mixed_folder_in_one_command(tmp_path: Path) -> None:
    from agorascope.cli import app

    folder = tmp_path / "exports"
    for i, name in enumerate(sorted(EXPECTED)):
        kind = ["plain", "gz", "zst", "bz2", "zip"][i % 5]
        sub = folder / name.split("/")[0]
        sub.mkdir(parents=True, exist_ok=True)
        shutil.copy(_compress(DATA / name, tmp_path, kind) if kind != "plain" else DATA / name, sub)
    proj = str(tmp_path / "proj")
    runner = CliRunner()
    assert runner.invoke(app, ["--project", proj, "init"]).exit_code == 0
    res = runner.invoke(app, ["--project", proj, "ingest", str(folder), "--json"])
    assert res.exit_code == 0, res.output
    rep = orjson.loads(res.stdout)
    by_file = {Path(f["path"]).name: f for f in rep["files"]}
    assert len(by_file) == len(EXPECTED)
    for name, exp in EXPECTED.items():
        f = next(v for k, v in by_file.items() if k.startswith(Path(name).name))
        assert f["format"] == exp[0] and f["confidence"] >= 0.7
    # the samples' post ids do not overlap except the one duplicate inside the AppView feed
    assert rep["imported"] == sum(e[1] for e in EXPECTED.values())
    assert rep["skipped"] == sum(e[5] for e in EXPECTED.values())
    assert rep["quarantined"] == sum(e[6] for e in EXPECTED.values())


def test_unknown_file_names_candidates_and_format_flag(tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("just some words\nnothing structured here\n")
    with pytest.raises(FormatNotDetected) as exc:
        sources.detect(odd)
    assert "--format" in str(exc.value) and "twarc2" in str(exc.value)


def test_ambiguous_file_names_both_and_format_flag(tmp_path: Path) -> None:
    # half Jetstream events, half Reddit comments: neither format is sure, and they tie
    j = (DATA / "bluesky/jetstream.jsonl").read_text().splitlines()[:2]
    r = (DATA / "reddit/RC_sample.ndjson").read_text().splitlines()[1:3]
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("\n".join([j[0], r[0], j[1], r[1]]) + "\n")
    with pytest.raises(FormatNotDetected) as exc:
        sources.detect(mixed)
    msg = str(exc.value)
    assert "bluesky-jetstream" in msg and "reddit" in msg and "--format" in msg


def test_cli_error_for_unknown_file_is_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    odd = tmp_path / "blob.bin"
    odd.write_bytes(b"\x00\x01binary\xff" * 10)
    proj = str(tmp_path / "proj")
    Project.init(proj).close()
    r = subprocess.run([sys.executable, "-m", "agorascope", "--project", proj, "ingest", str(odd), "--json"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    err = orjson.loads(r.stdout)["error"]
    assert err["type"] == "FormatNotDetected"
    assert "--format" in err["message"] and "blob.bin" in err["message"]
    assert "Traceback" not in r.stderr


def test_forced_format_reads_a_file_auto_cannot_place(tmp_path: Path) -> None:
    # a Jetstream file whose head is all likes still imports with --format
    src = (DATA / "bluesky/jetstream.jsonl").read_text().splitlines()
    path = tmp_path / "jet.jsonl"
    path.write_text("\n".join(src) + "\n")
    with Project.init(tmp_path / "p") as p:
        rep = p.ingest([path], format="bluesky-jetstream")
        assert rep.imported == 5


@pytest.mark.parametrize("name,fmt", [("mastodon/statuses.json", "mastodon"), ("telegram/result.json", "telegram"),
                                      ("youtube/commentThreads.json", "youtube"),
                                      ("bluesky/feed.json", "bluesky-appview")])
def test_detect_documents_longer_than_the_sniffed_head(name: str, fmt: str, tmp_path: Path) -> None:
    """A pretty-printed document over 64 KiB is judged on its cut-off head alone."""
    import json

    doc = json.loads((DATA / name).read_text(encoding="utf-8"))
    key = {"mastodon": None, "telegram": "messages", "youtube": "items", "bluesky-appview": "feed"}[fmt]
    items = doc if key is None else doc[key]
    items.extend(list(items) * 300)
    big = tmp_path / Path(name).name
    big.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    assert big.stat().st_size > 128 * 1024
    det = sources.detect(big)
    assert det.format == fmt and det.confidence >= 0.7, det.candidates
