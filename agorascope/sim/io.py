"""Writing simulated posts to files (Parquet, CSV, NDJSON) for benchmarks and demos."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from agorascope._arrow import with_list_values
from agorascope.errors import ConfigError
from agorascope.schema import RAW_POST_SCHEMA

#: Columns written: the raw post columns without `record` (a reader numbers its own rows).
FILE_SCHEMA = pa.schema([f for f in RAW_POST_SCHEMA if f.name != "record"])


def _json_list(arr: pa.Array) -> pa.Array:
    """list<string> -> its JSON array text ('[]' for empty, null for null), vectorised."""
    flat = arr.flatten()
    flat = pc.replace_substring(pc.replace_substring(flat, "\\", "\\\\"), '"', '\\"')
    escaped = with_list_values(arr, flat)
    inner = pc.binary_join(escaped, '","')
    out = pc.binary_join_element_wise('["', inner, '"]', "")
    return pc.if_else(pc.equal(pc.list_value_length(arr), 0), pa.scalar("[]"), out)


def write_posts(batches: Iterable[pa.RecordBatch], path: Path, format: str) -> int:
    """Write `batches` (sim output) to `path` in `format`; return the number of rows."""
    if format not in ("parquet", "csv", "ndjson"):
        raise ConfigError(f"Unknown format {format!r}; use parquet, csv or ndjson.")
    rows = 0
    if format == "parquet":
        import pyarrow.parquet as pq

        with pq.ParquetWriter(path, FILE_SCHEMA, compression="zstd") as w:
            for b in batches:
                w.write_batch(b.select(FILE_SCHEMA.names))
                rows += b.num_rows
        return rows
    if format == "csv":
        import pyarrow.csv as pcsv

        fields = [pa.field(f.name, pa.string()) if pa.types.is_list(f.type) else f for f in FILE_SCHEMA]
        schema = pa.schema(fields)
        with pcsv.CSVWriter(path, schema) as w:
            for b in batches:
                cols = [_json_list(b.column(f.name)) if pa.types.is_list(f.type) else b.column(f.name)
                        for f in FILE_SCHEMA]
                w.write_batch(pa.RecordBatch.from_arrays(cols, schema=schema))
                rows += b.num_rows
        return rows
    import duckdb

    ts_schema = pa.schema([pa.field("created_at", pa.string()) if f.name == "created_at" else f
                           for f in FILE_SCHEMA])
    count = [0]

    def stream() -> Iterable[pa.RecordBatch]:
        for b in batches:
            sel = b.select(FILE_SCHEMA.names)
            ts = pc.strftime(sel.column("created_at"), format="%Y-%m-%dT%H:%M:%SZ")  # %S has the microseconds
            count[0] += b.num_rows
            yield pa.RecordBatch.from_arrays([ts if n == "created_at" else sel.column(n) for n in sel.schema.names],
                                             schema=ts_schema)

    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.register("sim_posts", pa.RecordBatchReader.from_batches(ts_schema, stream()))
        con.execute(f"COPY sim_posts TO '{_sql_path(path)}' (FORMAT json)")
    finally:
        con.close()
    return count[0]


def _sql_path(path: Path) -> str:
    """A path as a SQL string literal body (COPY takes no parameter for its target)."""
    return str(path).replace("'", "''")
