"""A replayed burst through `watch` fires an alert rule within 10 s of the post that completes it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from agorascope.project import Project
from agorascope.streams import WatchOptions, WatchRunner
from agorascope.streams.jetstream import JetstreamConnector
from agorascope.streams.replay import JetstreamReplay, jetstream_events

engine = pytest.importorskip("agorascope.alerts.engine")
rules = pytest.importorskip("agorascope.alerts.rules")
pytest.importorskip("agorascope.analysis.trends_hook")


def test_replayed_burst_fires_alert_within_10s(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "proj")
    try:
        engine.add_rule(project.store, rules.Rule(name="hk-burst", watch="hashtag", keys=("hkburst",), min_z=None,
                                                  min_count=20, min_authors=5, cooldown="1h"))
        now_us = int(time.time() * 1e6)
        noise = jetstream_events(200, seed=1, start_us=now_us - 60_000_000, step_us=100_000)
        burst = jetstream_events(30, seed=2, start_us=now_us, step_us=1, authors=12,
                                 texts=["Crowds at the harbour #hkburst", "#HKburst police lines now"])
        with JetstreamReplay(noise, pace_s=0.002) as srv:
            runner = WatchRunner(project, JetstreamConnector(srv.url),
                                 options=WatchOptions(batch_seconds=0.5, max_seconds=40, idle_stop_s=3.0))

            def later() -> None:  # the burst arrives live, after the noise, paced like a real one
                time.sleep(1.5)
                for e in burst:
                    e["time_us"] = int(time.time() * 1e6)
                    srv.publish([e])
                    time.sleep(0.03)

            t = threading.Thread(target=later, daemon=True)
            t.start()
            import asyncio

            report = asyncio.run(runner.run())
            t.join(5)
            sent = dict((us, wall) for wall, us in srv.sent)
        assert report.stored == 230
        alerts = project.store.query("SELECT rule, key, observed, fired_at FROM alerts").to_pylist()
        assert [(a["rule"], a["key"]) for a in alerts] == [("hk-burst", "hkburst")]  # once: cool-down holds
        assert alerts[0]["observed"] >= 20
        twentieth = sent[burst[19]["time_us"]]  # the post that completes min_count
        latency = alerts[0]["fired_at"].timestamp() - twentieth
        assert 0 <= latency <= 10.0, latency
    finally:
        project.close()
