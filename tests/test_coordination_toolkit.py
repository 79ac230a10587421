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
