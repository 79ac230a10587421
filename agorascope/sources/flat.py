"""Flat files with arbitrary column names: CSV, NDJSON and Parquet (agorascope's own included).

Columns are mapped onto the Post schema with `--map` plus guesses (`sources.mapping`).
CSV is parsed by DuckDB's reader (fast, quoted newlines, and a rejects table that gives the
line number and reason of every malformed row); NDJSON by DuckDB's JSON reader while the file is
clean, then in blocks through Arrow and line by line with orjson, so one bad line costs only
itself; Parquet with pyarrow in row-group batches.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import closing, nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from agorascope.errors import SourceError
from agorascope.schema import POST_SCHEMA, empty_raw_batch
from agorascope.sources._convert import JSON_LIST_SQL, parsed_lists_or_none
from agorascope.sources._io import compression_of, excerpt, open_bytes, reader_threads
from agorascope.sources._ndjson_duckdb import LIST_FIELDS, FastProgress, LineParser, read_fast
from agorascope.sources.base import Chunk, ReadOptions, Reject
from agorascope.sources.mapping import apply_mapping, check_mapping, guess_mapping


class CSVSource:
    """Comma/semicolon/tab separated text with a header row."""

    name = "csv"
    description = "CSV/TSV with a header row; columns mapped with --map or guessed"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        if not head or head.lstrip()[:1] in (b"{", b"[", b"<"):
            return 0.0
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
        first = text.split("\n", 1)[0]
        seps = max(first.count(","), first.count("\t"), first.count(";"))
        score = 0.2 if seps >= 2 else 0.0
        if filename.lower().endswith((".csv", ".tsv")):
            score += 0.2
        return min(score, 0.4)

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        import duckdb

        with _plain_file(path, suffix=".csv") as plain:
            # A streaming reader: memory stays flat; DuckDB's own progress bar would print on stdout.
            con = duckdb.connect(":memory:", config={"threads": reader_threads(), "memory_limit": "256MB"})
            try:
                con.execute("SET enable_progress_bar = false")
                scan = ("read_csv(?, header = true, all_varchar = true, store_rejects = true, "
                        "strict_mode = true, null_padding = false)")
                try:
                    cols = [d[0] for d in con.execute(f"SELECT * FROM {scan} LIMIT 0", [str(plain)]).description]
                except duckdb.Error as exc:
                    raise SourceError(f"{path.name}: not a readable CSV file ({exc}).") from None
                mapping = guess_mapping(cols, options.mapping)
                check_mapping(mapping, cols, platform=options.platform, path=path.name)
                # List columns written as JSON arrays are parsed inside the scan (0.24 CPU-s per 1M
                # rows vs 0.68 s in a second pass); positional references keep header text out of SQL.
                lists = sorted({mapping[f] for f in LIST_FIELDS if f in mapping})
                parsed = "".join(f", {JSON_LIST_SQL.format(col=f'#{cols.index(c) + 1}')}" for c in lists)
                reader = con.sql(f"SELECT *{parsed} FROM {scan}", params=[str(plain)]).to_arrow_reader(
                    options.batch_rows)
                done = 0
                for batch in reader:
                    batch = _with_parsed_lists(batch, cols, lists)
                    n = batch.num_rows
                    # Good rows come in file order; their position (the header is row 1) is the
                    # record until the unparsed rows are known (`Chunk.unparsed_rows`, below).
                    records = pa.array(np.arange(done + 2, done + 2 + n, dtype=np.int64))
                    done += n
                    if done + 1 <= options.start_record:  # the batch's last record is done + 1
                        continue
                    posts = apply_mapping(batch, mapping, platform=options.platform, records=records)
                    yield Chunk(posts=posts, records_end=done + 1)
                rejects = [
                    Reject(record=int(line), reason=f"malformed CSV row: {etype.lower().replace('_', ' ')} ({msg})",
                           excerpt=excerpt(csv_line or ""))
                    for line, etype, msg, csv_line in con.execute(
                        "SELECT line, error_type, error_message, csv_line FROM reject_errors ORDER BY line"
                    ).fetchall()
                ]
                if rejects:
                    # Rows were numbered by parsed position; now that the unparsed rows are known,
                    # the ingest translates every number of this file to its row (one transaction).
                    yield Chunk(posts=apply_mapping(pa.table({c: pa.array([], pa.string()) for c in cols}), mapping,
                                                    platform=options.platform, records=pa.array([], pa.int64())),
                                rejects=rejects, records_end=done + 1,
                                unparsed_rows=np.array(sorted({r.record for r in rejects}), np.int64))
            finally:
                con.close()


def _with_parsed_lists(batch: pa.RecordBatch, cols: list[str], lists: list[str]) -> pa.RecordBatch:
    """The CSV batch's own columns, with each list column replaced by its in-scan parse where
    that parsed every value (otherwise `split_list` splits the text later, as before)."""
    arrays = {c: batch.column(i) for i, c in enumerate(cols)}
    for k, c in enumerate(lists):
        got = parsed_lists_or_none(arrays[c], batch.column(len(cols) + k))
        if got is not None:
            arrays[c] = got
    return pa.RecordBatch.from_arrays(list(arrays.values()), names=list(arrays))


class NDJSONSource:
    """One JSON object per line, flat or nested (dotted paths in --map)."""

    name = "ndjson"
    description = "newline-delimited JSON objects; fields mapped with --map (dotted paths) or guessed"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        lines = [ln for ln in head.split(b"\n")[:5] if ln.strip()]
        if not lines:
            return 0.0
        ok = 0
        for ln in lines[:-1] or lines:
            try:
                ok += isinstance(orjson.loads(ln), dict)
            except orjson.JSONDecodeError:
                pass
        return 0.3 if ok else 0.0

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        """DuckDB's JSON reader while the file is clean (`_ndjson_duckdb`); from the first line it
        cannot vouch for, blocks of lines through Arrow's JSON parser. A block that Arrow refuses
        is checked line by line with orjson: the bad lines are rejected and the good ones go
        through Arrow again; only a block Arrow still refuses (mixed types) is built from Python
        objects."""
        fast = FastProgress()
        yield from read_fast(path, options, fast)
        if fast.finished:
            return
        options = replace(options, start_record=max(options.start_record, fast.records_end))
        mapping: dict[str, str] | None = fast.mapping
        refused = False
        lines = LineParser(fast.columns) if fast.columns else None
        with open_bytes(path) as stream, closing(lines) if lines else nullcontext():
            for first_line, block, long_lines, (starts, ends) in _line_blocks(stream, _BLOCK_BYTES):
                end = first_line + len(starts) - 1
                if end <= options.start_record:
                    continue  # imported already (resume, or read by the fast path)
                nonblank = _nonblank_lines(block, starts, ends)
                numbers = nonblank + first_line
                todo = numbers > options.start_record
                # After a refused block, expect the next to be refused too (dirty files are dirty
                # throughout) and skip straight to the line check: a whole-block attempt costs a parse.
                table = None
                if not long_lines and todo.all() and not refused:
                    table = lines.parse(block, len(nonblank)) if lines else _arrow_block(block)
                rejects: list[Reject] = []
                if table is None or table.num_rows != len(nonblank):
                    line_starts, line_ends = starts[nonblank], ends[nonblank]
                    keep, rejects = self._check_lines(block, line_starts, line_ends, numbers, long_lines, todo)
                    refused = bool(rejects) or not todo.all()
                    numbers = numbers[keep]
                    good = [block[a:b] for a, b in zip(line_starts[keep].tolist(), line_ends[keep].tolist(),
                                                       strict=True)]
                    table = None
                    if good:  # DuckDB first (`LineParser`), pyarrow where DuckDB refuses the block
                        joined = b"\n".join(good)
                        table = lines.parse(joined, len(good)) if lines else None
                        table = table if table is not None else _arrow_block(joined)
                    if good and (table is None or table.num_rows != len(good)):  # mixed types: Python objects
                        objects = [orjson.loads(line) for line in good]
                        if mapping is None:
                            cols = _paths(objects[0])
                            mapping = guess_mapping(cols, options.mapping)
                            check_mapping(mapping, cols, platform=options.platform, path=path.name)
                        yield self._chunk(objects, numbers.tolist(), rejects, mapping, options, end)
                        continue
                    if table is None:
                        if rejects:
                            yield Chunk(posts=empty_raw_batch(), rejects=rejects, records_end=end)
                        continue
                else:
                    refused = False
                if mapping is None:
                    cols = _struct_paths(table.schema)
                    mapping = guess_mapping(cols, options.mapping)
                    check_mapping(mapping, cols, platform=options.platform, path=path.name)
                yield from self._table_chunks(table, numbers, rejects, mapping, options, end)

    @staticmethod
    def _check_lines(block: bytes, starts: np.ndarray, ends: np.ndarray, numbers: np.ndarray, long_lines: set[int],
                     todo: np.ndarray) -> tuple[np.ndarray, list[Reject]]:
        """(mask of the good lines, rejects for the bad ones): one orjson parse per line, nothing kept.

        The loop is the dirty path's largest cost (1M lines: ~2 CPU-s), so it stays lean: plain
        int lists instead of numpy scalars, and lines parsed from a memoryview without a copy."""
        keep = todo.copy()
        rejects: list[Reject] = []
        loads, decode_error = orjson.loads, orjson.JSONDecodeError
        idx = np.flatnonzero(todo)
        view = memoryview(block)
        for i, n, a, b in zip(idx.tolist(), numbers[idx].tolist(), starts[idx].tolist(), ends[idx].tolist(),
                              strict=True):
            if n in long_lines:
                rejects.append(Reject(n, "record over 2 MiB", excerpt(block[a:a + 200])))
                keep[i] = False
                continue
            try:
                if type(loads(view[a:b])) is dict:
                    continue
                reason = "not a JSON object"
            except decode_error as exc:
                reason = "invalid UTF-8" if "utf-8" in str(exc).lower() else f"invalid JSON ({exc})"
            rejects.append(Reject(n, reason, excerpt(block[a:b])))
            keep[i] = False
        return keep, rejects

    @staticmethod
    def _table_chunks(table: pa.Table, numbers: np.ndarray, rejects: list[Reject], mapping: dict[str, str],
                      options: ReadOptions, end: int) -> Iterator[Chunk]:
        """Chunks of at most `batch_rows` posts from a block's Arrow table. Each reject goes with
        the chunk whose records it lies among: a chunk's `records_end` promises that every record
        up to it, rejected ones included, is in that chunk or before it (resume relies on it)."""
        records = pa.array(numbers, pa.int64())
        if table.num_rows == 0:
            yield Chunk(posts=empty_raw_batch(), rejects=rejects, records_end=end)
            return
        pending = list(rejects)
        for off in range(0, table.num_rows, options.batch_rows):
            part = table.slice(off, options.batch_rows)
            flat = pa.table({c: _column(part, c) for c in set(mapping.values())})
            posts = apply_mapping(flat, mapping, platform=options.platform,
                                  records=records.slice(off, options.batch_rows))
            last_part = off + options.batch_rows >= table.num_rows
            part_end = end if last_part else int(numbers[off + options.batch_rows - 1])
            mine = [r for r in pending if r.record <= part_end]
            pending = pending[len(mine):]
            yield Chunk(posts=posts, rejects=mine, records_end=part_end)

    @staticmethod
    def _chunk(rows: list[dict[str, Any]], recs: list[int], rejects: list[Reject], mapping: dict[str, str],
               options: ReadOptions, end: int) -> Chunk:
        columns: dict[str, list[Any]] = {}
        for col in mapping.values():
            keys = col.split(".")
            vals = [_dig(r, keys) for r in rows]
            columns[col] = [_scalar_or_list(v) for v in vals]
        table = pa.table({c: _to_array(v) for c, v in columns.items()}) if columns else pa.table(
            {"_": pa.nulls(len(rows))})
        posts = apply_mapping(table, mapping, platform=options.platform, records=pa.array(recs, pa.int64()))
        return Chunk(posts=posts, rejects=rejects, records_end=end)


class ParquetSource:
    """Parquet with any columns; agorascope's own exports keep their pseudonyms."""

    name = "parquet"
    description = "Parquet (agorascope's own export, or any columns mapped with --map)"

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        return 0.95 if head.startswith(b"PAR1") else 0.0

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        try:
            # pre_buffer=False: the pre-buffer cache keeps every row group read so far until the
            # file is closed (measured: +200 MB at 5M posts); local reads do not need it.
            pf = pq.ParquetFile(path, pre_buffer=False)
        except (pa.ArrowInvalid, OSError) as exc:
            raise SourceError(f"{path.name}: not a readable Parquet file ({exc}).") from None
        meta = pf.schema_arrow.metadata or {}
        own = meta.get(b"agorascope.pseudonymised") == b"true"
        cols = pf.schema_arrow.names
        mapping = {c: c for c in POST_SCHEMA.names if c in cols} if own else guess_mapping(cols, options.mapping)
        if not own:
            check_mapping(mapping, cols, platform=options.platform, path=path.name)
        done = 0
        for batch in pf.iter_batches(batch_size=options.batch_rows):
            n = batch.num_rows
            start = done
            done += n
            if done <= options.start_record:
                continue
            records = pa.array(np.arange(start + 1, start + 1 + n, dtype=np.int64))
            if own:
                from agorascope.schema import conform

                posts = conform(pa.Table.from_batches([batch]).append_column("record", records).drop_columns(
                    [c for c in ("ingested_at",) if c in batch.schema.names]))
            else:
                posts = apply_mapping(batch, mapping, platform=options.platform, records=records)
            yield Chunk(posts=posts, records_end=done, pseudonymised=own)


_BLOCK_BYTES = 16 << 20


def _line_blocks(stream: Any, size: int) -> Iterator[tuple[int, bytes, set[int], tuple[np.ndarray, np.ndarray]]]:
    """Yield (number of the block's first line, block of whole lines, numbers of over-long lines,
    (start, end) offsets of its lines).

    Over-long lines (> MAX_RECORD_BYTES) are replaced by an empty line and reported, so that a
    10 MB field never sits whole in memory and line numbering stays exact.
    """
    from agorascope.sources._io import MAX_RECORD_BYTES

    line_no = 1
    while True:
        block = stream.read(size)
        if not block:
            return
        long_lines: set[int] = set()
        if not block.endswith(b"\n"):
            parts = [block]
            tail = stream.readline(MAX_RECORD_BYTES + 1)
            total = len(block) - (block.rfind(b"\n") + 1) + len(tail)
            if total > MAX_RECORD_BYTES and not tail.endswith(b"\n"):
                while True:  # drain the over-long line without keeping it
                    more = stream.readline(1 << 20)
                    if not more or more.endswith(b"\n"):
                        break
                cut = block.rfind(b"\n") + 1
                parts = [block[:cut], block[cut:cut + 200], b"\n"]
                tail = b""
                long_lines.add(line_no + block[:cut].count(b"\n"))
            elif total > MAX_RECORD_BYTES:
                cut = block.rfind(b"\n") + 1
                parts = [block[:cut], block[cut:cut + 200], b"\n"]
                tail = b""
                long_lines.add(line_no + block[:cut].count(b"\n"))
            parts.append(tail)
            block = b"".join(parts)
        # over-long lines fully inside the block
        starts, ends = _line_bounds(block)
        long_lines.update((np.flatnonzero(ends - starts > MAX_RECORD_BYTES) + line_no).tolist())
        yield line_no, block, long_lines, (starts, ends)
        line_no += block.count(b"\n") + (0 if block.endswith(b"\n") else 1)


def _line_bounds(block: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of each line in a block (end excludes the newline and a CR before it)."""
    if not block:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    buf = np.frombuffer(block, dtype=np.uint8)
    nl = np.flatnonzero(buf == 10)
    ends = nl if block.endswith(b"\n") else np.append(nl, len(block))
    starts = np.concatenate([[0], nl[: len(ends) - 1] + 1]) if len(ends) else np.array([0])
    cr = (ends > starts) & (buf[np.maximum(ends - 1, 0)] == 13)
    return starts, ends - cr


_BLANK = frozenset(b" \t\r\n\f\v")


def _nonblank_lines(block: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Indices of the lines that hold something other than whitespace (vectorised; only lines
    that begin with whitespace are looked at one by one, and those are rare)."""
    buf = np.frombuffer(block, dtype=np.uint8)
    filled = ends > starts
    first = buf[np.minimum(starts, max(len(buf) - 1, 0))] if len(buf) else np.zeros(len(starts), np.uint8)
    maybe_blank = filled & np.isin(first, list(_BLANK))
    keep = filled & ~maybe_blank
    for i in np.flatnonzero(maybe_blank).tolist():
        keep[i] = bool(block[starts[i]:ends[i]].strip())
    return np.flatnonzero(keep)


def _arrow_block(block: bytes) -> pa.Table | None:
    """Parse a block with Arrow's JSON reader, or None if any line is not clean JSON."""
    import pyarrow.json as pj

    try:
        return pj.read_json(io.BytesIO(block), read_options=pj.ReadOptions(block_size=len(block) + 1))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None


def _struct_paths(schema: pa.Schema, prefix: str = "", depth: int = 0) -> list[str]:
    out = []
    for f in schema:
        out.append(prefix + f.name)
        if pa.types.is_struct(f.type) and depth < 2:
            out.extend(_struct_paths(pa.schema(list(f.type)), prefix + f.name + ".", depth + 1))
    return out


def _column(table: pa.Table, path: str) -> pa.Array:
    """A (possibly dotted) column of an Arrow JSON table; structs and odd lists become JSON text."""
    import pyarrow.compute as pc

    keys = path.split(".")
    if keys[0] not in table.schema.names:
        return pa.nulls(table.num_rows, pa.string())
    col = table.column(keys[0]).combine_chunks()
    for k in keys[1:]:
        if not pa.types.is_struct(col.type) or col.type.get_field_index(k) < 0:
            return pa.nulls(table.num_rows, pa.string())
        col = pc.struct_field(col, k)
    if pa.types.is_struct(col.type) or (pa.types.is_list(col.type) and not (
            pa.types.is_string(col.type.value_type) or pa.types.is_null(col.type.value_type))):
        return pa.array([None if v is None else orjson.dumps(v).decode() for v in col.to_pylist()], pa.string())
    return col


def _paths(obj: dict[str, Any], prefix: str = "", depth: int = 0) -> list[str]:
    out = []
    for k, v in obj.items():
        key = f"{prefix}{k}"
        out.append(key)
        if isinstance(v, dict) and depth < 2:
            out.extend(_paths(v, key + ".", depth + 1))
    return out


def _dig(obj: Any, keys: list[str]) -> Any:
    for k in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(k)
    return obj


def _scalar_or_list(v: Any) -> Any:
    if isinstance(v, dict):
        return orjson.dumps(v).decode()
    if isinstance(v, list):
        return [x if isinstance(x, str) else orjson.dumps(x).decode() if isinstance(x, (dict, list)) else str(x)
                for x in v if x is not None]
    return v


def _to_array(values: list[Any]) -> pa.Array:
    """Build an array from JSON values; mixed types become strings rather than failing."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        if any(isinstance(v, list) for v in values):
            return pa.array([v if isinstance(v, list) or v is None else [str(v)] for v in values],
                            pa.list_(pa.string()))
        return pa.array([None if v is None else str(v) for v in values], pa.string())


class _plain_file:
    """A path DuckDB can read: the file itself, or a temporary decompressed copy (bz2/xz/zip)."""

    def __init__(self, path: Path, *, suffix: str):
        self.path = path
        self.suffix = suffix
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> Path:
        kind = compression_of(self.path)
        if kind is None or (kind == "gz" and self.path.name.lower().endswith(".gz")):
            return self.path  # DuckDB decompresses gzip itself
        self._tmp = tempfile.TemporaryDirectory(prefix="agorascope-")
        out = Path(self._tmp.name) / (re.sub(r"[^\w.-]", "_", self.path.stem) + self.suffix)
        with open_bytes(self.path) as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        return out

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
