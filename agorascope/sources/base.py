"""What a source (an input format) is: `sniff` a file's head, `read` it as raw chunks.

A reader never raises on a bad record: it yields it in `Chunk.rejects` with the record's
line/row number and a reason, and carries on. Items that are not posts (likes, service
messages, account events) are counted in `Chunk.skipped`, not rejected.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pyarrow as pa


@dataclass
class Reject:
    """A record that could not become a post."""

    record: int
    reason: str
    excerpt: str = ""
    author: str | None = None  # raw handle when the record was parseable enough to tell


@dataclass
class Chunk:
    """A bounded piece of an input: posts (`RAW_POST_SCHEMA`), rejects, skipped count.

    `records_end` is how many input records (lines, rows, items) precede the next chunk;
    the import ledger stores it so an interrupted import resumes there.
    """

    posts: pa.RecordBatch
    rejects: list[Reject] = field(default_factory=list)
    skipped: int = 0
    records_end: int = 0
    #: True when `posts.author` already holds pseudonyms (re-import of agorascope's own export).
    pseudonymised: bool = False
    #: Set by a reader that numbered its records by *parsed* position until it learnt, at the end,
    #: which rows it could not parse (DuckDB's CSV rejects): their sorted row numbers, on its last
    #: chunk, which holds only those rejects. Every record number committed for the file so far
    #: is then translated to its row in the file (`parsed_to_row_numbers`) in that chunk's
    #: transaction, which also marks the import done (so a resume cannot translate twice).
    unparsed_rows: np.ndarray | None = None


def parsed_to_row_numbers(records: np.ndarray, unparsed: np.ndarray) -> np.ndarray:
    """Row numbers of records numbered by parsed position (first data row = 2, as the rows).

    The k-th parsed row sits at row k + 2 + (unparsed rows above it): with `unparsed` sorted,
    t = r + #(unparsed <= t) is solved by iterating from t = r (at most len(unparsed) steps).
    """
    records = np.asarray(records, np.int64)
    unparsed = np.asarray(unparsed, np.int64)
    t = records.copy()
    while True:
        nxt = records + np.searchsorted(unparsed, t, side="right")
        if np.array_equal(nxt, t):
            return t
        t = nxt


@dataclass
class ReadOptions:
    """What the user told `ingest` about an input."""

    source: str = ""
    platform: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    batch_rows: int = 122_880
    start_record: int = 0  # records already imported (resume): readers may skip up to here


class Source(Protocol):
    """An input format. Registered in `agorascope.sources` under `name`."""

    name: str
    description: str

    def sniff(self, head: bytes, *, filename: str = "") -> float:
        """Confidence in [0, 1] that a file starting with `head` (decompressed) is this format."""
        ...

    def read(self, path: Path, *, options: ReadOptions) -> Iterator[Chunk]:
        """Stream the file as chunks of at most `options.batch_rows` posts."""
        ...
