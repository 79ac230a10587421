"""NDJSON through DuckDB's JSON reader: the fast path for clean, uncompressed files.

Why: DuckDB parses the 1M-post benchmark file with 0.8 CPU-s where pyarrow's JSON reader
takes 3.2 (same machine, same file). But DuckDB gives no line numbers and stops at the
first bad line. So the lines are numbered by a numpy scan of the same file running
alongside, each batch is checked against the raw line it claims to end on, and at the first
thing this path cannot vouch for (a DuckDB error, an over-long line, a misaligned batch) it
stops after its last whole chunk. The caller then carries on from there with the
line-by-line path, which quarantines bad lines one by one. Nothing is lost or counted twice.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa

from agorascope.schema import empty_raw_batch
from agorascope.sources._io import MAX_RECORD_BYTES, compression_of, reader_threads
from agorascope.sources.base import Chunk, ReadOptions
from agorascope.sources.mapping import apply_mapping, check_mapping, guess_mapping

log = logging.getLogger(__name__)

#: How much of the file's head decides the mapping and the column types.
SAMPLE_BYTES = 1 << 20
LIST_FIELDS = frozenset({"urls", "domains", "hashtags"})
_SCAN = ("SELECT * FROM read_json(?, format = 'newline_delimited', records = 'true', columns = ?, "
         "maximum_object_size = ?)")


@dataclass
class FastProgress:
    """Where the fast path stopped: `records_end` lines are covered by the chunks it yielded."""

    records_end: int = 0
    finished: bool = False
    stopped_because: str = ""
    mapping: dict[str, str] | None = None  # decided here, kept by the slow path for the rest
    columns: dict[str, str] | None = None  # the declared DuckDB types, for `LineParser`


def read_fast(path: Path, options: ReadOptions, progress: FastProgress) -> Iterator[Chunk]:
    """Yield chunks for the file's lines while DuckDB can read them; see the module docstring."""
    import duckdb

    if compression_of(path) is not None:
        progress.stopped_because = "compressed file"
        return
    mapping, columns, why_not = _plan(path, options)
    if why_not:
        progress.stopped_because = why_not
        return
    progress.mapping, progress.columns = mapping, columns
    # A streaming reader: memory stays flat; DuckDB's own progress bar would print on stdout.
    con = duckdb.connect(":memory:", config={"threads": reader_threads(), "memory_limit": "256MB"})
    try:
        con.execute("SET enable_progress_bar = false")
        with open(path, "rb") as stream:
            lines = _LineNumbers(stream)
            reader = con.sql(_SCAN, params=[str(path), columns, MAX_RECORD_BYTES]).to_arrow_reader(
                options.batch_rows)
            for batch in reader:
                recs = lines.take(batch.num_rows)
                if len(recs) < batch.num_rows:
                    progress.stopped_because = lines.stop_reason or "DuckDB read more rows than the file has lines"
                    batch = batch.slice(0, len(recs))
                if len(recs) and not _aligned(batch, recs, lines, columns):
                    progress.stopped_because = f"batch not aligned with line {int(recs[-1])}"
                    return
                if len(recs) and recs[-1] > options.start_record:
                    skip = int(np.searchsorted(recs, options.start_record, side="right"))  # resume
                    yield Chunk(posts=apply_mapping(batch.slice(skip), mapping, platform=options.platform,
                                                    records=pa.array(recs[skip:], pa.int64())),
                                records_end=int(recs[-1]))
                if len(recs):
                    progress.records_end = int(recs[-1])
                if progress.stopped_because:
                    return
            if lines.take(1).size:
                progress.stopped_because = "DuckDB skipped lines the scan counts"
                return
            if lines.total_lines > progress.records_end:  # blank lines at the end: count them done
                progress.records_end = lines.total_lines
                yield Chunk(posts=empty_raw_batch(), records_end=lines.total_lines)
            progress.finished = True
    except (duckdb.Error, pa.ArrowException, OSError) as exc:  # DuckDB's errors reach us through Arrow as OSError
        progress.stopped_because = str(exc).split("\n", 1)[0] or type(exc).__name__
    finally:
        con.close()
        if progress.stopped_because:
            log.info("%s: fast NDJSON path stops after line %d (%s); the rest is read line by line",
                     path.name, progress.records_end, progress.stopped_because)


def _plan(path: Path, options: ReadOptions) -> tuple[dict[str, str], dict[str, str], str]:
    """(mapping, DuckDB column types, "") from the file's head, or a reason why only the slow path fits."""
    from agorascope.sources.flat import _paths

    with open(path, "rb") as f:
        head = f.read(SAMPLE_BYTES)
    if len(head) == SAMPLE_BYTES:
        head = head[: head.rfind(b"\n") + 1]
    keys: dict[str, set[type]] = {}
    paths: dict[str, None] = {}
    for line in head.split(b"\n"):
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue  # DuckDB will stop there; the slow path quarantines it
        if not isinstance(obj, dict):
            continue
        for k, v in obj.items():
            keys.setdefault(k, set()).add(type(v))
        paths.update(dict.fromkeys(_paths(obj)))
    if not keys:
        return {}, {}, "no JSON object in the file's first MiB"
    cols = list(paths)
    mapping = guess_mapping(cols, options.mapping)
    check_mapping(mapping, cols, platform=options.platform, path=path.name)
    columns: dict[str, str] = {}
    for field, key in mapping.items():
        if key not in keys:  # pyarrow's struct columns handle those
            return {}, {}, f"mapping needs nested paths ({field}={key})"
        seen = keys[key] - {type(None)}
        if field in LIST_FIELDS:
            if seen <= {list}:
                columns[key] = "VARCHAR[]"
            elif seen <= {str}:
                columns.setdefault(key, "VARCHAR")
            else:
                return {}, {}, f"{key} holds both lists and other values"
        else:
            columns.setdefault(key, "VARCHAR")
    return mapping, columns, ""


def _aligned(batch: pa.RecordBatch, recs: np.ndarray, lines: _LineNumbers, columns: dict[str, str]) -> bool:
    """Does the batch's last row hold the values written on the line the scan says it came from?"""
    raw = lines.line(int(recs[-1]))
    if raw is None:
        return False
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return False
    if not isinstance(obj, dict):
        return False
    for key, kind in columns.items():
        v = obj.get(key)
        if kind == "VARCHAR" and isinstance(v, str) and batch.column(key)[-1].as_py() != v:
            return False
    return True


class _LineNumbers:
    """Numbers of the non-blank lines of a file, in order, from a numpy scan of its blocks.

    Lean on purpose (it reads the whole file beside DuckDB): one `readinto` a reused buffer and
    one newline search per block; only lines that start with whitespace are looked at one by
    one. Stops (with `stop_reason`) before the first line over `MAX_RECORD_BYTES`: the slow
    path quarantines those without parsing them.
    """

    _BLANK = np.array([32, 9, 13, 11, 12], np.uint8)

    def __init__(self, stream: Any, block_bytes: int = 16 << 20) -> None:
        self._stream = stream
        self._buf = bytearray(block_bytes + MAX_RECORD_BYTES)
        self._block = block_bytes
        self._carry = 0  # bytes of an unfinished line at the front of the buffer
        self._line_no = 1  # number of the line that starts at the front of the buffer
        self._pending: deque[np.ndarray] = deque()
        self._last: tuple[int, np.ndarray, np.ndarray] | None = None  # the block now in the buffer
        self._tail = (0, 0)  # where the unfinished line sits until the next read moves it forward
        self._eof = False
        self.total_lines = 0
        self.stop_reason = ""

    def _more(self) -> bool:
        if self.stop_reason or self._eof:
            return False
        tail, size = self._tail
        self._buf[:self._carry] = self._buf[tail:size]
        view = memoryview(self._buf)
        got = self._stream.readinto(view[self._carry:self._carry + self._block])
        size = self._carry + got
        if got == 0:
            self._eof = True
            if not self._carry:
                return False
            size += 1  # the last line has no newline: end it
            self._buf[size - 1] = 10
        arr = np.frombuffer(self._buf, np.uint8, count=size)
        ends = np.flatnonzero(arr == 10)
        if not len(ends):
            self.stop_reason = f"line {self._line_no} is over {MAX_RECORD_BYTES >> 20} MiB"
            return False
        starts = np.empty_like(ends)
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
        first = self._line_no
        nums = np.arange(first, first + len(ends), dtype=np.int64)
        lengths = ends - starts
        filled = lengths > 0
        maybe = filled & np.isin(arr[np.minimum(starts, size - 1)], self._BLANK)
        keep = filled & ~maybe
        for i in np.flatnonzero(maybe).tolist():
            keep[i] = bool(bytes(self._buf[starts[i]:ends[i]]).strip())
        long = np.flatnonzero(lengths > MAX_RECORD_BYTES)
        if len(long):
            keep[long[0]:] = False
            self.stop_reason = f"line {first + int(long[0])} is over {MAX_RECORD_BYTES >> 20} MiB"
        self._pending.append(nums[keep])
        self._last = (first, starts, ends)
        tail = int(ends[-1]) + 1
        self._carry = size - tail if not self._eof else 0
        self._tail = (tail, size)
        if self._carry > MAX_RECORD_BYTES and not self.stop_reason:
            self.stop_reason = f"line {first + len(ends)} is over {MAX_RECORD_BYTES >> 20} MiB"
        self._line_no = first + len(ends)
        if not self.stop_reason:
            self.total_lines = self._line_no - 1
        return True

    def take(self, n: int) -> np.ndarray:
        """The next `n` line numbers (fewer when the file, or the vouched-for part, ends)."""
        parts: list[np.ndarray] = []
        got = 0
        while got < n:
            if not self._pending and not self._more():
                break
            head = self._pending.popleft()
            need = n - got
            if len(head) > need:
                self._pending.appendleft(head[need:])
                head = head[:need]
            parts.append(head)
            got += len(head)
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def line(self, number: int) -> bytes | None:
        """The raw text of a line of the block scanned last (where the latest `take` ended)."""
        if self._last is None:
            return None
        first, starts, ends = self._last
        i = number - first
        return bytes(self._buf[starts[i]:ends[i]]) if 0 <= i < len(starts) else None


class LineParser:
    """DuckDB's JSON reader for blocks of lines the slow path already vetted (after the first
    bad line the fast path gives up on the file, but most lines are still clean).

    The lines go to a temporary file (RAM-backed where /dev/shm exists) and are read with the
    fast path's declared columns, so their rows are exactly what the fast path would have made.
    Measured on 1M posts with 0.1 % broken lines (every block dirty): the reader's CPU was
    5.9-6.0 s with pyarrow's JSON reader for the good lines, 5.1-5.5 s with this. None when
    DuckDB refuses the block (a value of another type than the plan's); the caller then uses
    pyarrow.
    """

    def __init__(self, columns: dict[str, str]):
        import tempfile

        import duckdb

        self._columns = columns
        self._con = duckdb.connect(":memory:", config={"threads": 1, "memory_limit": "256MB"})
        self._con.execute("SET enable_progress_bar = false")
        shm = Path("/dev/shm")
        self._dir = tempfile.TemporaryDirectory(prefix="agorascope-lines-",
                                                dir=shm if shm.is_dir() and os.access(shm, os.W_OK) else None)
        self._path = Path(self._dir.name) / "lines.ndjson"

    def parse(self, data: bytes, rows: int) -> pa.Table | None:
        """The `rows` lines in `data` as a table, or None."""
        import duckdb

        self._path.write_bytes(data)
        try:
            table = self._con.sql(_SCAN, params=[str(self._path), self._columns, MAX_RECORD_BYTES]).to_arrow_table()
        except (duckdb.Error, pa.ArrowException, OSError):
            return None
        return table if table.num_rows == rows else None

    def close(self) -> None:
        self._con.close()
        self._dir.cleanup()
