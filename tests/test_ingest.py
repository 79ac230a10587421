"""Flat-file ingest: quarantine with line numbers, idempotent re-import, compression, mappings."""

from __future__ import annotations

import bz2
import gzip
import random
from pathlib import Path

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from agorascope.errors import ConfigError


def _good(i: int) -> bytes:
    return orjson.dumps({"id": i, "user": f"user{i % 50}", "date": f"2026-03-01T{i % 24:02d}:{i % 60:02d}:00Z",
                         "content": f"post {i} #Tag{i % 7} https://www.Example.com/p/{i}?utm_source=x",
                         "platform": "twitter"})


def _broken_file(path: Path, n: int = 3000, seed: int = 1) -> dict[int, str]:
    """~1 % broken lines of every kind; returns {line number: reason prefix}."""
    rnd = random.Random(seed)
    kinds = ["json", "timestamp", "id", "utf8", "nul", "huge"]
    lines, bad = [], {}
    for i in range(1, n + 1):
        if rnd.random() < 0.01 or i in (17, 18):
            kind = kinds[len(bad) % len(kinds)]
            if kind == "json":
                line, reason = b'{"id": %d, "user": "u", "date": ' % (100000 + i), "invalid JSON"
            elif kind == "timestamp":
                line = orjson.dumps({"id": 100000 + i, "user": "u", "date": "31/31/2026 99:99", "content": "x",
                                     "platform": "twitter"})
                reason = "missing or unparseable created_at"
            elif kind == "id":
                line, reason = orjson.dumps({"user": "u", "date": "2026-03-01", "content": "x",
                                             "platform": "twitter"}), "missing post_id"
            elif kind == "utf8":
                line = (b'{"id": %d, "user": "u", "date": "2026-03-01", "content": "bad \xff\xfe", '
                        b'"platform": "twitter"}' % (100000 + i))
                reason = "invalid UTF-8"
            elif kind == "nul":
                line = orjson.dumps({"id": 100000 + i, "user": "u", "date": "2026-03-01", "content": "a\x00b",
                                     "platform": "twitter"})
                reason = "NUL byte in text"
            else:
                line = orjson.dumps({"id": 100000 + i, "user": "u", "date": "2026-03-01", "content": "z" * 10_000_000,
                                     "platform": "twitter"})
                reason = "record over 2 MiB"
            bad[i] = reason
            lines.append(line)
        else:
            lines.append(_good(i))
    path.write_bytes(b"\n".join(lines) + b"\n")
    return bad


def test_broken_lines_quarantined_with_line_numbers_rest_imported(project, tmp_path):
    path = tmp_path / "broken.ndjson"
    bad = _broken_file(path)
    assert {r.split()[0] for r in bad.values()} >= {"invalid", "missing", "NUL", "record"}
    rep = project.ingest([path])
    assert rep.quarantined == len(bad)
    assert rep.imported == 3000 - len(bad)
    q = project.store.query("SELECT record, reason, excerpt FROM quarantine ORDER BY record").to_pylist()
    assert [r["record"] for r in q] == sorted(bad)
    for r in q:
        assert r["reason"].startswith(bad[r["record"]]), (r, bad[r["record"]])
        assert len(r["excerpt"]) <= 200 and "\x00" not in r["excerpt"]
    good_ids = {f"twitter:{i}" for i in range(1, 3001) if i not in bad}
    got = set(project.store.query("SELECT post_id FROM posts")["post_id"].to_pylist())
    assert got == good_ids
    # a re-run imports nothing twice; --force reads again from scratch: it adds no post, and its
    # quarantine (like its ledger counts) describes this read, replacing the earlier one
    assert project.ingest([path]).imported == 0
    again = project.ingest([path], force=True)
    assert (again.imported, again.duplicates, again.quarantined) == (0, 3000 - len(bad), len(bad))
    assert project.store.scalar("SELECT count(*) FROM quarantine") == len(bad)


def test_urls_hashtags_and_mentions_at_the_door(project, tmp_path):
    path = tmp_path / "a.ndjson"
    path.write_bytes(orjson.dumps({"id": "1", "user": "Alice", "date": "2026-03-01T10:00:00+02:00",
                                   "content": "hey @bob see https://WWW.Example.com/x?utm_source=a&id=3 #Dam #停电",
                                   "platform": "twitter"}) + b"\n")
    project.ingest([path])
    row = project.store.query("SELECT * FROM posts").to_pylist()[0]
    assert row["post_id"] == "twitter:1"
    assert row["text"] == "hey @user see https://WWW.Example.com/x?utm_source=a&id=3 #Dam #停电"
    assert row["urls"] == ["https://example.com/x?id=3"]
    assert row["domains"] == ["example.com"]
    assert row["hashtags"] == ["dam", "停电"]
    assert row["created_at"].isoformat() == "2026-03-01T08:00:00+00:00"
    assert row["author"] == project.pseudonym(["alice"], platform="twitter")[0]


def test_csv_with_bom_crlf_quoted_newlines_and_mapping(project, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(
        "\ufeffTweetID,User,Date,Content,Likes\r\n"
        '1,ann,2026-03-01 10:00,"two\r\nlines, one cell",5\r\n'
        "2,ben,2026-03-01 11:00,plain,\r\n"
        "3,ben,2026-03-01 12:00,too,many,cells\r\n".encode()
    )
    rep = project.ingest([path], mapping={"post_id": "TweetID", "author": "User", "created_at": "Date",
                                          "text": "Content", "like_count": "Likes"}, platform="facebook")
    assert (rep.imported, rep.quarantined) == (2, 1)
    rows = project.store.query("SELECT post_id, text, like_count FROM posts ORDER BY post_id").to_pylist()
    assert rows == [{"post_id": "facebook:1", "text": "two\r\nlines, one cell", "like_count": 5},
                    {"post_id": "facebook:2", "text": "plain", "like_count": None}]
    reason = project.store.scalar("SELECT reason FROM quarantine")
    assert "too many columns" in reason


def test_mapping_errors_say_what_to_do(project, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(ConfigError, match="--map post_id=COLUMN"):
        project.ingest([path], platform="x")
    with pytest.raises(ConfigError, match="not found"):
        project.ingest([path], mapping={"post_id": "nope"}, platform="x")


@pytest.mark.parametrize("comp", ["gz", "zst", "bz2"])
def test_compressed_inputs_are_transparent(project, tmp_path, comp):
    raw = b"\n".join(_good(i) for i in range(1, 201)) + b"\n"
    path = tmp_path / f"posts.ndjson.{comp}"
    data = {"gz": gzip.compress, "bz2": bz2.compress, "zst": zstandard.ZstdCompressor().compress}[comp](raw)
    path.write_bytes(data)
    rep = project.ingest([path])
    assert (rep.imported, rep.files[0].format) == (200, "ndjson")
    csvp = tmp_path / f"posts.csv.{comp}"
    csv_raw = b"id,user,date,text\n" + b"".join(b"c%d,u%d,2026-03-02,hello %d\n" % (i, i, i) for i in range(50))
    csvp.write_bytes({"gz": gzip.compress, "bz2": bz2.compress, "zst": zstandard.ZstdCompressor().compress}[comp](
        csv_raw))
    assert project.ingest([csvp], platform="news").imported == 50


def test_parquet_own_export_round_trip_keeps_pseudonyms(project, tmp_path):
    path = tmp_path / "a.ndjson"
    path.write_bytes(b"\n".join(_good(i) for i in range(1, 101)) + b"\n")
    project.ingest([path])
    out = tmp_path / "out.parquet"
    assert project.export(out) == 100
    assert pq.read_schema(out).metadata[b"agorascope.pseudonymised"] == b"true"
    from agorascope import Project

    other = Project.init(tmp_path / "other")
    try:
        assert other.ingest([out]).imported == 100
        a = project.store.query("SELECT post_id, author FROM posts ORDER BY post_id")
        b = other.store.query("SELECT post_id, author FROM posts ORDER BY post_id")
        assert a.equals(b)
    finally:
        other.close()
    csv_out = tmp_path / "out.csv"
    assert project.export(csv_out) == 100
    assert csv_out.read_text().count("\n") == 101


def test_metacharacters_import_verbatim_and_harmlessly(project, tmp_path):
    evil = ["Robert'); DROP TABLE posts;--", '"; rm -rf / #', "$(reboot)", "`id`", "a\\'b", "%s%d{0}",
            "<script>alert(1)</script>", "' OR '1'='1"]
    rows = [{"id": f"e{i}'--", "user": h, "date": "2026-03-01T00:00:00Z", "content": h, "platform": "x'; --"}
            for i, h in enumerate(evil)]
    path = tmp_path / "evil.ndjson"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in rows) + b"\n")
    assert project.ingest([path]).imported == len(evil)
    got = project.store.query("SELECT post_id, text, platform FROM posts ORDER BY post_id").to_pylist()
    assert sorted(r["text"] for r in got) == sorted(evil)
    assert {r["platform"] for r in got} == {"x'; --"}
    assert "posts" in project.store.tables()
    pseud = project.pseudonym([evil[0]], platform="x'; --")[0]
    assert project.forget(pseudonym=pseud)["posts"] == 1


def test_directory_ingest_and_missing_file(project, tmp_path):
    d = tmp_path / "dir"
    d.mkdir()
    (d / "a.ndjson").write_bytes(b"\n".join(_good(i) for i in range(10)) + b"\n")
    (d / "b.ndjson").write_bytes(b"\n".join(_good(i) for i in range(10, 30)) + b"\n")
    (d / ".hidden").write_text("ignored")
    assert project.ingest([d]).imported == 30
    with pytest.raises(ConfigError, match="No such file"):
        project.ingest([tmp_path / "nope.csv"])


def test_batch_hook_sees_only_new_posts(project, tmp_path):
    from agorascope import pipeline

    seen: list[pa.RecordBatch] = []
    pipeline.BATCH_HOOKS.append(("test", lambda p, b: seen.append(b)))
    try:
        path = tmp_path / "a.ndjson"
        path.write_bytes(b"\n".join(_good(i) for i in [1, 2, 2, 3]) + b"\n")
        project.ingest([path])
        project.ingest([path], force=True)
    finally:
        pipeline.BATCH_HOOKS.remove(next(h for h in pipeline.BATCH_HOOKS if h[0] == "test"))
    ids = [i for b in seen for i in b.column("post_id").to_pylist()]
    assert ids == ["twitter:1", "twitter:2", "twitter:3"]


def test_retention_blanks_old_text_keeps_counts(project, tmp_path):
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    path = tmp_path / "old.ndjson"
    rows = [{"id": i, "user": "u", "date": (now - timedelta(days=10 if i % 3 == 0 else 100)).isoformat(),
             "content": f"text {i}", "platform": "news"} for i in range(30)]
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in rows) + b"\n")
    project.ingest([path], retention_days=40)  # applied at the end of the import
    assert project.store.scalar("SELECT count(*) FROM posts") == 30
    assert project.store.scalar("SELECT count(*) FROM posts WHERE text IS NULL") == 20
    # later, evaluated at a future "now", the recent posts expire too
    assert project.apply_retention(now=now + timedelta(days=45)) == {"old.ndjson": 10}
    assert project.store.scalar("SELECT count(*) FROM posts WHERE text IS NULL") == 30
    with pytest.raises(ConfigError, match="at least 1"):
        project.ingest([path], retention_days=0)


def test_zip_with_several_members_imports_each_member(project, tmp_path):
    import zipfile

    zpath = tmp_path / "bundle.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("a.ndjson", b"\n".join(_good(i) for i in range(10)) + b"\n")
        zf.writestr("sub/b.csv", "id,user,date,text,platform\n" + "".join(
            f"c{i},u{i},2026-03-02,hello {i},news\n" for i in range(7)))
        zf.writestr("__MACOSX/._a.ndjson", b"junk")
    rep = project.ingest([zpath])
    assert [f.format for f in rep.files] == ["ndjson", "csv"] and rep.imported == 17
    assert set(project.store.query("SELECT DISTINCT source FROM posts")["source"].to_pylist()) == {
        "bundle.zip:a.ndjson", "bundle.zip:sub/b.csv"}
    assert project.ingest([zpath]).imported == 0


def test_exact_chunks_regroup_without_splitting_a_record():
    """Reader chunks are regrouped into commits of exactly N posts (DuckDB row groups), but the
    posts of one record (a page of tweets) stay together and rejects follow their records."""
    from agorascope.ingest import _exact_chunks
    from agorascope.schema import conform
    from agorascope.sources.base import Chunk, Reject

    def chunk(records, rejects=(), end=None, skipped=0):
        b = conform(pa.table({"post_id": [f"x:{i}" for i in range(len(records))], "record": records}))
        return Chunk(posts=b, rejects=list(rejects), skipped=skipped, records_end=end or max(records))

    reader = [chunk([1, 2, 3], [Reject(4, "bad")], end=4, skipped=1), chunk([5, 5, 5, 6]),
              chunk([7, 8], [Reject(9, "bad")], end=9), chunk([10, 11, 12, 13, 14])]
    out = list(_exact_chunks(reader, 4))
    assert [c.posts.column("record").to_pylist() for c in out] == [
        [1, 2, 3], [5, 5, 5, 6], [7, 8, 10, 11], [12, 13, 14]]  # never cut inside record 5
    assert [c.records_end for c in out] == [3, 6, 11, 14]
    assert [[r.record for r in c.rejects] for c in out] == [[], [4], [9], []]
    assert sum(c.skipped for c in out) == 1
    assert sum(c.posts.num_rows for c in out) == 14


def test_read_ahead_stops_and_closes_its_source_when_the_consumer_stops():
    import threading

    from agorascope._ahead import run_ahead

    closed = threading.Event()

    def source():
        try:
            yield from range(1_000_000)
        finally:
            closed.set()

    got = []
    for item in run_ahead(source(), name="agorascope-read-ahead"):
        got.append(item)
        if len(got) == 3:
            break
    assert got == [0, 1, 2]
    assert closed.wait(5), "the reader generator was left open"
    # leaving the loop closed the read-ahead generator, which stopped and joined its thread
    assert not any(t.name == "agorascope-read-ahead" and t.is_alive() for t in threading.enumerate())

    def failing():
        yield 1
        raise ValueError("bad block")

    with pytest.raises(ValueError, match="bad block"):
        list(run_ahead(failing(), name="agorascope-read-ahead"))


def _csv_with_bad_rows(path, n=300, unparsed=(5, 50, 51, 200), bad_dates=(6, 52, 120, 250, 301)):
    """A CSV whose data rows are rows 2..n+1; some rows DuckDB cannot parse (an extra column),
    some parse but fail validation (a date that is no date). Returns (unparsed, bad_dates)."""
    lines = ["id,user,date,text,platform"]
    for row in range(2, n + 2):
        if row in unparsed:
            lines.append(f'{row},u{row},2026-03-01T10:00:00Z,"too",many,columns,twitter')
        elif row in bad_dates:
            lines.append(f'{row},u{row},not a date,"bad, date",twitter')
        else:
            lines.append(f'{row},u{row},2026-03-01T10:00:00Z,"post, {row}",twitter')
    path.write_text("\n".join(lines) + "\n")
    return set(unparsed), set(bad_dates)



def _quarantine(project) -> dict[int, str]:
    t = project.store.query("SELECT record, reason FROM quarantine")
    return dict(zip(t["record"].to_pylist(), t["reason"].to_pylist(), strict=True))


def test_csv_quarantine_gives_row_numbers_for_every_bad_row(tmp_path):
    """Rows DuckDB cannot parse are only known after the scan, while validation failures are
    quarantined chunk by chunk: every one must end up under its own row number, none lost to a
    number another took (the parsed position of row 12 after one unparsed row is 11)."""
    from agorascope import Project
    from agorascope.config import load_settings

    path = tmp_path / "bad.csv"
    unparsed, bad_dates = _csv_with_bad_rows(path)
    proj = tmp_path / "proj"
    p = Project.init(proj, settings=load_settings(flags={"project": str(proj), "batch_rows": 64}))
    try:
        rep = p.ingest([path])
        assert (rep.imported, rep.quarantined) == (300 - 9, 9)
        got = _quarantine(p)
        assert {r for r, why in got.items() if why.startswith("malformed CSV row")} == unparsed
        assert {r for r, why in got.items() if "created_at" in why} == bad_dates
        stored = {int(x) for x in p.store.query("SELECT split_part(post_id, ':', 2) AS n FROM posts")["n"].to_pylist()}
        assert stored == set(range(2, 302)) - unparsed - bad_dates
        # Read again from scratch: the same rows under the same numbers, nothing doubled.
        rep = p.ingest([path], force=True)
        assert (rep.imported, rep.duplicates, rep.quarantined) == (0, 291, 9)
        assert _quarantine(p) == got
    finally:
        p.close()


def test_csv_row_numbers_survive_an_interrupted_import(tmp_path):
    """Killed after two chunks (their validation failures committed under parsed positions),
    then resumed: the final translation covers the earlier run's rows too."""
    from agorascope import Project
    from agorascope.config import load_settings

    path = tmp_path / "bad.csv"
    unparsed, bad_dates = _csv_with_bad_rows(path)
    proj = tmp_path / "proj"
    p = Project.init(proj, settings=load_settings(flags={"project": str(proj), "batch_rows": 64}))
    calls = []

    def crash(records, imported):
        calls.append(records)
        if len(calls) == 2:
            raise KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt):
            p.ingest([path], progress=crash)
        assert 0 < p.store.scalar("SELECT count(*) FROM quarantine") < 5  # some validation failures so far
        rep = p.ingest([path])
        assert rep.files[0].resumed_from > 0
        got = _quarantine(p)
        assert {r for r, why in got.items() if why.startswith("malformed CSV row")} == unparsed
        assert {r for r, why in got.items() if "created_at" in why} == bad_dates
        assert p.store.scalar("SELECT count(*) FROM posts") == 300 - 9
    finally:
        p.close()


def test_parsed_positions_translate_to_rows():
    from agorascope.sources.base import parsed_to_row_numbers

    # Rows 2..12 with 5, 6 and 9 unparsed: parsed rows are 2 3 4 7 8 10 11 12.
    got = parsed_to_row_numbers(np.arange(2, 10), np.array([5, 6, 9]))
    assert got.tolist() == [2, 3, 4, 7, 8, 10, 11, 12]
