"""Explicit store migrations: `MIGRATIONS[v]` moves a store from schema v to v + 1.

Each step runs inside one transaction together with the version bump, so a crash leaves the
store at the old version. Add a step here with every change of `schema.SCHEMA_VERSION`.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

Migration = Callable[[duckdb.DuckDBPyConnection], None]


#: The dedupe key of a post id in `post_keys`. DuckDB's `hash()` is 40x cheaper than MD5 here
#: (0.02 vs 0.79 s CPU per 1M ids) but may change between DuckDB versions, so the store keeps
#: the hash of a probe string in `meta` and rebuilds the keys when it changes.
POST_KEY_SQL = "hash({})"
POST_KEY_PROBE_SQL = "SELECT " + POST_KEY_SQL.format("'agorascope post key probe'")


def rebuild_post_keys(con: duckdb.DuckDBPyConnection) -> None:
    """`post_keys` from scratch: the key of every stored post."""
    con.execute("DELETE FROM post_keys").fetchall()
    con.execute("INSERT INTO post_keys (post_key) SELECT " + POST_KEY_SQL.format("post_id") + " FROM posts").fetchall()


def drop_post_key_authors(con: duckdb.DuckDBPyConnection) -> None:
    """`post_keys` without its `author` column: the column cost 0.28 of 0.34 CPU-s per 1M
    inserted keys, and `forget` finds an author's keys through the author's posts instead."""
    con.execute("ALTER TABLE post_keys DROP COLUMN IF EXISTS author").fetchall()


MIGRATIONS: dict[int, Migration] = {
    1: rebuild_post_keys,  # 1 -> 2: `post_keys` (created empty by the DDL) is filled
    2: drop_post_key_authors,  # 2 -> 3: keys only
}
