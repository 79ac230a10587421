"""What every platform reader shares: a column accumulator, JSON/CSV record drivers, sniff helpers.

A platform format is a small class with `convert(item, rec, out)`: it adds zero or more posts
to `out` (a `PostRows`), counts non-posts with `out.skip()`, and raises `Bad(reason)` (or lets
a `KeyError`/`TypeError`/… escape) for a malformed record, which the driver turns into a
`Reject` with the record's number after undoing whatever the record had half-added. The
drivers cut the output into chunks of at most `batch_rows` posts.

Conversion is per record in Python (the formats are nested JSON; no columnar reader maps
`referenced_tweets` or facets onto the Post schema) but everything after it is Arrow:
timestamps are parsed per batch with one cast, domains are derived by `validate_batch`.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from agorascope._ahead import run_ahead
from agorascope.errors import SourceError
from agorascope.schema import conform
from agorascope.sources._convert import _HASHTAG_RE, parse_timestamps
from agorascope.sources._io import MAX_RECORD_BYTES, excerpt, iter_lines, open_bytes
from agorascope.sources.base import Chunk, ReadOptions, Reject
from agorascope.urls import _TRACKING, _TRAILING, find_urls, normalise_url

log = logging.getLogger(__name__)

#: Whole-document JSON (Telegram result.json, API pages) is parsed in one piece up to this size.
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024 * 1024
_INT64_MAX = 2**63 - 1

# Exceptions a converter may raise on a malformed (but parseable) record; each becomes a Reject.
MALFORMED = (KeyError, TypeError, AttributeError, ValueError, IndexError, OverflowError)


class Bad(ValueError):
    """A record that cannot become a post; the message is the quarantine reason."""


# -- value helpers --------------------------------------------------------------------------
def s(v: Any) -> str | None:
    """A string value, numbers stringified, anything else (dict, list, bool) None."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, int | float):
        return str(v)
    return None


def i(v: Any) -> int | None:
    """An int64 count, or None (counts never reject a record)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v if -_INT64_MAX <= v <= _INT64_MAX else None
    if isinstance(v, float):
        return int(v) if v == v and abs(v) < 9e18 else None
    if isinstance(v, str):
        t = v.strip().replace(",", "")
        if t.isdigit() and len(t) < 19:
            return int(t)
        try:
            f = float(t)
        except ValueError:
            return None
        return int(f) if f == f and abs(f) < 9e18 else None
    return None


def d(v: Any) -> dict[str, Any]:
    """`v` if it is a dict, else an empty dict (so chains of `.get` never fail on odd types)."""
    return v if isinstance(v, dict) else {}


def lst(v: Any) -> list[Any]:
    """`v` if it is a list, else an empty list."""
    return v if isinstance(v, list) else []


_FAST_URL = re.compile(r"^(https?)://([A-Za-z0-9.-]+)(/[^?#\s]*)?(?:\?([^#\s]*))?(?:#\S*)?$", re.I)


@lru_cache(maxsize=1 << 16)
def norm_url(url: str) -> str | None:
    """`agorascope.urls.normalise_url`, cached, with a fast path for the common shape.

    `http(s)://host/path?tracking=params` is normalised with one regex; anything else
    (ports, user info, IPv6, percent-encoded or kept query parameters) goes to
    `normalise_url`. `tests/test_sources_units.py` checks both give the same answer.
    """
    u = url.strip().rstrip(_TRAILING) if url else ""
    m = _FAST_URL.match(u)
    if m is not None:
        scheme, host, path, query = m.groups()
        host = host.lower().rstrip(".")
        if host.startswith("www."):
            host = host[4:]
        if host and (not query or all(_TRACKING.match(kv.split("=", 1)[0]) for kv in query.split("&") if kv)):
            return f"{scheme.lower()}://{host}{'' if path in (None, '/') else path}"
    try:
        return normalise_url(url)
    except (ValueError, UnicodeError):
        return None


def norm_urls(urls: Iterable[Any]) -> list[str]:
    """Normalised, distinct, in order; non-strings and non-http(s) dropped."""
    out: list[str] = []
    for u in urls:
        if isinstance(u, str) and u:
            n = norm_url(u)
            if n and n not in out:
                out.append(n)
    return out


def text_urls(text: str | None) -> list[str]:
    """URLs written in running text, normalised."""
    return norm_urls(find_urls(text)) if text and "://" in text else []


_TAG_RX: Any = None


def text_hashtags(text: str | None) -> list[str]:
    """#hashtags written in running text (any script), lower-cased."""
    global _TAG_RX
    if not text or ("#" not in text and "＃" not in text):
        return []
    if _TAG_RX is None:
        import regex

        _TAG_RX = regex.compile(_HASHTAG_RE)
    return list(dict.fromkeys(m.group(1).lower() for m in _TAG_RX.finditer(text)))


def tags(values: Iterable[Any]) -> list[str]:
    """Hashtags from entities/facets: strings, '#' stripped, lower-cased, distinct."""
    out: list[str] = []
    for t in values:
        if isinstance(t, str) and t.strip("#＃ "):
            t = t.strip().lstrip("#＃").lower()
            if t not in out:
                out.append(t)
    return out


def qualify(platform: str, pid: Any) -> str | None:
    """`platform:id` for a raw id (int or str); None for a missing/empty id."""
    v = s(pid)
    if v is None:
        return None
    v = v.strip()
    if not v:
        return None
    return v if v.startswith(platform + ":") else f"{platform}:{v}"


# -- the column accumulator -----------------------------------------------------------------
_FIELDS = ("post_id", "platform", "author", "created_at", "text", "lang", "urls", "hashtags", "repost_of",
           "reply_to", "quote_of", "like_count", "repost_count", "reply_count", "view_count", "record")


_STR = pa.string()
_TYPES = (_STR, _STR, _STR, _STR, _STR, _STR, pa.list_(_STR), pa.list_(_STR), _STR, _STR, _STR, pa.int64(),
          pa.int64(), pa.int64(), pa.int64(), pa.int64())
_CLEAN: tuple[Callable[[Any], Any], ...] = (
    s, s, s, s, s, s, lambda v: [x for x in v if isinstance(x, str)] if isinstance(v, list) else None,
    lambda v: [x for x in v if isinstance(x, str)] if isinstance(v, list) else None, s, s, s, i, i, i, i, i)


class PostRows:
    """Posts gathered as row tuples (fields in `_FIELDS` order) until a chunk is cut.

    `add` takes keywords and tidies types; hot readers may `append` a ready tuple. `build`
    converts column-wise and, only if Arrow refuses a column (a wrong type slipped through
    from an odd record), cleans that column value by value. `mark`/`undo` drop a
    half-added record.
    """

    __slots__ = ("rows", "skipped")

    def __init__(self) -> None:
        self.rows: list[tuple[Any, ...]] = []
        self.skipped = 0

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, *, post_id: str | None, platform: str, author: Any, created_at: Any, text: Any, record: int,
            lang: Any = None, urls: list[str] | None = None, hashtags: list[str] | None = None,
            repost_of: str | None = None, reply_to: str | None = None, quote_of: str | None = None,
            like_count: Any = None, repost_count: Any = None, reply_count: Any = None,
            view_count: Any = None) -> None:
        """Add one post. `urls`/`hashtags` None means: find them in the text."""
        t = text if type(text) is str else s(text)
        self.rows.append((
            post_id, platform, author if type(author) is str else s(author),
            created_at if type(created_at) is str else s(created_at), t,
            lang if type(lang) is str else s(lang),
            urls if urls is not None else text_urls(t), hashtags if hashtags is not None else text_hashtags(t),
            repost_of, reply_to, quote_of, like_count, repost_count, reply_count, view_count, record))

    def append(self, row: tuple[Any, ...]) -> None:
        """Add one post as a tuple in `_FIELDS` order (no tidying; `build` copes with odd types)."""
        self.rows.append(row)

    def set_last(self, field: str, value: Any) -> None:
        """Replace one field of the last post added."""
        k = _FIELDS.index(field)
        row = self.rows[-1]
        self.rows[-1] = (*row[:k], value, *row[k + 1:])

    def skip(self, n: int = 1) -> None:
        """Count a non-post item (like, service message, account event, tombstone)."""
        self.skipped += n

    def mark(self) -> tuple[int, int]:
        return len(self.rows), self.skipped

    def undo(self, mark: tuple[int, int]) -> None:
        n, sk = mark
        del self.rows[n:]
        self.skipped = sk

    def build(self) -> pa.RecordBatch:
        """The gathered posts as a `RAW_POST_SCHEMA` batch; the accumulator is emptied."""
        rows = self.rows
        self.rows = []
        cols = list(zip(*rows, strict=True)) if rows else [() for _ in _FIELDS]
        arrays = {}
        for name, col, typ, clean in zip(_FIELDS, cols, _TYPES, _CLEAN, strict=True):
            try:
                arr = pa.array(col, typ)
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError, ValueError):
                arr = pa.array([clean(v) for v in col], typ)
            arrays[name] = parse_timestamps(arr) if name == "created_at" else arr
        return conform(pa.table(arrays))


class _Chunker:
    """Cuts gathered posts into chunks of at most `batch_rows` posts with resume-safe `records_end`."""

    def __init__(self, options: ReadOptions) -> None:
        self.rows = PostRows()
        self.rejects: list[Reject] = []
        self.batch_rows = max(1, options.batch_rows)
        self.start = options.start_record

    def due(self) -> bool:
        return len(self.rows) >= self.batch_rows or len(self.rejects) >= 10_000

    def flush(self, done: int, *, final: bool = False) -> Iterator[Chunk]:
        """Yield the gathered posts; `done` = records fully consumed so far."""
        if not final and not self.due():
            return
        n = len(self.rows)
        if n == 0 and not self.rejects and not self.rows.skipped and not final:
            return
        skipped, rejects = self.rows.skipped, self.rejects
        batch = self.rows.build()
        self.rows.skipped = 0
        self.rejects = []
        if n <= self.batch_rows:
            if n or rejects or skipped or final:
                yield Chunk(posts=batch, rejects=rejects, skipped=skipped, records_end=done)
            return
        # A record (an API page) can hold more posts than batch_rows: cut it; a piece that
        # ends inside a record only claims the records before it, so resume re-reads that record.
        recs = batch.column("record")
        for off in range(0, n, self.batch_rows):
            piece = batch.slice(off, self.batch_rows)
            last = off + self.batch_rows >= n
            end = done if last else max(0, recs[min(off + self.batch_rows, n - 1)].as_py() - 1)
            yield Chunk(posts=piece, rejects=rejects if last else [], skipped=skipped if last else 0,
                        records_end=end)


# -- read-ahead -----------------------------------------------------------------------------
def prefetch(chunks: Iterator[Chunk], depth: int = 2) -> Iterator[Chunk]:
    """Run a reader one or two chunks ahead of its consumer, in a thread (`run_ahead`): parsing
    is Python (holds the GIL) while the consumer's upsert mostly releases it."""
    return run_ahead(chunks, depth=depth, name="agorascope-reader")


# -- JSON drivers ---------------------------------------------------------------------------
Convert = Callable[[Any, int, PostRows], None]
Expand = Callable[[Any], Iterable[Any]]


def _reject_reason(exc: BaseException, what: str) -> str:
    if isinstance(exc, Bad):
        return str(exc)
    detail = f"{type(exc).__name__}: {exc}"[:160]
    return f"malformed {what} record ({detail})"


def _convert_one(convert: Convert, item: Any, rec: int, ch: _Chunker, raw: bytes | str, what: str,
                 author_of: Callable[[Any], str | None] | None) -> None:
    mark = ch.rows.mark()
    try:
        convert(item, rec, ch.rows)
    except MALFORMED as exc:
        ch.rows.undo(mark)
        who = None
        if author_of is not None:
            try:
                who = author_of(item)
            except MALFORMED:
                who = None
        ch.rejects.append(Reject(rec, _reject_reason(exc, what), excerpt(raw), who))


_ROW_FIELDS = _FIELDS[:-1]  # a live row has no record number


def convert_to_rows(convert: Convert, item: Any, *, what: str = "") -> tuple[list[dict[str, Any]], int]:
    """Run a file reader's per-record `convert` on one live item: (raw post rows, non-posts skipped).

    This is how the live connectors (`agorascope.streams`) share the file readers' mapping, so a
    post seen in an export and live gets the same row. Rows are dicts of `RAW_POST_SCHEMA` fields
    without `record`, tidied the way `PostRows.build` tidies a column Arrow refuses, with
    `created_at` parsed by the same `parse_timestamps` (a datetime, or None when unparseable, which
    ingest then quarantines). A malformed item raises `Bad` (a `KeyError`/`TypeError`/… the
    converter lets escape becomes one, with the reason the file driver would quarantine it under).
    """
    out = PostRows()
    try:
        convert(item, 0, out)
    except Bad:
        raise
    except MALFORMED as exc:
        raise Bad(_reject_reason(exc, what or "live")) from exc
    if not out.rows:
        return [], out.skipped
    when = parse_timestamps(pa.array([s(r[3]) for r in out.rows], _STR)).to_pylist()
    rows = []
    for r, ts in zip(out.rows, when, strict=True):
        row = {k: clean(v) for k, v, clean in zip(_ROW_FIELDS, r[:-1], _CLEAN[:-1], strict=True)}
        row["created_at"] = ts
        rows.append(row)
    return rows, out.skipped


def first_byte(path: Path) -> bytes:
    """The first non-whitespace byte of the decompressed file (after a BOM)."""
    with open_bytes(path) as f:
        head = f.read(4096)
    head = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return head[:1]


def _json_layout(path: Path) -> str:
    """"lines" when one of the first 50 non-blank lines is a whole JSON object or array,
    "document" when none is, "either" when it cannot tell.

    A pretty-printed document has no such line; a document on one line is read as one line,
    which comes to the same. Looking past the first lines keeps a JSON-lines file whose first
    lines are broken from being taken for a document (and then refused whole). A file that
    opens with a bare `[` or `{` and has one such line is "either": an array written one
    element per line has exactly one (its last element, without a trailing comma), and so does
    a JSON-lines file whose first line was cut short.
    """
    seen = found = 0
    opener = False
    with open_bytes(path) as f:
        while seen < 50:
            line = f.readline(MAX_RECORD_BYTES + 1)
            if not line:
                break
            line = line.lstrip(b"\xef\xbb\xbf").strip()
            if not line:
                continue
            seen += 1
            opener = opener or (seen == 1 and line in (b"{", b"["))
            try:
                v = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if isinstance(v, dict | list):
                found += 1
                if not opener or found >= 2:
                    return "lines"
    if seen == 0:
        return "lines"
    return "either" if found else "document"


def read_json(path: Path, *, options: ReadOptions, convert: Convert, what: str, expand: Expand | None = None,
              author_of: Callable[[Any], str | None] | None = None,
              lines_only: bool = False) -> Iterator[Chunk]:
    """JSON lines or one JSON document, parsed ahead in a thread (see `prefetch`); `_read_json` does the work."""
    return prefetch(_read_json(path, options=options, convert=convert, what=what, expand=expand,
                               author_of=author_of, lines_only=lines_only))


def _read_json(path: Path, *, options: ReadOptions, convert: Convert, what: str, expand: Expand | None = None,
               author_of: Callable[[Any], str | None] | None = None,
               lines_only: bool = False) -> Iterator[Chunk]:
    """Read JSON lines or one JSON document (array or object) and convert each item.

    Lines: the record is the line number, and `expand(obj)` (default: the object itself)
    gives the items of a line. Document: the items of `expand(doc)` (default: the elements
    of an array, or the object) are numbered 1, 2, … as records.
    """
    layout = "lines" if lines_only else _json_layout(path)
    doc = None
    if layout == "either":  # a whole document if it parses as one, JSON lines otherwise
        try:
            doc = load_document(path)
        except SourceError:
            layout = "lines"
    if layout == "lines":
        yield from _read_lines(path, options=options, convert=convert, what=what, expand=expand,
                               author_of=author_of)
    else:
        yield from _read_document(path, options=options, convert=convert, what=what, expand=expand,
                                  author_of=author_of, doc=doc)


def _read_lines(path: Path, *, options: ReadOptions, convert: Convert, what: str, expand: Expand | None,
                author_of: Callable[[Any], str | None] | None) -> Iterator[Chunk]:
    ch = _Chunker(options)
    n = 0
    loads = orjson.loads
    with open_bytes(path) as stream:
        for n, line in iter_lines(stream):
            if n <= ch.start:
                continue
            if line is None:
                ch.rejects.append(Reject(n, f"record over {MAX_RECORD_BYTES // (1024 * 1024)} MiB"))
                continue
            if n == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            try:
                obj = loads(line)
            except orjson.JSONDecodeError as exc:
                reason = "invalid UTF-8" if "utf-8" in str(exc).lower() else f"invalid JSON ({exc})"
                ch.rejects.append(Reject(n, reason, excerpt(line)))
                continue
            if not isinstance(obj, dict | list):
                ch.rejects.append(Reject(n, f"not a {what} record (a bare JSON value)", excerpt(line)))
                continue
            try:
                items = list(expand(obj)) if expand else [obj]
            except MALFORMED as exc:
                ch.rejects.append(Reject(n, _reject_reason(exc, what), excerpt(line)))
                continue
            for item in items:
                _convert_one(convert, item, n, ch, line, what, author_of)
            if ch.due():
                yield from ch.flush(n)
    yield from ch.flush(n, final=True)


def load_document(path: Path) -> Any:
    """Parse a whole JSON document; an unreadable one is a `SourceError` (nothing can be imported)."""
    with open_bytes(path) as f:
        data = f.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise SourceError(f"{path.name}: a single JSON document over 2 GiB; convert it to JSON lines first.")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise SourceError(f"{path.name}: not valid JSON ({exc}). If it is JSON lines, check the first line.") \
            from None


def _read_document(path: Path, *, options: ReadOptions, convert: Convert, what: str, expand: Expand | None,
                   author_of: Callable[[Any], str | None] | None, doc: Any = None) -> Iterator[Chunk]:
    if doc is None:
        doc = load_document(path)
    ch = _Chunker(options)
    if expand is not None:
        try:
            items = list(expand(doc))
        except MALFORMED as exc:
            raise SourceError(f"{path.name}: not a {what} document ({_reject_reason(exc, what)}).") from None
    else:
        items = doc if isinstance(doc, list) else [doc]
    n = 0
    for n, item in enumerate(items, 1):
        if n <= ch.start:
            continue
        raw = b""
        if not isinstance(item, dict):
            ch.rejects.append(Reject(n, f"not a {what} item", excerpt(orjson.dumps(item)[:800])))
            continue
        _convert_one(convert, item, n, ch, raw, what, author_of)
        if ch.rejects and ch.rejects[-1].record == n and not ch.rejects[-1].excerpt:
            ch.rejects[-1].excerpt = excerpt(orjson.dumps(item)[:800])
        if ch.due():
            yield from ch.flush(n)
    yield from ch.flush(n, final=True)


# -- CSV driver -----------------------------------------------------------------------------
RowConvert = Callable[[dict[str, str], int, PostRows], None]


def read_csv(path: Path, *, options: ReadOptions, convert: RowConvert, what: str,
             author_col: str | None = None) -> Iterator[Chunk]:
    """A CSV read row by row, parsed ahead in a thread (see `prefetch`); `_read_csv` does the work."""
    return prefetch(_read_csv(path, options=options, convert=convert, what=what, author_col=author_col))


def _read_csv(path: Path, *, options: ReadOptions, convert: RowConvert, what: str,
              author_col: str | None = None) -> Iterator[Chunk]:
    """Read a CSV with a header row (BOM, CRLF and quoted newlines allowed) row by row.

    The record number is the physical line the row starts on (the header is line 1). A row
    with more or fewer fields than the header, or one `csv` cannot parse, is quarantined.
    """
    ch = _Chunker(options)
    line = 1
    with open_bytes(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        first = text.readline()
        if not first.strip():
            return
        delim = _delimiter(first)
        try:
            header = next(csv.reader([first], delimiter=delim))
        except (csv.Error, StopIteration) as exc:
            raise SourceError(f"{path.name}: cannot read the CSV header ({exc}).") from None
        header = [h.strip() for h in header]
        width = len(header)
        reader = csv.reader(text, delimiter=delim)
        while True:
            start = line + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                line = reader.line_num + 1
                ch.rejects.append(Reject(start, f"malformed CSV row ({exc})"))
                continue
            line = reader.line_num + 1
            if start <= ch.start:
                continue
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                ch.rejects.append(Reject(start, f"row has {len(row)} fields, the header has {width}",
                                         excerpt(delim.join(row))))
                continue
            rec = dict(zip(header, row, strict=True))
            _convert_one(convert, rec, start, ch, delim.join(row),  # type: ignore[arg-type]
                         what, (lambda r: r.get(author_col)) if author_col else None)
            if ch.due():
                yield from ch.flush(line)
    yield from ch.flush(line, final=True)


def _delimiter(sample: str) -> str:
    first = sample.split("\n", 1)[0]
    counts = {c: first.count(c) for c in (",", "\t", ";")}
    return max(counts, key=lambda c: counts[c]) if max(counts.values()) else ","


# -- sniff helpers --------------------------------------------------------------------------
@lru_cache(maxsize=8)
def json_sample(head: bytes) -> tuple[str, tuple[Any, ...]]:
    """What the head of a file holds, parsed once for every format's sniff.

    Returns ("lines", objects of its complete lines) for JSON lines, ("doc", (document,)) for
    a complete JSON document, ("partial", ()) for a JSON document cut by the 64 KiB head, and
    ("", ()) for anything else.
    """
    h = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not h or h[:1] not in (b"{", b"["):
        return "", ()
    try:
        return "doc", (orjson.loads(h),)
    except orjson.JSONDecodeError:
        pass
    lines = h.split(b"\n")
    complete = lines[:-1] if len(lines) > 1 else lines
    objs = []
    for ln in complete[:50]:
        ln = ln.strip()
        if not ln:
            continue
        try:
            objs.append(orjson.loads(ln))
        except orjson.JSONDecodeError:
            break
    if objs and isinstance(objs[0], dict | list):
        return "lines", tuple(objs)
    return "partial", ()


def sample_items(head: bytes, unwrap: Callable[[Any], Iterable[Any]] | None = None) -> list[dict[str, Any]]:
    """Dicts to judge a format by: lines, or a document's items (`unwrap`)."""
    _kind, objs = json_sample(head)
    out: list[dict[str, Any]] = []
    for o in objs:
        items: Iterable[Any]
        if unwrap is not None:
            try:
                items = list(unwrap(o))
            except MALFORMED:
                items = []
        else:
            items = o if isinstance(o, list) else [o]
        out.extend(x for x in items if isinstance(x, dict))
    return out


def share(items: list[dict[str, Any]], test: Callable[[dict[str, Any]], bool]) -> float:
    """Fraction of `items` passing `test` (0 for none)."""
    if not items:
        return 0.0
    ok = 0
    for x in items:
        try:
            ok += bool(test(x))
        except MALFORMED:
            pass
    return ok / len(items)


def head_text(head: bytes) -> str:
    return head[:65536].decode("utf-8", errors="replace").lstrip("\ufeff")


def has_keys(text: str, *keys: str) -> int:
    """How many of the JSON keys `keys` occur in `text` (for documents cut by the head)."""
    return sum(1 for k in keys if re.search(r'"' + re.escape(k) + r'"\s*:', text))


def csv_header(head: bytes) -> list[str]:
    """The header cells of a CSV head (BOM stripped, quotes removed, lower-cased)."""
    text = head_text(head)
    if not text or text.lstrip()[:1] in ("{", "[", "<"):
        return []
    first = text.split("\n", 1)[0].rstrip("\r")
    delim = _delimiter(first)
    try:
        cells = next(csv.reader([first], delimiter=delim))
    except (csv.Error, StopIteration):
        return []
    return [c.strip().lower() for c in cells]


def header_score(header: list[str], required: Iterable[str], optional: Iterable[str] = ()) -> float:
    """1.0 when every required column is present, scaled down by missing ones; optional ones add a little."""
    req = list(required)
    hs = set(header)
    got = sum(1 for c in req if c in hs)
    if got < len(req):
        return 0.0 if got < max(1, len(req) - 1) else 0.5 * got / len(req)
    opt = list(optional)
    bonus = (sum(1 for c in opt if c in hs) / len(opt)) * 0.1 if opt else 0.1
    return min(1.0, 0.85 + bonus)


def vote(fraction: float, top: float = 0.95) -> float:
    """Confidence from the share of sampled items that look right: a few odd items (deleted,
    malformed, other kinds) in the head do not sink it; fewer than 80% right scales it down."""
    return top * min(1.0, fraction * 1.25)
