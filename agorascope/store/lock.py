"""One writer per store file, with a message that names the holder.

DuckDB lets one process open a file read-write, or several read-only, never both; a second
open fails with a raw "Conflicting lock" error. We take an advisory `flock` on
``<project>/store.lock`` first (exclusive for writers, shared for readers) and record who holds
it in ``store.owner``, so the loser hears which pid and command to go through instead.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from pathlib import Path

from agorascope.errors import StoreBusy


class StoreLock:
    """An advisory lock on a project's store; `acquire` raises `StoreBusy` naming the holder."""

    def __init__(self, project_dir: Path, *, read_only: bool = False):
        self.path = Path(project_dir) / "store.lock"
        self.owner_path = Path(project_dir) / "store.owner"
        self.read_only = read_only
        self._fd: int | None = None

    def acquire(self, *, wait_s: float = 0.0) -> None:
        """Take the lock, retrying for up to `wait_s` seconds before giving up."""
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        mode = (fcntl.LOCK_SH if self.read_only else fcntl.LOCK_EX) | fcntl.LOCK_NB
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(self._fd, mode)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(self._fd)
                    self._fd = None
                    raise StoreBusy(self.busy_message()) from None
                time.sleep(0.1)
        if not self.read_only:
            info = {"pid": os.getpid(), "command": " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:])[:200],
                    "since": time.time()}
            self.owner_path.write_text(json.dumps(info))

    def busy_message(self) -> str:
        """Who holds the store and what to do about it."""
        try:
            info = json.loads(self.owner_path.read_text())
            holder = f"pid {info.get('pid')} ({info.get('command') or 'agorascope'})"
        except (OSError, ValueError):
            holder = "another process"
        if self.read_only:
            return (f"The store is in use by {holder}, which is writing to it. Wait for it to finish, "
                    "or ask it through its API (`agorascope serve`), or read a Parquet export.")
        return (f"The store is in use by {holder}. Only one process may write to a project at a time: "
                "wait for it to finish or stop it, or run this command through it.")

    def release(self) -> None:
        """Drop the lock (and the owner note, if ours)."""
        if self._fd is None:
            return
        if not self.read_only:
            try:
                info = json.loads(self.owner_path.read_text())
                if info.get("pid") == os.getpid():
                    self.owner_path.unlink()
            except (OSError, ValueError):
                pass
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None
