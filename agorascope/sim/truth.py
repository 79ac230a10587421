"""Ground-truth bookkeeping: counts accumulated while generating, and the config as JSON."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from agorascope.sim.config import SimConfig
from agorascope.sim.plant import ORIGINAL, QUOTE, REPLY, REPOST

if TYPE_CHECKING:
    from agorascope.sim.engine import Simulation


class TruthCounter:
    """Counts accumulated while generating (what `truth()["counts"]` reports)."""

    def __init__(self, n_plat: int, n_lang: int, n_topic: int, n_authors: int) -> None:
        self.posts = 0
        self.by_platform = np.zeros(n_plat, np.int64)
        self.by_lang = np.zeros(n_lang, np.int64)
        self.kinds = np.zeros(4, np.int64)
        self.topic = np.zeros(n_topic, np.int64)
        self.topic_lang = np.zeros((n_topic, n_lang), np.int64)
        self.seen = np.zeros(n_authors, bool)
        self.bursts: dict[int, int] = {}

    def add(self, rows: dict[str, np.ndarray], platform_of: np.ndarray) -> None:
        n = len(rows["t"])
        self.posts += n
        self.by_platform += np.bincount(platform_of[rows["author"]], minlength=len(self.by_platform))
        self.by_lang += np.bincount(rows["lang"], minlength=len(self.by_lang))
        self.kinds += np.bincount(rows["kind"], minlength=4)
        self.topic += np.bincount(rows["topic"], minlength=len(self.topic))
        nl = self.topic_lang.shape[1]
        self.topic_lang += np.bincount(rows["topic"] * nl + rows["lang"],
                                       minlength=self.topic_lang.size).reshape(self.topic_lang.shape)
        self.seen[rows["author"]] = True

    def result(self, sim: Simulation) -> dict[str, Any]:
        return {
            "posts": int(self.posts),
            "by_platform": {p: int(x) for p, x in zip(sim.platforms, self.by_platform, strict=True)},
            "by_lang": {x: int(v) for x, v in zip(sim.languages, self.by_lang, strict=True)},
            "originals": int(self.kinds[ORIGINAL]), "reposts": int(self.kinds[REPOST]),
            "replies": int(self.kinds[REPLY]), "quotes": int(self.kinds[QUOTE]),
            "authors": int(self.seen.sum()),
            "_topic_posts": self.topic.copy(), "_topic_langs": self.topic_lang.copy(),
        }


def config_json(cfg: SimConfig) -> dict[str, Any]:
    def conv(x: Any) -> Any:
        if isinstance(x, datetime):
            return x.isoformat()
        if isinstance(x, timedelta):
            return x.total_seconds()
        if isinstance(x, dict):
            return {k: conv(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [conv(v) for v in x]
        return x

    return conv(asdict(cfg))
