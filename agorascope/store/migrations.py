"""Explicit store migrations: `MIGRATIONS[v]` moves a store from schema v to v + 1.

Each step runs inside one transaction together with the version bump, so a crash leaves the
store at the old version. Add a step here with every change of `schema.SCHEMA_VERSION`.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

Migration = Callable[[duckdb.DuckDBPyConnection], None]

MIGRATIONS: dict[int, Migration] = {
    # 1 -> 2 goes here, e.g.:
    # 1: lambda con: con.execute("ALTER TABLE posts ADD COLUMN edited_at TIMESTAMPTZ"),
}
