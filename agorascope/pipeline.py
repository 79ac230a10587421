"""Wiring of stages that run on every batch of newly stored posts (batch ingest and `watch`).

A hook receives the posts just inserted (`POST_SCHEMA`, duplicates already dropped) and the
project; trend counters and alert rules register here so that a file import and a live
stream share the same code path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    from agorascope.project import Project

log = logging.getLogger(__name__)

BatchHook = Callable[["Project", pa.RecordBatch], None]

#: (name, hook) in registration order.
BATCH_HOOKS: list[tuple[str, BatchHook]] = []


def register_batch_hook(name: str) -> Callable[[BatchHook], BatchHook]:
    """Decorator: run `fn(project, new_posts)` after every committed batch of new posts."""
    def deco(fn: BatchHook) -> BatchHook:
        if all(n != name for n, _ in BATCH_HOOKS):
            BATCH_HOOKS.append((name, fn))
        return fn
    return deco


def load_builtin_hooks() -> None:
    """Import the modules that register built-in hooks (kept lazy so --help stays fast)."""
    for module in ("agorascope.analysis.trends_hook",):
        try:
            __import__(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def run_batch_hooks(project: Project, posts: pa.RecordBatch) -> None:
    for name, fn in BATCH_HOOKS:
        log.debug("hook %s on %d posts", name, posts.num_rows)
        fn(project, posts)
