"""The enrichment tables in the project store, and their writers.

    enrichment(post_id PK, text_hash, lang, lang_confidence, sentiment, sentiment_score,
               embed_model, enriched_at)                 one row per enriched post
    embeddings(text_hash, model, vector BLOB, PK(text_hash, model))
                                                         float16 bytes (2 x dims); one row per
                                                         distinct text and model: reposts share it
    minhash(post_id PK, text_hash, signature BLOB)       128 x uint32 little-endian
    lsh_bands(post_id, band SMALLINT, bucket BIGINT)     one row per post and band (32)

All per-post tables are keyed by `post_id`, so `forget` erases them with the author's posts. An
`embeddings` row holds no post id or author; it is a vector of a text, and `prune_orphans`
removes vectors whose text no post has any more (run after `forget` or retention).
"""

from __future__ import annotations

from agorascope.project import EXPORT_JOINS, register_export_columns

DDL = [
    """CREATE TABLE IF NOT EXISTS enrichment (
        post_id VARCHAR PRIMARY KEY, text_hash VARCHAR, lang VARCHAR, lang_confidence DOUBLE,
        sentiment VARCHAR, sentiment_score DOUBLE, embed_model VARCHAR, enriched_at TIMESTAMPTZ)""",
    """CREATE TABLE IF NOT EXISTS embeddings (
        text_hash VARCHAR, model VARCHAR, vector BLOB, PRIMARY KEY (text_hash, model))""",
    "CREATE TABLE IF NOT EXISTS minhash (post_id VARCHAR PRIMARY KEY, text_hash VARCHAR, signature BLOB)",
    "CREATE TABLE IF NOT EXISTS lsh_bands (post_id VARCHAR, band SMALLINT, bucket BIGINT)",
]

EXPORT_COLUMNS = ["lang", "lang_confidence", "sentiment", "sentiment_score"]
if all(t != "enrichment" for t, _ in EXPORT_JOINS):
    register_export_columns("enrichment", EXPORT_COLUMNS)


def ensure_tables(store: object) -> None:
    """Create the enrichment tables if they do not exist (idempotent)."""
    for ddl in DDL:
        store.execute(ddl)  # type: ignore[attr-defined]


def prune_orphans(store: object) -> int:
    """Delete embeddings whose text hash no enriched post references; return how many."""
    ensure_tables(store)
    before = store.scalar("SELECT count(*) FROM embeddings")  # type: ignore[attr-defined]
    store.execute("DELETE FROM embeddings WHERE text_hash NOT IN "  # type: ignore[attr-defined]
                  "(SELECT text_hash FROM enrichment WHERE text_hash IS NOT NULL)")
    return int(before) - int(store.scalar("SELECT count(*) FROM embeddings"))  # type: ignore[attr-defined]


__all__ = ["DDL", "EXPORT_COLUMNS", "ensure_tables", "prune_orphans"]
