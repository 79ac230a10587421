"""Rendering: integer row blocks -> Arrow record batches, vectorised with pyarrow.compute."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from agorascope.schema import RAW_POST_SCHEMA, TIMESTAMP
from agorascope.sim.plant import QUOTE, REPLY, REPOST

if TYPE_CHECKING:
    from agorascope.sim.engine import Simulation

#: post id prefix and number base per platform (ids are "platform:<native id>")
ID_PREFIX = {"twitter": ("twitter:", 1_765_000_000_000_000_000), "bluesky": ("bluesky:3lk", 10_000_000_000),
             "mastodon": ("mastodon:", 113_500_000_000_000_000)}
TRUTH_COLUMNS = ("truth_narrative", "truth_burst", "truth_group")
OUTPUT_SCHEMA = pa.schema(list(RAW_POST_SCHEMA) + [pa.field(c, pa.string()) for c in TRUTH_COLUMNS])


def post_ids(platforms: tuple[str, ...], plat: np.ndarray, rec: np.ndarray) -> pa.Array:
    """Platform-qualified post ids ("twitter:1765…", "bluesky:3lk…", "mastodon:1135…")."""
    nums = np.zeros(len(rec), np.int64)
    prefixes = np.empty(len(rec), object)
    for pi, p in enumerate(platforms):
        prefix, base = ID_PREFIX[p]
        mask = plat == pi
        nums[mask] = base + rec[mask]
        prefixes[mask] = prefix
    return pc.binary_join_element_wise(pa.array(prefixes, pa.string()), pc.cast(pa.array(nums), pa.string()), "")

def render_rows(sim: Simulation, rows: dict[str, np.ndarray]) -> pa.RecordBatch:
    """Rows (integer indices) -> an Arrow batch of OUTPUT_SCHEMA, with pyarrow.compute only."""
    A = sim.bank.arrays
    n = len(rows["t"])
    plat = sim.pop.platform[rows["author"]]

    def take(arr: pa.Array, idx: np.ndarray) -> pa.Array:
        return arr.take(pa.array(idx, mask=idx < 0))

    handles = sim._handles_array()
    kind = rows["kind"]
    tgt = rows["tgt_rec"]
    tw = sim.platforms.index("twitter") if "twitter" in sim.platforms else -1
    mention_idx = np.where((kind == REPLY) & (plat == tw) & (rows["tgt_author"] >= 0), rows["tgt_author"], -1)
    mention = pc.binary_join_element_wise("@", take(handles, mention_idx), " ", "", null_handling="emit_null")
    text = pc.binary_join_element_wise(
        mention, take(A["prefix"], rows["prefix"]), take(A["core"], rows["core"]),
        take(A["extra"], rows["extra"]), take(A["tail"], rows["tail"]), take(A["combo_text"], rows["combo"]),
        A["url_text"].take(pa.array(rows["url"])), "", null_handling="skip")
    tid = post_ids(sim.platforms, plat, np.maximum(tgt, 0))
    null = pa.nulls(n, pa.string())

    def target(k: int) -> pa.Array:
        return pc.if_else(pa.array((kind == k) & (tgt > 0)), tid, null)

    topic_ids = pa.array(sim.bank.topic_ids, pa.string())
    burst_ids = pa.array([b["id"] for b in sim.plan.bursts] or [""], pa.string())
    group_ids = pa.array([g["id"] for g in sim.plan.groups] or [""], pa.string())
    cols = [
        post_ids(sim.platforms, plat, rows["rec"]),
        pa.array(np.array(sim.platforms, object)[plat], pa.string()),
        null,
        handles.take(pa.array(rows["author"])),
        pa.array(rows["t"], pa.int64()).cast(TIMESTAMP),
        text,
        pa.array(np.array(sim.languages, object)[rows["lang"]], pa.string()),
        A["url_list"].take(pa.array(rows["url"])),
        A["domain_list"].take(pa.array(rows["url"])),
        A["combo_list"].take(pa.array(rows["combo"])),
        target(REPOST), target(REPLY), target(QUOTE),
        pa.array(rows["n_likes"], pa.int64()), pa.array(rows["n_reposts"], pa.int64()),
        pa.array(rows["n_replies"], pa.int64()),
        pa.nulls(n, pa.int64()),
        pa.array(rows["rec"], pa.int64()),
        topic_ids.take(pa.array(rows["topic"])),
        take(burst_ids, rows["burst"]),
        take(group_ids, rows["group"]),
    ]
    return pa.RecordBatch.from_arrays(cols, schema=OUTPUT_SCHEMA)

