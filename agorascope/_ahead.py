"""Run an iterator ahead of its consumer in a thread: the one pipeline primitive of ingest.

Why: readers and batch preparation are partly Python (they hold the GIL) while the consumer's
work is mostly Arrow compute and DuckDB (both release it), so on two cores the two overlap.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


class _Failed:
    """An exception raised by the producer, carried to the consumer (items may be exceptions)."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def run_ahead(items: Iterable[T], *, depth: int = 1, name: str = "agorascope-ahead",
              join_seconds: float = 10.0) -> Iterator[T]:
    """Yield `items`, produced up to `depth` items ahead in a daemon thread.

    Exceptions raised by the producer are re-raised in the consumer. A consumer that stops early
    (break, exception, close) stops the thread, which closes `items` at once rather than at
    garbage collection, so a reader's file and DuckDB connection are released promptly.
    """
    q: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            put(_Failed(exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    t = threading.Thread(target=work, name=name, daemon=True)
    t.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        t.join(timeout=join_seconds)


__all__ = ["run_ahead"]
