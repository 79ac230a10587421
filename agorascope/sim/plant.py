"""Planning the planted events: bursts and coordinated groups become rows up front.

Planted posts are few (thousands, not millions), so they are planned once, in full, when the
`Simulation` is built: their times, authors, kinds, targets and text indices. The engine
merges them into the organic stream chunk by chunk. Targets of planted reposts and replies
are other planted posts (`tgt_plan`), always strictly earlier in time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from agorascope.errors import ConfigError
from agorascope.sim.config import GROUP_KINDS, PlantedBurst, PlantedGroup
from agorascope.sim.texts import CJK, TextBank, edit_text

if TYPE_CHECKING:
    from agorascope.sim.engine import Population

US = 1_000_000
MIN_US = 60 * US

#: Columns of a row block (organic or planted), with their dtypes and fill values.
ROW_FIELDS: dict[str, tuple[type, int]] = {
    "t": (np.int64, 0), "author": (np.int64, 0), "lang": (np.int64, 0), "kind": (np.int8, 0),
    "topic": (np.int64, 0), "core": (np.int64, 0), "extra": (np.int64, -1), "prefix": (np.int64, -1),
    "tail": (np.int64, -1), "combo": (np.int64, 0), "url": (np.int64, 0), "burst": (np.int64, -1),
    "group": (np.int64, -1), "fit": (np.float64, 0), "tgt_author": (np.int64, -1), "tgt_rec": (np.int64, -1),
    "tgt_plan": (np.int64, -1),
}
RENDER_FIELDS = ("lang", "topic", "core", "extra", "prefix", "tail", "combo", "url")
ORIGINAL, REPOST, REPLY, QUOTE = 0, 1, 2, 3


def empty_rows(n: int) -> dict[str, np.ndarray]:
    return {k: np.full(n, fill, dtype) for k, (dtype, fill) in ROW_FIELDS.items()}


def concat_rows(blocks: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    if not blocks:
        return empty_rows(0)
    return {k: np.concatenate([b[k] for b in blocks]) for k in ROW_FIELDS}


def take_rows(rows: dict[str, np.ndarray], idx: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[idx] for k, v in rows.items()}


@dataclass
class Plan:
    """Planted rows (time-sorted) and the ground-truth entries describing them."""

    rows: dict[str, np.ndarray]
    bursts: list[dict[str, object]] = field(default_factory=list)
    groups: list[dict[str, object]] = field(default_factory=list)
    #: per group: planned-row index of each episode's object post (co-repost/co-reply), else None
    group_object_rows: list[list[int] | None] = field(default_factory=list)


def resolve_time(value: datetime | float, start: datetime, end: datetime, what: str) -> datetime:
    if isinstance(value, datetime):
        when = value
    else:
        if not 0.0 <= float(value) <= 1.0:
            raise ConfigError(f"{what} as a fraction of the period must be between 0 and 1, got {value}.")
        when = start + (end - start) * float(value)
        when = when.replace(second=0, microsecond=0)
        when -= timedelta(minutes=when.minute % 5)  # fractions land on a 5-minute mark
    if when.tzinfo is None:
        raise ConfigError(f"{what} must be timezone-aware (UTC), got {when!r}.")
    return when


def _text_fields(rows: dict[str, np.ndarray], sel: np.ndarray, bank: TextBank, rng: np.random.Generator,
                 *, p_extra: float = 0.35, p_tail: float = 0.3) -> None:
    """Fill core/extra/tail of rows `sel` from their (topic, lang)."""
    t, lang = rows["topic"][sel], rows["lang"][sel]
    n = len(t)
    rows["core"][sel] = bank.core_off[t, lang] + (rng.random(n) * bank.core_n[t, lang]).astype(np.int64)
    ex = bank.extra_off[t, lang] + (rng.random(n) * bank.extra_n[t, lang]).astype(np.int64)
    rows["extra"][sel] = np.where((rng.random(n) < p_extra) & (bank.extra_n[t, lang] > 0), ex, -1)
    tl = bank.tail_off[lang] + (rng.random(n) * bank.tail_n[lang]).astype(np.int64)
    rows["tail"][sel] = np.where(rng.random(n) < p_tail, tl, -1)


def plan_bursts(bursts: tuple[PlantedBurst, ...], *, pop: Population, bank: TextBank, rng: np.random.Generator,
                start: datetime, end: datetime, mean_per_min: float, born: dict[str, datetime],
                ) -> tuple[list[dict[str, np.ndarray]], list[dict[str, object]]]:
    blocks, truths = [], []
    start_us = int(start.timestamp() * US)
    end_us = int(end.timestamp() * US)
    for bi, b in enumerate(bursts):
        bid = b.id or f"b{bi + 1}"
        if b.kind not in ("hashtag", "narrative", "domain", "term"):
            raise ConfigError(f"Unknown burst kind {b.kind!r}; use hashtag, narrative, domain or term.")
        narrative = b.narrative or (b.key if b.kind == "narrative" else "n01")
        if narrative not in bank.topic_ids:
            raise ConfigError(f"Burst {bid}: unknown narrative {narrative!r}; choose one of {bank.topic_ids}.")
        ti = bank.topic_index(narrative)
        onset = resolve_time(b.onset, start, end, f"burst {bid} onset").replace(second=0, microsecond=0)
        if narrative in born and (onset < born[narrative] or b.kind == "narrative"):
            onset = born[narrative]  # a born narrative's burst starts at its birth
        dur_min = max(1, int(b.duration.total_seconds() // 60))
        onset_us = int(onset.timestamp() * US)
        dur_min = min(dur_min, max(1, (end_us - onset_us) // MIN_US))
        if onset_us < start_us or onset_us >= end_us:
            raise ConfigError(f"Burst {bid} onset {onset.isoformat()} lies outside the simulated period.")
        ramp = max(1.0, b.ramp.total_seconds() / 60)
        m = np.arange(dur_min, dtype=np.float64)
        shape = 0.5 + 0.5 * np.minimum(1.0, m / ramp)
        tail_from = 0.75 * dur_min
        shape = np.where(m >= tail_from, shape * (1 - 0.8 * (m - tail_from) / max(1.0, dur_min - tail_from)), shape)
        rate = b.size * mean_per_min * shape
        if rate.sum() < b.min_posts:
            rate *= b.min_posts / max(rate.sum(), 1e-9)
        per_min = rng.poisson(rate)
        per_min[0] = max(per_min[0], 2)  # a crisp onset: posts in the onset minute itself
        short = b.min_posts - int(per_min.sum())
        if short > 0:
            per_min += rng.multinomial(short, rate / rate.sum())
        n = int(per_min.sum())
        langs = b.languages or bank.languages
        bad = [x for x in langs if x not in bank.languages]
        if bad:
            raise ConfigError(f"Burst {bid}: languages {bad} are not simulated (have {bank.languages}).")
        rows = empty_rows(n)
        minute = np.repeat(np.arange(dur_min), per_min)
        t = onset_us + minute * MIN_US + (rng.random(n) * MIN_US).astype(np.int64)
        t[np.searchsorted(minute, 0)] = onset_us  # the first post is exactly at onset
        order = np.argsort(t, kind="stable")
        rows["t"] = t[order]
        lang_ids = np.array([bank.lang_index(x) for x in langs])
        cand = np.flatnonzero(np.isin(pop.lang, lang_ids))
        rows["author"] = cand[rng.integers(0, len(cand), n)]
        rows["lang"] = pop.lang[rows["author"]]
        rows["topic"][:] = ti
        rows["burst"][:] = bi
        rows["fit"] = rng.random(n) + 0.5
        # reposts of earlier burst originals (same platform)
        want_rp = rng.random(n) < b.repost_share
        want_rp[0] = False
        is_orig = ~want_rp
        n_orig_before = np.cumsum(is_orig) - is_orig
        rp = np.flatnonzero(want_rp & (n_orig_before > 0))
        orig_pos = np.flatnonzero(is_orig)
        tgt = orig_pos[(rng.random(len(rp)) * n_orig_before[rp]).astype(np.int64)]
        tgt_plat = pop.platform[rows["author"][tgt]]
        for p in np.unique(tgt_plat):
            sel = tgt_plat == p
            pc_ = np.flatnonzero(pop.platform[cand] == p)
            if len(pc_) == 0:
                continue
            rows["author"][rp[sel]] = cand[pc_[rng.integers(0, len(pc_), int(sel.sum()))]]
        orig = np.flatnonzero(is_orig | (want_rp & (n_orig_before == 0)))
        orig_lang_src = rows["author"][orig]
        rows["lang"][orig] = pop.lang[orig_lang_src]
        _text_fields(rows, orig, bank, rng)
        keys: list[dict[str, str]] = [{"kind": b.kind, "key": b.key}]
        if b.kind == "hashtag":
            solo = bank.add_combo([b.key])
            rows["combo"][orig] = solo
            topic = bank.topics[ti]
            for li in np.unique(rows["lang"][orig]):
                sel = orig[rows["lang"][orig] == li]
                first = (topic.lang_tags.get(bank.languages[li]) or list(topic.tags))[0]
                pair = bank.add_combo([b.key, first])
                rows["combo"][sel] = np.where(rng.random(len(sel)) < 0.3, pair, solo)
            keys.append({"kind": "narrative", "key": narrative})
        elif b.kind == "domain":
            urls = [bank.add_url(f"https://{b.key}/files/{int(x)}") for x in rng.choice(90_000, 20, replace=False)
                    + 10_000]
            rows["url"][orig] = np.array(urls)[rng.integers(0, len(urls), len(orig))]
            keys.append({"kind": "narrative", "key": narrative})
        elif b.kind == "term":
            for li in np.unique(rows["lang"][orig]):
                sel = orig[rows["lang"][orig] == li]
                sep = "" if bank.languages[li] in CJK else " "
                rows["extra"][sel] = bank.add_extra(f"{sep}{b.key}")
            keys.append({"kind": "narrative", "key": narrative})
        else:  # narrative: it carries the narrative's usual tags and links
            ci = (rng.random(len(orig)) * bank.combo_n[ti, rows["lang"][orig]]).astype(np.int64)
            rows["combo"][orig] = np.where(rng.random(len(orig)) < 0.5, bank.combo_off[ti, rows["lang"][orig]] + ci, 0)
            ui = bank.url_off[ti] + (rng.random(len(orig)) * bank.url_n[ti]).astype(np.int64)
            rows["url"][orig] = np.where(rng.random(len(orig)) < 0.3, ui, 0)
            if narrative in born:
                topic = bank.topics[ti]
                keys += [{"kind": "hashtag", "key": tg} for tg in topic.tags]
                keys += [{"kind": "hashtag", "key": tg} for x in langs for tg in topic.lang_tags.get(x, [])]
                keys += [{"kind": "domain", "key": d} for d in topic.domains]
        # reposts copy their target's text and language
        rows["kind"][rp] = 1
        rows["tgt_plan"][rp] = tgt  # local index; shifted by the caller
        rows["tgt_author"][rp] = rows["author"][tgt]
        for f in ("lang", "topic", "core", "extra", "prefix", "tail", "combo", "url"):
            rows[f][rp] = rows[f][tgt]
        blocks.append(rows)
        truths.append({
            "id": bid, "kind": b.kind, "key": b.key, "keys": keys, "narrative": narrative,
            "onset": onset.isoformat(), "end": (onset + timedelta(minutes=dur_min)).isoformat(),
            "posts": n, "authors": len(np.unique(rows["author"])), "peak_per_min": round(float(rate.max()), 3),
            "languages": sorted({bank.languages[x] for x in np.unique(rows["lang"])}),
        })
    return blocks, truths


def plan_groups(groups: tuple[PlantedGroup, ...], *, pop: Population, bank: TextBank, rng: np.random.Generator,
                start: datetime, end: datetime, platforms: tuple[str, ...],
                ) -> tuple[list[dict[str, np.ndarray]], list[dict[str, object]], list[list[int] | None]]:
    blocks, truths, object_rows = [], [], []
    start_us, end_us = int(start.timestamp() * US), int(end.timestamp() * US)
    used = np.zeros(len(pop.lang), bool)
    for gi, g in enumerate(groups):
        gid = g.id or f"g{gi + 1}"
        if g.kind not in ("co-repost", "co-link", "co-text", "co-hashtag", "co-reply"):
            raise ConfigError(f"Unknown group kind {g.kind!r}; use one of {', '.join(GROUP_KINDS)}.")
        if g.platform not in platforms:
            raise ConfigError(f"Group {gid}: platform {g.platform!r} is not simulated (have {platforms}).")
        if g.lang not in bank.languages:
            raise ConfigError(f"Group {gid}: language {g.lang!r} is not simulated (have {bank.languages}).")
        if not 3 <= g.size <= 50:
            raise ConfigError(f"Group {gid}: size must be between 3 and 50, got {g.size}.")
        if g.episodes < 1 or g.window_s <= 0:
            raise ConfigError(f"Group {gid}: needs at least 1 episode and a positive window_s.")
        if g.narrative not in bank.topic_ids:
            raise ConfigError(f"Group {gid}: unknown narrative {g.narrative!r}.")
        ti, li, pi = bank.topic_index(g.narrative), bank.lang_index(g.lang), platforms.index(g.platform)
        members = _pick_members(pop, rng, used, platform=pi, lang=li, size=g.size)
        used[members] = True
        handles_idx = members
        period = end_us - start_us
        lo, hi = start_us + min(period // 10, 2 * 3600 * US), end_us - min(period // 20, 3600 * US)
        slots = np.linspace(lo, hi, g.episodes + 1)
        ep_t = (slots[:-1] + (0.15 + 0.7 * rng.random(g.episodes)) * (slots[1] - slots[0])).astype(np.int64)
        ep_t -= ep_t % US
        blocks_g: list[dict[str, np.ndarray]] = []
        objects: list[str] = []
        obj_rows: list[int] = []
        n_local = 0
        max_spread = 0.0
        outsiders = np.flatnonzero((pop.platform == pi) & (pop.lang == li) & ~used)
        # campaign tag sets use the narrative's shared tags (busy all day), so an episode does
        # not look like a trend spike of a rare language-specific tag
        tags_pool = list(bank.topics[ti].tags)
        if len(tags_pool) < 4:
            tags_pool += bank.topics[ti].lang_tags.get(g.lang, [])
        tag_sets_seen: set[tuple[str, ...]] = set()
        for e in range(g.episodes):
            part = members[rng.random(g.size) < g.participation]
            if len(part) < 3:
                part = rng.choice(members, 3, replace=False)
            part = rng.permutation(part)
            k = len(part)
            off = np.sort(rng.random(k)) * g.window_s
            off -= off[0]
            max_spread = max(max_spread, float(off[-1]))
            rows = empty_rows(k)
            rows["t"] = ep_t[e] + (off * US).astype(np.int64)
            rows["author"] = part
            rows["lang"][:] = li
            rows["topic"][:] = ti
            rows["group"][:] = gi
            rows["fit"] = rng.random(k) * 0.5
            sel = np.arange(k)
            if g.kind in ("co-repost", "co-reply"):
                seed = empty_rows(1)
                seed["t"][:] = ep_t[e] - int((3 + 20 * rng.random()) * MIN_US)
                seed["author"][:] = outsiders[rng.integers(len(outsiders))] if len(outsiders) else members[0]
                seed["lang"][:] = li
                seed["topic"][:] = ti
                seed["fit"][:] = 5.0
                _text_fields(seed, np.arange(1), bank, rng, p_extra=0.5, p_tail=0.0)
                seed_local = n_local
                blocks_g.append(seed)
                obj_rows.append(seed_local)
                n_local += 1
                rows["tgt_plan"][:] = seed_local
                rows["tgt_author"][:] = seed["author"][0]
                if g.kind == "co-repost":
                    rows["kind"][:] = REPOST
                    for f in RENDER_FIELDS:
                        rows[f][:] = seed[f][0]
                else:
                    rows["kind"][:] = REPLY
                    _text_fields(rows, sel, bank, rng, p_extra=0.4, p_tail=0.2)
                    pre = bank.reply_off[li] + rng.integers(0, bank.reply_n[li], k)
                    rows["prefix"] = np.where(rng.random(k) < 0.5, pre, -1)
            elif g.kind == "co-link":
                url = f"https://{bank.topics[ti].domains[0]}/{_slug(rng)}"
                objects.append(url)
                _text_fields(rows, sel, bank, rng, p_extra=0.4, p_tail=0.3)
                rows["url"][:] = bank.add_url(url)
            elif g.kind == "co-text":
                base = bank.core[bank.core_off[ti, li] + int(rng.integers(bank.core_n[ti, li]))]
                extras = [bank.extra[bank.extra_off[ti, li] + j] for j in rng.permutation(bank.extra_n[ti, li])]
                for extra in extras:  # long enough that a small edit keeps 5-shingle Jaccard high
                    if len(base) >= (60 if g.lang in CJK else 140):
                        break
                    base += extra
                objects.append(hashlib.sha1(base.encode()).hexdigest()[:16])
                texts = [base if j == 0 and rng.random() < 0.5 else edit_text(base, g.lang, rng) for j in range(k)]
                rows["core"] = np.array([bank.add_core(x) for x in texts], np.int64)
            else:  # co-hashtag
                for _ in range(50):
                    size = 3 if len(tags_pool) < 4 or rng.random() < 0.7 else 4
                    chosen = tuple(sorted(rng.choice(tags_pool, size=min(size, len(tags_pool)), replace=False)))
                    if chosen not in tag_sets_seen:
                        break
                tag_sets_seen.add(chosen)
                objects.append(",".join(chosen))
                _text_fields(rows, sel, bank, rng, p_extra=0.4, p_tail=0.3)
                rows["combo"] = np.array([bank.add_combo(list(rng.permutation(list(chosen)))) for _ in range(k)])
            blocks_g.append(rows)
            n_local += k
        block = concat_rows(blocks_g)
        blocks.append(block)
        object_rows.append(obj_rows if g.kind in ("co-repost", "co-reply") else None)
        gkeys = [{"kind": "narrative", "key": g.narrative}]
        if g.kind == "co-link":
            gkeys.append({"kind": "domain", "key": bank.topics[ti].domains[0]})
        elif g.kind == "co-hashtag":
            gkeys += [{"kind": "hashtag", "key": x} for x in sorted({t for o in objects for t in o.split(",")})]
        truths.append({
            "id": gid, "kind": g.kind, "keys": gkeys, "platform": g.platform, "lang": g.lang,
            "narrative": g.narrative, "members_idx": handles_idx, "objects": objects, "episodes": g.episodes,
            "episode_starts_us": ep_t.tolist(), "window_s": round(max_spread, 3),
            "posts": int((block["group"] >= 0).sum()),
        })
    return blocks, truths, object_rows


def _slug(rng: np.random.Generator) -> str:
    words = ("truth", "exposed", "proof", "leak", "report", "insider", "files", "cover-up", "video", "secret")
    return f"{words[int(rng.integers(len(words)))]}-{words[int(rng.integers(len(words)))]}-{int(rng.integers(10**6))}"


def _pick_members(pop: Population, rng: np.random.Generator, used: np.ndarray, *, platform: int, lang: int,
                  size: int) -> np.ndarray:
    """Ordinary accounts of moderate activity on the platform, writing the group's language."""
    base = (pop.platform == platform) & ~used & ~pop.power
    for mask in (base & (pop.lang == lang), base):
        cand = np.flatnonzero(mask)
        if len(cand) >= size:
            act = pop.activity[cand]
            lo, hi = np.quantile(act, [0.3, 0.95])
            mid = cand[(act >= lo) & (act <= hi)]
            pool = mid if len(mid) >= size else cand
            return np.sort(rng.choice(pool, size, replace=False))
    raise ConfigError(f"Not enough accounts on platform #{platform} for a group of {size}; simulate more posts.")
