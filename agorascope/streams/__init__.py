"""Live collection from open APIs: Bluesky Jetstream, Mastodon timelines, RSS/Atom feeds.

`connector(name, ...)` builds one; `run_watch(project, connector, options=...)` runs it into a
project in micro-batches with resumable cursors (see `streams.runner`).
"""

from __future__ import annotations

from agorascope.streams.base import Backoff, Connector, PostFilter, RateLimited, StreamItem, TransientError
from agorascope.streams.runner import WatchOptions, WatchReport, WatchRunner, load_cursor, run_watch, save_cursor

__all__ = ["Backoff", "Connector", "PostFilter", "RateLimited", "StreamItem", "TransientError", "WatchOptions",
           "WatchReport", "WatchRunner", "load_cursor", "run_watch", "save_cursor"]
