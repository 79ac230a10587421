"""The Post schema — the one contract every source, stage and analysis shares.

Readers produce *raw* batches (`RAW_POST_SCHEMA`: the raw author handle and the record's
line/row number); `validate_batch` splits them into valid rows and rejects with a reason
each; ingest then pseudonymises and stores `POST_SCHEMA` rows. The schema is versioned:
`SCHEMA_VERSION` is written into the store and `store.migrations` moves old stores forward.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from agorascope._arrow import may_have_padding, with_list_values

#: 2: the store's `post_keys` dedupe table (`store.migrations`).
#: 3: `post_keys` holds only the keys (erasure finds them through the author's posts).
SCHEMA_VERSION = 3

TIMESTAMP = pa.timestamp("us", tz="UTC")
STR_LIST = pa.list_(pa.string())

#: Limits checked by `validate_batch`. A post's text above this size is quarantined, not cut.
MAX_TEXT_BYTES = 100_000
MAX_ID_BYTES = 512
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
#: How far in the future a timestamp may lie (clock skew between collectors).
FUTURE_SLACK = timedelta(days=2)

POST_FIELDS: list[pa.Field] = [
    pa.field("post_id", pa.string(), nullable=False),
    pa.field("platform", pa.string(), nullable=False),
    pa.field("source", pa.string()),
    pa.field("author", pa.string()),
    pa.field("created_at", TIMESTAMP, nullable=False),
    pa.field("text", pa.string()),
    pa.field("lang", pa.string()),
    pa.field("urls", STR_LIST),
    pa.field("domains", STR_LIST),
    pa.field("hashtags", STR_LIST),
    pa.field("repost_of", pa.string()),
    pa.field("reply_to", pa.string()),
    pa.field("quote_of", pa.string()),
    pa.field("like_count", pa.int64()),
    pa.field("repost_count", pa.int64()),
    pa.field("reply_count", pa.int64()),
    pa.field("view_count", pa.int64()),
    pa.field("ingested_at", TIMESTAMP),
]

#: What the store holds. `author` is a pseudonym, never a handle.
POST_SCHEMA = pa.schema(POST_FIELDS, metadata={"agorascope.schema_version": str(SCHEMA_VERSION)})

#: What readers yield: `author` is still the raw handle (or platform user id) and `record`
#: is the 1-based line or row number in the input, used for quarantine and resume.
RAW_POST_SCHEMA = pa.schema(
    [f for f in POST_FIELDS if f.name != "ingested_at"] + [pa.field("record", pa.int64())]
)

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string()),
        pa.field("fingerprint", pa.string()),
        pa.field("record", pa.int64()),
        pa.field("reason", pa.string()),
        pa.field("excerpt", pa.string()),
        pa.field("author", pa.string()),
        pa.field("quarantined_at", TIMESTAMP),
    ]
)


@dataclass(frozen=True)
class Rejects:
    """Rows that failed validation: their record numbers and a reason each."""

    records: pa.Array
    reasons: pa.Array
    authors: pa.Array  # raw handles where known, so ingest can pseudonymise them
    texts: pa.Array  # the rows' text, for the quarantine excerpt

    def __len__(self) -> int:
        return len(self.records)


def empty_raw_batch() -> pa.RecordBatch:
    """An empty batch of `RAW_POST_SCHEMA` (what a reader yields when a chunk had no posts)."""
    return pa.RecordBatch.from_pylist([], schema=RAW_POST_SCHEMA)


def conform(batch: pa.RecordBatch | pa.Table, schema: pa.Schema = RAW_POST_SCHEMA) -> pa.RecordBatch:
    """Reorder, add missing (null) columns and cast `batch` to `schema`.

    Readers build the columns they know; everything else becomes null. Raises
    `pa.ArrowInvalid` when a column cannot be cast (a reader bug, not bad input).
    """
    n = batch.num_rows
    cols = []
    for field in schema:
        if field.name in batch.schema.names:
            col = batch.column(field.name)
            if isinstance(col, pa.ChunkedArray):
                col = col.combine_chunks()
            if col.type != field.type:
                col = col.cast(field.type)
            cols.append(col)
        else:
            cols.append(pa.nulls(n, field.type))
    return pa.RecordBatch.from_arrays(cols, schema=schema.remove_metadata())


def _checks(batch: pa.RecordBatch, now: datetime, max_text_bytes: int) -> list[tuple[pa.Array, str]]:
    """(mask of failing rows, reason) per check, in order of precedence."""
    pid = batch.column("post_id")
    plat = batch.column("platform")
    ts = batch.column("created_at")
    text = batch.column("text")
    lo = pa.scalar(EARLIEST, TIMESTAMP)
    hi = pa.scalar(now + FUTURE_SLACK, TIMESTAMP)
    blank_pid = pc.equal(pc.binary_length(pc.utf8_trim_whitespace(pid) if may_have_padding(pid) else pid), 0)
    checks = [
        (pc.or_kleene(pc.is_null(pid), blank_pid), "missing post_id"),
        (pc.greater(pc.binary_length(pid), MAX_ID_BYTES), f"post_id over {MAX_ID_BYTES} bytes"),
        (pc.or_kleene(pc.is_null(plat), pc.equal(pc.utf8_length(plat), 0)), "missing platform"),
        (pc.is_null(ts), "missing or unparseable created_at"),
        (pc.or_kleene(pc.less(ts, lo), pc.greater(ts, hi)), "created_at out of range (before 1990 or in the future)"),
        (pc.greater(pc.binary_length(text), max_text_bytes), f"text over {max_text_bytes} bytes"),
        (pc.match_substring(text, "\x00"), "NUL byte in text"),
    ]
    for col in ("author", "repost_of", "reply_to", "quote_of"):
        c = batch.column(col)
        if c.null_count < len(c):
            checks.append((pc.match_substring(c, "\x00"), f"NUL byte in {col}"))
    return checks


def validate_batch(
    batch: pa.RecordBatch, *, now: datetime | None = None, max_text_bytes: int = MAX_TEXT_BYTES
) -> tuple[pa.RecordBatch, Rejects]:
    """Split a raw batch into valid rows and rejected rows with one reason each.

    Checks: post_id and platform present and not over `MAX_ID_BYTES`; created_at present and
    between 1990 and now + 2 days; text at most `max_text_bytes` bytes and free of NUL bytes.
    Also lower-cases hashtags and derives `domains` from `urls` where a reader left it null.
    Vectorised: no per-row Python; a clean batch (the common case) skips building reasons.
    """
    if batch.schema != RAW_POST_SCHEMA.remove_metadata():
        batch = conform(batch)
    n = batch.num_rows
    checks = _checks(batch, now or datetime.now(UTC), max_text_bytes)
    bad_any = checks[0][0].fill_null(False)
    for mask, _ in checks[1:]:
        bad_any = pc.or_(bad_any, mask.fill_null(False))
    if not pc.any(bad_any).as_py():
        empty = pa.array([], pa.int64())
        return _tidy(batch), Rejects(empty, pa.array([], pa.string()), pa.array([], pa.string()),
                                     pa.array([], pa.string()))
    reasons = np.full(n, None, dtype=object)
    for mask, reason in checks:  # the first failing check names the reason
        m = np.asarray(mask.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
        reasons[m & (reasons == None)] = reason  # noqa: E711 - numpy elementwise
    bad = np.asarray(bad_any.to_numpy(zero_copy_only=False), dtype=bool)
    bad_mask = pa.array(bad)
    valid = batch.filter(pc.invert(bad_mask))
    rejects = Rejects(
        records=batch.column("record").filter(bad_mask),
        reasons=pa.array(reasons[bad].tolist(), pa.string()),
        authors=batch.column("author").filter(bad_mask),
        texts=pc.utf8_slice_codeunits(batch.column("text").filter(bad_mask), 0, 400),
    )
    return _tidy(valid), rejects


def _tidy(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Lower-case hashtags (without '#'), derive domains from urls where missing."""
    from agorascope.urls import domains_of

    cols = {name: batch.column(name) for name in batch.schema.names}
    tags = cols["hashtags"]
    if tags.null_count < len(tags):
        flat = pc.utf8_lower(pc.utf8_ltrim(tags.flatten(), "#＃"))
        cols["hashtags"] = with_list_values(tags, flat)
    dom = cols["domains"]
    if dom.null_count and cols["urls"].null_count < len(cols["urls"]):
        derived = domains_of(cols["urls"])
        cols["domains"] = pc.if_else(pc.is_null(dom), derived, dom)
    return pa.RecordBatch.from_arrays(list(cols.values()), schema=batch.schema)
