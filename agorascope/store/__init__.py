"""Project storage: the `Store` protocol and its embedded DuckDB implementation."""

from agorascope.store.base import ImportRecord, Store
from agorascope.store.duckdb_store import DuckDBStore

__all__ = ["DuckDBStore", "ImportRecord", "Store"]
