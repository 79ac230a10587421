"""Text enrichment: normalisation, language id, sentiment, embeddings, near-duplicate signatures.

Per-post stages are pure Arrow batch -> batch functions (`agorascope.text.stages`);
`agorascope.text.enrich.enrich_store` runs them incrementally over a project's store.
Heavy modules (models) are imported lazily by the functions that need them.
"""
