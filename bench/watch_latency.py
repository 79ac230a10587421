"""Live collection: post→stored and post→alert latency, and sustained posts/s, through the replay server.

    python bench/watch_latency.py [--posts N] [--rate R] [--batch-seconds 1.0,0.25] [--bursts 5]

Everything runs on 127.0.0.1: a `JetstreamReplay` websocket server sends recorded-format events,
`WatchRunner` collects them into a fresh project (ingest → pseudonyms → upsert → trend/alert
hooks). Latencies are wall-clock from the moment the server wrote a frame:

* post→stored: until the micro-batch holding the post was committed (hooks included);
* post→alert: until the alert's `fired_at`, measured from the post that completed the rule
  (the `min_count`-th post of a burst);
* sustained: N unpaced events, posts stored per second from the first frame to the last commit,
  with the trend/alert hooks on and off.

There is no external reference tool for this path; the comparison printed side by side is
between micro-batch intervals (the design choice) and hooks on/off.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agorascope.config import Settings
from agorascope.project import Project
from agorascope.streams import WatchOptions, WatchRunner
from agorascope.streams.jetstream import JetstreamConnector
from agorascope.streams.replay import JetstreamReplay, jetstream_events


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))
    return xs[k]


def _project(tmp: str, name: str, hooks: bool) -> Project:
    return Project.init(Path(tmp) / name, settings=Settings(run_hooks=hooks))


def post_to_stored(tmp: str, *, posts: int, rate: float, batch_seconds: float, hooks: bool) -> dict[str, float]:
    """Paced live stream: per-post latency from frame sent to batch committed."""
    project = _project(tmp, f"stored-{batch_seconds}-{hooks}", hooks)
    committed: dict[str, float] = {}

    def on_commit(batch, rep, at: float) -> None:
        for pid in batch.column("post_id").to_pylist():
            committed.setdefault(pid, at)

    with JetstreamReplay([], pace_s=0.0) as srv:
        runner = WatchRunner(project, JetstreamConnector(srv.url, rewind_us=0), on_commit=on_commit,
                             options=WatchOptions(batch_seconds=batch_seconds, batch_posts=5000,
                                                  max_posts=posts, max_seconds=posts / rate + 30))
        ids: dict[int, str] = {}

        def feed() -> None:
            time.sleep(0.5)
            gap = 1.0 / rate
            for i in range(posts):
                e = jetstream_events(1, seed=i, start_us=int(time.time() * 1e6) - 1)[0]
                e["commit"]["rkey"] = f"3lb{i:010d}"
                ids[e["time_us"]] = f"bluesky:at://{e['did']}/app.bsky.feed.post/{e['commit']['rkey']}"
                srv.publish([e])
                time.sleep(gap)

        t = threading.Thread(target=feed, daemon=True)
        t.start()
        asyncio.run(runner.run())
        t.join(10)
        lat = [committed[ids[us]] - wall for wall, us in srv.sent if us in ids and ids[us] in committed]
    project.close()
    return {"n": len(lat), "p50_s": _pct(lat, 0.5), "p95_s": _pct(lat, 0.95), "max_s": max(lat) if lat else 0.0}


def post_to_alert(tmp: str, *, bursts: int, batch_seconds: float) -> dict[str, float]:
    """Bursts of a new hashtag amid background posts; latency from the 20th burst post to the alert."""
    from agorascope.alerts import engine, rules

    project = _project(tmp, f"alert-{batch_seconds}", True)
    tags = [f"burst{k}" for k in range(bursts)]
    engine.add_rule(project.store, rules.Rule(name="bench", watch="hashtag", keys=tuple(tags), min_z=None,
                                              min_count=20, min_authors=5, cooldown="1h"))
    completing: dict[str, int] = {}
    with JetstreamReplay([]) as srv:
        runner = WatchRunner(project, JetstreamConnector(srv.url, rewind_us=0),
                             options=WatchOptions(batch_seconds=batch_seconds, max_seconds=bursts * 8 + 30,
                                                  idle_stop_s=4.0))

        def feed() -> None:
            time.sleep(0.5)
            for k, tag in enumerate(tags):
                noise = jetstream_events(100, seed=100 + k, start_us=int(time.time() * 1e6), step_us=1)
                srv.publish(noise)
                time.sleep(1.0)
                burst = jetstream_events(30, seed=200 + k, authors=15, start_us=int(time.time() * 1e6),
                                         texts=[f"Crowds gather #{tag}", f"#{tag} live now"])
                for i, e in enumerate(burst):
                    e["commit"]["rkey"] = f"3lk{k:02d}{i:06d}"
                    e["time_us"] = int(time.time() * 1e6)
                    if i == 19:
                        completing[tag] = e["time_us"]
                    srv.publish([e])
                    time.sleep(0.05)
                time.sleep(1.0)

        t = threading.Thread(target=feed, daemon=True)
        t.start()
        asyncio.run(runner.run())
        t.join(10)
        sent = {us: wall for wall, us in srv.sent}
    alerts = project.store.query("SELECT key, fired_at FROM alerts").to_pylist()
    project.close()
    lat = [a["fired_at"].timestamp() - sent[completing[a["key"]]] for a in alerts if a["key"] in completing]
    return {"n": len(lat), "alerts": len(alerts), "p50_s": _pct(lat, 0.5), "p95_s": _pct(lat, 0.95),
            "max_s": max(lat) if lat else float("nan")}


def sustained(tmp: str, *, posts: int, hooks: bool) -> dict[str, float]:
    """Unpaced replay of `posts` events: stored posts per second, first frame → last commit."""
    project = _project(tmp, f"sustained-{hooks}", hooks)
    ev = jetstream_events(posts, seed=7, step_us=100, authors=5000, repost_every=10)
    last = [0.0]

    def on_commit(batch, rep, at: float) -> None:
        last[0] = at

    with JetstreamReplay(ev) as srv:
        runner = WatchRunner(project, JetstreamConnector(srv.url, rewind_us=0), on_commit=on_commit,
                             options=WatchOptions(batch_seconds=1.0, batch_posts=5000, max_posts=posts,
                                                  max_seconds=600))
        rep = asyncio.run(runner.run())
        first = srv.sent[0][0] if srv.sent else time.time()
    project.close()
    secs = max(1e-9, last[0] - first)
    return {"posts": rep.stored, "seconds": secs, "posts_per_s": rep.stored / secs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--posts", type=int, default=20_000, help="events for the sustained-throughput run")
    ap.add_argument("--rate", type=float, default=200.0, help="posts/s of the paced latency run")
    ap.add_argument("--latency-posts", type=int, default=1000)
    ap.add_argument("--batch-seconds", default="1.0,0.25", help="micro-batch intervals to compare")
    ap.add_argument("--bursts", type=int, default=5)
    args = ap.parse_args()
    intervals = [float(x) for x in args.batch_seconds.split(",")]
    print(f"# watch latency bench — {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} (shared machine: "
          "timings are contended)")
    with tempfile.TemporaryDirectory() as tmp:
        print(f"\n## post→stored ({args.latency_posts} posts at {args.rate:.0f}/s, hooks on)")
        print(f"{'batch_seconds':>14} {'n':>6} {'p50 s':>8} {'p95 s':>8} {'max s':>8}")
        for b in intervals:
            r = post_to_stored(tmp, posts=args.latency_posts, rate=args.rate, batch_seconds=b, hooks=True)
            print(f"{b:>14} {r['n']:>6} {r['p50_s']:>8.3f} {r['p95_s']:>8.3f} {r['max_s']:>8.3f}")
        print(f"\n## post→alert ({args.bursts} bursts of a new hashtag, rule min_count=20, min_authors=5)")
        print(f"{'batch_seconds':>14} {'alerts':>6} {'p50 s':>8} {'p95 s':>8} {'max s':>8}")
        for b in intervals:
            r = post_to_alert(tmp, bursts=args.bursts, batch_seconds=b)
            print(f"{b:>14} {r['alerts']:>6} {r['p50_s']:>8.3f} {r['p95_s']:>8.3f} {r['max_s']:>8.3f}")
        print(f"\n## sustained throughput ({args.posts:,} events, unpaced, batch 1 s / 5000 posts)")
        print(f"{'hooks':>14} {'posts':>8} {'seconds':>8} {'posts/s':>9}")
        for hooks in (False, True):
            r = sustained(tmp, posts=args.posts, hooks=hooks)
            print(f"{'on' if hooks else 'off':>14} {r['posts']:>8,} {r['seconds']:>8.2f} {r['posts_per_s']:>9,.0f}")


if __name__ == "__main__":
    main()
