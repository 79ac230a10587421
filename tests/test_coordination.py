"""Coordination detection: planted groups found (P/R per kind), toolkit-equal edge sets, evidence, errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from agorascope.analysis.coordination import KINDS, coordination, precision_recall, stored
from agorascope.analysis.coordination_planted import planted_corpus
from agorascope.errors import ConfigError
from agorascope.project import Project


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, dict[str, set[str]]]:
    pl = planted_corpus(posts=40_000, days=2.0, seed=7)
    p = Project.init(tmp_path_factory.mktemp("coord") / "p")
    p.settings.run_hooks = False  # other features' ingest hooks are not under test here
    p.ingest_batches(pl.batches, source="planted")
    truth = {k: set(p.pseudonym(v, platform="twitter")) for k, v in pl.groups.items()}
    yield p, truth
    p.close()


@pytest.mark.parametrize("kind", KINDS)
def test_planted_groups_found_per_kind(planted: tuple[Project, dict[str, set[str]]], kind: str) -> None:
    p, truth = planted
    res = coordination(p.store, kinds=[kind], save=False)
    prec, rec = precision_recall(res.authors(kind), truth[kind])
    assert prec >= 0.95 and rec >= 0.95, (kind, prec, rec)
    # the statistical filter is what makes this work: without it hyper-active organic accounts flood in
    if kind in ("co-repost", "co-link", "co-reply"):
        raw = coordination(p.store, kinds=[kind], min_weight=2, min_objects=1, significance=None,
                           max_per_object=None, clusters=False, save=False)
        assert precision_recall(raw.authors(kind), truth[kind])[0] < 0.5


def test_multiplex_clusters_and_store(planted: tuple[Project, dict[str, set[str]]], tmp_path: Path) -> None:
    p, truth = planted
    res = coordination(p.store, kinds="co-repost,co-link,co-text,co-hashtag,co-reply")
    assert set(res.edges["kind"].to_pylist()) == set(KINDS)
    # each planted group is one Leiden cluster of its own
    cl = dict(zip(res.clusters["author"].to_pylist(), res.clusters["cluster_id"].to_pylist(), strict=True))
    for kind, members in truth.items():
        ids = {cl[m] for m in members if m in cl}
        assert len(ids) == 1, (kind, ids)
    stats = res.cluster_stats.to_pylist()
    assert len(stats) == len(KINDS)
    assert all(s["size"] == 15 and s["density"] > 0.9 and s["suspicion"] > 0.7 for s in stats)
    reposting = next(s for s in stats if s["kinds"] == ["co-repost"])
    assert reposting["share_reposts"] == 1.0 and "accounts" in reposting["explanation"]
    again = stored(p.store)
    assert again is not None and again.edges.num_rows == res.edges.num_rows
    assert again.evidence.num_rows == res.evidence.num_rows
    files = res.write(tmp_path / "out")
    names = {f.name for f in files}
    assert {"edges.parquet", "evidence.parquet", "clusters.parquet", "graph.gexf", "graph.graphml"} <= names
    assert pq.read_table(tmp_path / "out" / "edges.parquet").num_rows == res.edges.num_rows
    import networkx as nx

    g = nx.read_gexf(tmp_path / "out" / "graph.gexf")
    assert g.number_of_nodes() == len(set().union(*truth.values()))


def test_cluster_narratives_when_assigned(planted: tuple[Project, dict[str, set[str]]]) -> None:
    """With narrative assignments in the store, each cluster lists its evidence posts' narratives."""
    p, truth = planted
    st = p.store
    st.execute("CREATE TABLE narratives (narrative_id BIGINT, label VARCHAR)")
    st.execute("CREATE TABLE narrative_assignments (post_id VARCHAR, narrative_id BIGINT)")
    try:
        st.execute("INSERT INTO narratives VALUES (1, 'planted story'), (2, 'other')")
        members = sorted(truth["co-link"])
        st.execute("INSERT INTO narrative_assignments SELECT post_id, 1 FROM posts WHERE author IN "
                   "(SELECT unnest(?)) AND len(urls) > 0", [members])
        res = coordination(p.store, kinds=["co-link"], save=False)
        assert res.cluster_stats["narratives"].to_pylist() == [["planted story"]]
    finally:
        st.execute("DROP TABLE narratives")
        st.execute("DROP TABLE narrative_assignments")


def test_evidence_reproduces_every_weight(planted: tuple[Project, dict[str, set[str]]]) -> None:
    p, _ = planted
    res = coordination(p.store, kinds=["co-repost", "co-link", "co-text"], min_weight=1, min_objects=1,
                       significance=None, save=False, clusters=False)
    ev = res.evidence
    keys = ["kind", "author_a", "author_b"]
    agg = ev.group_by(keys).aggregate([("a_post_id", "count_distinct"), ("b_post_id", "count_distinct"),
                                       ("object", "count_distinct"), ("a_post_id", "count")])
    got = {tuple(r[k] for k in keys): (r["a_post_id_count_distinct"], r["b_post_id_count_distinct"],
                                        r["object_count_distinct"], r["a_post_id_count"]) for r in agg.to_pylist()}
    want = {(r["kind"], r["author_a"], r["author_b"]): (r["weight_ab"], r["weight_ba"], r["n_objects"], r["n_pairs"])
            for r in res.edges.to_pylist()}
    assert got == want and len(want) > 1000
    assert all(max(r["weight_ab"], r["weight_ba"]) == r["weight"] for r in res.edges.to_pylist())
    assert pc.max(pc.abs(ev["delta_s"])).as_py() <= 60


def test_window_is_sliding_and_inclusive(tmp_path: Path) -> None:
    """Posts 59 s apart across a minute boundary count; 61 s apart do not; exactly W counts."""
    p = Project.init(tmp_path / "p")
    t0 = 1_772_409_590  # 10 s before a minute boundary
    rows = []
    for i, (a, dt) in enumerate([("x", 0), ("y", 59), ("z", 121), ("w", 60 + 59 + 3)]):
        rows.append({"post_id": f"t:{i}", "platform": "twitter", "author": a, "created_at": (t0 + dt) * 1_000_000,
                     "repost_of": "t:orig", "text": "rt"})
    tbl = pa.Table.from_pylist(rows).cast(pa.schema([("post_id", pa.string()), ("platform", pa.string()),
                                                     ("author", pa.string()),
                                                     ("created_at", pa.timestamp("us", tz="UTC")),
                                                     ("repost_of", pa.string()), ("text", pa.string())]))
    p.settings.run_hooks = False
    p.ingest_batches(tbl.to_batches(), source="t")
    res = coordination(p.store, window_s=60, min_weight=1, min_objects=1, significance=None, save=False)
    ps = {h: p.pseudonym([h], platform="twitter")[0] for h in "xyzw"}
    pairs = {frozenset((r["author_a"], r["author_b"])) for r in res.edges.to_pylist()}
    # x-y 59 s; y-z 62 s (no); y-w 63 s (no); z-w 1 s; x-z 121 s (no)
    assert pairs == {frozenset((ps["x"], ps["y"])), frozenset((ps["z"], ps["w"]))}
    res = coordination(p.store, window_s=62, min_weight=1, min_objects=1, significance=None, save=False)
    assert len(res.edges) == 3


def test_since_until_restrict_the_posts(planted: tuple[Project, dict[str, set[str]]]) -> None:
    from datetime import UTC, datetime

    p, _ = planted
    since, until = datetime(2026, 3, 2, 12, tzinfo=UTC), datetime(2026, 3, 3, 12, tzinfo=UTC)
    res = coordination(p.store, kinds=["co-repost"], since=since, until=until, min_weight=1, min_objects=1,
                       significance=None, save=False, clusters=False)
    ev = res.evidence
    assert ev.num_rows > 100
    times = ev["a_at"].to_pylist() + ev["b_at"].to_pylist()
    assert min(times) >= since and max(times) < until
    with pytest.raises(ConfigError, match="before --until"):
        coordination(p.store, since=until, until=since)


@pytest.mark.parametrize("bad,msg", [
    ({"window_s": -1}, "window_s"),
    ({"kinds": "co-repost,co-meme"}, "Unknown coordination kind 'co-meme'"),
    ({"kinds": []}, "at least one"),
    ({"min_weight": 0}, "min_weight"),
    ({"min_weight": 2.5}, "integer"),
    ({"significance": 2.0}, "significance"),
    ({"max_per_object": 1}, "max_per_object"),
    ({"text_similarity": 0}, "text_similarity"),
])
def test_bad_parameters(planted: tuple[Project, dict[str, set[str]]], bad: dict[str, object], msg: str) -> None:
    p, _ = planted
    with pytest.raises(ConfigError, match=msg):
        coordination(p.store, **bad)  # type: ignore[arg-type]


def test_cli(planted: tuple[Project, dict[str, set[str]]], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from agorascope.cli import app

    p, _ = planted
    api = coordination(p.store, kinds=["co-link", "co-reply"], save=False).summary()
    assert api["edges_by_kind"]["co-link"] > 90 and api["clusters"] == 2
    raw = coordination(p.store, kinds=["co-link"], min_weight=2, min_objects=1, significance=None,
                       max_per_object=None, clusters=False, evidence=False, save=False).edges
    p.close()  # the CLI opens the project itself
    env = {**os.environ, "AGORASCOPE_PROJECT": str(p.dir)}
    r = CliRunner().invoke(app, ["coordination", "--kind", "co-link,co-reply", "--window", "60", "--out",
                                 str(tmp_path / "o"), "--json"], env=env)
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    assert got["edges_by_kind"] == api["edges_by_kind"] and got["clusters"] == 2
    assert (tmp_path / "o" / "evidence.parquet").exists()
    r = CliRunner().invoke(app, ["coordination", "--kind", "co-link", "--network", str(tmp_path / "net.parquet"),
                                 "--min-weight", "2", "--json"], env=env)
    assert r.exit_code == 0, r.output
    net = pq.read_table(tmp_path / "net.parquet")
    assert json.loads(r.stdout)["edges"] == net.num_rows == raw.num_rows > 1000
    assert net.sort_by([("author_a", "ascending"), ("author_b", "ascending")])["weight_ab"].equals(
        raw.sort_by([("author_a", "ascending"), ("author_b", "ascending")])["weight_ab"])
    r = CliRunner().invoke(app, ["coordination", "--kind", "co-meme", "--json"], env=env)
    assert r.exit_code != 0 and "Unknown coordination kind" in str(r.exception)
    r = CliRunner().invoke(app, ["coordination", "--window", "-5"], env=env)
    assert r.exit_code != 0 and "window_s" in str(r.exception)


def test_demo_summary_and_render(planted: tuple[Project, dict[str, set[str]]]) -> None:
    from rich.console import Console

    from agorascope.analysis.coordination import demo_summary, render
    from agorascope.analysis.coordination_planted import planted_corpus

    p, _ = planted
    groups = planted_corpus(posts=40_000, days=2.0, seed=7).groups  # same seed: the fixture's handles

    class Sim:
        def truth(self) -> dict[str, object]:
            return {"groups": [{"kind": k, "platform": "twitter", "members": v} for k, v in groups.items()]}

    summary: dict[str, object] = {}
    demo_summary(p, Sim(), summary)
    sec = summary["coordination"]
    assert sec["precision"] >= 0.95 and sec["recall"] >= 0.95  # type: ignore[index]
    assert set(sec["by_kind"]) == set(KINDS)  # type: ignore[index]
    con = Console(record=True, width=200)
    render(sec, con)
    text = con.export_text()
    assert "precision" in text and "co-hashtag" in text


def test_forget_erases_coordination_rows(planted: tuple[Project, dict[str, set[str]]]) -> None:
    p, truth = planted
    coordination(p.store, kinds=["co-repost"])
    victim = sorted(truth["co-repost"])[0]
    before = p.store.scalar("SELECT count(*) FROM coord_evidence WHERE author_a = ? OR author_b = ?", [victim, victim])
    n_edges = p.store.scalar("SELECT count(*) FROM coord_edges WHERE author_a = ? OR author_b = ?", [victim, victim])
    assert before > 0 and n_edges >= 10
    counts = p.forget(pseudonym=victim)
    assert counts["coord_evidence"] == before and counts["coord_clusters"] == 1 and counts["coord_edges"] == n_edges
    for t, cols in (("coord_edges", ("author_a", "author_b")), ("coord_evidence", ("author_a", "author_b")),
                    ("coord_clusters", ("author",))):
        where = " OR ".join(f"{c} = ?" for c in cols)
        assert p.store.scalar(f"SELECT count(*) FROM {t} WHERE {where}", [victim] * len(cols)) == 0
