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
