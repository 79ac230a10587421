"""The simulator's knobs: `SimConfig` and the planted events it carries.

Everything is a frozen dataclass so a config can be hashed, compared and written into the
ground truth. `None` for `bursts`, `groups` or `narratives` means "plant the defaults"
(see `default_bursts`, `default_groups`, `default_narratives`); an empty tuple plants none.
Times given as a float are a fraction of the simulated period (0.5 = the middle).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

BurstKind = Literal["hashtag", "narrative", "domain", "term"]
GroupKind = Literal["co-repost", "co-link", "co-text", "co-hashtag", "co-reply"]

ALL_LANGUAGES: tuple[str, ...] = ("en", "es", "zh", "ar", "ru", "fr", "de", "ja")
ALL_PLATFORMS: tuple[str, ...] = ("twitter", "bluesky", "mastodon")
BURST_KINDS: tuple[str, ...] = ("hashtag", "narrative", "domain", "term")
GROUP_KINDS: tuple[str, ...] = ("co-repost", "co-link", "co-text", "co-hashtag", "co-reply")


@dataclass(frozen=True)
class PlantedBurst:
    """A key that takes off at `onset`: many distinct authors post it for `duration`.

    Args:
        kind: what rises: a hashtag, a narrative, a link domain or a term.
        key: the hashtag (lower-case, no '#'), narrative id (e.g. "n11"), domain or term.
        onset: when it starts (a datetime, or a float = fraction of the simulated period).
            Rounded down to the minute.
        size: peak rate as a fraction of the *mean* total post rate (0.05 = at its peak the
            burst adds 5 % of an average minute's volume). Scales with `SimConfig.posts`.
        duration: from onset to the end of the burst (the last 25 % decays).
        ramp: from half to full peak rate; the rate jumps to half the peak at onset, so the
            onset is crisp.
        narrative: the narrative whose text the burst posts carry (default: `key` for a
            narrative burst, else "n01").
        languages: languages the burst posts are written in (default: all simulated ones).
        repost_share: fraction of burst posts that are reposts of earlier burst posts.
        min_posts: floor on the number of burst posts (small simulations).
        id: ground-truth id; default "b1", "b2", … in order.
    """

    kind: BurstKind
    key: str
    onset: datetime | float
    size: float = 0.05
    duration: timedelta = timedelta(hours=2)
    ramp: timedelta = timedelta(minutes=15)
    narrative: str | None = None
    languages: tuple[str, ...] | None = None
    repost_share: float = 0.3
    min_posts: int = 80
    id: str | None = None


@dataclass(frozen=True)
class PlantedGroup:
    """A coordinated group: `size` accounts act on the same object within `window_s` seconds.

    Members are ordinary organic accounts of `platform` (handles like every other "u…"),
    who also keep posting organically. Each of `episodes` episodes has its own object
    (a reposted item, a URL, a text, a hashtag set or a reply target).

    Args:
        kind: co-repost | co-link | co-text | co-hashtag | co-reply.
        platform: where the members live.
        size: number of member accounts (3–50).
        episodes: number of episodes (distinct objects).
        window_s: the largest time spread of the members' posts within one episode.
        narrative: the narrative the group pushes (text of its posts).
        lang: the language the group writes in.
        participation: probability that a member joins a given episode (at least 3 do).
        id: ground-truth id; default "g1", "g2", … in order.
    """

    kind: GroupKind
    platform: str = "twitter"
    size: int = 12
    episodes: int = 12
    window_s: float = 20.0
    narrative: str = "n05"
    lang: str = "en"
    participation: float = 0.85
    id: str | None = None


@dataclass(frozen=True)
class PlantedNarrative:
    """Override how a narrative of the text bank behaves.

    Args:
        id: a narrative id of the bank (n01 … n11).
        born_at: when it appears (datetime or fraction of the period); no post before it.
            A narrative born mid-period gets a "narrative" burst at its birth by default.
        weight: relative volume (1.0 = the average narrative).
    """

    id: str
    born_at: datetime | float | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class SimConfig:
    """Size, period, mix and planted events of a simulation.

    Args:
        posts: total posts to generate (exact).
        days: length of the period; `posts / days` is the daily volume.
        seed: everything is a function of the seed; same seed -> byte-identical batches.
        start: the first instant of the period (UTC).
        languages: languages written (each must be in the text bank).
        platforms: platforms simulated; every author lives on one.
        batch_rows: rows per yielded RecordBatch.
        bursts, groups, narratives: planted events; None -> defaults, () -> none.
        authors: number of accounts (default: posts / 8, at least 400).
        repost_share, reply_share, quote_share: target shares of the post kinds.
        background_share: share of organic originals that are background chatter.
        chunk_minutes: generation step (reposts and replies target posts of earlier steps);
            default: about 2,000 posts per step, between 5 and 60 minutes.
    """

    posts: int = 200_000
    days: float = 7
    seed: int = 7
    start: datetime = datetime(2026, 3, 2, tzinfo=UTC)
    languages: tuple[str, ...] = ALL_LANGUAGES
    platforms: tuple[str, ...] = ALL_PLATFORMS
    batch_rows: int = 50_000
    bursts: tuple[PlantedBurst, ...] | None = None
    groups: tuple[PlantedGroup, ...] | None = None
    narratives: tuple[PlantedNarrative, ...] | None = None
    authors: int | None = None
    repost_share: float = 0.37
    reply_share: float = 0.12
    quote_share: float = 0.03
    background_share: float = 0.4
    chunk_minutes: int | None = None

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.days)


def _at(day: int, hour: float) -> float:
    """The fraction of a 7-day period that falls on `day` (0-based) at `hour` UTC."""
    return (day + hour / 24) / 7


def default_narratives() -> tuple[PlantedNarrative, ...]:
    """n11 (a chemical train derailment) is born mid-period (day 3, 10:00 of a week); the rest run throughout."""
    return (PlantedNarrative("n11", born_at=_at(3, 10)),)


def default_bursts() -> tuple[PlantedBurst, ...]:
    """Four bursts of several sizes; the narrative burst is the birth of n11 (see defaults)."""
    return (
        PlantedBurst("hashtag", "damcoverup", onset=_at(1, 14), size=0.1, narrative="n01",
                     duration=timedelta(hours=2), ramp=timedelta(minutes=15)),
        PlantedBurst("narrative", "n11", onset=_at(3, 10), size=0.15, duration=timedelta(hours=3),
                     ramp=timedelta(minutes=20)),
        PlantedBurst("domain", "leakvault.net", onset=_at(4, 16.5), size=0.12, narrative="n09",
                     duration=timedelta(hours=1, minutes=30), ramp=timedelta(minutes=10)),
        PlantedBurst("hashtag", "campeones", onset=_at(5, 19), size=0.06, narrative="n04",
                     languages=("es", "en", "fr"), duration=timedelta(hours=1), ramp=timedelta(minutes=10)),
    )


def default_groups() -> tuple[PlantedGroup, ...]:
    """One group per kind, 8–20 members, on different platforms and languages."""
    return (
        PlantedGroup("co-repost", platform="twitter", size=20, episodes=14, window_s=20, narrative="n05", lang="en"),
        PlantedGroup("co-link", platform="twitter", size=12, episodes=12, window_s=30, narrative="n02", lang="es"),
        PlantedGroup("co-text", platform="bluesky", size=15, episodes=12, window_s=25, narrative="n05", lang="en"),
        PlantedGroup("co-hashtag", platform="twitter", size=10, episodes=12, window_s=30, narrative="n05", lang="ru"),
        PlantedGroup("co-reply", platform="bluesky", size=8, episodes=12, window_s=20, narrative="n02", lang="fr"),
    )
