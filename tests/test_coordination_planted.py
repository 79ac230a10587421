"""The benchmark corpus' `item_scale` knob: k× the posts over k× the days at the same per-item density."""

from __future__ import annotations

import pyarrow.compute as pc
import pytest

from agorascope.analysis.coordination_planted import planted_corpus


def _top_counts(posts: int, days: float, k: int) -> list[int]:
    t = planted_corpus(posts=posts, days=days, accounts=max(3_000, posts // 10), hyper=40, seed=7,
                       pop_exponent=1.0, item_scale=k, kinds=()).table
    vc = pc.value_counts(t["repost_of"].drop_null()).to_pylist()
    return sorted((v["counts"] for v in vc), reverse=True)


def test_item_scale_one_is_the_plain_corpus() -> None:
    a = planted_corpus(posts=5_000, days=0.5, seed=3).table
    b = planted_corpus(posts=5_000, days=0.5, seed=3, item_scale=1).table
    assert a.equals(b)


def test_item_scale_keeps_the_hottest_items_as_hot() -> None:
    small = _top_counts(20_000, 1.0, 1)
    big = _top_counts(80_000, 4.0, 4)  # 4x the posts over 4x the days
    plain = _top_counts(80_000, 4.0, 1)
    # the 4 hottest items of the scaled corpus each draw about what the single hottest item of the
    # small corpus draws; without the knob the hottest item draws ~4x more (quadratic pairs)
    for c in big[:4]:
        assert 0.6 * small[0] <= c <= 1.5 * small[0]
    assert plain[0] >= 2.5 * small[0]


def test_item_scale_must_be_positive() -> None:
    with pytest.raises(ValueError, match="item_scale"):
        planted_corpus(posts=1_000, item_scale=0)


def test_one_post_pair_on_several_links(tmp_path) -> None:
    """Two posts sharing two URLs: one author pair, n_pairs 2, n_objects 2, both weights 1 (the exact path)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from agorascope.analysis.coordination import coordination, network_to_parquet
    from agorascope.project import Project

    p = Project.init(tmp_path / "p")
    p.settings.run_hooks = False
    t0 = 1_772_409_600
    urls = ["https://a.example/1", "https://b.example/2"]
    rows = [{"post_id": "t:1", "platform": "twitter", "author": "x", "created_at": t0 * 1_000_000, "urls": urls,
             "text": "a"},
            {"post_id": "t:2", "platform": "twitter", "author": "y", "created_at": (t0 + 5) * 1_000_000, "urls": urls,
             "text": "b"},
            {"post_id": "t:3", "platform": "twitter", "author": "z", "created_at": (t0 + 7) * 1_000_000,
             "urls": urls[:1], "text": "c"}]
    schema = pa.schema([("post_id", pa.string()), ("platform", pa.string()), ("author", pa.string()),
                        ("created_at", pa.timestamp("us", tz="UTC")), ("urls", pa.list_(pa.string())),
                        ("text", pa.string())])
    p.ingest_batches(pa.Table.from_pylist(rows, schema=schema).to_batches(), source="t")
    x, y, z = p.pseudonym(["x", "y", "z"], platform="twitter")
    res = coordination(p.store, kinds=["co-link"], window_s=60, min_weight=1, min_objects=1, significance=None,
                       max_per_object=None, clusters=False, save=False)
    n = network_to_parquet(p.store, tmp_path / "n.parquet", kinds=["co-link"], window_s=60, min_weight=1)
    net = pq.read_table(tmp_path / "n.parquet")
    assert n == 3
    for tbl in (res.edges, net):
        got = {frozenset((r["author_a"], r["author_b"])): (r["weight_ab"], r["weight_ba"], r["n_objects"], r["n_pairs"],
                                                           r["median_delta_s"]) for r in tbl.to_pylist()}
        assert got == {frozenset((x, y)): (1, 1, 2, 2, 5.0), frozenset((x, z)): (1, 1, 1, 1, 7.0),
                       frozenset((y, z)): (1, 1, 1, 1, 2.0)}
