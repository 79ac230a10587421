"""`Project`: the Python API over one project folder — the CLI, API server and demo call it.

A project folder holds `agorascope.duckdb` (the store), `secret.key` (mode 0600, the key of
the pseudonyms) and optionally `agorascope.toml`. Analyses are module functions of
(store, params) -> Arrow table; `Project` wires them to its store.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from agorascope.config import STORE_FILE, Settings
from agorascope.errors import ConfigError, StoreError
from agorascope.ingest import FileReport, Ingestor, IngestReport, Progress, expand_paths
from agorascope.privacy import Pseudonymiser, create_secret, load_secret
from agorascope.sources.base import ReadOptions
from agorascope.store.duckdb_store import DuckDBStore
from agorascope.store.sql import time_range

log = logging.getLogger(__name__)


#: DuckDB's memory cap while importing files (a constant, never user input, in the SET statement).
#: Dedupe reads only `post_keys` (8 bytes a post), so the table's blocks need not stay cached.
STREAMING_MEMORY_LIMIT = "256MB"


class Project:
    """One study: its store, its secret and its settings."""

    def __init__(self, settings: Settings, *, read_only: bool = False):
        self.settings = settings
        self.dir = Path(settings.project)
        if not (self.dir / STORE_FILE).exists():
            raise StoreError(f"No agorascope project at {self.dir}. Create one with `agorascope init {self.dir}` "
                             "or point to one with --project DIR (or AGORASCOPE_PROJECT).")
        self.read_only = read_only
        self._store: DuckDBStore | None = None
        self._pseudo: Pseudonymiser | None = None

    # -- lifecycle ------------------------------------------------------------------------
    @classmethod
    def init(cls, directory: Path | str, *, settings: Settings | None = None) -> Project:
        """Create a project folder with a fresh secret and an empty store (idempotent)."""
        settings = settings or Settings()
        settings.project = Path(directory)
        settings.project.mkdir(parents=True, exist_ok=True)
        create_secret(settings.project)
        DuckDBStore(settings.store_path).close()
        return cls(settings)

    @classmethod
    def open(cls, directory: Path | str, *, read_only: bool = False, **overrides: object) -> Project:
        """Open an existing project folder."""
        s = Settings(project=Path(directory))
        for k, v in overrides.items():
            setattr(s, k, v)
        return cls(s, read_only=read_only)

    @property
    def store(self) -> DuckDBStore:
        """The store, opened on first use (one writer per project: see `StoreLock`)."""
        if self._store is None:
            self._store = DuckDBStore(self.settings.store_path, read_only=self.read_only,
                                      lock_wait_s=self.settings.lock_wait_s, threads=self.settings.threads,
                                      memory_limit=self.settings.memory_limit)
        return self._store

    @property
    def pseudonymiser(self) -> Pseudonymiser:
        if self._pseudo is None:
            self._pseudo = Pseudonymiser(load_secret(self.dir, self.settings.secret))
        return self._pseudo

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingest ---------------------------------------------------------------------------
    def _ingestor(self) -> Ingestor:
        from agorascope import pipeline

        pipeline.load_builtin_hooks()
        hook = None
        if pipeline.BATCH_HOOKS and self.settings.run_hooks:
            def hook(posts: pa.RecordBatch) -> None:
                pipeline.run_batch_hooks(self, posts)
        return Ingestor(self.store, self.pseudonymiser, mask=self.settings.mask_mentions, on_inserted=hook)

    def ingest(self, paths: Iterable[Path | str], *, format: str = "auto", mapping: dict[str, str] | None = None,
               platform: str | None = None, source: str | None = None, retention_days: int | None = None,
               force: bool = False, progress: Progress | None = None) -> IngestReport:
        """Import files (directories are walked); each file is sniffed unless `format` is given."""
        files = expand_paths(Path(p) for p in paths)
        missing = [str(p) for p in files if not p.exists()]
        if missing:
            raise ConfigError(f"No such file: {', '.join(missing)}")
        if not files:
            raise ConfigError("Nothing to import: the paths given hold no files.")
        if retention_days is not None and retention_days < 1:
            raise ConfigError(f"--retention-days must be at least 1, got {retention_days}.")
        report = IngestReport()
        ing = self._ingestor()
        with self._streaming_memory(), tempfile.TemporaryDirectory(prefix="agorascope-zip-") as tmp:
            for f, name in _with_zip_members(files, Path(tmp)):
                opts = ReadOptions(source=source or name, platform=platform.lower() if platform else None,
                                   mapping=dict(mapping or {}), batch_rows=self.settings.batch_rows)
                report.add(ing.ingest_file(f, format=format, options=opts, force=force, progress=progress))
                if retention_days is not None:
                    self.set_retention(source or name, retention_days)
            self.apply_retention()
        return report

    @contextmanager
    def _streaming_memory(self) -> Iterator[None]:
        """Cap DuckDB's buffer cache while bulk work only streams batches through it (ingest,
        enrich), so memory stays flat as the store grows; analyses keep DuckDB's default and spill
        when they must. A `memory_limit` the user set wins."""
        if self.settings.memory_limit is not None:
            yield
            return
        self.store.execute(f"SET memory_limit = '{STREAMING_MEMORY_LIMIT}'")
        try:
            yield
        finally:
            self.store.execute("RESET memory_limit")

    def ingest_batches(self, batches: Iterable[pa.RecordBatch], *, source: str,
                       progress: Progress | None = None) -> FileReport:
        """Import raw Arrow batches (`RAW_POST_SCHEMA`) made in-process, e.g. by the simulator."""
        return self._ingestor().ingest_batches(batches, source=source, progress=progress)

    # -- retention ------------------------------------------------------------------------
    def set_retention(self, source: str, days: int) -> None:
        """Keep raw text of `source` for `days` days; older text is deleted, counts kept."""
        self.store.execute(
            "INSERT INTO sources VALUES (?, ?, ?) ON CONFLICT (name) "
            "DO UPDATE SET retention_days = excluded.retention_days",
            [source, int(days), datetime.now(UTC)])

    def apply_retention(self, *, now: datetime | None = None) -> dict[str, int]:
        """Blank the text of posts older than their source's retention period."""
        now = now or datetime.now(UTC)
        out: dict[str, int] = {}
        rules = self.store.query("SELECT name, retention_days FROM sources WHERE retention_days IS NOT NULL")
        for name, days in zip(rules["name"].to_pylist(), rules["retention_days"].to_pylist(), strict=True):
            cutoff = now - timedelta(days=int(days))
            n = self.store.scalar("SELECT count(*) FROM posts WHERE source = ? AND created_at < ? AND text IS NOT NULL",
                                  [name, cutoff])
            if n:
                self.store.execute("UPDATE posts SET text = NULL WHERE source = ? AND created_at < ? "
                                   "AND text IS NOT NULL", [name, cutoff])
                self.store.execute("UPDATE quarantine SET excerpt = '' WHERE source = ? AND quarantined_at < ?",
                                   [name, cutoff])
            out[name] = int(n or 0)
        return out

    # -- privacy --------------------------------------------------------------------------
    def pseudonym(self, handles: Sequence[str], *, platform: str) -> list[str]:
        """The pseudonym of each handle on `platform` (to answer an erasure request)."""
        if not platform:
            raise ConfigError("Give the platform of the handles with --platform (e.g. twitter, bluesky).")
        return [self.pseudonymiser.pseudonym(platform, h) for h in handles]

    def forget(self, *, handle: str | None = None, platform: str | None = None,
               pseudonym: str | None = None) -> dict[str, int]:
        """Delete every row of one author in every table; return the count per table."""
        if pseudonym is None:
            if not handle or not platform:
                raise ConfigError("Name the author: HANDLE with --platform P, or --pseudonym X.")
            pseudonym = self.pseudonymiser.pseudonym(platform, handle)
        return self.store.forget(pseudonym)

    # -- analyses (thin delegates; each analysis is a module function of the store) ------
    def enrich(self, **kwargs: Any) -> Any:
        """Language, sentiment, embeddings and MinHash for posts not yet enriched (`text.enrich`)."""
        from agorascope.text.enrich import enrich_store

        with self._streaming_memory():  # measured at 1M posts: 2.30 GB peak RSS without the cap
            return enrich_store(self.store, **kwargs)

    def narratives(self, **kwargs: Any) -> Any:
        """Discover multilingual narratives from stored embeddings (`analysis.narratives`)."""
        from agorascope.analysis.narratives import discover_narratives

        return discover_narratives(self.store, **kwargs)

    def trends(self, **kwargs: Any) -> pa.Table:
        """The ranked "rising now" table (`analysis.trends.rising`)."""
        from agorascope.analysis.trends import rising

        return rising(self.store, **kwargs)

    def coordination(self, **kwargs: Any) -> Any:
        """Coordinated-behaviour networks with evidence (`analysis.coordination`)."""
        from agorascope.analysis.coordination import coordination

        return coordination(self.store, **kwargs)

    # -- read ----------------------------------------------------------------------------
    def status(self) -> dict[str, object]:
        """Counts for `agorascope status`: posts by platform and language, imports, quarantine."""
        st = self.store
        posts = st.scalar("SELECT count(*) FROM posts")
        by_platform = {r["platform"]: r["n"] for r in st.query(
            "SELECT platform, count(*) AS n FROM posts GROUP BY 1 ORDER BY 2 DESC").to_pylist()}
        by_lang = {(r["lang"] or "und"): r["n"] for r in st.query(
            "SELECT lang, count(*) AS n FROM posts GROUP BY 1 ORDER BY 2 DESC LIMIT 30").to_pylist()}
        span = st.query("SELECT min(created_at) AS first, max(created_at) AS last FROM posts").to_pylist()[0]
        return {
            "project": str(self.dir),
            "schema_version": st.schema_version,
            "posts": posts,
            "authors": st.scalar("SELECT count(DISTINCT author) FROM posts"),
            "first": span["first"].isoformat() if span["first"] else None,
            "last": span["last"].isoformat() if span["last"] else None,
            "platforms": by_platform,
            "languages": by_lang,
            "imports": st.scalar("SELECT count(*) FROM imports"),
            "imports_unfinished": st.scalar("SELECT count(*) FROM imports WHERE status <> 'done'"),
            "quarantined": st.scalar("SELECT count(*) FROM quarantine"),
            "tables": st.tables(),
        }

    def export(self, out: Path | str, *, format: Literal["parquet", "csv"] | None = None,
               since: datetime | None = None, until: datetime | None = None, batch_rows: int = 100_000) -> int:
        """Write posts (with enrichment columns where they exist) to Parquet or CSV; return rows written."""
        out = Path(out)
        fmt = format or ("csv" if out.suffix.lower() == ".csv" else "parquet")
        if fmt not in ("parquet", "csv"):
            raise ConfigError(f"Unknown export format {fmt!r}: use parquet or csv.")
        sql, params = self._export_query(since, until)
        n = 0
        writer: pq.ParquetWriter | pacsv.CSVWriter | None = None
        try:
            for batch in self.store.stream(sql, params, batch_rows=batch_rows):
                if writer is None:
                    meta = {b"agorascope.pseudonymised": b"true",
                            b"agorascope.schema_version": str(self.store.schema_version).encode()}
                    schema = batch.schema.with_metadata(meta)
                    writer = (pq.ParquetWriter(out, schema, compression="zstd") if fmt == "parquet"
                              else pacsv.CSVWriter(out, _csv_safe(schema)))
                if fmt == "csv":
                    batch = _csv_batch(batch)
                writer.write_batch(batch) if fmt == "parquet" else writer.write(batch)
                n += batch.num_rows
        finally:
            if writer is not None:
                writer.close()
        if writer is None:  # nothing matched: still write a valid, empty file
            empty = self.store.query(sql + " LIMIT 0", params)
            if fmt == "parquet":
                pq.write_table(empty, out)
            else:
                pacsv.write_csv(pa.Table.from_batches([_csv_batch(b) for b in empty.to_batches()],
                                                      schema=_csv_safe(empty.schema)), out)
        return n

    def _export_query(self, since: datetime | None, until: datetime | None) -> tuple[str, list[object]]:
        """posts LEFT JOIN every registered per-post table (enrichment, narratives) that exists.

        A stage column named like a posts column (e.g. detected `lang`) wins where it is set,
        falling back to the imported value, so the file has each column once.
        """
        _load_export_registrations()
        tables = set(self.store.tables())
        post_cols = self.store.columns("posts")
        override: dict[str, str] = {}
        extra: list[str] = []
        joins = []
        for i, (table, cols) in enumerate(EXPORT_JOINS):
            if table in tables:
                have = set(self.store.columns(table))
                use = [c for c in cols if c in have]
                if use and "post_id" in have:
                    joins.append(f'LEFT JOIN "{table}" e{i} USING (post_id)')
                    for c in use:
                        if c in post_cols:
                            override[c] = f'COALESCE(e{i}."{c}", p."{c}") AS "{c}"'
                        else:
                            extra.append(f'e{i}."{c}"')
        select = [override.get(c, f'p."{c}"') for c in post_cols] + extra
        where, params = time_range("p.created_at", since, until)
        sql = f"SELECT {', '.join(select)} FROM posts p {' '.join(joins)}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return sql + " ORDER BY p.created_at, p.post_id", params


def _with_zip_members(files: list[Path], tmp: Path) -> Iterable[tuple[Path, str]]:
    """Each file with its source name; a zip archive of several files becomes its members, each
    extracted (one at a time) and sniffed on its own. A one-file zip is read in place."""
    import zipfile

    from agorascope.sources._io import compression_of, zip_members

    for f in files:
        if compression_of(f) != "zip":
            yield f, f.name
            continue
        members = zip_members(f)
        if len(members) <= 1:
            yield f, f.name
            continue
        with zipfile.ZipFile(f) as zf:
            for i, member in enumerate(members):
                out = tmp / f"{i:05d}-{Path(member).name}"
                with zf.open(member) as src, open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                yield out, f"{f.name}:{member}"
                out.unlink(missing_ok=True)


#: Per-post tables whose columns `export` appends, with the columns to take. Analyses add theirs.
EXPORT_JOINS: list[tuple[str, list[str]]] = []


def register_export_columns(table: str, columns: list[str]) -> None:
    """Let a stage's per-post table (keyed by post_id) contribute columns to `export`."""
    if (table, columns) not in EXPORT_JOINS:
        EXPORT_JOINS.append((table, columns))


#: Modules whose import registers export columns (imported lazily, only for `export`).
_EXPORT_MODULES = ("agorascope.text.store", "agorascope.analysis.narratives_store")


def _load_export_registrations() -> None:
    import importlib

    for name in _EXPORT_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def _csv_safe(schema: pa.Schema) -> pa.Schema:
    return pa.schema([pa.field(f.name, pa.string() if pa.types.is_list(f.type) else f.type) for f in schema],
                     metadata=schema.metadata)


def _csv_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Lists become `|`-joined strings so that CSV readers get one cell per field."""
    import pyarrow.compute as pc

    cols = []
    for f, c in zip(batch.schema, batch.columns, strict=True):
        if pa.types.is_list(f.type):
            c = pc.binary_join(c, "|")
        cols.append(c)
    return pa.RecordBatch.from_arrays(cols, schema=_csv_safe(batch.schema))

