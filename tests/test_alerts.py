"""Alert rules, cool-down, quiet hours, and notifiers against local HTTP and SMTP servers."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pyarrow as pa
import pytest

from agorascope.alerts import engine, notifiers
from agorascope.alerts.rules import Rule, load_file, parse_duration, parse_quiet_hours
from agorascope.analysis import trends
from agorascope.errors import ConfigError

T0 = datetime(2026, 3, 2, tzinfo=UTC)
SMALL = trends.TrendParams(resolutions=("5m", "1h"), width_log2={"5m": 14, "1h": 14, "1d": 14},
                           bloom_log2={"5m": 16, "1h": 16, "1d": 16},
                           warmup={"5m": 6, "1h": 2, "1d": 1})


def _posts(start: datetime, minutes: int, per_min: int, *, tag_at: dict[int, int] | None = None,
           first_id: int = 0) -> pa.RecordBatch:
    """A flat stream of `per_min` posts/min with hashtag 'surge' posted by distinct authors at given minutes."""
    rows = {"post_id": [], "platform": [], "author": [], "created_at": [], "text": [], "hashtags": []}
    i = first_id
    for m in range(minutes):
        extra = (tag_at or {}).get(m, 0)
        for k in range(per_min + extra):
            rows["post_id"].append(f"t:{i}")
            rows["platform"].append("twitter")
            rows["author"].append(f"a{i % 997}" if k >= per_min else f"u{(i * 7) % 300}")
            rows["created_at"].append(start + timedelta(minutes=m, seconds=k % 60))
            rows["text"].append(f"ordinary words number {k % 40}")
            rows["hashtags"].append(["surge"] if k >= per_min else [f"t{k % 30}"])
            i += 1
    return pa.RecordBatch.from_pydict(rows)


def _project(tmp: Path, rules: list[Rule]):
    from agorascope import Project

    p = Project.init(tmp)
    trends.configure(p.store, SMALL)
    for r in rules:
        engine.add_rule(p.store, r)
    return p


def test_rule_file_yaml_and_json(tmp_path: Path) -> None:
    y = tmp_path / "rules.yaml"
    y.write_text("""
notifiers:
  hook: {type: webhook, url: "http://127.0.0.1:9/x", secret: s3cret, retries: 1}
rules:
  - name: hk
    watch: hashtag
    keys: ["#HongKong", 香港]
    min_z: 4
    min_authors: 5
    cooldown: 30m
    quiet_hours: "22:00-07:00"
    notify: [log, hook]
""", encoding="utf-8")
    rules, notes = load_file(y)
    assert rules[0].keys == ("hongkong", "香港")
    assert rules[0].cooldown == timedelta(minutes=30)
    assert rules[0].quiet_hours == parse_quiet_hours("22:00-07:00")
    assert notes[0].redacted()["secret"] == "***"
    j = tmp_path / "rules.json"
    j.write_text(json.dumps({"rules": [rules[0].to_dict()]}))
    assert load_file(j)[0][0] == rules[0]
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - name: x\n    watch: emoji\n")
    with pytest.raises(ConfigError, match="watch 'emoji'"):
        load_file(bad)
    bad.write_text("rules:\n  - name: x\n    min_zz: 3\n")
    with pytest.raises(ConfigError, match="unknown field min_zz"):
        load_file(bad)
    with pytest.raises(ConfigError, match="duration"):
        parse_duration("soon")


def test_cooldown_and_evidence(tmp_path: Path) -> None:
    # Two surges of #surge, 2 h apart: a 3 h cool-down gives one alert, a 30 min one gives two.
    rules = [Rule("long", watch="hashtag", resolution="5m", min_z=4, min_count=10, min_authors=5,
                  cooldown=timedelta(hours=3), notify=()),
             Rule("short", watch="hashtag", resolution="5m", min_z=4, min_count=10, min_authors=5,
                  cooldown=timedelta(minutes=30), notify=())]
    p = _project(tmp_path / "p", rules)
    surge = {m: 4 for m in list(range(120, 130)) + list(range(240, 250))}
    batch = _posts(T0, 300, 10, tag_at=surge)
    p.ingest_batches(pa.Table.from_batches([batch]).to_batches(max_chunksize=600), source="s")
    hist = engine.history(p.store).to_pylist()
    by_rule = {r: sorted(a["bucket"] for a in hist if a["rule"] == r) for r in ("long", "short")}
    assert [b - T0 for b in by_rule["long"]] == [timedelta(hours=2)]
    assert [b - T0 for b in by_rule["short"]] == [timedelta(hours=2), timedelta(hours=4)]
    a = next(h for h in hist if h["rule"] == "long")
    assert a["key"] == "surge" and a["kind"] == "hashtag"
    exact = p.store.scalar("SELECT count(*) FROM posts WHERE list_contains(hashtags, 'surge') AND created_at >= ? "
                           "AND created_at < ?", [a["bucket"], a["bucket"] + timedelta(minutes=5)])
    assert a["observed"] <= exact and a["observed"] >= 10  # fired as soon as the floor was crossed
    assert a["baseline"] < 1 and a["z_score"] >= 4
    ev = json.loads(a["evidence"])
    assert ev["thresholds"]["min_authors"] == 5
    assert a["example_post_ids"] and all(x.startswith("t:") for x in a["example_post_ids"])
    # Erasure reaches the evidence tables through their post_id columns.
    pid = a["example_post_ids"][0]
    author = p.store.scalar("SELECT author FROM posts WHERE post_id = ?", [pid])
    counts = p.forget(pseudonym=author)
    assert counts["alert_examples"] >= 1 and counts["trend_examples"] >= 1
    for table in ("alert_examples", "trend_examples"):
        assert p.store.scalar(f"SELECT count(*) FROM {table} WHERE post_id = ?", [pid]) == 0
    p.close()


def test_quiet_hours_hold_notifications(tmp_path: Path) -> None:
    p = _project(tmp_path / "p", [Rule("q", watch="hashtag", resolution="5m", min_z=4, min_count=10, min_authors=5,
                                       quiet_hours=parse_quiet_hours("00:00-23:59"), notify=("rec",))])
    p.store  # noqa: B018
    sent: list[dict] = []

    class Rec:
        name = "rec"

        def send(self, alert: dict, *, attempts: int | None = None) -> None:
            sent.append(alert)

    batch = _posts(T0, 150, 10, tag_at={m: 4 for m in range(120, 130)})
    p.settings.run_hooks = True
    p.ingest_batches([batch], source="s")
    assert engine.history(p.store).num_rows == 1
    now = datetime.now(UTC).replace(hour=12, minute=0)
    assert engine.deliver_pending(p.store, {"rec": Rec()}, now=now)["delivered"] == 0
    later = now.replace(hour=23, minute=59) + timedelta(minutes=1)
    assert engine.deliver_pending(p.store, {"rec": Rec()}, now=later)["delivered"] == 1
    assert sent[0]["key"] == "surge" and sent[0]["observed"] >= 10
    p.close()


class _Receiver(http.server.BaseHTTPRequestHandler):
    bodies: ClassVar[list[tuple[bytes, str | None]]] = []
    fail_first = 0

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if _Receiver.fail_first > 0:
            _Receiver.fail_first -= 1
            self.send_response(503)
            self.end_headers()
            return
        _Receiver.bodies.append((body, self.headers.get(notifiers.SIGNATURE_HEADER)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *a: object) -> None:
        pass


def _serve(port: int = 0) -> http.server.HTTPServer:
    srv = http.server.HTTPServer(("127.0.0.1", port), _Receiver)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_webhook_retries_keeps_undelivered_and_delivers_when_back(tmp_path: Path) -> None:
    _Receiver.bodies, _Receiver.fail_first = [], 0
    # 1. A flaky receiver (two 503s) is retried with back-off within one send.
    srv = _serve()
    url = f"http://127.0.0.1:{srv.server_address[1]}/hook"
    _Receiver.fail_first = 2
    hook = notifiers.WebhookNotifier("hook", url, secret="k", retries=3, backoff_s=0.01)
    hook.send({"rule": "r", "key": "x"})
    assert len(_Receiver.bodies) == 1 and _Receiver.fail_first == 0
    body, sig = _Receiver.bodies[0]
    assert notifiers.verify_signature("k", body, sig) and not notifiers.verify_signature("other", body, sig)
    srv.shutdown()
    srv.server_close()
    # 2. The receiver is down: retries, then the alert stays undelivered; delivered when it is back.
    _Receiver.bodies = []
    port = _free_port()
    p = _project(tmp_path / "p", [Rule("w", watch="hashtag", resolution="5m", min_z=4, min_count=10, min_authors=5,
                                       notify=("hook",))])
    from agorascope.alerts.rules import NotifierSpec

    engine.add_notifier(p.store, NotifierSpec("hook", "webhook", {"url": f"http://127.0.0.1:{port}/hook",
                                                                  "secret": "k", "retries": 2, "backoff_s": 0.01,
                                                                  "timeout_s": 1}))
    p.ingest_batches([_posts(T0, 150, 10, tag_at={m: 4 for m in range(120, 130)})], source="s")
    d = p.store.query("SELECT status, attempts, last_error, next_attempt_at FROM alert_deliveries").to_pylist()
    assert [x["status"] for x in d] == ["undelivered"] and d[0]["attempts"] == 1
    now = datetime.now(UTC)
    res = engine.deliver_pending(p.store, now=now + timedelta(hours=1))  # still down, 3 tries inside
    assert res == {"delivered": 0, "failed": 1, "waiting": 0}
    assert engine.deliver_pending(p.store, now=now + timedelta(hours=1))["failed"] == 0  # backing off
    srv = _serve(port)
    try:
        res = engine.deliver_pending(p.store, now=now + timedelta(hours=3))
        assert res["delivered"] == 1
        assert engine.deliver_pending(p.store, now=now + timedelta(hours=9))["delivered"] == 0  # not twice
    finally:
        srv.shutdown()
        srv.server_close()
    assert len(_Receiver.bodies) == 1
    body, sig = _Receiver.bodies[0]
    assert notifiers.verify_signature("k", body, sig)
    payload = json.loads(body)
    assert payload["key"] == "surge" and payload["rule"] == "w" and payload["observed"] >= 10
    assert payload["example_post_ids"]
    hist = engine.history(p.store).to_pylist()
    assert hist[0]["deliveries"] == ["hook:delivered"]
    p.close()


def test_email_notifier_against_local_smtp() -> None:
    from aiosmtpd.controller import Controller

    got: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            got.append(envelope.content)
            return "250 OK"

    ctl = Controller(Handler(), hostname="127.0.0.1", port=_free_port())
    ctl.start()
    try:
        mail = notifiers.EmailNotifier("desk", host="127.0.0.1", port=ctl.port, to=["desk@example.org"],
                                       sender="alerts@example.org", retries=0)
        mail.send({"rule": "hk", "kind": "hashtag", "key": "surge", "observed": 40, "baseline": 0.5, "z_score": 9.1,
                   "distinct_authors": 33, "resolution": "5m", "bucket": "2026-03-02T10:00:00+00:00",
                   "example_post_ids": ["t:1", "t:2"]})
    finally:
        ctl.stop()
    assert len(got) == 1
    text = got[0].decode()
    assert "Subject: [agorascope] hk: hashtag 'surge' rising" in text and "t:1, t:2" in text
    down = notifiers.EmailNotifier("desk", host="127.0.0.1", port=_free_port(), to=["x@example.org"], retries=1,
                                   backoff_s=0.01, timeout_s=1)
    with pytest.raises(notifiers.DeliveryError, match="2 attempt"):
        down.send({"rule": "hk"})


def test_cli_alerts_and_trends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from agorascope.cli import app

    proj = tmp_path / "p"
    p = _project(proj, [])
    p.ingest_batches([_posts(T0, 150, 10, tag_at={m: 4 for m in range(120, 130)})], source="s")
    p.close()
    monkeypatch.setenv("AGORASCOPE_PROJECT", str(proj))
    r = CliRunner()
    rf = tmp_path / "r.yaml"
    rf.write_text("rules:\n  - {name: hk, watch: hashtag, resolution: 5m, min_z: 4, min_count: 10, min_authors: 5}\n")
    res = r.invoke(app, ["alerts", "add", str(rf), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["rules"] == ["hk"]
    res = r.invoke(app, ["alerts", "list", "--json"])
    assert [x["name"] for x in json.loads(res.stdout)["rules"]] == ["hk"]
    res = r.invoke(app, ["alerts", "test", "hk", "--since", "2026-03-01", "--json"])
    hits = json.loads(res.stdout)["would_fire"]
    assert [h["key"] for h in hits] == ["surge"]
    res = r.invoke(app, ["trends", "--resolution", "5m", "--kind", "hashtag", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["rising"][0]["key"] == "surge"
    before = json.loads(res.stdout)["rising"][0]
    res = r.invoke(app, ["trends", "--rebuild", "--resolution", "5m", "--kind", "hashtag", "--json"])
    assert res.exit_code == 0, res.output
    p_rows = json.loads(res.stdout)["rising"][0]
    assert (p_rows["key"], p_rows["observed"], p_rows["bucket"]) == (before["key"], before["observed"],
                                                                      before["bucket"])
    res = r.invoke(app, ["alerts", "history", "--json"])
    assert json.loads(res.stdout)["alerts"] == []  # the rule came after the data; test does not store
    res = r.invoke(app, ["alerts", "remove", "hk", "--json"])
    assert json.loads(res.stdout) == {"removed": "hk"}
