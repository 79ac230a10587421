"""`agorascope watch bluesky|mastodon|rss`: live collection into the project, with trends and alerts."""

from __future__ import annotations

import signal
import sys
from typing import Any

import typer

from agorascope.cli._common import JsonOpt, app, emit_json, err, open_project
from agorascope.errors import ConfigError

watch_app = typer.Typer(
    help="Collect posts live from open APIs (Bluesky Jetstream, Mastodon public timelines, RSS/Atom). "
    "Posts are committed in micro-batches (trends and alert rules run on each); the position is saved, "
    "so a restart continues where it stopped. Ctrl-C stops cleanly. The project's store has one writer: "
    "while watch runs, other commands that write must wait.",
    no_args_is_help=True,
)
app.add_typer(watch_app, name="watch")

_BatchPosts = typer.Option(500, "--batch-posts", help="Commit a micro-batch every N posts …")
_BatchSeconds = typer.Option(1.0, "--batch-seconds", help="… or every T seconds, whichever comes first "
                             "(lower = alerts sooner, more commits).")
_MaxPosts = typer.Option(None, "--max-posts", help="Stop after N posts (a bounded run).")
_MaxSeconds = typer.Option(None, "--max-seconds", help="Stop after T seconds (a bounded run).")
_Idle = typer.Option(None, "--stop-when-idle", help="Stop once nothing arrived for T seconds (replays).")
_Track = typer.Option(None, "--track", help="Keep only posts containing one of these comma-separated terms "
                      "(case-insensitive, any script: \"hong kong,香港\"); matched in text, hashtags and links.")
_Lang = typer.Option(None, "--lang", help="Keep only posts declared in these languages (comma-separated codes; "
                     "`zh` keeps zh-Hant). Filters texts, never authors.")
_Source = typer.Option(None, "--source", help="Source name stored with the posts (default watch:PLATFORM).")
_Status = typer.Option(5.0, "--status-every", help="Seconds between status lines on stderr.")


def _langs(spec: str | None) -> list[str]:
    from agorascope.streams.base import parse_terms

    return parse_terms(spec)


def _run(connector_factory: Any, *, source: str | None, batch_posts: int, batch_seconds: float,
         max_posts: int | None, max_seconds: float | None, idle: float | None, status_every: float,
         as_json: bool) -> None:
    from agorascope.streams.runner import WatchOptions, run_watch

    try:
        connector = connector_factory()
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    options = WatchOptions(batch_posts=batch_posts, batch_seconds=batch_seconds, max_posts=max_posts,
                           max_seconds=max_seconds, idle_stop_s=idle, status_every_s=status_every)
    options.check()

    def status(s: dict[str, Any]) -> None:
        if s["final"]:
            return
        lag = "?" if s["lag_s"] is None else f"{s['lag_s']:.1f}s"
        err.print(f"[dim]{connector.key}[/] {s['received']:,} received, {s['stored']:,} stored, "
                  f"{s['skipped']:,} skipped, {s['rate_per_s']:.1f} posts/s, lag {lag}, "
                  f"{s['reconnects']} reconnects", highlight=False, soft_wrap=True)

    with open_project() as project:
        if not as_json:
            err.print(f"Watching [bold]{connector.key}[/] into {project.dir} (Ctrl-C stops and saves the position).",
                      highlight=False, soft_wrap=True)
        report = run_watch(project, connector, source=source, options=options, on_status=status,
                           install_signals=True)
    if as_json:
        emit_json(report.as_dict())
    else:
        resumed = f" (resumed from cursor {report.resumed_from[:40]})" if report.resumed_from else ""
        err.print(f"Stopped ({report.stopped_by}) after {report.seconds:.1f}s{resumed}: {report.received:,} posts "
                  f"received, {report.stored:,} new, {report.duplicates:,} duplicates, {report.quarantined:,} "
                  f"quarantined, {sum(report.skipped.values()):,} skipped, {report.reconnects} reconnects. "
                  "Position saved.", highlight=False, soft_wrap=True)
    if report.stopped_by == "SIGINT":
        sys.exit(128 + signal.SIGINT)


@watch_app.command("bluesky")
def watch_bluesky(
    track: str = _Track,
    lang: str = _Lang,
    endpoint: str = typer.Option(None, "--endpoint", help="Jetstream websocket URL (default: the public "
                                 "jetstream2.us-east.bsky.network)."),
    source: str = _Source,
    batch_posts: int = _BatchPosts,
    batch_seconds: float = _BatchSeconds,
    max_posts: int = _MaxPosts,
    max_seconds: float = _MaxSeconds,
    stop_when_idle: float = _Idle,
    status_every: float = _Status,
    as_json: bool = JsonOpt,
) -> None:
    """Bluesky posts and reposts from Jetstream, filtered by keyword and language.

    Example: agorascope watch bluesky --track "hong kong,香港" --lang en,zh
    """
    from agorascope.streams.base import parse_terms
    from agorascope.streams.jetstream import DEFAULT_ENDPOINT, JetstreamConnector

    _run(lambda: JetstreamConnector(endpoint or DEFAULT_ENDPOINT, track=parse_terms(track), langs=_langs(lang)),
         source=source, batch_posts=batch_posts, batch_seconds=batch_seconds, max_posts=max_posts,
         max_seconds=max_seconds, idle=stop_when_idle, status_every=status_every, as_json=as_json)


@watch_app.command("mastodon")
def watch_mastodon(
    instance: str = typer.Option("https://mastodon.social", "--instance", help="Instance URL."),
    hashtag: str = typer.Option(None, "--hashtag", help="Follow this hashtag's timeline instead of the public one."),
    local: bool = typer.Option(False, "--local", help="Only the instance's own posts (public timeline)."),
    track: str = _Track,
    lang: str = _Lang,
    poll: float = typer.Option(15.0, "--poll", help="Seconds between polls once caught up (rate limits are "
                               "honoured on top)."),
    source: str = _Source,
    batch_posts: int = _BatchPosts,
    batch_seconds: float = _BatchSeconds,
    max_posts: int = _MaxPosts,
    max_seconds: float = _MaxSeconds,
    stop_when_idle: float = _Idle,
    status_every: float = _Status,
    as_json: bool = JsonOpt,
) -> None:
    """A Mastodon instance's public or hashtag timeline, polled without gaps.

    Example: agorascope watch mastodon --instance https://mastodon.social --hashtag hongkong
    """
    from agorascope.streams.base import parse_terms
    from agorascope.streams.mastodon import MastodonConnector

    if poll < 1:
        raise ConfigError(f"--poll must be at least 1 second, got {poll}.")
    _run(lambda: MastodonConnector(instance, hashtag=hashtag, local=local, track=parse_terms(track),
                                   langs=_langs(lang), poll_s=poll),
         source=source, batch_posts=batch_posts, batch_seconds=batch_seconds, max_posts=max_posts,
         max_seconds=max_seconds, idle=stop_when_idle, status_every=status_every, as_json=as_json)


@watch_app.command("rss")
def watch_rss(
    urls: list[str] = typer.Argument(..., help="Feed URLs (RSS 2.0 or Atom)."),
    track: str = _Track,
    poll: float = typer.Option(300.0, "--poll", help="Seconds between polls of each feed (ETag/Last-Modified "
                               "make an unchanged feed cost one 304)."),
    source: str = _Source,
    batch_posts: int = _BatchPosts,
    batch_seconds: float = _BatchSeconds,
    max_posts: int = _MaxPosts,
    max_seconds: float = _MaxSeconds,
    stop_when_idle: float = _Idle,
    status_every: float = _Status,
    as_json: bool = JsonOpt,
) -> None:
    """RSS/Atom feeds, polled with conditional requests; new items become posts on platform `news`.

    Example: agorascope watch rss https://hongkongfp.com/feed/ --poll 600
    """
    from agorascope.streams.base import parse_terms
    from agorascope.streams.rss import RSSConnector

    if poll < 0.05:
        raise ConfigError(f"--poll must be at least 0.05 seconds, got {poll}.")
    _run(lambda: RSSConnector(urls, track=parse_terms(track), poll_s=poll),
         source=source, batch_posts=batch_posts, batch_seconds=batch_seconds, max_posts=max_posts,
         max_seconds=max_seconds, idle=stop_when_idle, status_every=status_every, as_json=as_json)
