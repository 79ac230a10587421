"""Narratives: multilingual topic discovery with stable identities, labels, evidence and evolution.

A narrative is a cluster of posts that say the same thing, whatever the language. Discovery
runs on the stored multilingual sentence embeddings (`agorascope enrich`):

    distinct texts (reposts and identical texts collapsed) -> PCA -> mini-batch k-means
    over-clustering -> average-linkage merge of micro-centroids -> outliers

(`narratives_cluster`), then matches the clusters to the narratives already in the store so
ids stay stable (`narratives_store`), and labels each with per-language c-TF-IDF terms,
hashtags, domains and its most central posts (`narratives_labels`). `assign_new` puts later
posts into existing narratives (nearest centroid above a threshold) and gives genuinely new
narratives new ids. `evolution` counts posts, authors, languages, platforms and sentiment
per narrative and time bucket.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

import numpy as np
import pyarrow as pa

from agorascope.analysis import narratives_labels as labels_mod
from agorascope.analysis import narratives_store as st
from agorascope.analysis.narratives_cluster import Clustering, ClusterParams, best_match, cluster_vectors
from agorascope.analysis.narratives_corpus import _check_model, _Corpus, _load_corpus, iter_embeddings
from agorascope.analysis.narratives_query import (
    evolution,
    export_assignments,
    narrative_detail,
    narratives_table,
)
from agorascope.errors import ConfigError
from agorascope.store.duckdb_store import DuckDBStore

log = logging.getLogger(__name__)


Model = Literal["usem3", "e5"]
OUTLIER = st.OUTLIER
#: A cluster continues a stored narrative when their centroids are at least this similar.
MATCH_THRESHOLD = 0.7
#: `assign_new` puts a post into its nearest narrative when the cosine reaches this.
ASSIGN_THRESHOLD = 0.4

__all__ = ["ASSIGN_THRESHOLD", "MATCH_THRESHOLD", "NarrativeResult", "assign_new", "crosslingual_purity",
           "demo_summary", "discover_narratives", "evolution", "export_assignments", "iter_embeddings",
           "narrative_detail", "narratives_table", "render"]


@dataclass
class NarrativeResult:
    """What one discovery or assignment run did.

    Attributes:
        run_id: the run's id in `narrative_runs` (and in `narrative_assignments.run_id`).
        narratives: one row per narrative touched (see `narratives_table`).
        posts: posts analysed; texts: distinct texts among them (what was clustered).
        outliers: posts left without a narrative (`narrative_id = -1`).
        new_ids / continued_ids: narratives born in this run / carried over from earlier runs.
        lineage: (kind, parent_id, child_id, similarity) rows recorded.
        timings_s: seconds per step.
    """

    run_id: int
    narratives: pa.Table
    posts: int
    texts: int
    outliers: int
    new_ids: list[int] = field(default_factory=list)
    continued_ids: list[int] = field(default_factory=list)
    lineage: list[tuple[str, int | None, int, float | None]] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)

    @property
    def outlier_share(self) -> float:
        return self.outliers / self.posts if self.posts else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "posts": self.posts, "texts": self.texts, "outliers": self.outliers,
                "outlier_share": round(self.outlier_share, 4), "narratives": self.narratives.num_rows,
                "new_ids": self.new_ids, "continued_ids": self.continued_ids,
                "lineage": [list(r) for r in self.lineage], "timings_s": self.timings_s}


# -- identity ------------------------------------------------------------------------------------------

def _match_ids(store: DuckDBStore, model: str, cents: np.ndarray, sizes: np.ndarray, match_threshold: float
               ) -> tuple[np.ndarray, list[tuple[str, int | None, int, float | None]], list[int], list[int]]:
    """Give each new cluster an id: continue a stored narrative, split from one, or be born.

    Returns (ids per cluster, lineage rows, ids of stored narratives merged away, new ids).
    """
    old_ids, old_c = st.load_centroids(store, model)
    m = len(cents)
    ids = np.full(m, -1, np.int64)
    lineage: list[tuple[str, int | None, int, float | None]] = []
    merged: list[int] = []
    if len(old_ids) and old_c.shape[1] == cents.shape[1] and m:
        sim = cents @ old_c.T  # (m, o)
        best = sim.argmax(axis=1)
        best_sim = sim[np.arange(m), best]
        claimed: dict[int, int] = {}
        # largest clusters choose first; each stored narrative continues in at most one cluster
        for c in np.lexsort((np.arange(m), -sizes)):
            if best_sim[c] >= match_threshold:
                o = int(best[c])
                if o not in claimed:
                    claimed[o] = int(c)
                    ids[c] = old_ids[o]
                    lineage.append(("continue", int(old_ids[o]), int(old_ids[o]), round(float(best_sim[c]), 4)))
        next_id = st.next_narrative_id(store)
        born: list[int] = []
        for c in range(m):
            if ids[c] < 0:
                ids[c] = next_id
                next_id += 1
                born.append(int(ids[c]))
                if best_sim[c] >= match_threshold:  # its best match continued elsewhere: a split
                    lineage.append(("split", int(old_ids[best[c]]), int(ids[c]), round(float(best_sim[c]), 4)))
                else:
                    lineage.append(("birth", None, int(ids[c]), None))
        # stored narratives not continued but absorbed by a cluster: merges
        for o in range(len(old_ids)):
            if o in claimed:
                continue
            c = int(sim[:, o].argmax())
            if sim[c, o] >= match_threshold:
                merged.append(int(old_ids[o]))
                lineage.append(("merge", int(old_ids[o]), int(ids[c]), round(float(sim[c, o]), 4)))
        return ids, lineage, merged, born
    next_id = st.next_narrative_id(store) if st.has_narratives(store) else 1
    ids[:] = np.arange(next_id, next_id + m)
    lineage = [("birth", None, int(i), None) for i in ids]
    return ids, lineage, merged, [int(i) for i in ids]


def _assign_thresholds(clu: Clustering) -> np.ndarray:
    """Per narrative: the cosine that 95% of its own distinct texts reach (floor ASSIGN_THRESHOLD).

    A later post joins a narrative only when it is as typical as its members were, so a new
    framing close to an old one (a chemical train derailment next to a rail strike) is not
    swallowed by it but left to become a narrative of its own.
    """
    m = len(clu.centroids)
    out = np.full(m, ASSIGN_THRESHOLD, np.float32)
    own = clu.labels >= 0
    if not own.any():
        return out
    order = np.lexsort((clu.similarity[own], clu.labels[own]))
    lab = clu.labels[own][order]
    sim = clu.similarity[own][order]
    starts = np.searchsorted(lab, np.arange(m))
    ends = np.searchsorted(lab, np.arange(m), side="right")
    for c in range(m):
        if ends[c] > starts[c]:
            out[c] = max(ASSIGN_THRESHOLD, float(sim[starts[c] + int(0.05 * (ends[c] - starts[c]))]))
    return out


def _representatives(corpus: _Corpus, clu_labels: np.ndarray, clu_sim: np.ndarray, m: int, *, per: int = 6,
                     per_lang: int = 2) -> list[tuple[int, int, int, str | None, float]]:
    """(cluster, rank, post index, lang, similarity): most central distinct texts, ≤ per_lang per language."""
    rows = np.flatnonzero(clu_labels >= 0)
    order = rows[np.lexsort((rows, -clu_sim[rows], clu_labels[rows]))]
    out: list[tuple[int, int, int, str | None, float]] = []
    taken: dict[int, int] = {}
    lang_taken: dict[tuple[int, str | None], int] = {}
    for r in order.tolist():
        c = int(clu_labels[r])
        if taken.get(c, 0) >= per:
            continue
        post = int(corpus.rep_post[r])
        lang = corpus.post_lang[post]
        if lang_taken.get((c, lang), 0) >= per_lang:
            continue
        lang_taken[(c, lang)] = lang_taken.get((c, lang), 0) + 1
        taken[c] = taken.get(c, 0) + 1
        out.append((c, taken[c], post, lang, float(clu_sim[r])))
    return out


# -- API -----------------------------------------------------------------------------------------------

def discover_narratives(store: DuckDBStore, *, model: Model = "usem3", since: datetime | None = None,
                        until: datetime | None = None, seed: int = 0, params: ClusterParams | None = None,
                        match_threshold: float = MATCH_THRESHOLD, label_sample: int = 1000) -> NarrativeResult:
    """Find the narratives among the posts in [since, until) and store them with stable ids.

    Every post in the window is (re)assigned. Clusters that match a stored narrative
    (centroid cosine ≥ `match_threshold`) keep its id; others are born with new ids; splits
    and merges are recorded in `narrative_lineage`. The same data and seed give the same ids.

    Raises:
        ConfigError: no embeddings stored (run `agorascope enrich`), or a bad parameter.
    """
    _check_model(model)
    p = replace(params or ClusterParams(), seed=seed)
    p.check()
    if not 0 < match_threshold < 1:
        raise ConfigError(f"match_threshold must lie in (0, 1), got {match_threshold}.")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    st.ensure_tables(store)
    corpus = _load_corpus(store, model=model, since=since, until=until)
    timings["load"] = round(time.perf_counter() - t0, 3)
    try:
        t = time.perf_counter()
        clu = cluster_vectors(corpus.x, weights=corpus.weights, params=p)
        timings["cluster"] = round(time.perf_counter() - t, 3)
        reps = _representatives(corpus, clu.labels, clu.similarity, len(clu.centroids))
        n_texts = np.bincount(clu.labels[clu.labels >= 0], minlength=len(clu.centroids))
    finally:
        corpus.close()
    t = time.perf_counter()
    run_id = st.next_run_id(store)
    result = _persist(store, corpus, clu, reps, n_texts, model=model, run_id=run_id, kind="discover",
                      since=since, until=until, params=asdict(p) | {"match_threshold": match_threshold},
                      match_threshold=match_threshold, label_sample=label_sample)
    timings["store"] = round(time.perf_counter() - t, 3)
    result.timings_s = timings | {"total": round(time.perf_counter() - t0, 3)}
    log.info("narratives run %d: %d posts, %d texts, %d narratives (%d new), %.1f%% outliers", run_id, result.posts,
             result.texts, result.narratives.num_rows, len(result.new_ids), 100 * result.outlier_share)
    return result


def _persist(store: DuckDBStore, corpus: _Corpus, clu: Clustering, reps: list[tuple[int, int, int, str | None, float]],
             n_texts: np.ndarray, *, model: str, run_id: int, kind: str, since: datetime | None,
             until: datetime | None, params: dict[str, Any], match_threshold: float, label_sample: int,
             fixed_ids: np.ndarray | None = None, new_only: np.ndarray | None = None) -> NarrativeResult:
    from datetime import UTC

    now = datetime.now(UTC)
    m = len(clu.centroids)
    if fixed_ids is None:
        ids, lineage, _merged, born = _match_ids(store, model, clu.centroids, clu.sizes, match_threshold)
    else:
        ids, lineage, _merged, born = fixed_ids, [], [], []
    thresholds = _assign_thresholds(clu)
    if new_only is not None:  # narratives that only grew keep the threshold their own members set
        thresholds = np.where(new_only, thresholds, np.nan).astype(np.float32)
    post_lab = clu.labels[corpus.post_row] if len(corpus.post_row) else np.zeros(0, np.int64)
    post_nid = np.where(post_lab >= 0, ids[np.maximum(post_lab, 0)] if m else -1, OUTLIER)
    post_sim = clu.similarity[corpus.post_row] if len(corpus.post_row) else np.zeros(0, np.float32)
    store.begin()
    try:
        for nid in ids.tolist():
            store.execute("INSERT INTO narratives (narrative_id, status, model, run_id, updated_at) "
                          "VALUES (?, 'active', ?, ?, ?) ON CONFLICT (narrative_id) DO UPDATE SET status = 'active', "
                          "merged_into = NULL, run_id = excluded.run_id, updated_at = excluded.updated_at",
                          [nid, model, run_id, now])
        for kind_, parent, child, _sim in lineage:
            if kind_ == "merge" and parent is not None:
                store.execute("UPDATE narratives SET status = 'merged', merged_into = ?, updated_at = ? "
                              "WHERE narrative_id = ?", [child, now, parent])
        st.save_centroids(store, model, ids, clu.centroids, n_texts, thresholds)
        st.write_assignments(store, corpus.post_ids, post_nid, post_sim, run_id)
        st.write_lineage(store, run_id, lineage)
        if reps:
            store.execute("DELETE FROM narrative_representatives WHERE narrative_id IN (SELECT unnest(?::BIGINT[]))",
                          [sorted({int(ids[c]) for c, *_ in reps})])
            for c, rank, post, lang, sim in reps:
                store.execute("INSERT INTO narrative_representatives VALUES (?, ?, ?, ?, ?)",
                              [int(ids[c]), rank, corpus.post_ids[post].as_py(), lang, round(sim, 4)])
        st.refresh_stats(store, ids.tolist())
        labels_mod.write_labels(store, ids.tolist(), sample=label_sample)
        outliers = int((post_nid == OUTLIER).sum())
        st.write_run(store, {"run_id": run_id, "run_at": now, "kind": kind, "model": model, "since": since,
                             "until": until, "params": json.dumps(params), "posts": len(corpus.post_ids),
                             "texts": len(corpus.weights), "narratives": m, "outliers": outliers,
                             "new_narratives": len(born)})
        store.commit()
    except Exception:
        store.rollback()
        raise
    table = narratives_table(store, ids=ids.tolist())
    return NarrativeResult(run_id=run_id, narratives=table, posts=len(corpus.post_ids), texts=len(corpus.weights),
                           outliers=outliers, new_ids=born,
                           continued_ids=[c for k, _, c, _ in lineage if k == "continue"], lineage=lineage)


def assign_new(store: DuckDBStore, *, model: Model = "usem3", since: datetime | None = None,
               until: datetime | None = None, threshold: float = ASSIGN_THRESHOLD, seed: int = 0,
               params: ClusterParams | None = None, fold_threshold: float = 0.6, min_new_posts: int = 10,
               label_sample: int = 1000) -> NarrativeResult:
    """Assign posts not yet in a narrative (new, or outliers so far) to the stored narratives.

    1. A post joins its nearest narrative when its cosine to the centroid reaches what 95% of
       that narrative's own texts reached at discovery (and at least `threshold`).
    2. The rest is clustered like `discover_narratives`. A group whose centroid is within
       `fold_threshold` of a known narrative is that narrative's fringe and joins it; a group of
       at least `min_new_posts` posts otherwise is born as a new narrative (lineage `birth`).
    3. What remains joins its nearest narrative at cosine ≥ `threshold`, else stays an outlier (-1).

    Centroids of the narratives that grew move to the running mean of their texts. Defaults were
    calibrated on the simulator (a chemical-train derailment born next to a rail strike).
    """
    _check_model(model)
    p = replace(params or ClusterParams(), seed=seed)
    p.check()
    t0 = time.perf_counter()
    st.ensure_tables(store)
    old_ids, old_c, old_thr = st.load_centroids_full(store, model)
    corpus = _load_corpus(store, model=model, since=since, until=until, exclude_assigned=True)
    try:
        n = len(corpus.weights)
        if len(old_ids) and n and old_c.shape[1] != corpus.x.shape[1]:
            raise ConfigError(f"The stored narratives were built with another embedding size; run "
                              f"`agorascope narratives discover --model {model}` first.")
        near, sim = best_match(corpus.x, old_c) if len(old_ids) and n else (np.full(n, -1), np.full(n, -1.0))
        # 1. typical posts join their narrative (per-narrative calibrated threshold)
        thr = np.where(np.isnan(old_thr), threshold, np.maximum(old_thr, threshold)) if len(old_ids) else old_thr
        hit = (near >= 0) & (sim >= (thr[np.maximum(near, 0)] if len(old_ids) else np.inf))
        rest = np.flatnonzero(~hit)
        # 2. the rest is clustered: groups big and coherent enough are new narratives
        sub = np.asarray(corpus.x[rest], np.float32) if len(rest) else np.zeros((0, corpus.x.shape[1]), np.float32)
        clu_new = cluster_vectors(sub, weights=corpus.weights[rest], params=p)
        # a group close to a known narrative is its fringe, not news; a birth needs min_new_posts
        m_new = len(clu_new.centroids)
        if m_new and len(old_ids):
            cs = clu_new.centroids @ old_c.T
            fold_to, fold_sim = cs.argmax(axis=1), cs.max(axis=1)
        else:
            fold_to, fold_sim = np.full(m_new, -1), np.full(m_new, -1.0)
        fold = fold_sim >= fold_threshold
        born_ok = ~fold & (clu_new.sizes >= min_new_posts)
        lab_rest = clu_new.labels
        folded = np.flatnonzero(lab_rest >= 0)
        folded = folded[fold[lab_rest[folded]]]
        if len(folded):
            near[rest[folded]] = fold_to[lab_rest[folded]]
            sim[rest[folded]] = np.einsum("ij,ij->i", sub[folded], old_c[near[rest[folded]]])
            hit[rest[folded]] = True
        newmap = np.full(max(m_new, 1), -1, np.int64)
        newmap[np.flatnonzero(born_ok)] = np.arange(int(born_ok.sum()))
        lab_rest = np.where(lab_rest >= 0, newmap[np.maximum(lab_rest, 0)], -1)
        clu_new = Clustering(lab_rest, clu_new.similarity, clu_new.centroids[born_ok], clu_new.sizes[born_ok])
        # 3. what is left joins its nearest narrative when above the plain threshold, else is an outlier
        free = (lab_rest < 0) & ~hit[rest]
        late = rest[free & (near[rest] >= 0) & (sim[rest] >= threshold)]
        hit[late] = True
        # one combined clustering: existing narratives first, then the new groups
        o = len(old_ids)
        labels = np.full(n, -1, np.int64)
        labels[rest] = np.where(clu_new.labels >= 0, clu_new.labels + o, -1)
        labels[hit] = near[hit]
        sims = np.full(n, -1.0, np.float32)
        sims[rest] = clu_new.similarity
        sims[hit] = sim[hit]
        grown = np.unique(near[hit])
        cents = np.vstack([old_c, clu_new.centroids]) if o else clu_new.centroids
        n_texts = np.bincount(labels[labels >= 0], minlength=len(cents))
        if len(grown):
            prev = store.query("SELECT narrative_id, n_texts FROM narrative_centroids WHERE model = ?", [model])
            prev_n = dict(zip(prev["narrative_id"].to_pylist(), prev["n_texts"].to_pylist(), strict=True))
            for g in grown.tolist():
                mask = labels == g
                add = np.asarray(corpus.x[np.flatnonzero(mask)], np.float64).sum(axis=0)
                base = float(prev_n.get(int(old_ids[g]), 0) or 0)
                v = old_c[g] * base + add
                cents[g] = (v / (np.linalg.norm(v) or 1.0)).astype(np.float32)
                n_texts[g] = int(base) + int(mask.sum())
        next_id = st.next_narrative_id(store) if st.has_narratives(store) else 1
        ids = np.concatenate([old_ids, np.arange(next_id, next_id + len(clu_new.centroids))]).astype(np.int64)
        touched = np.concatenate([grown, np.arange(o, len(cents))]).astype(np.int64)
        clu = Clustering(labels, sims, cents, np.bincount(labels[labels >= 0], weights=corpus.weights[labels >= 0],
                                                          minlength=len(cents)).astype(np.int64))
        reps = [r for r in _representatives(corpus, labels, sims, len(cents)) if r[0] >= o]
    finally:
        corpus.close()
    # persist only the narratives this run touched
    keep = touched
    sub_clu = Clustering(clu.labels, clu.similarity, clu.centroids[keep], clu.sizes[keep])
    remap = np.full(len(cents) + 1, -1, np.int64)
    remap[keep] = np.arange(len(keep))
    sub_clu.labels = np.where(clu.labels >= 0, remap[np.maximum(clu.labels, 0)], -1)
    reps = [(int(remap[c]), rank, post, lang, s) for c, rank, post, lang, s in reps]
    run_id = st.next_run_id(store)
    born = [int(i) for i in ids[o:]]
    result = _persist(store, corpus, sub_clu, reps, n_texts[keep], model=model, run_id=run_id, kind="assign",
                      since=since, until=until, params=asdict(p) | {"threshold": threshold},
                      match_threshold=MATCH_THRESHOLD, label_sample=label_sample, fixed_ids=ids[keep],
                      new_only=keep >= o)
    if born:
        st.write_lineage(store, run_id, [("birth", None, i, None) for i in born])
    result.new_ids = born
    result.continued_ids = [int(ids[g]) for g in grown.tolist()]
    result.lineage = [("birth", None, i, None) for i in born]
    result.timings_s = {"total": round(time.perf_counter() - t0, 3)}
    return result


# -- demo ----------------------------------------------------------------------------------------------

def crosslingual_purity(truth: np.ndarray, pred: np.ndarray) -> float:
    """Share of each planted narrative's posts that land in its single largest found narrative
    (all languages together), weighted by size; outliers count as misses."""
    truth = np.asarray(truth)
    pred = np.asarray(pred)
    hit = 0
    for c in np.unique(truth):
        p = pred[truth == c]
        p = p[p >= 0]
        if len(p):
            hit += int(np.bincount(p - p.min()).max())
    return hit / max(1, len(truth))


def demo_summary(project: Any, sim: Any, summary: dict[str, Any]) -> None:
    """Discover narratives in the demo project and score them against the simulator's truth."""
    from agorascope.analysis.narratives_cluster import nmi

    res = discover_narratives(project.store, seed=0)
    section: dict[str, Any] = {"narratives": res.narratives.num_rows, "posts": res.posts, "texts": res.texts,
                               "outlier_share": round(res.outlier_share, 4), "timings_s": res.timings_s}
    top = res.narratives.slice(0, 8).to_pylist()
    section["top"] = [{"id": r["narrative_id"], "label": r["label"], "posts": r["n_posts"],
                       "languages": r["n_languages"]} for r in top]
    truth_map = _sim_truth(sim)
    if truth_map:
        a = project.store.query("SELECT post_id, narrative_id FROM narrative_assignments")
        pids = a["post_id"].to_pylist()
        keep = [i for i, pid in enumerate(pids) if pid in truth_map]
        if keep:
            truth = np.asarray([truth_map[pids[i]] for i in keep])
            pred = a["narrative_id"].to_numpy()[keep]
            _, tcodes = np.unique(truth, return_inverse=True)
            section["nmi"] = round(nmi(tcodes, pred), 4)
            section["crosslingual_purity"] = round(crosslingual_purity(tcodes, pred), 4)
    summary["narratives"] = section


def _sim_truth(sim: Any) -> dict[str, str]:
    """post_id -> truth_narrative from the simulator, if it exposes it (None/'' = background)."""
    fn = getattr(sim, "post_truth", None)
    out: dict[str, str] = {}
    if callable(fn):
        t = fn()
        for pid, nar in zip(t["post_id"].to_pylist(), t["truth_narrative"].to_pylist(), strict=True):
            if nar:
                out[pid] = nar
        return out
    for b in sim.batches():
        if "truth_narrative" not in b.schema.names:
            return {}
        for pid, nar in zip(b["post_id"].to_pylist(), b["truth_narrative"].to_pylist(), strict=True):
            if nar:
                out[pid] = nar
    return out


def render(section: dict[str, Any], console: Any) -> None:
    """Print the demo's narratives section with rich."""
    from rich.table import Table

    head = (f"{section['narratives']} narratives in {section['posts']:,} posts "
            f"({section['texts']:,} distinct texts), outliers {section['outlier_share']:.1%}")
    if "nmi" in section:
        head += (f"; NMI vs planted truth {section['nmi']:.3f}, "
                 f"cross-lingual purity {section['crosslingual_purity']:.3f}")
    tbl = Table("id", "label", "posts", "languages", title="Narratives")
    for r in section.get("top", []):
        tbl.add_row(str(r["id"]), r["label"] or "", f"{r['posts']:,}", str(r["languages"]))
    console.print(tbl)
    console.print(head)
