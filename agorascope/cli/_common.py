"""What every command shares: the typer app, settings, `--json` output, errors, progress."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from agorascope.config import Settings, load_settings
from agorascope.errors import ConfigError
from agorascope.project import Project

app = typer.Typer(
    name="agorascope",
    help="Aggregate, privacy-preserving analysis of public discourse. Start with `agorascope demo`.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

out = Console()  # data
err = Console(stderr=True)  # progress, logs, errors

_state: dict[str, Any] = {"flags": {}}

JsonOpt = typer.Option(False, "--json", help="Print one machine-readable JSON object instead of tables.")


def settings() -> Settings:
    """Settings from flags, AGORASCOPE_* variables and the project's agorascope.toml."""
    return load_settings(flags=_state["flags"])


def open_project(*, read_only: bool = False) -> Project:
    return Project(settings(), read_only=read_only)


def emit_json(obj: Any) -> None:
    """One JSON object on stdout, stable keys."""
    sys.stdout.write(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS,
                                  default=_json_default).decode() + "\n")
    sys.stdout.flush()


def _json_default(o: Any) -> Any:
    if isinstance(o, (datetime, date)):
        return o.isoformat()
    if isinstance(o, Path):
        return str(o)
    if hasattr(o, "as_py"):
        return o.as_py()
    if hasattr(o, "tolist"):
        return o.tolist()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def parse_time(value: str | None, *, name: str = "--since", now: datetime | None = None) -> datetime | None:
    """`7d`, `12h`, `30m` (ago), an ISO date or datetime (UTC unless it says otherwise)."""
    if value is None or value == "":
        return None
    now = now or datetime.now(UTC)
    v = value.strip()
    units = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    if v[:-1].isdigit() and v[-1:] in units:
        return now - timedelta(**{units[v[-1]]: int(v[:-1])})
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"{name} {value!r} is not a time: use 7d, 12h, 30m, 2026-03-01 or "
                          "2026-03-01T12:00:00Z.") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


@contextmanager
def progress_bar(description: str, *, total: int | None = None, unit: str = "posts") -> Iterator[Any]:
    """A rich progress bar on stderr; yields `update(done, info="")`. Silent when not a TTY."""
    prog = Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(),
                    TextColumn("{task.completed:,} " + unit + " {task.fields[info]}"), TimeElapsedColumn(),
                    console=err, transient=True, disable=not err.is_terminal)
    with prog:
        task = prog.add_task(description, total=total, info="")

        def update(done: int, info: str = "") -> None:
            prog.update(task, completed=done, info=info)

        yield update


def setup_logging(verbose: int) -> None:
    from rich.logging import RichHandler

    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(message)s", handlers=[RichHandler(console=err, show_path=False)],
                        force=True)


@app.callback()
def _main(
    project: Path = typer.Option(None, "--project", "-p", envvar="AGORASCOPE_PROJECT",
                                 help="Project folder (default ./agorascope-project, or AGORASCOPE_PROJECT)."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="Log more (-v info, -vv debug)."),
) -> None:
    """Aggregate, privacy-preserving analysis of public discourse."""
    _state["flags"] = {"project": project}
    setup_logging(verbose)
