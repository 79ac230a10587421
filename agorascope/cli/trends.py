"""`agorascope trends`: what is rising now, per term, hashtag, domain, language, platform, narrative."""

from __future__ import annotations

import typer
from rich.table import Table

from agorascope.cli._common import JsonOpt, app, emit_json, err, open_project, out, parse_time


@app.command()
def trends(
    since: str = typer.Option(None, "--since", help="Start of the range: 7d, 12h, 30m ago, or a date/time "
                              "(default: everything counted)."),
    until: str = typer.Option(None, "--until", help="End of the range (exclusive), same forms as --since."),
    resolution: str = typer.Option("1h", "--resolution", "-r", help="Bucket size the burst test ran on: 5m "
                                   "(minutes-scale spikes), 1h or 1d (slower rises)."),
    kind: str = typer.Option(None, "--kind", "-k", help="Comma list of kinds to show: term, hashtag, domain, "
                             "lang, platform, narrative (default: all)."),
    limit: int = typer.Option(50, "--limit", "-n", help="Rows to show, highest z-score first."),
    min_z: float = typer.Option(3.0, "--min-z", help="Smallest z-score (how many standard deviations above the "
                                "key's own baseline) to show."),
    min_authors: int = typer.Option(3, "--min-authors", help="Hide keys posted by fewer distinct accounts."),
    changepoints: bool = typer.Option(False, "--changepoints", help="Also list change points of total volume "
                                      "(ruptures PELT, daily rhythm removed)."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Recount every trend table from the stored posts "
                                 "first (after importing older data out of order)."),
    as_json: bool = JsonOpt,
) -> None:
    """Show keys rising above their baseline: z-score, observed vs expected, distinct authors, examples.

    Counts are kept incrementally as posts are imported or streamed; each key's baseline follows
    the daily rhythm (frequency relative to the bucket's volume).
    """
    from agorascope.analysis import trends as api

    kinds = [k.strip() for k in kind.split(",") if k.strip()] if kind else None
    with open_project(read_only=not rebuild) as p:
        if rebuild:
            info = api.rebuild(p.store)
            err.print(f"Recounted {info['posts']:,} posts.")
        s, u = parse_time(since, name="--since"), parse_time(until, name="--until")
        table = api.rising(p.store, since=s, until=u, resolution=resolution, kinds=kinds, limit=limit,
                           min_z=min_z, min_authors=min_authors)
        cps = api.changepoints(p.store, resolution=resolution, since=s, until=u) if changepoints else None
    rows = table.to_pylist()
    if as_json:
        obj: dict[str, object] = {"resolution": resolution, "rising": rows}
        if cps is not None:
            obj["changepoints"] = cps.to_pylist()
        emit_json(obj)
        return
    t = Table("kind", "key", "z", "observed", "baseline", "authors", "bucket",
              title=f"Rising ({resolution} buckets)", caption="example post ids: --json")
    for r in rows:
        t.add_row(r["kind"], r["key"], f"{r['z_score']:.1f}", f"{r['observed']:,}", f"{r['baseline']:.1f}",
                  f"{r['distinct_authors']:,}", r["bucket"].strftime("%Y-%m-%d %H:%M"))
    out.print(t)
    if not rows:
        err.print("Nothing rising in this range. Try --resolution 1d, a lower --min-z, or a wider --since.")
    if cps is not None:
        c = Table("change at", "before", "after", "ratio", title="Volume change points")
        for r in cps.to_pylist():
            c.add_row(r["bucket"].strftime("%Y-%m-%d %H:%M"), f"{r['before']:.0f}", f"{r['after']:.0f}",
                      f"{r['ratio']:.2f}" if r["ratio"] is not None else "-")
        out.print(c)
