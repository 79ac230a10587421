"""Small SQL-building helpers shared by the analyses (parameters only; never input text)."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def time_range(column: str, since: datetime | None, until: datetime | None) -> tuple[list[str], list[Any]]:
    """Conditions and parameters for `since <= column < until`; `column` is code, never input."""
    where: list[str] = []
    params: list[Any] = []
    if since is not None:
        where.append(f"{column} >= ?")
        params.append(since)
    if until is not None:
        where.append(f"{column} < ?")
        params.append(until)
    return where, params
