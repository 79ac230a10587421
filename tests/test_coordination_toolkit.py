"""Edge sets equal to QUT's coordination_network_toolkit 1.5.2 on the same input (tests only).

The toolkit's table holds directed rows (u1, u2, weight) = how many of u1's messages u2 matched
within the window; it also matches every message with itself (loops, dropped here). Our edge
(a, b) carries weight_ab and weight_ba, so the toolkit's table is rebuilt exactly from ours.
"""

from __future__ import annotations

import sqlite3

import pytest

from agorascope.analysis.coordination import coordination
from agorascope.analysis.coordination_planted import planted_corpus
from agorascope.project import Project

cnt = pytest.importorskip("coordination_network_toolkit")
from coordination_network_toolkit import compute_networks as cn  # noqa: E402
from coordination_network_toolkit.preprocess import preprocess_data  # noqa: E402

TOOLKIT = {
    "co-repost": (cn.compute_co_retweet_parallel, "co_retweet_network"),
    "co-link": (cn.compute_co_link_network, "co_link_network"),
    "co-reply": (cn.compute_co_reply_network, "co_reply_network"),
    "co-text": (cn.compute_co_similar_tweet, "co_similar_tweet_network"),
}


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, str]:
    """A denser corpus (6 h) in our store and in the toolkit's SQLite database."""
    d = tmp_path_factory.mktemp("tk")
    pl = planted_corpus(posts=6_000, days=0.25, accounts=600, hyper=10, group_size=8, events=6, seed=11)
    p = Project.init(d / "p")
    p.settings.run_hooks = False  # other features' ingest hooks are not under test here
    p.ingest_batches(pl.batches, source="planted")
    rows = p.store.query("SELECT post_id, author, repost_of, reply_to, text, epoch_us(created_at) AS t, urls "
                         "FROM posts ORDER BY post_id").to_pylist()
    db = str(d / "toolkit.db")
    preprocess_data(db, ((r["post_id"], r["author"], r["author"], r["repost_of"], r["reply_to"], r["text"],
                          r["t"] / 1e6, r["urls"] or []) for r in rows))
    yield p, db
    p.close()


def _toolkit(db: str, kind: str, window: int, min_weight: int) -> set[tuple[str, str, int]]:
    fn, table = TOOLKIT[kind]
    kw = {"similarity_threshold": 0.8} if kind == "co-text" else {}
    fn(db, window, min_edge_weight=min_weight, n_threads=2, **kw)
    con = sqlite3.connect(db)
    try:
        return {(a, b, w) for a, b, w in con.execute(f"SELECT user_1, user_2, weight FROM {table}") if a != b}
    finally:
        con.close()


def _ours(p: Project, kind: str, window: int, min_weight: int) -> set[tuple[str, str, int]]:
    res = coordination(p.store, kinds=[kind], window_s=window, min_weight=1, min_objects=1, significance=None,
                       max_per_object=None, min_tokens=1, text_similarity=0.8, clusters=False, save=False)
    out = set()
    for r in res.edges.to_pylist():
        if r["weight_ab"] >= min_weight:
            out.add((r["author_a"], r["author_b"], r["weight_ab"]))
        if r["weight_ba"] >= min_weight:
            out.add((r["author_b"], r["author_a"], r["weight_ba"]))
    return out


CASES = [(k, w, m) for k in ("co-repost", "co-link") for w in (1, 10, 60) for m in (1, 2)] + \
        [(k, w, m) for k in ("co-reply", "co-text") for w in (10, 60) for m in (1, 2)] + [("co-reply", 1, 1)]


@pytest.mark.parametrize("kind,window,min_weight", CASES)
def test_equal_to_toolkit(both: tuple[Project, str], kind: str, window: int, min_weight: int) -> None:
    p, db = both
    want = _toolkit(db, kind, window, min_weight)
    got = _ours(p, kind, window, min_weight)
    assert got == want
    assert len(want) > (0 if window == 1 else 20)


def test_undirected_edges_match_toolkit_at_min_weight(both: tuple[Project, str]) -> None:
    """Our `weight` = max of the directions, so `min_weight` keeps exactly the toolkit's pairs."""
    p, db = both
    want = {frozenset((a, b)) for a, b, _ in _toolkit(db, "co-repost", 60, 2)}
    res = coordination(p.store, kinds=["co-repost"], window_s=60, min_weight=2, min_objects=1, significance=None,
                       max_per_object=None, clusters=False, save=False)
    assert {frozenset((r["author_a"], r["author_b"])) for r in res.edges.to_pylist()} == want


@pytest.mark.parametrize("kind", ["co-repost", "co-link", "co-text"])
def test_partitioned_pairs_equal_toolkit(both: tuple[Project, str], kind: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny partitions (dozens of them) give the same edges, weights and evidence as one partition."""
    import agorascope.analysis.coordination as C

    p, db = both
    kw = {"kinds": [kind], "window_s": 60, "min_weight": 1, "min_objects": 1, "significance": None,
          "max_per_object": None, "min_tokens": 1, "clusters": False, "save": False}
    one = coordination(p.store, **kw)
    monkeypatch.setattr(C, "PAIRS_PER_PARTITION", 300)
    many = coordination(p.store, **kw)
    assert many.edges.equals(one.edges)
    assert many.evidence.equals(one.evidence) and many.evidence.num_rows > 100
    assert _ours(p, kind, 60, 1) == _toolkit(db, kind, 60, 1)  # still partitioned (monkeypatched)


@pytest.mark.parametrize("kind,min_weight", [("co-repost", 1), ("co-link", 2)])
def test_network_to_parquet_equals_toolkit(both: tuple[Project, str], tmp_path, kind: str, min_weight: int,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The streamed unfiltered network (the toolkit's computation) holds exactly the toolkit's directed edges."""
    import pyarrow.parquet as pq

    import agorascope.analysis.coordination as C

    p, db = both
    monkeypatch.setattr(C, "PAIRS_PER_PARTITION", 500)
    n = C.network_to_parquet(p.store, tmp_path / "net.parquet", kinds=[kind], window_s=60, min_weight=min_weight)
    rows = pq.read_table(tmp_path / "net.parquet").to_pylist()
    assert len(rows) == n
    got = {(r["author_a"], r["author_b"], r["weight_ab"]) for r in rows if r["weight_ab"] >= min_weight} | \
          {(r["author_b"], r["author_a"], r["weight_ba"]) for r in rows if r["weight_ba"] >= min_weight}
    assert got == _toolkit(db, kind, 60, min_weight)
    assert not {t for t in p.store.tables() if t.startswith("_coord")}


@pytest.mark.parametrize("similarity", [0.5, 0.9])
def test_cotext_prefix_filter_exact_at_other_thresholds(both: tuple[Project, str], similarity: float) -> None:
    """The prefix filter is exact at any threshold (a lower one means longer prefixes), not only at 0.8."""
    p, db = both
    cn.compute_co_similar_tweet(db, 60, min_edge_weight=1, n_threads=2, similarity_threshold=similarity)
    con = sqlite3.connect(db)
    try:
        want = {(a, b, w) for a, b, w in con.execute("SELECT user_1, user_2, weight FROM co_similar_tweet_network")
                if a != b}
    finally:
        con.close()
    res = coordination(p.store, kinds=["co-text"], window_s=60, min_weight=1, min_objects=1, significance=None,
                       max_per_object=None, min_tokens=1, text_similarity=similarity, clusters=False, save=False)
    got = {(r["author_a"], r["author_b"], r["weight_ab"]) for r in res.edges.to_pylist()} | \
          {(r["author_b"], r["author_a"], r["weight_ba"]) for r in res.edges.to_pylist()}
    assert got == want and len(want) > 20
