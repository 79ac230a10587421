"""Run a connector into a project: micro-batches, cursors, back-off, status, clean shutdown.

Two tasks share a bounded queue. The *reader* iterates `connector.stream(cursor)`; when the
stream ends or fails it waits (`RateLimited`: the server's wait; other `TransientError`:
`Backoff` with jitter) and reconnects from the last cursor it *received* (the items before it
are already queued). The *writer* cuts the queue into micro-batches — every `batch_posts`
posts or `batch_seconds` seconds, whichever first — and commits each through
`Project.ingest_batches` (validation, pseudonyms, mention masking, upsert, then the batch
hooks: trends and alerts), then saves the cursor of the batch's last item in
`stream_cursors`. A crash after the commit but before the cursor save replays one batch,
which the upsert on `post_id` drops: at-least-once delivery, exactly-once storage.

On `stop()` (SIGINT/SIGTERM in the CLI) the reader stops, the writer commits every item
already received and saves the cursor, and `run` returns its report.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from agorascope.errors import ConfigError
from agorascope.ingest import FileReport
from agorascope.store.duckdb_store import DuckDBStore
from agorascope.streams.base import Backoff, Connector, RateLimited, StreamItem, TransientError, rows_to_batch

if TYPE_CHECKING:
    from agorascope.project import Project

log = logging.getLogger(__name__)

CURSOR_DDL = ("CREATE TABLE IF NOT EXISTS stream_cursors (stream VARCHAR PRIMARY KEY, cursor VARCHAR, "
              "updated_at TIMESTAMPTZ)")


def load_cursor(store: DuckDBStore, stream: str) -> str | None:
    """The saved cursor of `stream`, or None (also for a read-only store without the table)."""
    if "stream_cursors" not in store.tables():
        return None
    return store.scalar("SELECT cursor FROM stream_cursors WHERE stream = ?", [stream])


def save_cursor(store: DuckDBStore, stream: str, cursor: str) -> None:
    store.execute(CURSOR_DDL)
    store.execute("INSERT INTO stream_cursors VALUES (?, ?, ?) ON CONFLICT (stream) DO UPDATE SET "
                  "cursor = excluded.cursor, updated_at = excluded.updated_at", [stream, cursor, datetime.now(UTC)])


@dataclass
class WatchOptions:
    """How a watch runs. Bounded runs set `max_posts` and/or `max_seconds`."""

    batch_posts: int = 500
    batch_seconds: float = 1.0
    max_posts: int | None = None
    max_seconds: float | None = None
    status_every_s: float = 5.0
    queue_size: int = 20_000
    backoff: Backoff = field(default_factory=Backoff)
    #: Give up after this many failed connections in a row (None: never).
    max_failures: int | None = None
    #: Stop once no event arrived for this many seconds (replays, bounded runs; None: never).
    idle_stop_s: float | None = None

    def check(self) -> None:
        if self.batch_posts < 1:
            raise ConfigError(f"--batch-posts must be at least 1, got {self.batch_posts}.")
        if not 0.01 <= self.batch_seconds <= 3600:
            raise ConfigError(f"--batch-seconds must be between 0.01 and 3600, got {self.batch_seconds}.")
        if self.max_posts is not None and self.max_posts < 1:
            raise ConfigError(f"--max-posts must be at least 1, got {self.max_posts}.")
        if self.max_seconds is not None and self.max_seconds <= 0:
            raise ConfigError(f"--max-seconds must be positive, got {self.max_seconds}.")
        if self.idle_stop_s is not None and self.idle_stop_s <= 0:
            raise ConfigError(f"--stop-when-idle must be positive, got {self.idle_stop_s}.")


@dataclass
class WatchReport:
    """What a watch did (`--json` prints this)."""

    stream: str
    source: str
    received: int = 0  # post rows received (after filters)
    stored: int = 0  # new posts committed
    duplicates: int = 0
    quarantined: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # non-post events and filtered posts, by reason
    batches: int = 0
    reconnects: int = 0
    rate_limit_waits_s: list[float] = field(default_factory=list)
    backoff_waits_s: list[float] = field(default_factory=list)
    cursor: str | None = None
    resumed_from: str | None = None
    stopped_by: str = ""
    seconds: float = 0.0
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rate_limit_waits_s"] = [round(x, 3) for x in self.rate_limit_waits_s]
        d["backoff_waits_s"] = [round(x, 3) for x in self.backoff_waits_s]
        if d["cursor"] and len(d["cursor"]) > 200:  # RSS cursors hold validators per feed
            d["cursor"] = d["cursor"][:200] + "…"
        if d["resumed_from"] and len(d["resumed_from"]) > 200:
            d["resumed_from"] = d["resumed_from"][:200] + "…"
        return d


_DONE = object()


@dataclass
class _Failed:
    exc: BaseException


#: Called after each committed micro-batch with (raw batch, ingest report, commit wall time).
OnCommit = Callable[[pa.RecordBatch, FileReport, float], None]
#: Called every `status_every_s` with a status dict (received, stored, rate_per_s, lag_s, …).
OnStatus = Callable[[dict[str, Any]], None]


class WatchRunner:
    """Runs one connector into one project until stopped or a bound is reached."""

    def __init__(self, project: Project, connector: Connector, *, source: str | None = None,
                 options: WatchOptions | None = None, on_status: OnStatus | None = None,
                 on_commit: OnCommit | None = None):
        self.project = project
        self.connector = connector
        self.options = options or WatchOptions()
        self.options.check()
        self.source = source or f"watch:{connector.platform}"
        self.on_status = on_status
        self.on_commit = on_commit
        self.report = WatchReport(stream=connector.key, source=self.source)
        self._stop: asyncio.Event | None = None
        self._stop_reason = ""
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="agorascope-store")
        self._last_lag: float | None = None

    # -- control --------------------------------------------------------------------------
    def stop(self, reason: str = "stop") -> None:
        """Ask the run to finish: commit what was received, save the cursor, return."""
        if not self._stop_reason:
            self._stop_reason = reason
        if self._stop is not None:
            self._stop.set()

    async def _db(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a store call on the one store thread (DuckDB work must not block the event loop)."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    # -- the run --------------------------------------------------------------------------
    async def run(self) -> WatchReport:
        """Collect until stopped, `max_posts` received, `max_seconds` passed or a fatal error."""
        t0 = time.monotonic()
        self._stop = asyncio.Event()
        if self._stop_reason:
            self._stop.set()
        cursor = await self._db(load_cursor, self.project.store, self.connector.key)
        self.report.resumed_from = cursor
        self.report.cursor = cursor
        log.info("watching %s from cursor %s", self.connector.key, cursor)
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=self.options.queue_size)
        reader = asyncio.create_task(self._read(queue, cursor), name="agorascope-watch-reader")
        try:
            await self._write(queue, t0)
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
            await self.connector.aclose()
            self._pool.shutdown(wait=True)
            self.report.seconds = round(time.monotonic() - t0, 3)
        return self.report

    async def _read(self, queue: asyncio.Queue[Any], cursor: str | None) -> None:
        assert self._stop is not None
        opts = self.options
        received = 0
        failures = 0
        while not self._stop.is_set():
            got_any = False
            try:
                async with contextlib.aclosing(self.connector.stream(cursor)) as items:
                    async for item in items:
                        if not got_any:
                            got_any = True
                            opts.backoff.reset()
                            failures = 0
                        if item.cursor is not None:
                            cursor = item.cursor
                        await queue.put(item)
                        if item.row is not None:
                            received += 1
                            if opts.max_posts is not None and received >= opts.max_posts:
                                await queue.put(_DONE)
                                return
                        if self._stop.is_set():
                            return
                why, delay = "the server closed the stream", opts.backoff.next_delay()
                self.report.backoff_waits_s.append(delay)
            except RateLimited as exc:
                why, delay = str(exc), exc.retry_after_s
                self.report.rate_limit_waits_s.append(delay)
            except TransientError as exc:
                why, delay = str(exc), opts.backoff.next_delay()
                self.report.backoff_waits_s.append(delay)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # handed to the writer, which commits then re-raises
                await queue.put(_Failed(exc))
                return
            failures = 0 if got_any else failures + 1
            self.report.reconnects += 1
            if opts.max_failures is not None and failures >= opts.max_failures:
                await queue.put(_Failed(ConfigError(
                    f"{self.connector.key}: {failures} connection attempts failed in a row (last: {why}). "
                    "Check the URL and your network, then run watch again; it resumes from the saved cursor.")))
                return
            log.warning("%s; reconnecting in %.1fs from cursor %s", why, delay, cursor)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=delay)

    async def _write(self, queue: asyncio.Queue[Any], t0: float) -> None:
        assert self._stop is not None
        opts = self.options
        rows: list[dict[str, Any]] = []
        cursor: str | None = self.report.cursor
        dirty = False  # cursor moved since the last save
        first_at: float | None = None
        last_save = time.monotonic()
        last_status = time.monotonic()
        status_received = 0
        skipped: Counter[str] = Counter()
        failure: BaseException | None = None
        last_item = time.monotonic()

        def take(item: StreamItem) -> None:
            nonlocal cursor, dirty, first_at
            if item.row is not None:
                rows.append(item.row)
                self.report.received += 1
                if first_at is None:
                    first_at = time.monotonic()
            elif item.skipped:
                skipped[item.skipped] += 1
            if item.cursor is not None and item.cursor != cursor:
                cursor = item.cursor
                dirty = True
            if item.lag_s is not None:
                self._last_lag = item.lag_s

        async def flush() -> None:
            nonlocal rows, dirty, first_at, last_save
            if rows or dirty:
                batch = rows_to_batch(rows)
                rep, at = await self._db(self._commit, batch, cursor if dirty else None)
                self.report.batches += 1 if rows else 0
                self.report.stored += rep.imported
                self.report.duplicates += rep.duplicates
                self.report.quarantined += rep.quarantined
                self.report.cursor = cursor
                if self.on_commit is not None and rows:
                    self.on_commit(batch, rep, at)
            rows = []
            dirty = False
            first_at = None
            last_save = time.monotonic()
            self.report.skipped = dict(sorted(skipped.items()))

        done = False
        while not done:
            now = time.monotonic()
            wait = opts.batch_seconds - (now - first_at) if first_at is not None else opts.batch_seconds
            wait = max(0.0, min(wait, 0.25))
            item: Any = None
            try:
                item = await asyncio.wait_for(queue.get(), timeout=wait) if wait > 0 else queue.get_nowait()
            except (TimeoutError, asyncio.QueueEmpty):
                item = None
            if item is _DONE:
                self._stop_reason = self._stop_reason or "max_posts"
                done = True
            elif isinstance(item, _Failed):
                failure = item.exc
                self._stop_reason = "error"
                done = True
            elif item is not None:
                take(item)
                last_item = time.monotonic()
            now = time.monotonic()
            if opts.max_seconds is not None and now - t0 >= opts.max_seconds:
                self._stop_reason = self._stop_reason or "max_seconds"
                done = True
            if opts.idle_stop_s is not None and now - last_item >= opts.idle_stop_s:
                self._stop_reason = self._stop_reason or "idle"
                done = True
            if self._stop.is_set():
                done = True
            if done:  # commit everything already received, in order
                self._stop.set()
                while True:
                    try:
                        extra = queue.get_nowait()
                    except asyncio.QueueEmpty:
                        break
                    if isinstance(extra, StreamItem):
                        take(extra)
                await flush()
                break
            full = len(rows) >= opts.batch_posts
            due = first_at is not None and now - first_at >= opts.batch_seconds
            idle_cursor = dirty and not rows and now - last_save >= opts.batch_seconds
            if full or due or idle_cursor:
                await flush()
            if now - last_status >= opts.status_every_s:
                rate = (self.report.received - status_received) / (now - last_status)
                status_received = self.report.received
                last_status = now
                self.report.skipped = dict(sorted(skipped.items()))
                self._emit_status(rate, queue.qsize())
        self.report.stopped_by = self._stop_reason or "stop"
        self._emit_status(None, 0)
        if failure is not None:
            self.report.error = f"{type(failure).__name__}: {failure}"
            raise failure

    def _commit(self, batch: pa.RecordBatch, cursor: str | None) -> tuple[FileReport, float]:
        """On the store thread: ingest the batch (hooks included), then save the cursor."""
        if batch.num_rows:
            rep = self.project.ingest_batches([batch], source=self.source)
        else:
            rep = FileReport(path=f"<{self.source}>", format="arrow", confidence=1.0)
        at = time.time()
        if cursor is not None:
            save_cursor(self.project.store, self.connector.key, cursor)
        return rep, at

    def _emit_status(self, rate: float | None, queued: int) -> None:
        if self.on_status is None:
            return
        self.on_status({"stream": self.report.stream, "received": self.report.received,
                        "stored": self.report.stored, "duplicates": self.report.duplicates,
                        "skipped": sum(self.report.skipped.values()), "batches": self.report.batches,
                        "reconnects": self.report.reconnects, "rate_per_s": None if rate is None else round(rate, 1),
                        "lag_s": None if self._last_lag is None else round(self._last_lag, 2), "queued": queued,
                        "final": rate is None})


def run_watch(project: Project, connector: Connector, *, source: str | None = None,
              options: WatchOptions | None = None, on_status: OnStatus | None = None,
              on_commit: OnCommit | None = None, install_signals: bool = False) -> WatchReport:
    """Run a watch to completion in a fresh event loop (SIGINT/SIGTERM stop it cleanly if asked)."""
    import signal

    runner = WatchRunner(project, connector, source=source, options=options, on_status=on_status,
                         on_commit=on_commit)

    async def main() -> WatchReport:
        loop = asyncio.get_running_loop()
        if install_signals:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, runner.stop, signal.Signals(sig).name)
        try:
            return await runner.run()
        finally:
            if install_signals:
                for sig in (signal.SIGINT, signal.SIGTERM):
                    loop.remove_signal_handler(sig)

    return asyncio.run(main())
