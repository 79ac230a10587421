"""The `trends` batch hook: every committed batch of new posts updates the trend counters and
evaluates the alert rules on the rows it wrote, inside the ingest transaction; due
notifications are then sent (one attempt each; failures are retried with back-off later)."""

from __future__ import annotations

import logging
import time

import pyarrow as pa

from agorascope.pipeline import register_batch_hook

log = logging.getLogger(__name__)


@register_batch_hook("trends")
def update_trends(project: object, posts: pa.RecordBatch) -> None:
    """Count the batch into the trend tables, then run the alert engine on what changed."""
    from agorascope.alerts import engine
    from agorascope.analysis.trends import counter_for

    store = project.store  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    counter = counter_for(store, exclude=posts.column("post_id"))
    counter.watched = engine.watched_keys(store)
    counter.update(store, posts)
    t1 = time.perf_counter()
    fired = engine.evaluate(store)
    sent = engine.deliver_pending(store, attempts=1)
    log.debug("trends: %d posts counted in %.3fs; %d alerts, %s in %.3fs", posts.num_rows, t1 - t0, fired.num_rows,
              sent, time.perf_counter() - t1)
