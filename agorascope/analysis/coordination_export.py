"""Write a coordination result: Parquet + CSV tables, and the graph as GEXF and GraphML for Gephi."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

if TYPE_CHECKING:
    from agorascope.analysis.coordination import CoordinationResult

_META = {b"agorascope.pseudonymised": b"true"}


def _csv_ready(t: pa.Table) -> pa.Table:
    cols = []
    for f, c in zip(t.schema, t.columns, strict=True):
        cols.append(pc.binary_join(c, "|") if pa.types.is_list(f.type) else c)
    return pa.table(cols, names=t.schema.names)


def write_result(result: CoordinationResult, out_dir: Path) -> list[Path]:
    """Write edges, evidence, clusters, cluster_stats (.parquet and .csv) and graph.gexf/.graphml."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("edges", "evidence", "clusters", "cluster_stats"):
        t: pa.Table = getattr(result, name)
        p = out_dir / f"{name}.parquet"
        pq.write_table(t.replace_schema_metadata({**(t.schema.metadata or {}), **_META}), p)
        c = out_dir / f"{name}.csv"
        pacsv.write_csv(_csv_ready(t), c)
        written += [p, c]
    g = graph(result)
    import networkx as nx

    written.append(out_dir / "graph.gexf")
    nx.write_gexf(g, written[-1])
    written.append(out_dir / "graph.graphml")
    nx.write_graphml(g, written[-1])
    return written


def graph(result: CoordinationResult) -> object:
    """A networkx Graph: nodes = pseudonyms with cluster_id; one edge per pair with its weight per kind."""
    import networkx as nx

    g = nx.Graph()
    cl = result.clusters
    for author, cid in zip(cl["author"].to_pylist(), cl["cluster_id"].to_pylist(), strict=True):
        g.add_node(author, cluster_id=int(cid))
    e = result.edges
    for a, b, kind, w, n_obj in zip(e["author_a"].to_pylist(), e["author_b"].to_pylist(), e["kind"].to_pylist(),
                                    e["weight"].to_pylist(), e["n_objects"].to_pylist(), strict=True):
        if g.has_edge(a, b):
            d = g.edges[a, b]
            d["weight"] += int(w)
            d["kinds"] = ",".join(sorted(set(d["kinds"].split(",")) | {kind}))
            d["n_objects"] += int(n_obj)
        else:
            g.add_edge(a, b, weight=int(w), kinds=kind, n_objects=int(n_obj))
        g.edges[a, b][f"weight_{kind.replace('-', '_')}"] = int(w)
    return g
