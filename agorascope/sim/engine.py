"""The simulation engine: organic population, daily rhythm, reposts/replies, rendering.

Generation runs in chunks of `chunk_minutes`. Per chunk it draws the organic posts of each
language (authors by heavy-tailed activity), decides their kind, picks repost/reply/quote
targets from a bounded pool of recent posts of earlier chunks (weighted by a heavy-tailed
"fitness" that decays with age), merges the planted rows that fall in the chunk, sorts by
time, numbers the rows and renders them to Arrow with `pyarrow.compute`. State between
chunks is the bounded pool and a few counters, so memory does not grow with `posts`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa

from agorascope.errors import ConfigError
from agorascope.sim.config import (
    SimConfig,
    default_bursts,
    default_groups,
    default_narratives,
)
from agorascope.sim.plant import (
    MIN_US,
    ORIGINAL,
    QUOTE,
    RENDER_FIELDS,
    REPLY,
    REPOST,
    US,
    Plan,
    concat_rows,
    empty_rows,
    plan_bursts,
    plan_groups,
    resolve_time,
    take_rows,
)
from agorascope.sim.render import ID_PREFIX, post_ids, render_rows
from agorascope.sim.texts import TextBank
from agorascope.sim.truth import TruthCounter, config_json

log = logging.getLogger(__name__)

#: Share of posts per language (normalised over the simulated languages).
LANG_SHARE = {"en": 0.32, "es": 0.13, "zh": 0.10, "ar": 0.08, "ru": 0.09, "fr": 0.09, "de": 0.09, "ja": 0.10}
#: UTC offset (hours) of each language's main audience, for the daily rhythm.
LANG_TZ = {"en": -5, "es": 0, "zh": 8, "ar": 3, "ru": 3, "fr": 1, "de": 1, "ja": 9}
#: Platform mix per language (twitter, bluesky, mastodon), renormalised over simulated platforms.
PLATFORM_MIX = {"twitter": 0.5, "bluesky": 0.3, "mastodon": 0.2}
PLATFORM_LANG_TILT = {"ja": {"twitter": 1.6}, "de": {"mastodon": 2.0}, "fr": {"mastodon": 1.4},
                      "en": {"bluesky": 1.3}}
#: Pool of repost/reply targets: how long an item stays and how fast its pull decays.
POOL_HORIZON_US = 8 * 3600 * US
POOL_TAU_US = 2 * 3600 * US
#: At most this many pool entries (the fittest posts of each chunk are kept).
POOL_MAX = 80_000
#: Share of power accounts (very active, mostly reposting popular items).
POWER_SHARE = 0.015



def rhythm(local_hour: np.ndarray) -> np.ndarray:
    """Relative activity by local hour: quiet at 3–5 am, peak mid-afternoon to evening."""
    return 0.12 + 0.88 * (0.5 - 0.5 * np.cos(2 * np.pi * (local_hour - 4.0) / 24.0)) ** 1.5


@dataclass
class Population:
    """Accounts: language, platform, activity, repost propensity, influence."""

    lang: np.ndarray
    platform: np.ndarray
    activity: np.ndarray
    p_repost: np.ndarray
    influence: np.ndarray
    power: np.ndarray
    handle_num: np.ndarray


class Simulation:
    """A seeded, streaming simulation of a multilingual, multi-platform conversation.

    >>> sim = Simulation(SimConfig(posts=20_000, days=2, seed=1))
    >>> rows = sum(b.num_rows for b in sim.batches())
    >>> rows == sim.truth()["counts"]["posts"] == 20_000
    True
    """

    def __init__(self, config: SimConfig | None = None) -> None:
        cfg = self.config = config or SimConfig()
        self._check(cfg)
        self.languages = tuple(cfg.languages)
        self.platforms = tuple(cfg.platforms)
        self.start = cfg.start.astimezone(UTC)
        self.end = self.start + timedelta(days=cfg.days)
        self._start_us = int(self.start.timestamp() * US)
        self._end_us = int(self.end.timestamp() * US)
        self.bank = TextBank(self.languages, seed=cfg.seed)
        per_min = cfg.posts / (cfg.days * 1440)
        auto = next((m for m in (5, 10, 15, 20, 30) if m * per_min >= 2000), 60)
        self.chunk_minutes = cfg.chunk_minutes or auto
        rng = np.random.default_rng([cfg.seed, 1])
        self.pop = self._population(rng)
        self._narratives(np.random.default_rng([cfg.seed, 2]))
        self.plan = self._plan(np.random.default_rng([cfg.seed, 3]))
        self.bank.freeze()
        self._schedule(np.random.default_rng([cfg.seed, 4]))
        self._handles: pa.Array | None = None
        self._counts: dict[str, Any] | None = None
        self._plan_rec: np.ndarray | None = None
        self._topic_posts: np.ndarray | None = None

    # -- setup ----------------------------------------------------------------------------
    @staticmethod
    def _check(cfg: SimConfig) -> None:
        from agorascope.sim.texts import BANK_LANGUAGES

        if cfg.posts < 1000:
            raise ConfigError(f"SimConfig.posts must be at least 1000, got {cfg.posts}.")
        if not 0 < cfg.days <= 366:
            raise ConfigError(f"SimConfig.days must be in (0, 366], got {cfg.days}.")
        bad = [x for x in cfg.languages if x not in BANK_LANGUAGES]
        if bad or not cfg.languages:
            raise ConfigError(f"Unknown languages {bad}; the text bank has {', '.join(BANK_LANGUAGES)}.")
        badp = [p for p in cfg.platforms if p not in ID_PREFIX]
        if badp or not cfg.platforms:
            raise ConfigError(f"Unknown platforms {badp}; choose from {', '.join(ID_PREFIX)}.")
        if cfg.start.tzinfo is None:
            raise ConfigError("SimConfig.start must be timezone-aware, e.g. datetime(2026, 3, 2, tzinfo=UTC).")
        if not 0 <= cfg.repost_share + cfg.reply_share + cfg.quote_share < 0.9:
            raise ConfigError("repost_share + reply_share + quote_share must be below 0.9.")
        if cfg.batch_rows < 1 or (cfg.chunk_minutes is not None and cfg.chunk_minutes < 1):
            raise ConfigError("batch_rows and chunk_minutes must be positive.")

    def _population(self, rng: np.random.Generator) -> Population:
        cfg = self.config
        n = cfg.authors or max(400, cfg.posts // 8)
        share = np.array([LANG_SHARE[x] for x in self.languages])
        lang = rng.choice(len(self.languages), n, p=share / share.sum())
        platform = np.zeros(n, np.int64)
        for li, x in enumerate(self.languages):
            w = np.array([PLATFORM_MIX[p] * PLATFORM_LANG_TILT.get(x, {}).get(p, 1.0) for p in self.platforms])
            sel = np.flatnonzero(lang == li)
            platform[sel] = rng.choice(len(self.platforms), len(sel), p=w / w.sum())
        activity = rng.lognormal(0.0, 1.3, n)
        power = rng.random(n) < POWER_SHARE
        activity[power] = np.maximum(activity[power], 1.0) * 8.0
        base = rng.beta(2.0, 3.5, n)
        organic_share = cfg.repost_share
        k = 1.0
        for _ in range(30):  # calibrate so the activity-weighted repost share hits the target
            p = np.where(power, 0.85, np.minimum(0.95, base * k))
            got = float((activity * p).sum() / activity.sum())
            k *= organic_share / max(got, 1e-6)
        p_repost = np.where(power, 0.85, np.minimum(0.95, base * k))
        influence = rng.lognormal(0.0, 1.0, n)
        handle_num = rng.permutation(n) + 1
        return Population(lang, platform, activity, p_repost, influence, power, handle_num)

    def _narratives(self, rng: np.random.Generator) -> None:
        cfg, bank = self.config, self.bank
        nt = len(bank.topics)
        self.born_us = np.full(nt, -1, np.int64)
        self.topic_weight = np.ones(nt)
        self.born: dict[str, datetime] = {}
        step = self.chunk_minutes * MIN_US
        for pn in (default_narratives() if cfg.narratives is None else cfg.narratives):
            if pn.id not in bank.topic_ids[:bank.n_narratives]:
                raise ConfigError(f"Unknown narrative {pn.id!r}; the bank has {bank.topic_ids[:bank.n_narratives]}.")
            ti = bank.topic_index(pn.id)
            self.topic_weight[ti] = pn.weight
            if pn.born_at is not None:
                when = resolve_time(pn.born_at, self.start, self.end, f"narrative {pn.id} born_at")
                us = int(when.timestamp() * US)
                us = self._start_us + ((us - self._start_us) // step) * step  # on a chunk boundary
                self.born_us[ti] = us
                self.born[pn.id] = datetime.fromtimestamp(us / US, UTC)
        days = cfg.days
        self.topic_peak = rng.uniform(0, days, nt)
        self.topic_width = rng.uniform(0.8, 2.0, nt)
        self.topic_lang_w = rng.uniform(0.5, 1.5, (nt, len(self.languages)))

    def _plan(self, rng: np.random.Generator) -> Plan:
        cfg = self.config
        mean_per_min = cfg.posts / (cfg.days * 1440)
        bursts = default_bursts() if cfg.bursts is None else cfg.bursts
        groups = default_groups() if cfg.groups is None else cfg.groups
        if cfg.groups is None:  # defaults move to a simulated platform/language where needed
            groups = tuple(replace(g, platform=g.platform if g.platform in self.platforms
                                   else self.platforms[i % len(self.platforms)],
                                   lang=g.lang if g.lang in self.languages else self.languages[i % len(self.languages)])
                           for i, g in enumerate(groups))
        if cfg.bursts is None:  # defaults adapt to the simulated languages and narratives
            bursts = tuple(b if b.languages is None else
                           replace(b, languages=tuple(x for x in b.languages if x in self.languages))
                           for b in bursts if b.kind != "narrative" or b.key in self.born)
            bursts = tuple(b for b in bursts if b.languages is None or b.languages)
        bblocks, btruth = plan_bursts(bursts, pop=self.pop, bank=self.bank, rng=rng, start=self.start, end=self.end,
                                      mean_per_min=mean_per_min, born=self.born)
        gblocks, gtruth, gobj = plan_groups(groups, pop=self.pop, bank=self.bank, rng=rng, start=self.start,
                                            end=self.end, platforms=self.platforms)
        blocks, offsets, off = [], [], 0
        for b in bblocks + gblocks:
            b = dict(b)
            b["tgt_plan"] = np.where(b["tgt_plan"] >= 0, b["tgt_plan"] + off, -1)
            offsets.append(off)
            blocks.append(b)
            off += len(b["t"])
        rows = concat_rows(blocks)
        order = np.argsort(rows["t"], kind="stable")
        inv = np.empty_like(order)
        inv[order] = np.arange(len(order))
        rows = take_rows(rows, order)
        rows["tgt_plan"] = np.where(rows["tgt_plan"] >= 0, inv[np.maximum(rows["tgt_plan"], 0)], -1)
        has = rows["tgt_plan"] >= 0
        if np.any(rows["t"][rows["tgt_plan"][has]] >= rows["t"][has]):
            raise AssertionError("planted target not strictly earlier")  # a planning bug, never input
        if len(rows["t"]) > cfg.posts // 2:
            raise ConfigError(f"The planted events need {len(rows['t'])} posts, more than half of posts={cfg.posts}; "
                              "simulate more posts or plant fewer/smaller events.")
        gobj_global = []
        for gi, obj in enumerate(gobj):
            base = offsets[len(bblocks) + gi]
            gobj_global.append(None if obj is None else [int(inv[base + i]) for i in obj])
        return Plan(rows, btruth, gtruth, gobj_global)

    def _schedule(self, rng: np.random.Generator) -> None:
        cfg = self.config
        step = self.chunk_minutes * MIN_US
        self.n_chunks = -(-(self._end_us - self._start_us) // step)
        c0 = self._start_us + np.arange(self.n_chunks) * step
        c1 = np.minimum(c0 + step, self._end_us)
        mid_h = ((c0 + c1) / 2 - self._start_us) / (3600 * US) + self.start.hour + self.start.minute / 60
        share = np.array([LANG_SHARE[x] for x in self.languages])
        tz = np.array([LANG_TZ[x] for x in self.languages])
        day = mid_h / 24.0
        wobble = 1 + 0.08 * np.sin(2 * np.pi * day / 3.1 + rng.uniform(0, 6.3))
        w = share[None, :] * rhythm((mid_h[:, None] + tz[None, :]) % 24) * ((c1 - c0) / step)[:, None]
        w *= wobble[:, None]
        organic = cfg.posts - len(self.plan.rows["t"])
        self.chunk_counts = rng.multinomial(organic, (w / w.sum()).ravel()).reshape(w.shape)
        self.chunk_start = c0
        self.chunk_end = c1
        # authors grouped by language, with cumulative activity for sampling
        self._by_lang = [np.flatnonzero(self.pop.lang == li) for li in range(len(self.languages))]
        self._cum_act = [np.cumsum(self.pop.activity[ix]) for ix in self._by_lang]
        # kind probabilities for non-reposts
        rest = 1 - cfg.repost_share
        self._p_reply = cfg.reply_share / rest
        self._p_quote = cfg.quote_share / rest

    def _topic_probs(self, c: int) -> np.ndarray:
        """P(topic | language) for organic posts of chunk c: (languages, topics)."""
        cfg, bank = self.config, self.bank
        nt, nn = len(bank.topics), bank.n_narratives
        t_mid = (self.chunk_start[c] + self.chunk_end[c]) / 2
        d = (t_mid - self._start_us) / (86400 * US)
        prof = 0.6 + 0.9 * np.exp(-(((d - self.topic_peak) / self.topic_width) ** 2))
        alive = (self.born_us < 0) | (self.chunk_start[c] >= self.born_us)
        since = np.where(self.born_us >= 0, (self.chunk_start[c] - self.born_us) / (6 * 3600 * US), 10.0)
        prof = prof * alive * np.clip(0.4 + since, 0, 1)
        w = np.empty(nt)
        w[:nn] = (1 - cfg.background_share) / nn * self.topic_weight[:nn] * prof[:nn]
        w[nn:] = cfg.background_share / max(1, nt - nn)
        p = w[None, :] * self.topic_lang_w.T
        return p / p.sum(axis=1, keepdims=True)

    # -- generation -----------------------------------------------------------------------
    def _organic(self, c: int, pool: dict[str, np.ndarray] | None, rng: np.random.Generator) -> dict[str, np.ndarray]:
        pop, bank = self.pop, self.bank
        counts = self.chunk_counts[c]
        n = int(counts.sum())
        rows = empty_rows(n)
        if n == 0:
            return rows
        authors = []
        for li, k in enumerate(counts):
            if k:
                cum = self._cum_act[li]
                authors.append(self._by_lang[li][np.searchsorted(cum, rng.random(k) * cum[-1], side="right")])
        a = np.concatenate(authors)
        rows["author"] = a
        rows["lang"] = pop.lang[a]
        t0, t1 = self.chunk_start[c], self.chunk_end[c]
        rows["t"] = t0 + (rng.random(n) * (t1 - t0)).astype(np.int64)
        u = rng.random(n)
        kind = np.where(u < pop.p_repost[a], REPOST, ORIGINAL).astype(np.int8)
        u2 = rng.random(n)
        kind[(kind == ORIGINAL) & (u2 < self._p_reply)] = REPLY
        kind[(kind == ORIGINAL) & (u2 >= self._p_reply) & (u2 < self._p_reply + self._p_quote)] = QUOTE
        plat = pop.platform[a]
        if pool is not None and len(pool["t"]):
            for kd in (REPOST, REPLY, QUOTE):
                sel = np.flatnonzero(kind == kd)
                if len(sel) == 0:
                    continue
                pick = self._pick_targets(pool, plat[sel], rows["lang"][sel], kd, t0, rng)
                ok = pick >= 0
                kind[sel[~ok]] = ORIGINAL
                sel, pick = sel[ok], pick[ok]
                rows["tgt_rec"][sel] = pool["rec"][pick]
                rows["tgt_author"][sel] = pool["author"][pick]
                rows["topic"][sel] = pool["topic"][pick]
                if kd == REPOST:
                    for f in RENDER_FIELDS:
                        rows[f][sel] = pool[f][pick]
                    rows["burst"][sel] = pool["burst"][pick]
        else:
            kind[:] = ORIGINAL
        rows["kind"] = kind
        orig = np.flatnonzero(kind == ORIGINAL)
        # a few non-English authors write an original in English
        if "en" in self.languages:
            en = self.languages.index("en")
            flip = orig[(rng.random(len(orig)) < 0.03) & (rows["lang"][orig] != en)]
            rows["lang"][flip] = en
        probs = self._topic_probs(c)
        cum = np.cumsum(probs, axis=1)
        ol = rows["lang"][orig]
        rows["topic"][orig] = np.minimum((cum[ol] < rng.random(len(orig))[:, None]).sum(axis=1), probs.shape[1] - 1)
        new_text = np.flatnonzero(kind != REPOST)
        t, lang = rows["topic"][new_text], rows["lang"][new_text]
        m = len(new_text)
        rows["core"][new_text] = bank.core_off[t, lang] + (rng.random(m) * bank.core_n[t, lang]).astype(np.int64)
        ex = bank.extra_off[t, lang] + (rng.random(m) * bank.extra_n[t, lang]).astype(np.int64)
        rows["extra"][new_text] = np.where((rng.random(m) < 0.3) & (bank.extra_n[t, lang] > 0), ex, -1)
        tl = bank.tail_off[lang] + (rng.random(m) * bank.tail_n[lang]).astype(np.int64)
        rows["tail"][new_text] = np.where(rng.random(m) < 0.3, tl, -1)
        is_reply = kind[new_text] == REPLY
        p_tag = np.where(is_reply, 0.1, 0.5)
        cb = bank.combo_off[t, lang] + (rng.random(m) * bank.combo_n[t, lang]).astype(np.int64)
        rows["combo"][new_text] = np.where(rng.random(m) < p_tag, cb, 0)
        ur = bank.url_off[t] + (rng.random(m) * bank.url_n[t]).astype(np.int64)
        p_url = np.where(is_reply, 0.05, 0.25)
        rows["url"][new_text] = np.where(rng.random(m) < p_url, ur, 0)
        kd = kind[new_text]
        rp = bank.reply_off[lang] + (rng.random(m) * bank.reply_n[lang]).astype(np.int64)
        qt = bank.quote_off[lang] + (rng.random(m) * bank.quote_n[lang]).astype(np.int64)
        pre = np.where(kd == REPLY, np.where(rng.random(m) < 0.5, rp, -1), np.where(kd == QUOTE, qt, -1))
        rows["prefix"][new_text] = pre
        fit = pop.influence[a] * (1 - rng.random(n)) ** (-1 / 1.6)
        rows["fit"] = np.minimum(fit, 400.0)
        return rows

    def _pick_targets(self, pool: dict[str, np.ndarray], plat: np.ndarray, lang: np.ndarray, kind: int,
                      now_us: int, rng: np.random.Generator) -> np.ndarray:
        """Pool positions of targets (same platform, mostly same language), -1 where none."""
        nl = len(self.languages)
        cum = pool["cum_repost"] if kind in (REPOST, QUOTE) else pool["cum_reply"]
        b = pool["bounds"]
        cell = plat * nl + lang
        lo, hi = cum[b[cell]], cum[b[cell + 1]]
        plo, phi = cum[b[plat * nl]], cum[b[plat * nl + nl]]
        other = (rng.random(len(plat)) < 0.15) | (hi - lo <= 0)
        lo, hi = np.where(other, plo, lo), np.where(other, phi, hi)
        x = lo + rng.random(len(plat)) * (hi - lo)
        pos = np.searchsorted(cum, x, side="right") - 1
        pos = np.clip(pos, 0, len(pool["order"]) - 1)
        ok = (hi - lo) > 0
        return np.where(ok, pool["order"][pos], -1)

    def _build_pool(self, store: dict[str, np.ndarray] | None, now_us: int) -> dict[str, np.ndarray] | None:
        """Sampling tables over the stored recent posts (sorted by platform x language cell)."""
        if store is None or not len(store["t"]):
            return None
        nl = len(self.languages)
        pool = dict(store)
        decay = np.exp((pool["t"] - now_us) / POOL_TAU_US)
        base = pool["fit"] * decay
        is_reply = pool["kind"] == REPLY
        w_repost = np.where(is_reply, 0.0, base)
        w_reply = np.where(is_reply, 0.5 * base, base)
        key = (self.pop.platform[pool["author"]] * nl + pool["lang"]).astype(np.int16)
        order = np.argsort(key, kind="stable")  # radix sort on int16
        pool["order"] = order
        pool["cum_repost"] = np.concatenate([[0.0], np.cumsum(w_repost[order])])
        pool["cum_reply"] = np.concatenate([[0.0], np.cumsum(w_reply[order])])
        pool["bounds"] = np.searchsorted(key[order], np.arange(len(self.platforms) * nl + 1), side="left")
        return pool

    def _rows(self) -> Iterator[tuple[dict[str, np.ndarray], np.ndarray]]:
        """Time-sorted row blocks per chunk, numbered; updates the pool as it goes."""
        cfg = self.config
        store: dict[str, np.ndarray] | None = None
        planned = self.plan.rows
        plan_t = planned["t"]
        plan_rec = np.full(len(plan_t), -1, np.int64)
        rec0 = 0
        per_chunk = max(200, POOL_MAX * self.chunk_minutes * MIN_US // POOL_HORIZON_US)
        keep = ("t", "author", "lang", "kind", "topic", "core", "extra", "prefix", "tail", "combo", "url",
                "burst", "fit", "rec")
        for c in range(self.n_chunks):
            t0, t1 = self.chunk_start[c], self.chunk_end[c]
            if store is not None:
                cut = int(np.searchsorted(store["t_gen"], t0 - POOL_HORIZON_US, side="left"))
                if cut:
                    store = {k: v[cut:] for k, v in store.items()}
            pool = self._build_pool(store, int(t0))
            rng = np.random.default_rng([cfg.seed, 5, c])
            org = self._organic(c, pool, rng)
            i0, i1 = np.searchsorted(plan_t, [t0, t1], side="left")
            if c == self.n_chunks - 1:
                i1 = len(plan_t)
            pl = take_rows(planned, np.arange(i0, i1))
            n_org = len(org["t"])
            rows = concat_rows([org, pl])
            order = np.argsort(rows["t"], kind="stable")
            rows = take_rows(rows, order)
            n = len(order)
            rec = rec0 + 1 + np.arange(n, dtype=np.int64)
            rows["rec"] = rec
            is_pl = order >= n_org
            plan_idx = np.where(is_pl, order - n_org + i0, -1)
            plan_rec[plan_idx[is_pl]] = rec[is_pl]
            tp = rows["tgt_plan"]
            has = tp >= 0
            rows["tgt_rec"][has] = plan_rec[tp[has]]
            rec0 += n
            # engagement counts (as exported at collection time): Poisson from fitness, 0 on reposts
            crng = np.random.default_rng([cfg.seed, 6, c])
            orig_like = rows["kind"] != REPOST
            rows["n_reposts"] = np.where(orig_like, crng.poisson(rows["fit"] * 0.6), 0)
            rows["n_likes"] = np.where(orig_like, crng.poisson(rows["n_reposts"] * 3 + rows["fit"] * 1.5), 0)
            rows["n_replies"] = np.where(orig_like, crng.poisson(rows["fit"] * 0.25), 0)
            # pool: this chunk's organic non-reposts, the fittest first
            cand = np.flatnonzero((rows["kind"] != REPOST) & ~is_pl)
            if len(cand) > per_chunk:
                cand = cand[np.argsort(-rows["fit"][cand], kind="stable")[:per_chunk]]
            gen = {k: rows[k][cand] for k in keep}
            gen["t_gen"] = np.full(len(cand), t0, np.int64)
            store = gen if store is None else {k: np.concatenate([store[k], gen[k]]) for k in gen}
            yield rows, plan_rec
        self._plan_rec = plan_rec

    # -- rendering ------------------------------------------------------------------------
    def _handles_array(self) -> pa.Array:
        if self._handles is None:
            width = max(7, len(str(len(self.pop.lang))))
            self._handles = pa.array([f"u{x:0{width}d}" for x in self.pop.handle_num.tolist()], pa.string())
        return self._handles

    def _post_ids(self, plat: np.ndarray, rec: np.ndarray) -> pa.Array:
        return post_ids(self.platforms, plat, rec)

    def _render(self, rows: dict[str, np.ndarray]) -> pa.RecordBatch:
        return render_rows(self, rows)

    # -- public API -----------------------------------------------------------------------
    def batches(self) -> Iterator[pa.RecordBatch]:
        """Yield the posts as `RecordBatch`es of `batch_rows` rows (the last may be shorter).

        Columns: `RAW_POST_SCHEMA` plus `truth_narrative`, `truth_burst`, `truth_group`.
        Time-ordered; deterministic by seed; bounded memory.
        """
        cfg = self.config
        acc = TruthCounter(len(self.platforms), len(self.languages), len(self.bank.topics), len(self.pop.lang))
        pending: list[dict[str, np.ndarray]] = []
        size = 0
        for rows, _ in self._rows():
            acc.add(rows, self.pop.platform)
            if not len(rows["t"]):
                continue
            pending.append(rows)
            size += len(rows["t"])
            while size >= cfg.batch_rows:
                allrows = concat_rows_generic(pending)
                yield self._render({k: v[:cfg.batch_rows] for k, v in allrows.items()})
                rest = {k: v[cfg.batch_rows:] for k, v in allrows.items()}
                size = len(rest["t"])
                pending = [rest] if size else []
        if size:
            yield self._render(concat_rows_generic(pending))
        self._counts = acc.result(self)

    def _run_counts(self) -> None:
        acc = TruthCounter(len(self.platforms), len(self.languages), len(self.bank.topics), len(self.pop.lang))
        for rows, _ in self._rows():
            acc.add(rows, self.pop.platform)
        self._counts = acc.result(self)

    def truth(self) -> dict[str, Any]:
        """The ground truth as a JSON-able dict: config, narratives, bursts, groups, counts.

        Cheapest after `batches()` has been consumed; otherwise it runs the generator once
        (without rendering text) to count.
        """
        if self._counts is None or self._plan_rec is None:
            self._run_counts()
        assert self._counts is not None and self._plan_rec is not None
        counts = dict(self._counts)
        topic_posts = counts.pop("_topic_posts")
        topic_langs = counts.pop("_topic_langs")
        bank = self.bank
        narratives, background = [], []
        for ti, topic in enumerate(bank.topics):
            langs = [self.languages[li] for li in range(len(self.languages)) if topic_langs[ti, li] > 0]
            entry = {
                "id": topic.id, "label": topic.label, "languages": langs,
                "hashtags": list(topic.tags) + [t for x in self.languages for t in topic.lang_tags.get(x, [])],
                "domains": list(topic.domains),
                "born_at": self.born[topic.id].isoformat() if topic.id in self.born else None,
                "posts": int(topic_posts[ti]),
            }
            (background if topic.background else narratives).append(entry)
        handles = self._handles_array()
        groups = []
        for gi, g in enumerate(self.plan.groups):
            entry = {k: v for k, v in g.items() if k not in ("members_idx", "episode_starts_us")}
            entry["members"] = handles.take(pa.array(g["members_idx"])).to_pylist()
            entry["episode_starts"] = [datetime.fromtimestamp(x / US, UTC).isoformat() for x in g["episode_starts_us"]]
            obj_rows = self.plan.group_object_rows[gi]
            if obj_rows is not None:
                pi = self.platforms.index(str(g["platform"]))
                recs = self._plan_rec[np.array(obj_rows, np.int64)]
                entry["objects"] = self._post_ids(np.full(len(recs), pi), recs).to_pylist()
            groups.append(entry)
        cfg = self.config
        return {
            "config": config_json(cfg),
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "narratives": narratives,
            "background": background,
            "bursts": [dict(b) for b in self.plan.bursts],
            "groups": groups,
            "counts": counts,
        }

    def write_truth(self, path: str | Path) -> Path:
        """Write `truth()` as JSON (UTF-8, indented)."""
        path = Path(path)
        path.write_text(json.dumps(self.truth(), ensure_ascii=False, indent=1), encoding="utf-8")
        return path

    def write(self, path: str | Path, format: Literal["parquet", "csv", "ndjson"] = "parquet") -> int:
        """Stream the posts to a file without truth columns (raw handles); return rows written.

        CSV writes list columns as JSON arrays; NDJSON writes one object per line.
        """
        from agorascope.sim.io import write_posts

        return write_posts(self.batches(), Path(path), format)


def concat_rows_generic(blocks: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    keys = blocks[0].keys()
    return {k: np.concatenate([b[k] for b in blocks]) for k in keys}
