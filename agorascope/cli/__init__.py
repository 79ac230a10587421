"""The `agorascope` command line: thin typer shells over the Python API.

Each feature owns one module here that adds its commands to `app`; this file only imports
them and turns `AgorascopeError` into a one-line message and exit code 1.
"""

from __future__ import annotations

import importlib
import sys

from agorascope.cli._common import app, emit_json, err
from agorascope.errors import AgorascopeError

#: Command modules, in the order their commands appear in --help.
COMMAND_MODULES = ["core", "enrich", "narratives", "trends", "alerts", "watch", "coordination"]

for _name in COMMAND_MODULES:
    try:
        importlib.import_module(f"agorascope.cli.{_name}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"agorascope.cli.{_name}":
            raise


def main() -> None:
    """Entry point: run the app; print agorascope errors in one line (JSON with --json)."""
    try:
        app(standalone_mode=False)
    except AgorascopeError as exc:
        if "--json" in sys.argv:
            emit_json({"error": {"type": type(exc).__name__, "message": str(exc)}})
        else:
            from rich.text import Text

            err.print(Text.assemble(("Error: ", "bold red"), str(exc)), highlight=False)
        sys.exit(1)
    except SystemExit:
        raise
    except Exception as exc:  # click's own usage errors
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            err.print("Aborted.")
            sys.exit(130)
        raise


__all__ = ["app", "main"]
