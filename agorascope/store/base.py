"""The `Store` protocol: what every engine (DuckDB now, Spark/Parquet later) must offer.

Conventions every table follows, so that `forget` can erase an author everywhere without
knowing each analysis: a column holding a pseudonym is named ``author`` or ``author_*``; a
column holding a post id is named ``post_id`` or ends in ``_post_id``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import pyarrow as pa


@dataclass
class ImportRecord:
    """One row of the import ledger: how far an input file got."""

    fingerprint: str
    path: str
    source: str
    format: str
    records_done: int
    imported: int
    duplicates: int
    quarantined: int
    skipped: int
    status: str  # "running" | "done"
    started_at: datetime | None = None
    finished_at: datetime | None = None


class Store(Protocol):
    """One project's storage. All SQL is parameterised; input never becomes SQL text."""

    def upsert_posts(self, batch: pa.RecordBatch) -> int:
        """Insert posts whose `post_id` is new; return how many were inserted."""
        ...

    def add_quarantine(self, rows: pa.Table) -> int:
        """Store rejected records (deduplicated on fingerprint + record)."""
        ...

    def ledger(self, fingerprint: str) -> ImportRecord | None:
        """The ledger row of an input file, if it was seen before."""
        ...

    def save_ledger(self, record: ImportRecord) -> None:
        """Create or update a ledger row."""
        ...

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """Run a read query and return an Arrow table."""
        ...

    def stream(self, sql: str, params: Sequence[Any] | None = None, *, batch_rows: int = 100_000
               ) -> Iterator[pa.RecordBatch]:
        """Run a read query and stream its result in bounded batches."""
        ...

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        """Run a statement (DDL or DML)."""
        ...

    def tables(self) -> list[str]:
        """Names of the tables in the store."""
        ...

    def forget(self, pseudonym: str) -> dict[str, int]:
        """Delete every row about one author in every table; return the counts per table."""
        ...

    def close(self) -> None:
        """Release the store (and its lock)."""
        ...
