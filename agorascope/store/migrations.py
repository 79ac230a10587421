"""Explicit store migrations: `MIGRATIONS[v]` moves a store from schema v to v + 1.

Each step runs inside one transaction together with the version bump, so a crash leaves the
store at the old version. Add a step here with every change of `schema.SCHEMA_VERSION`.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

Migration = Callable[[duckdb.DuckDBPyConnection], None]



def _fill_post_keys(con: duckdb.DuckDBPyConnection) -> None:
    """1 -> 2: `post_keys` (created empty by the DDL) gets the key of every stored post."""
    con.execute("DELETE FROM post_keys").fetchall()
    con.execute("INSERT INTO post_keys SELECT md5_number_upper(post_id), author FROM posts").fetchall()


MIGRATIONS: dict[int, Migration] = {
    1: _fill_post_keys,
}
