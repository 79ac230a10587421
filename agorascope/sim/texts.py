"""The text bank: parsed paraphrase templates and the lookup tables rendering uses.

Every piece of text a simulated post can contain is a row of one of a few string tables
(core sentences, extra clauses, tails, openers, hashtag combinations, URLs). A post is a
handful of integer indices into them, so a repost re-renders byte-identical text from the
original's indices, and a whole chunk renders with `pyarrow.compute` (no per-post Python).
Planted events add their own rows (burst hashtags, campaign URLs, edited co-text texts)
before `freeze()`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from agorascope.sim.bank_more import BACKGROUND, EMOJI, FILLERS, GENERIC, NARRATIVES_B
from agorascope.sim.bank_narratives import NARRATIVES_A

NARRATIVES: dict[str, dict[str, object]] = {**NARRATIVES_A, **NARRATIVES_B}
TOPICS: dict[str, dict[str, object]] = {**NARRATIVES, **BACKGROUND}
BANK_LANGUAGES: tuple[str, ...] = ("en", "es", "zh", "ar", "ru", "fr", "de", "ja")
CJK = frozenset({"zh", "ja"})

_ALT = re.compile(r"\[([^\[\]]*)\]")
#: At most this many paraphrases per template (combinations beyond it are sampled).
MAX_VARIANTS = 48
#: Article URLs per narrative domain.
ARTICLES_PER_DOMAIN = 24


def expand(template: str, *, cap: int = MAX_VARIANTS, seed: int = 0) -> list[str]:
    """All paraphrases of a template with `[a|b]` alternatives (deterministically capped)."""
    parts = _ALT.split(template)
    fixed, choices = parts[0::2], [p.split("|") for p in parts[1::2]]
    combos = list(itertools.product(*choices))
    if len(combos) > cap:
        rng = np.random.default_rng(seed)
        keep = np.sort(rng.choice(len(combos), cap, replace=False))
        combos = [combos[i] for i in keep]
    out = []
    for combo in combos:
        s = fixed[0]
        for choice, rest in zip(combo, fixed[1:], strict=True):
            s += choice + rest
        out.append(s)
    return out


@dataclass
class TopicText:
    """One topic parsed: per language its sentences, extra clauses and own hashtags."""

    id: str
    label: str
    tags: tuple[str, ...]
    domains: tuple[str, ...]
    core: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, list[str]] = field(default_factory=dict)
    lang_tags: dict[str, list[str]] = field(default_factory=dict)
    background: bool = False


def parse_topic(tid: str, spec: dict[str, object], *, background: bool) -> TopicText:
    """Parse one topic's line-format text block (see `bank_narratives`)."""
    topic = TopicText(tid, str(spec["label"]), tuple(spec["tags"]), tuple(spec["domains"]),  # type: ignore[arg-type]
                      background=background)
    for n, raw in enumerate(str(spec["text"]).strip().splitlines()):
        line = raw.strip()
        if not line:
            continue
        head, _, body = line.partition(":")
        body = body.strip()
        lang = head.rstrip("+#")
        if lang not in BANK_LANGUAGES:
            raise ValueError(f"topic {tid}: unknown language in line {raw!r}")
        if head.endswith("#"):
            topic.lang_tags.setdefault(lang, []).extend(t.strip().lower() for t in body.split(",") if t.strip())
        elif head.endswith("+"):
            topic.extra.setdefault(lang, []).append(body)
        else:
            topic.core.setdefault(lang, []).extend(expand(body, seed=n))
    missing = [lang for lang in BANK_LANGUAGES if not topic.core.get(lang)]
    if missing:
        raise ValueError(f"topic {tid}: no sentences for {missing}")
    return topic


def load_topics() -> list[TopicText]:
    """Narratives (n01 …) first, then background topics (bg-…), in a fixed order."""
    return ([parse_topic(k, v, background=False) for k, v in NARRATIVES.items()]
            + [parse_topic(k, v, background=True) for k, v in BACKGROUND.items()])


class TextBank:
    """String tables plus per-(topic, language) offsets into them.

    Index 0 of the combo and URL tables is "none" (empty list, no text).
    """

    def __init__(self, languages: tuple[str, ...], *, seed: int) -> None:
        self.languages = languages
        self.topics = load_topics()
        self.topic_ids = [t.id for t in self.topics]
        self.n_narratives = sum(not t.background for t in self.topics)
        nt, nl = len(self.topics), len(languages)
        rng = np.random.default_rng([seed, 99])
        self.core: list[str] = []
        self.extra: list[str] = []
        self.tail: list[str] = []
        self.prefix: list[str] = []
        self.combo_tags: list[list[str]] = [[]]
        self.url_list: list[str | None] = [None]
        self.core_off = np.zeros((nt, nl), np.int64)
        self.core_n = np.zeros((nt, nl), np.int64)
        self.extra_off = np.zeros((nt, nl), np.int64)
        self.extra_n = np.zeros((nt, nl), np.int64)
        self.combo_off = np.zeros((nt, nl), np.int64)
        self.combo_n = np.zeros((nt, nl), np.int64)
        self.url_off = np.zeros(nt, np.int64)
        self.url_n = np.zeros(nt, np.int64)
        self.tail_off = np.zeros(nl, np.int64)
        self.tail_n = np.zeros(nl, np.int64)
        self.reply_off = np.zeros(nl, np.int64)
        self.reply_n = np.zeros(nl, np.int64)
        self.quote_off = np.zeros(nl, np.int64)
        self.quote_n = np.zeros(nl, np.int64)
        for li, lang in enumerate(languages):
            sep = "" if lang in CJK else " "
            g = GENERIC[lang]
            tails: list[str] = []
            for t in g["tail"]:
                if "{e}{e}" in t:
                    tails += [t.replace("{e}{e}", EMOJI[i] + EMOJI[(i + 3) % len(EMOJI)]) for i in range(0, 12, 2)]
                elif "{e}" in t:
                    tails += [t.replace("{e}", e) for e in EMOJI]
                else:
                    tails.append(t)
            self.tail_off[li], self.tail_n[li] = len(self.tail), len(tails)
            self.tail += tails
            self.reply_off[li], self.reply_n[li] = len(self.prefix), len(g["reply"])
            self.prefix += list(g["reply"])
            self.quote_off[li], self.quote_n[li] = len(self.prefix), len(g["quote"])
            self.prefix += list(g["quote"])
            for ti, topic in enumerate(self.topics):
                self.core_off[ti, li], self.core_n[ti, li] = len(self.core), len(topic.core[lang])
                self.core += topic.core[lang]
                extras = [sep + e for e in topic.extra.get(lang, [])]
                self.extra_off[ti, li], self.extra_n[ti, li] = len(self.extra), len(extras)
                self.extra += extras
                combos = _combos(list(topic.tags) + topic.lang_tags.get(lang, []))
                self.combo_off[ti, li], self.combo_n[ti, li] = len(self.combo_tags), len(combos)
                self.combo_tags += combos
        for ti, topic in enumerate(self.topics):
            urls = [f"https://{d}/{_path(d)}/{int(a)}" for d in topic.domains
                    for a in rng.choice(900_000, ARTICLES_PER_DOMAIN, replace=False) + 100_000]
            self.url_off[ti], self.url_n[ti] = len(self.url_list), len(urls)
            self.url_list += urls
        self.arrays: dict[str, pa.Array] = {}

    # -- rows added by planted events (before freeze) ---------------------------------------
    def add_core(self, text: str) -> int:
        self.core.append(text)
        return len(self.core) - 1

    def add_extra(self, text: str) -> int:
        self.extra.append(text)
        return len(self.extra) - 1

    def add_combo(self, tags: list[str]) -> int:
        self.combo_tags.append([t.lower() for t in tags])
        return len(self.combo_tags) - 1

    def add_url(self, url: str) -> int:
        self.url_list.append(url)
        return len(self.url_list) - 1

    def topic_index(self, tid: str) -> int:
        return self.topic_ids.index(tid)

    def lang_index(self, lang: str) -> int:
        return self.languages.index(lang)

    def freeze(self) -> None:
        """Build the Arrow tables rendering takes from."""
        from agorascope.urls import domain

        self.arrays = {
            "core": pa.array(self.core, pa.string()),
            "extra": pa.array(self.extra, pa.string()),
            "tail": pa.array(self.tail, pa.string()),
            "prefix": pa.array(self.prefix, pa.string()),
            "combo_text": pa.array([("".join(" #" + t for t in c) if c else None) for c in self.combo_tags],
                                   pa.string()),
            "combo_list": pa.array(self.combo_tags, pa.list_(pa.string())),
            "url_text": pa.array([(" " + u if u else None) for u in self.url_list], pa.string()),
            "url_list": pa.array([[u] if u else [] for u in self.url_list], pa.list_(pa.string())),
            "domain_list": pa.array([[domain(u)] if u else [] for u in self.url_list], pa.list_(pa.string())),
        }


def _path(domain: str) -> str:
    return ("news", "article", "a", "story", "p")[sum(map(ord, domain)) % 5]


def _combos(tags: list[str]) -> list[list[str]]:
    """Hashtag combinations a post may carry; singles weighted 3x, a few triples."""
    tags = [t.lower() for t in tags]
    out: list[list[str]] = []
    for t in tags:
        out += [[t]] * 3
    out += [list(p) for p in itertools.permutations(tags, 2)]
    if len(tags) >= 3:
        out += [tags[:3], [tags[2], tags[0], tags[1]]]
    return out


def edit_text(text: str, lang: str, rng: np.random.Generator) -> str:
    """A small edit a co-text member makes: punctuation, an emoji, a filler word, a swap."""
    # CJK texts are short in characters, so they get only the edits that touch few 5-shingles
    ops = rng.choice(3 if lang in CJK else 5, size=1 if rng.random() < 0.8 else 2, replace=False)
    for op in ops:
        if op == 0:  # terminal punctuation
            text = text.rstrip(".!。！") + ("!" if lang not in CJK else "！")
        elif op == 1:  # emoji
            text = text + (" " if lang not in CJK else "") + EMOJI[int(rng.integers(len(EMOJI)))]
        elif op == 2:  # filler word after the first word / first clause
            filler = FILLERS[lang][int(rng.integers(len(FILLERS[lang])))]
            if lang in CJK:
                cut = max(1, len(text) // 3)
                text = text[:cut] + filler + text[cut:]
            else:
                words = text.split(" ")
                at = min(len(words) - 1, 1 + int(rng.integers(3)))
                text = " ".join([*words[:at], filler, *words[at:]])
        elif op == 3:  # swap two adjacent words (or characters for CJK)
            if lang in CJK:
                i = int(rng.integers(1, max(2, len(text) - 2)))
                text = text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]
            else:
                words = text.split(" ")
                if len(words) > 3:
                    i = int(rng.integers(1, len(words) - 1))
                    words[i - 1], words[i] = words[i], words[i - 1]
                    text = " ".join(words)
        else:  # case / spacing change at the start
            text = text[0].lower() + text[1:] if text[:1].isupper() else "‼️ " + text
    return text
