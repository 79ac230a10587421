"""The exception tree of agorascope.

    AgorascopeError            base: the CLI prints it in one line and exits 1
    ├── ConfigError            a bad argument or setting; fix the call
    ├── SourceError            an input file cannot be read at all
    │   ├── FormatNotDetected  --format auto could not decide
    │   └── ParseError         carries path and line
    ├── StoreError             the project store cannot be opened or written
    │   └── StoreBusy          another process holds the store
    └── MissingExtra           an optional dependency is not installed

A malformed *record* is never an exception: it is quarantined with a reason.
"""

from __future__ import annotations

from pathlib import Path


class AgorascopeError(Exception):
    """Base of every error agorascope raises on purpose."""


class ConfigError(AgorascopeError, ValueError):
    """A parameter or setting is invalid; the message says which and what is allowed."""


class SourceError(AgorascopeError):
    """An input cannot be read at all."""


class FormatNotDetected(SourceError):
    """Auto-detection found no format, or two equally likely ones."""


class ParseError(SourceError):
    """A whole input is unreadable at a known place."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{Path(path).name}"
            if line is not None:
                where += f":{line}"
            where += ": "
        super().__init__(where + message)
        self.path = path
        self.line = line


class StoreError(AgorascopeError):
    """The project store cannot be opened, migrated or written."""


class StoreBusy(StoreError):
    """Another process owns the store (DuckDB allows one writer per file)."""


class MissingExtra(AgorascopeError, ImportError):
    """An optional dependency is missing; the message gives the pip command."""

    def __init__(self, package: str, extra: str | None = None, purpose: str = ""):
        hint = f"pip install 'agorascope[{extra}]'" if extra else f"pip install {package}"
        what = f" (needed for {purpose})" if purpose else ""
        super().__init__(f"{package} is not installed{what}. Install it with: {hint}")
        self.package = package
