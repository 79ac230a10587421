"""`agorascope coordination`: accounts acting in concert, with the evidence behind each link."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from agorascope.cli._common import JsonOpt, app, emit_json, err, open_project, out, parse_time


@app.command()
def coordination(
    kind: str = typer.Option("co-repost", "--kind", "-k", help="What counts as acting together, comma-separated: "
                             "co-repost (same repost), co-link (same URL), co-text (near-identical text), "
                             "co-hashtag (same set of 3+ hashtags), co-reply (replies to the same post)."),
    window: float = typer.Option(60.0, "--window", "-w", help="Sliding window in seconds: two posts on the same "
                                 "object count when their times differ by at most this."),
    min_weight: int = typer.Option(3, "--min-weight", help="Keep a pair when one account has at least this many "
                                   "posts matched by the other within the window."),
    min_objects: int = typer.Option(3, "--min-objects", help="... on at least this many distinct objects."),
    significance: float = typer.Option(0.01, "--significance", help="Keep only pairs whose co-activity is this "
                                       "unlikely by chance given both accounts' activity (Bonferroni over "
                                       "candidate pairs). --no-filter switches it off."),
    no_filter: bool = typer.Option(False, "--no-filter", help="No statistical filter and no per-object cap: the "
                                   "raw network, as coordination_network_toolkit computes it."),
    max_per_object: int = typer.Option(100, "--max-per-object", help="At most this many posts per object per "
                                       "window-sized bucket take part (a deterministic sample beyond it)."),
    text_similarity: float = typer.Option(0.8, "--text-similarity", help="co-text: Jaccard of token sets needed."),
    self_loops: bool = typer.Option(False, "--self-loops", help="Also report an account's own repeated posts on "
                                    "one object within the window."),
    since: str = typer.Option(None, "--since", help="Only posts from this time on: 7d, 12h, 2026-03-01, …"),
    until: str = typer.Option(None, "--until", help="Only posts before this time."),
    out_dir: Path = typer.Option(None, "--out", help="Write edges/evidence/clusters (.parquet, .csv) and "
                                 "graph.gexf/.graphml (for Gephi) to this folder."),
    network: Path = typer.Option(None, "--network", help="Only write the unfiltered network (no cap, no "
                                 "statistical filter, no clusters, no evidence; pairs with --min-weight) to this "
                                 "Parquet file, streamed with bounded memory: coordination_network_toolkit's "
                                 "computation, for networks with millions of edges."),
    top: int = typer.Option(10, "--top", help="How many clusters to show."),
    as_json: bool = JsonOpt,
) -> None:
    """Find accounts that post the same thing within seconds, more often than chance allows.

    Every link carries its evidence (the pairs of posts and their times); clusters come from
    Leiden with a suspicion score and its reasons. Results are also stored in the project
    (coord_* tables). Authors appear only as pseudonyms.
    """
    from agorascope.analysis.coordination import coordination as run

    t_since = parse_time(since, name="--since")
    t_until = parse_time(until, name="--until")
    if network is not None:
        from agorascope.analysis.coordination import network_to_parquet

        with open_project() as p:
            n = network_to_parquet(p.store, network, kinds=kind, window_s=window, min_weight=min_weight,
                                   since=t_since, until=t_until, self_loops=self_loops,
                                   text_similarity=text_similarity)
        if as_json:
            emit_json({"edges": n, "file": str(network)})
        else:
            err.print(f"Wrote {n:,} edges (unfiltered network) to {network}")
        return
    with open_project() as p:
        res = run(p.store, kinds=kind, window_s=window, min_weight=min_weight, min_objects=min_objects,
                  since=t_since, until=t_until, self_loops=self_loops,
                  max_per_object=None if no_filter else max_per_object,
                  significance=None if no_filter else significance, text_similarity=text_similarity)
    files = [str(f) for f in res.write(out_dir)] if out_dir else []
    if as_json:
        s = res.summary()
        s["files"] = files
        s["clusters_top"] = res.cluster_stats.slice(0, top).to_pylist()
        emit_json(s)
        return
    s = res.summary()
    err.print(f"{s['edges']:,} edges between {s['authors']:,} accounts ({s['edges_by_kind']}), "
              f"{s['clusters']:,} clusters in {s['seconds']:.1f} s")
    t = Table("cluster", "size", "kinds", "objects", "median gap s", "suspicion", "why", title="Clusters")
    for r in res.cluster_stats.slice(0, top).to_pylist():
        t.add_row(str(r["cluster_id"]), str(r["size"]), ", ".join(r["kinds"] or []), str(r["n_objects"]),
                  f"{r['median_delta_s'] or 0:.1f}", f"{r['suspicion']:.2f}", r["explanation"])
    out.print(t)
    if files:
        err.print(f"Wrote {len(files)} files to {out_dir}")
