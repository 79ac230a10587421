"""`agorascope watch` as a process: SIGINT commits and saves the cursor, the store lock names it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from agorascope.project import Project
from agorascope.streams import load_cursor
from agorascope.streams.replay import JetstreamReplay, jetstream_events

# Trend/alert hooks are exercised by tests/test_streams_alerts.py; here they stay off so that these
# tests measure the collector alone.
_ENV = {**os.environ, "COLUMNS": "300", "AGORASCOPE_RUN_HOOKS": "0"}


def _cli(*args: str, **kw) -> subprocess.Popen:
    env = _ENV
    return subprocess.Popen([sys.executable, "-m", "agorascope", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **kw)


def _wait_for(pred, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False


def test_sigint_commits_saves_cursor_and_restart_continues(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    Project.init(proj).close()
    ev = jetstream_events(600, step_us=5_000)
    ids = [f"bluesky:at://{e['did']}/app.bsky.feed.post/{e['commit']['rkey']}" for e in ev]
    with JetstreamReplay(ev, pace_s=0.02) as srv:
        watch = _cli("-p", str(proj), "watch", "bluesky", "--endpoint", srv.url, "--batch-seconds", "0.2",
                     "--max-seconds", "60", "--json")
        try:
            assert _wait_for(lambda: len(srv.sent) >= 60, 40), "watch never connected"
            time.sleep(0.5)  # let a few micro-batches commit
            # The store has one writer: another command is told who holds it.
            busy = subprocess.run([sys.executable, "-m", "agorascope", "-p", str(proj), "status"],
                                  capture_output=True, text=True, timeout=60, env=_ENV)
            assert busy.returncode == 1
            assert f"in use by pid {watch.pid}" in " ".join(busy.stderr.split())
            assert "watch bluesky" in busy.stderr
            sent_before = len(srv.sent)
            watch.send_signal(signal.SIGINT)
            out, errs = watch.communicate(timeout=30)
        finally:
            if watch.poll() is None:
                watch.kill()
        assert watch.returncode == 130, errs
        report = json.loads(out)
        assert report["stopped_by"] == "SIGINT"
        n = report["stored"]
        assert 60 <= n < len(ev) and n <= len(srv.sent) and sent_before >= 60
        with Project.open(proj) as p:
            stored = p.store.query("SELECT post_id FROM posts").column("post_id").to_pylist()
            cursor = load_cursor(p.store, report["stream"])
        assert sorted(stored) == sorted(ids[:n])  # everything received was committed, in order
        assert cursor == str(ev[n - 1]["time_us"])  # and the cursor is the last committed event
        srv.pace_s = 0.0  # the rest at full speed
        again = _cli("-p", str(proj), "watch", "bluesky", "--endpoint", srv.url, "--batch-seconds", "0.2",
                     "--stop-when-idle", "1.5", "--max-seconds", "60", "--json")
        out2, errs2 = again.communicate(timeout=90)
        assert again.returncode == 0, errs2
        assert "cursor" in srv.connections[-1]["query"]
    second = json.loads(out2)
    assert second["resumed_from"] == cursor
    assert second["stored"] == len(ev) - n
    with Project.open(proj) as p:
        assert p.store.scalar("SELECT count(*) FROM posts") == len(ev)
        assert p.store.scalar("SELECT count(DISTINCT post_id) FROM posts") == len(ev)


def test_watch_cli_rejects_bad_options(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    Project.init(proj).close()
    r = subprocess.run([sys.executable, "-m", "agorascope", "-p", str(proj), "watch", "bluesky", "--endpoint",
                        "http://127.0.0.1:9/x", "--json"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    err = json.loads(r.stdout)["error"]
    assert err["type"] == "ConfigError" and "ws:// or wss://" in err["message"]
