"""Connectors against local replay servers: dropped connections, 429/5xx, cursors (127.0.0.1 only)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agorascope.config import Settings
from agorascope.project import Project
from agorascope.streams import Backoff, WatchOptions, WatchRunner, load_cursor, run_watch, save_cursor
from agorascope.streams.jetstream import JetstreamConnector
from agorascope.streams.mastodon import MastodonConnector
from agorascope.streams.replay import (
    HTTPReplay,
    JetstreamReplay,
    jetstream_events,
    mastodon_statuses,
    rss_document,
    rss_items,
)
from agorascope.streams.rss import RSSConnector


@pytest.fixture
def project(tmp_path: Path):
    """A project without the trend/alert hooks (tests/test_streams_alerts.py runs them)."""
    p = Project.init(tmp_path / "proj", settings=Settings(run_hooks=False))
    yield p
    p.close()


def _opts(**kw) -> WatchOptions:
    base = {"batch_seconds": 0.1, "batch_posts": 100, "idle_stop_s": 1.0, "max_seconds": 25.0,
            "backoff": Backoff(initial_s=0.05, max_s=0.4)}
    base.update(kw)
    return WatchOptions(**base)


def _stored_ids(project) -> list[str]:
    return project.store.query("SELECT post_id FROM posts ORDER BY post_id").column("post_id").to_pylist()


def _from_oldest(project, conn: MastodonConnector) -> MastodonConnector:
    """Without a cursor a Mastodon watch starts at the newest page; cursor 0 replays from the oldest."""
    save_cursor(project.store, conn.key, "0")
    return conn


def _jetstream_post_ids(events: list[dict]) -> list[str]:
    return sorted(f"bluesky:at://{e['did']}/{e['commit']['collection']}/{e['commit']['rkey']}" for e in events
                  if e["kind"] == "commit" and e["commit"]["operation"] == "create"
                  and e["commit"]["collection"] in ("app.bsky.feed.post", "app.bsky.feed.repost"))


def test_jetstream_drop_mid_stream_loses_and_duplicates_nothing(project) -> None:
    ev = jetstream_events(600, repost_every=9, noise_every=13, step_us=20_000)
    want = _jetstream_post_ids(ev)
    with JetstreamReplay(ev, drop_after=[150, 90]) as srv:
        rep = run_watch(project, JetstreamConnector(srv.url, rewind_us=500_000), options=_opts())
        conns = srv.connections
    assert [c["dropped"] for c in conns] == [True, True, False]
    assert "cursor" not in conns[0]["query"] and "cursor" in conns[1]["query"] and "cursor" in conns[2]["query"]
    assert rep.reconnects == 2
    assert _stored_ids(project) == want  # exactly the replayed set: nothing lost, nothing twice
    assert rep.stored == len(want) and rep.duplicates > 0  # the rewind re-sent some; the upsert dropped them
    # Non-posts are skipped and counted (events re-sent by the rewind are counted again).
    assert set(rep.skipped) == {"delete", "identity"}
    assert rep.skipped["delete"] >= sum(1 for e in ev if e.get("commit", {}).get("operation") == "delete")
    assert load_cursor(project.store, rep.stream) == str(ev[-1]["time_us"])


def test_a_reconnect_without_cursor_would_lose_posts(project) -> None:
    """The replay server models Jetstream's live tail, so the drop test above can fail."""

    class Forgetful(JetstreamConnector):
        def url(self, cursor: str | None) -> str:
            return super().url(None)

    ev = jetstream_events(400, step_us=20_000)
    with JetstreamReplay(ev, drop_after=[150]) as srv:
        rep = run_watch(project, Forgetful(srv.url), options=_opts())
    assert rep.reconnects == 1
    assert rep.stored == 399  # the event in flight when the connection dropped is gone


def test_jetstream_restart_resumes_from_saved_cursor(project) -> None:
    ev = jetstream_events(300, step_us=10_000)
    with JetstreamReplay(ev) as srv:
        first = run_watch(project, JetstreamConnector(srv.url, rewind_us=0), options=_opts(max_posts=120))
        assert first.stored == 120 and first.stopped_by == "max_posts"
        saved = load_cursor(project.store, first.stream)
        assert saved == str(ev[119]["time_us"])
        second = run_watch(project, JetstreamConnector(srv.url, rewind_us=0), options=_opts())
        assert srv.connections[1]["query"]["cursor"] == [saved]
    assert second.resumed_from == saved
    assert second.stored == 180 and second.duplicates == 1  # the cursor's own event is re-sent (inclusive)
    assert _stored_ids(project) == _jetstream_post_ids(ev)


def test_mastodon_drop_mid_body_pages_forward_without_gaps(project) -> None:
    statuses = mastodon_statuses(130, hashtag_every=2)
    tagged = sorted("mastodon:" + s["uri"] for s in statuses if s["tags"])
    with HTTPReplay(statuses=statuses, faults={2: "drop"}) as srv:
        conn = _from_oldest(project, MastodonConnector(srv.url, hashtag="hongkong", poll_s=0.2, limit=20))
        runner = WatchRunner(project, conn, options=_opts(idle_stop_s=1.5))
        import asyncio

        first_seen = asyncio.run(runner.run())
        reqs = list(srv.requests)
    assert _stored_ids(project) == tagged
    assert first_seen.stored == 65 and first_seen.reconnects == 1
    # Every request pages forward with min_id; the dropped page was asked for again.
    assert all("min_id" in r[2] for r in reqs)
    assert reqs[1][2]["min_id"] == reqs[2][2]["min_id"] != reqs[0][2]["min_id"]


def test_mastodon_new_posts_after_restart(project) -> None:
    statuses = mastodon_statuses(60)
    with HTTPReplay(statuses=statuses[:40]) as srv:
        a = run_watch(project, MastodonConnector(srv.url, poll_s=0.2, limit=40), options=_opts(idle_stop_s=0.8))
        srv.publish(statuses[40:])
        b = run_watch(project, MastodonConnector(srv.url, poll_s=0.2, limit=40), options=_opts(idle_stop_s=0.8))
    assert (a.stored, b.stored, b.duplicates) == (40, 20, 0)
    assert b.resumed_from == statuses[39]["id"]
    assert _stored_ids(project) == sorted("mastodon:" + s["uri"] for s in statuses)


def test_429_retry_after_is_honoured(project) -> None:
    statuses = mastodon_statuses(30)
    with HTTPReplay(statuses=statuses, faults={2: "429"}, retry_after_s=1.2) as srv:
        conn = _from_oldest(project, MastodonConnector(srv.url, poll_s=0.1, limit=10))
        rep = run_watch(project, conn, options=_opts(idle_stop_s=1.6))
        reqs = list(srv.requests)
    assert rep.rate_limit_waits_s == [1.2]
    i = next(k for k, r in enumerate(reqs) if r[3] == 429)
    gap = reqs[i + 1][0] - reqs[i][0]
    assert gap >= 1.2  # measured: no request before Retry-After expired
    assert rep.stored == 30


def test_rate_limit_budget_paces_requests_before_429(project) -> None:
    statuses = mastodon_statuses(50)
    with HTTPReplay(statuses=statuses, rate_limit=(3, 1.5)) as srv:
        conn = _from_oldest(project, MastodonConnector(srv.url, poll_s=0.05, limit=10))
        rep = run_watch(project, conn, options=_opts(idle_stop_s=2.5))
        reqs = list(srv.requests)
    assert [r[3] for r in reqs].count(429) == 0  # the client waited for the reset instead of hitting the limit
    assert len(conn.budget_waits) >= 1
    assert rep.stored == 50
    # Within any 1.5 s window at most 3 requests were made.
    times = [r[0] for r in reqs]
    assert all(times[k + 3] - times[k] >= 1.0 for k in range(len(times) - 3))


def test_5xx_backs_off_then_recovers(project) -> None:
    statuses = mastodon_statuses(25)
    with HTTPReplay(statuses=statuses, faults={1: "500", 2: "503", 3: "500"}) as srv:
        t0 = time.monotonic()
        rep = run_watch(project, MastodonConnector(srv.url, poll_s=0.1, limit=40),
                        options=_opts(idle_stop_s=3.0, backoff=Backoff(initial_s=0.2, max_s=2.0, jitter=0.5)))
        reqs = list(srv.requests)
    assert [r[3] for r in reqs[:4]] == [500, 503, 500, 200]
    assert len(rep.backoff_waits_s) >= 3
    w = rep.backoff_waits_s[:3]
    assert 0.1 <= w[0] <= 0.2 and 0.2 <= w[1] <= 0.4 and 0.4 <= w[2] <= 0.8  # exponential with jitter
    assert reqs[3][0] - reqs[0][0] >= sum(w) - 0.01
    assert rep.stored == 25 and time.monotonic() - t0 < 15


def test_rss_drop_etag_and_new_items(project) -> None:
    start = datetime(2025, 6, 1, tzinfo=UTC)
    items = rss_items(12, start=start)
    with HTTPReplay(feeds={"/feed.xml": rss_document(items[:8]), "/atom.xml": rss_document(
            rss_items(4, start=start, prefix="atom"), atom=True)}, faults={1: "drop"}) as srv:
        urls = [srv.url + "/feed.xml", srv.url + "/atom.xml"]
        a = run_watch(project, RSSConnector(urls, poll_s=0.2), options=_opts(idle_stop_s=1.0))
        polls_a = list(srv.requests)
        srv.set_feed("/feed.xml", rss_document(items))  # 4 new items appear
        b = run_watch(project, RSSConnector(urls, poll_s=0.2), options=_opts(idle_stop_s=1.0))
        polls_b = list(srv.requests)[len(polls_a):]
    assert a.reconnects >= 1 and a.stored == 12
    assert [r[3] for r in polls_a].count(304) >= 2  # later polls of an unchanged feed cost a 304
    assert b.stored == 4 and b.duplicates == 0  # only the new items: the cursor kept the seen ids
    assert polls_b[1][3] == 304  # the Atom feed's ETag survived the restart
    want = sorted([f"news:https://news.example/item/{i}" for i in range(12)]
                  + [f"news:https://news.example/atom/{i}" for i in range(4)])
    assert _stored_ids(project) == want
