"""Transparent decompression and the helpers every reader shares."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import logging
import lzma
import os
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from agorascope.errors import SourceError

log = logging.getLogger(__name__)

HEAD_BYTES = 64 * 1024
#: A single record (line) above this size is quarantined without being parsed.
MAX_RECORD_BYTES = 2 * 1024 * 1024

_MAGIC = {
    b"\x1f\x8b": "gz",
    b"\x28\xb5\x2f\xfd": "zst",
    b"BZh": "bz2",
    b"\xfd7zXZ\x00": "xz",
    b"PK\x03\x04": "zip",
}


def compression_of(path: Path) -> str | None:
    """The compression of a file by its magic bytes (not its name): gz, zst, bz2, xz, zip or None."""
    with open(path, "rb") as f:
        magic = f.read(6)
    for sig, kind in _MAGIC.items():
        if magic.startswith(sig):
            return kind
    return None


def inner_name(path: Path) -> str:
    """The file name with compression suffixes removed (`a.ndjson.zst` → `a.ndjson`)."""
    name = path.name
    for suffix in (".gz", ".zst", ".zstd", ".bz2", ".xz", ".zip"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


class _Guarded(io.RawIOBase):
    """A decompressing stream whose corrupt or truncated data raises `SourceError`, not zlib/EOF errors."""

    def __init__(self, inner: IO[bytes], name: str, kind: str) -> None:
        self._inner = inner
        self._name = name
        self._kind = kind
        self._errors: tuple[type[BaseException], ...] = (
            OSError, EOFError, ValueError, zlib.error, lzma.LZMAError, zipfile.BadZipFile)
        if kind == "zst":
            import zstandard

            self._errors += (zstandard.ZstdError,)

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self._inner.read(len(b))
        except self._errors as exc:
            raise SourceError(f"Cannot decompress {self._name} ({self._kind}): {exc or type(exc).__name__}. "
                              "The file may be truncated; records before this point were read.") from None
        n = len(data)
        b[:n] = data
        return n

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


def open_bytes(path: Path) -> IO[bytes]:
    """Open `path` for binary reading, decompressing gz/zst/bz2/xz/zip (first member) on the fly.

    Corrupt or truncated compressed data raises `SourceError` when it is reached.
    """
    kind = compression_of(path)
    if kind is None:
        return open(path, "rb")
    return io.BufferedReader(_Guarded(_open_raw(path, kind), path.name, kind), buffer_size=1 << 20)


def _open_raw(path: Path, kind: str) -> IO[bytes]:
    try:
        if kind == "gz":
            return gzip.open(path, "rb")
        if kind == "bz2":
            return bz2.open(path, "rb")
        if kind == "xz":
            return lzma.open(path, "rb")
        if kind == "zst":
            import zstandard

            raw = open(path, "rb")  # noqa: SIM115 - the caller closes it
            # Pushshift/Arctic-Shift dumps use a 2 GiB window; allow it.
            dctx = zstandard.ZstdDecompressor(max_window_size=2**31)
            return dctx.stream_reader(raw, closefd=True)  # type: ignore[return-value]
        if kind == "zip":
            zf = zipfile.ZipFile(path)
            members = [m for m in zf.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX")]
            if not members:
                raise SourceError(f"{path.name} is an empty zip archive.")
            if len(members) > 1:
                log.warning("%s holds %d files; only %s is read. Unzip it to import the others.", path.name,
                            len(members), members[0].filename)
            return zf.open(members[0])
    except (OSError, EOFError, zipfile.BadZipFile, NotImplementedError) as exc:
        raise SourceError(f"Cannot decompress {path.name} ({kind}): {exc}") from None
    return open(path, "rb")


def zip_members(path: Path) -> list[str]:
    """The data files inside a zip archive (folders and macOS resource forks left out)."""
    with zipfile.ZipFile(path) as zf:
        return [m.filename for m in zf.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX")
                and not Path(m.filename).name.startswith(".")]


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first `size` decompressed bytes, for sniffing."""
    try:
        with open_bytes(path) as f:
            return f.read(size)
    except (OSError, EOFError) as exc:
        raise SourceError(f"Cannot read {path.name}: {exc}") from None


def fingerprint(path: Path) -> str:
    """Identify a file's content cheaply: size + first and last MiB, BLAKE2b.

    A file that grows (an appended log) gets a new fingerprint and is read again; the upsert
    on post_id keeps that harmless.
    """
    size = os.path.getsize(path)
    h = hashlib.blake2b(digest_size=16)
    h.update(str(size).encode())
    with open(path, "rb") as f:
        h.update(f.read(1 << 20))
        if size > 2 << 20:
            f.seek(-(1 << 20), os.SEEK_END)
            h.update(f.read(1 << 20))
    return h.hexdigest()


def iter_lines(stream: IO[bytes], *, max_bytes: int = MAX_RECORD_BYTES) -> Iterator[tuple[int, bytes | None]]:
    """Yield (line number, line without newline) — or (n, None) for a line over `max_bytes`.

    Over-long lines are consumed in pieces, never held whole in memory.
    """
    n = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        n += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # drain the rest of the over-long line
                more = stream.readline(1 << 20)
                if not more or more.endswith(b"\n"):
                    break
            yield n, None
            continue
        yield n, line.rstrip(b"\r\n")


def excerpt(raw: bytes | str, limit: int = 200) -> str:
    """A short, printable excerpt of a raw record for the quarantine table."""
    if isinstance(raw, bytes):
        raw = raw[: limit * 4].decode("utf-8", errors="replace")
    return raw[:limit].replace("\x00", "\\0")


def reader_threads() -> int:
    """DuckDB threads for a file reader (CSV, NDJSON); `AGORASCOPE_READER_THREADS` overrides.

    One by default: with one thread DuckDB hands over batches of exactly the size asked for
    (122,880 rows = one commit), with two it hands over ~31–37k-row pieces that ingest must
    regroup with a copy; and during an import the second core is busy inserting the previous
    chunk anyway.
    """
    return max(1, int(os.environ.get("AGORASCOPE_READER_THREADS", "1")))
