"""Core commands: init, ingest, status, export, pseudonym, forget, config, demo."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from agorascope.cli._common import JsonOpt, app, emit_json, err, open_project, out, parse_time, progress_bar, settings
from agorascope.errors import ConfigError
from agorascope.project import Project
from agorascope.sources.mapping import parse_mapping


@app.command()
def init(
    directory: Path = typer.Argument(None, help="Folder for the new project (default: --project or "
                                               "./agorascope-project)."),
    as_json: bool = JsonOpt,
) -> None:
    """Create a project: an empty store and a fresh secret (mode 0600) for pseudonyms."""
    s = settings()
    target = directory or s.project
    p = Project.init(target, settings=s)
    p.close()
    if as_json:
        emit_json({"project": str(target), "store": str(s.store_path), "secret": str(Path(target) / "secret.key")})
    else:
        err.print(f"Created project [bold]{target}[/]. Next: agorascope --project {target} ingest FILES…")


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders to import (gz/zst/bz2/xz/zip are read as is)."),
    format: str = typer.Option("auto", "--format", "-f", help="Input format, or 'auto' to sniff each file. "
                               "`agorascope formats` lists them."),
    map_: str = typer.Option(None, "--map", help="Column mapping for flat files, e.g. "
                             "author=User,created_at=Date,text=Content. Unmapped fields are guessed."),
    platform: str = typer.Option(None, "--platform", help="Platform of the posts when the file does not say "
                                 "(e.g. twitter, bluesky, telegram)."),
    source: str = typer.Option(None, "--source", help="Name of this import (default: the file name)."),
    retention_days: int = typer.Option(None, "--retention-days", help="Delete the raw text of this source's "
                                       "posts older than N days (counts are kept)."),
    force: bool = typer.Option(False, "--force", help="Read files again even if the ledger says they are done "
                               "(nothing is imported twice; the file's quarantine is replaced by this read's)."),
    as_json: bool = JsonOpt,
) -> None:
    """Import posts. Each file is sniffed, validated and pseudonymised; bad records go to quarantine.

    An interrupted import resumes where it stopped; a finished file is skipped.
    """
    mapping = parse_mapping(map_)
    with open_project() as p, progress_bar("Importing") as update:
        report = p.ingest(paths, format=format, mapping=mapping, platform=platform, source=source,
                          retention_days=retention_days, force=force,
                          progress=lambda records, imported: update(records, f"({imported:,} new)"))
    if as_json:
        emit_json(report.as_dict())
        return
    t = Table("file", "format", "new", "duplicates", "quarantined", "skipped", title="Import")
    for f in report.files:
        fmt = f"{f.format} ({f.confidence:.0%})"
        note = " (already imported)" if f.already_imported else (
            f" (resumed after {f.resumed_from:,})" if f.resumed_from else "")
        t.add_row(Path(f.path).name + note, fmt, f"{f.imported:,}", f"{f.duplicates:,}", f"{f.quarantined:,}",
                  f"{f.skipped:,}")
    out.print(t)
    if report.quarantined:
        err.print(f"{report.quarantined:,} records quarantined: see `agorascope quarantine`.")


@app.command()
def formats(as_json: bool = JsonOpt) -> None:
    """List the input formats `ingest --format` accepts."""
    from agorascope import sources

    rows = [{"name": n, "description": sources.get(n).description} for n in sources.names()]
    if as_json:
        emit_json({"formats": rows})
        return
    t = Table("format", "description")
    for r in rows:
        t.add_row(r["name"], r["description"])
    out.print(t)


@app.command()
def status(as_json: bool = JsonOpt) -> None:
    """Show what the project holds: posts per platform and language, imports, quarantine."""
    with open_project(read_only=True) as p:
        st = p.status()
    if as_json:
        emit_json(st)
        return
    out.print(f"[bold]{st['project']}[/] — {st['posts']:,} posts by {st['authors']:,} authors, "
              f"{st['first']} → {st['last']}")
    t = Table("platform", "posts")
    for k, v in st["platforms"].items():
        t.add_row(k, f"{v:,}")
    out.print(t)
    out.print(f"imports: {st['imports']} ({st['imports_unfinished']} unfinished), quarantined: {st['quarantined']:,}")


@app.command()
def quarantine(limit: int = typer.Option(20, help="How many rows to show."), as_json: bool = JsonOpt) -> None:
    """Show quarantined records: source, line, reason and a masked excerpt."""
    with open_project(read_only=True) as p:
        rows = p.store.query("SELECT source, record, reason, excerpt FROM quarantine ORDER BY source, record LIMIT ?",
                             [limit]).to_pylist()
        total = p.store.scalar("SELECT count(*) FROM quarantine")
    if as_json:
        emit_json({"total": total, "rows": rows})
        return
    t = Table("source", "line", "reason", "excerpt", title=f"Quarantine ({total:,})")
    for r in rows:
        t.add_row(r["source"], str(r["record"]), r["reason"], (r["excerpt"] or "")[:60])
    out.print(t)


@app.command()
def export(
    out_path: Path = typer.Argument(..., metavar="OUT", help="Output file: .parquet or .csv."),
    format: str = typer.Option(None, "--format", help="parquet or csv (default: from the file name)."),
    since: str = typer.Option(None, help="Only posts from this time on (7d, 2026-03-01, …)."),
    until: str = typer.Option(None, help="Only posts before this time."),
    as_json: bool = JsonOpt,
) -> None:
    """Export posts (with enrichment columns where present) to Parquet or CSV."""
    with open_project(read_only=True) as p:
        n = p.export(out_path, format=format, since=parse_time(since), until=parse_time(until, name="--until"))
    if as_json:
        emit_json({"rows": n, "path": str(out_path)})
    else:
        err.print(f"Wrote {n:,} posts to {out_path}")


@app.command()
def pseudonym(
    handles: list[str] = typer.Argument(None, help="Handles (or read one per line from stdin)."),
    platform: str = typer.Option(..., "--platform", help="Platform of the handles."),
    as_json: bool = JsonOpt,
) -> None:
    """Print the pseudonym of each handle (to answer an erasure or access request)."""
    hs = list(handles or [])
    if not hs and not sys.stdin.isatty():
        hs = [ln.strip() for ln in sys.stdin if ln.strip()]
    if not hs:
        raise ConfigError("Give handles as arguments or one per line on stdin.")
    with open_project(read_only=True) as p:
        ps = p.pseudonym(hs, platform=platform)
    if as_json:
        emit_json({"platform": platform, "pseudonyms": dict(zip(hs, ps, strict=True))})
    else:
        for h, x in zip(hs, ps, strict=True):
            out.print(f"{h}\t{x}", highlight=False, markup=False)


@app.command()
def forget(
    handle: str = typer.Argument(None, help="The author's handle (with --platform)."),
    platform: str = typer.Option(None, "--platform", help="Platform of the handle."),
    pseudonym_: str = typer.Option(None, "--pseudonym", help="Forget this pseudonym instead of a handle."),
    as_json: bool = JsonOpt,
) -> None:
    """Delete every row of one author in every table (posts, quarantine, analyses) and print the counts."""
    with open_project() as p:
        counts = p.forget(handle=handle, platform=platform, pseudonym=pseudonym_)
    if as_json:
        emit_json({"deleted": counts, "total": sum(counts.values())})
        return
    t = Table("table", "rows deleted", title="Forgotten")
    for k, v in counts.items():
        t.add_row(k, str(v))
    out.print(t)


config_app = typer.Typer(help="Show the settings in effect.", no_args_is_help=True)
app.add_typer(config_app, name="config")


@config_app.command("show")
def config_show(as_json: bool = JsonOpt) -> None:
    """Print each setting's value and where it came from (secrets redacted)."""
    values = settings().redacted()
    if as_json:
        emit_json(values)
        return
    t = Table("setting", "value", "source")
    for k, v in values.items():
        t.add_row(k, str(v["value"]), v["source"])
    out.print(t)


@app.command()
def demo(
    directory: Path = typer.Option(Path("agorascope-demo"), "--dir", help="Project folder for the demo "
                                   "(recreated on every run)."),
    posts: int = typer.Option(200_000, "--posts", help="How many posts to simulate."),
    days: int = typer.Option(7, "--days", help="Simulated days."),
    seed: int = typer.Option(7, "--seed", help="Random seed (same seed, same data)."),
    as_json: bool = JsonOpt,
) -> None:
    """Simulate a multilingual week with a planted campaign, ingest it, run every analysis, summarise."""
    from agorascope.demo import render_summary, run_demo

    with progress_bar("Demo", unit="steps") as update:
        summary = run_demo(directory, posts=posts, days=days, seed=seed,
                           on_step=lambda i, name: update(i, name))
    if as_json:
        emit_json(summary)
    else:
        render_summary(summary, out)
