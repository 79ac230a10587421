"""The DuckDB fast path for NDJSON gives exactly what the line-by-line path gives, and hands
over to it, without losing or repeating a line, at the first thing it cannot vouch for."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pyarrow as pa
import pytest

import agorascope.sources._ndjson_duckdb as fastmod
import agorascope.sources.flat as flat
from agorascope.sources._io import MAX_RECORD_BYTES
from agorascope.sources.base import ReadOptions
from agorascope.sources.flat import NDJSONSource


def _post(i: int, **extra: object) -> dict:
    row = {"id": str(1000 + i), "user": f"u{i % 37}", "date": f"2026-03-02T00:{i % 60:02d}:{i % 60:02d}Z",
           "text": f"post {i} about #topic{i % 5} https://ex{i % 3}.org/a?b={i}", "platform": "twitter",
           "hashtags": [f"topic{i % 5}"], "likes": i % 7}
    row.update(extra)
    return row


def _write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _read(path: Path, *, fast: bool, start: int = 0, mapping: dict | None = None, monkeypatch=None):
    """(rows as (record, post_id, author, created_at, text, hashtags, like_count), rejects, records_end)."""
    opts = ReadOptions(source="t", platform=None, mapping=mapping or {}, batch_rows=1000, start_record=start)
    if not fast:
        monkeypatch.setattr(flat, "read_fast", lambda *a: iter(()))
    rows, rejects, end = [], [], 0
    try:
        for chunk in NDJSONSource().read(path, options=opts):
            p = chunk.posts
            cols = [p.column(c).to_pylist() for c in
                    ("record", "post_id", "author", "created_at", "text", "hashtags", "like_count")]
            rows.extend(zip(*cols, strict=True))
            rejects.extend((r.record, r.reason.split(" (")[0]) for r in chunk.rejects)
            end = max(end, chunk.records_end)
    finally:
        if not fast:
            monkeypatch.undo()
    return rows, sorted(rejects), end


def _progress_of(path: Path, **kw: object) -> fastmod.FastProgress:
    progress = fastmod.FastProgress()
    opts = ReadOptions(**{"source": "t", "platform": None, "mapping": {}, "batch_rows": 1000, **kw})
    list(fastmod.read_fast(path, opts, progress))
    return progress


def test_clean_file_is_read_by_duckdb_and_matches_the_slow_path(tmp_path, monkeypatch):
    lines = [orjson.dumps(_post(i)) for i in range(5000)]
    lines[10] = b""  # blank lines, whitespace lines and CRLF keep their numbers
    lines[11] = b"   \t"
    lines[12] = orjson.dumps(_post(12)) + b"\r"
    path = _write(tmp_path / "a.ndjson", lines)
    progress = _progress_of(path)
    assert progress.finished and progress.stopped_because == ""
    assert progress.records_end == 5000
    fast = _read(path, fast=True)
    slow = _read(path, fast=False, monkeypatch=monkeypatch)
    assert fast == slow
    records = [r[0] for r in fast[0]]
    assert len(records) == 4998 and 11 not in records and 12 not in records and records[-1] == 5000
    assert fast[0][0][1:] == ("twitter:1000", "u0", fast[0][0][3], "post 0 about #topic0 https://ex0.org/a?b=0",
                              ["topic0"], 0)


def test_bad_lines_hand_over_to_the_slow_path_without_loss_or_repeat(tmp_path, monkeypatch):
    lines = [orjson.dumps(_post(i)) for i in range(6000)]
    lines[4499] = b'{"id": "broken", "text": '  # line 4500
    lines[5199] = b"[1, 2]"  # line 5200: not an object
    lines[5499] = b'{"id": "bad\xff utf8"}'  # line 5500
    path = _write(tmp_path / "b.ndjson", lines)
    progress = _progress_of(path)
    assert not progress.finished and progress.records_end < 4500
    fast = _read(path, fast=True)
    slow = _read(path, fast=False, monkeypatch=monkeypatch)
    assert fast == slow
    assert fast[1] == [(4500, "invalid JSON"), (5200, "not a JSON object"), (5500, "invalid UTF-8")]
    records = [r[0] for r in fast[0]]
    assert len(records) == len(set(records)) == 5997


def test_over_long_line_is_quarantined_unparsed(tmp_path, monkeypatch):
    lines = [orjson.dumps(_post(i)) for i in range(3000)]
    lines[2500] = orjson.dumps(_post(2500, text="x" * (MAX_RECORD_BYTES + 10)))
    path = _write(tmp_path / "c.ndjson", lines)
    progress = _progress_of(path)
    assert not progress.finished and "2501" in progress.stopped_because
    fast = _read(path, fast=True)
    assert fast == _read(path, fast=False, monkeypatch=monkeypatch)
    assert fast[1] == [(2501, "record over 2 MiB")]
    assert len(fast[0]) == 2999


def test_resume_reads_only_the_lines_after_the_resume_point(tmp_path):
    path = _write(tmp_path / "d.ndjson", [orjson.dumps(_post(i)) for i in range(4000)])
    rows, _, end = _read(path, fast=True, start=3100)
    assert [r[0] for r in rows] == list(range(3101, 4001)) and end == 4000


def test_layouts_the_fast_path_declines_still_import(tmp_path, monkeypatch):
    nested = [orjson.dumps({"id": str(i), "user": {"name": f"u{i}"}, "created": 1709251200 + i, "text": "hi",
                            "platform": "mastodon"}) for i in range(50)]
    path = _write(tmp_path / "e.ndjson", nested)
    mapping = {"author": "user.name", "created_at": "created"}
    assert _progress_of(path, mapping=mapping).stopped_because.startswith("mapping needs nested paths")
    rows, rejects, _ = _read(path, fast=True, mapping=mapping)
    assert not rejects and [r[2] for r in rows[:2]] == ["u0", "u1"]
    gz = tmp_path / "f.ndjson.gz"
    gz.write_bytes(gzip.compress(b"\n".join(orjson.dumps(_post(i)) for i in range(20)) + b"\n"))
    assert _progress_of(gz).stopped_because == "compressed file"
    assert len(_read(gz, fast=True)[0]) == 20


def test_hashtags_written_as_text_and_epoch_numbers(tmp_path, monkeypatch):
    lines = [orjson.dumps(_post(i, hashtags=f"a{i} b{i}", date=1709251200 + i, likes=" 5 ")) for i in range(100)]
    path = _write(tmp_path / "g.ndjson", lines)
    assert _progress_of(path).finished
    fast = _read(path, fast=True)
    assert fast == _read(path, fast=False, monkeypatch=monkeypatch)
    assert fast[0][3][5] == ["a3", "b3"] and fast[0][3][6] == 5
    assert fast[0][3][3].timestamp() == 1709251203


def test_a_misaligned_batch_stops_the_fast_path(tmp_path, monkeypatch):
    path = _write(tmp_path / "h.ndjson", [orjson.dumps(_post(i)) for i in range(3000)])
    real_take = fastmod._LineNumbers.take

    def shifted(self, n):  # a scan that disagrees with DuckDB by one line
        return real_take(self, n) + 1

    monkeypatch.setattr(fastmod._LineNumbers, "take", shifted)
    progress = _progress_of(path)
    assert not progress.finished and progress.stopped_because.startswith("batch not aligned")
    assert progress.records_end == 0
    rows, _, _ = _read(path, fast=True)
    monkeypatch.undo()
    assert [r[0] for r in rows] == list(range(1, 3001))


@pytest.mark.parametrize("tail", [b"", b"\n", b"\n\n  \n"])
def test_last_line_without_newline_and_trailing_blanks(tmp_path, tail):
    path = tmp_path / "i.ndjson"
    path.write_bytes(b"\n".join(orjson.dumps(_post(i)) for i in range(10)) + tail)
    progress = _progress_of(path)
    assert progress.finished
    rows, _, end = _read(path, fast=True)
    assert [r[0] for r in rows] == list(range(1, 11))
    assert end == 10 + max(tail.count(b"\n") - 1, 0)


def test_line_numbers_scan_handles_lines_across_blocks():
    import io

    text = b"".join(orjson.dumps({"i": i, "pad": "y" * (i % 50)}) + b"\n" + (b"\n" if i % 7 == 0 else b"")
                    for i in range(2000))
    scan = fastmod._LineNumbers(io.BytesIO(text), block_bytes=997)
    got = scan.take(10_000)
    expect = [n for n, line in enumerate(text.split(b"\n"), start=1) if line.strip()]
    assert got.tolist() == expect
    assert pa.array(got).type == pa.int64()


@pytest.mark.parametrize("block_bytes", [flat._BLOCK_BYTES, 100_000])
def test_dirty_blocks_reject_only_bad_lines_and_keep_rejects_with_their_records(tmp_path, monkeypatch, block_bytes):
    """1 % bad lines from the first line on: no block is clean, the good lines still go through
    Arrow; a block with mixed value types goes through Python objects; each chunk carries exactly
    the rejects among its records (what resume after a crash relies on)."""
    lines = []
    for i in range(8000):
        if i % 100 == 0:
            lines.append(b'{"id": "x", "text": ' if i % 200 else b"\xff\xfe not json")
        else:
            lines.append(orjson.dumps(_post(i, likes=str(i % 7) if 6000 <= i < 6100 else i % 7)))
    path = _write(tmp_path / "j.ndjson", lines)
    monkeypatch.setattr(flat, "_BLOCK_BYTES", block_bytes)  # 100 kB: clean-after-check and mixed-type blocks
    opts = ReadOptions(source="t", platform=None, mapping={}, batch_rows=700, start_record=0)
    prev_end, records, rejects = 0, [], []
    for chunk in NDJSONSource().read(path, options=opts):
        got = chunk.posts.column("record").to_pylist()
        assert all(prev_end < r <= chunk.records_end for r in got + [x.record for x in chunk.rejects])
        prev_end = chunk.records_end
        records += got
        rejects += [(x.record, x.reason.split(" (")[0]) for x in chunk.rejects]
    assert prev_end == 8000
    assert rejects == [(i + 1, "invalid UTF-8" if i % 200 == 0 else "invalid JSON") for i in range(0, 8000, 100)]
    assert records == [i + 1 for i in range(8000) if i % 100]


def test_after_the_hand_over_duckdb_parses_vetted_lines_and_falls_back_per_block(tmp_path, monkeypatch):
    """After the first bad line, blocks of vetted lines go through DuckDB with the fast path's
    declared columns (`LineParser`); a block DuckDB refuses (hashtags as text where the plan
    says list) falls back to pyarrow / Python objects. Same rows as the slow path either way."""
    lines = [orjson.dumps(_post(i)) for i in range(8000)]
    lines[0] = b'{"id": "cut'  # the fast path stops at line 1
    for i in range(7000, 7100):  # after the first MiB, which the plan (list columns) is made from
        lines[i] = orjson.dumps(_post(i, hashtags=f"topic{i % 5},extra"))
    path = _write(tmp_path / "d.ndjson", lines)
    monkeypatch.setattr(flat, "_BLOCK_BYTES", 100_000)  # many blocks: some clean, one refused
    parsed: list[bool] = []
    real = fastmod.LineParser.parse

    def spy(self, data, rows):
        got = real(self, data, rows)
        parsed.append(got is not None)
        return got

    monkeypatch.setattr(fastmod.LineParser, "parse", spy)
    fast = _read(path, fast=True)
    monkeypatch.undo()
    slow = _read(path, fast=False, monkeypatch=monkeypatch)
    assert fast == slow
    assert fast[1] == [(1, "invalid JSON")]
    assert len(fast[0]) == 7999
    assert True in parsed and False in parsed  # DuckDB took most blocks and refused the odd one
    by_id = {r[1]: r[5] for r in fast[0]}
    assert by_id["twitter:1001"] == ["topic1"] and by_id["twitter:8050"] is not None


def test_line_parser_gives_the_declared_columns_or_none(tmp_path):
    parser = fastmod.LineParser({"id": "VARCHAR", "tags": "VARCHAR[]"})
    try:
        got = parser.parse(b'{"id": 1, "tags": ["a"]}\n{"id": "x", "tags": null}', 2)
        assert got.to_pylist() == [{"id": "1", "tags": ["a"]}, {"id": "x", "tags": None}]
        assert parser.parse(b'{"id": 1, "tags": "a"}', 1) is None  # not a list: refused
        assert parser.parse(b'{"id": 1}', 2) is None  # row count differs from the lines given
    finally:
        parser.close()
