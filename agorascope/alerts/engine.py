"""The alert engine: rules evaluated on every batch's trend rows, alerts stored with their
evidence, notifications delivered with retries and kept when a receiver is down.

Tables (created here):

    alert_rules       (name, spec JSON, created_at)
    alert_notifiers   (name, type, spec JSON, created_at)
    alerts            (alert_id, rule, kind, key, resolution, bucket, fired_at, observed, baseline,
                       z_score, growth, distinct_authors, bucket_posts, evidence JSON)
    alert_examples    (alert_id, post_id)
    alert_deliveries  (alert_id, notifier, status, attempts, last_error, next_attempt_at, delivered_at)
    alert_meta        (key, value)            the last trend batch (seq) evaluated

Cool-down is measured in *data* time (bucket start): a week imported from a file alerts as a
live week would have, and a live stream's data time is wall time. Quiet hours are wall-clock
UTC and only hold notifications back; the alert itself is stored at once.
"""

from __future__ import annotations

import json
import logging
import weakref
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pyarrow as pa

from agorascope.alerts.notifiers import DeliveryError, LogNotifier, Notifier, build
from agorascope.alerts.rules import NotifierSpec, Rule
from agorascope.errors import ConfigError
from agorascope.store.duckdb_store import DuckDBStore
from agorascope.store.sql import time_range

log = logging.getLogger(__name__)

__all__ = ["AlertEngine", "DeliveryError", "add_notifier", "add_rule", "deliver_pending", "evaluate", "history",
           "list_notifiers", "list_rules", "remove_rule", "watched_keys"]

_DDL = [
    "CREATE TABLE IF NOT EXISTS alert_rules (name VARCHAR PRIMARY KEY, spec VARCHAR, created_at TIMESTAMPTZ)",
    "CREATE TABLE IF NOT EXISTS alert_notifiers (name VARCHAR PRIMARY KEY, type VARCHAR, spec VARCHAR, "
    "created_at TIMESTAMPTZ)",
    """CREATE TABLE IF NOT EXISTS alerts (alert_id BIGINT, rule VARCHAR, kind VARCHAR, key VARCHAR,
        resolution VARCHAR, bucket TIMESTAMPTZ, fired_at TIMESTAMPTZ, observed BIGINT, baseline DOUBLE,
        z_score DOUBLE, growth DOUBLE, distinct_authors BIGINT, bucket_posts BIGINT, evidence VARCHAR)""",
    "CREATE TABLE IF NOT EXISTS alert_examples (alert_id BIGINT, post_id VARCHAR)",
    """CREATE TABLE IF NOT EXISTS alert_deliveries (alert_id BIGINT, notifier VARCHAR, status VARCHAR,
        attempts INTEGER, last_error VARCHAR, next_attempt_at TIMESTAMPTZ, delivered_at TIMESTAMPTZ)""",
    "CREATE TABLE IF NOT EXISTS alert_meta (key VARCHAR PRIMARY KEY, value BIGINT)",
]

#: A key counts as "new" when its expected count in the bucket is at most this.
NEW_KEY_BASELINE = 1.0
BACKOFF_BASE_S = 30.0
BACKOFF_MAX_S = 3600.0


def ensure_tables(store: DuckDBStore) -> None:
    """Create the alert tables (and the trend tables they read); a read-only store is left as is."""
    if store.read_only or store in _READY:
        return
    for ddl in _DDL:
        store.execute(ddl)
    from agorascope.analysis.trends import ensure_tables as trend_tables

    trend_tables(store)
    _READY.add(store)


_READY: weakref.WeakSet[DuckDBStore] = weakref.WeakSet()


# -- rules and notifiers ------------------------------------------------------------------------
def add_rule(store: DuckDBStore, rule: Rule, *, replace: bool = True) -> None:
    """Store a rule (replacing one of the same name unless `replace` is False)."""
    ensure_tables(store)
    exists = store.scalar("SELECT count(*) FROM alert_rules WHERE name = ?", [rule.name])
    if exists and not replace:
        raise ConfigError(f"A rule named {rule.name} exists; remove it first or choose another name.")
    store.execute("DELETE FROM alert_rules WHERE name = ?", [rule.name])
    store.execute("INSERT INTO alert_rules VALUES (?, ?, ?)", [rule.name, json.dumps(rule.to_dict()),
                                                               datetime.now(UTC)])


def remove_rule(store: DuckDBStore, name: str) -> bool:
    ensure_tables(store)
    n = store.scalar("SELECT count(*) FROM alert_rules WHERE name = ?", [name])
    if not n:
        names = [r.name for r in list_rules(store)]
        raise ConfigError(f"No rule named {name!r}. Rules: {', '.join(names) or 'none (add one with alerts add)'}.")
    store.execute("DELETE FROM alert_rules WHERE name = ?", [name])
    return True


def list_rules(store: DuckDBStore) -> list[Rule]:
    ensure_tables(store)
    rows = store.query("SELECT spec FROM alert_rules ORDER BY name").column("spec").to_pylist()
    return [Rule.from_dict(json.loads(s)) for s in rows]


def add_notifier(store: DuckDBStore, spec: NotifierSpec) -> None:
    ensure_tables(store)
    store.execute("DELETE FROM alert_notifiers WHERE name = ?", [spec.name])
    store.execute("INSERT INTO alert_notifiers VALUES (?, ?, ?, ?)",
                  [spec.name, spec.type, json.dumps(spec.options), datetime.now(UTC)])


def list_notifiers(store: DuckDBStore) -> list[NotifierSpec]:
    ensure_tables(store)
    rows = store.query("SELECT name, type, spec FROM alert_notifiers ORDER BY name").to_pylist()
    return [NotifierSpec(r["name"], r["type"], json.loads(r["spec"])) for r in rows]


def notifiers_of(store: DuckDBStore) -> dict[str, Notifier]:
    """The store's notifiers by name, plus the built-in `log`."""
    out: dict[str, Notifier] = {"log": LogNotifier()}
    for spec in list_notifiers(store):
        out[spec.name] = build(spec)
    return out


def watched_keys(store: DuckDBStore) -> dict[str, set[str]]:
    """kind -> keys named by enabled rules (the counters always store their rows)."""
    out: dict[str, set[str]] = {}
    if "alert_rules" not in store.tables():
        return out
    from agorascope.analysis.trends_counts import KINDS

    for r in list_rules(store):
        if r.enabled and r.keys:
            for kind in (KINDS if r.watch == "any" else (r.watch,)):
                out.setdefault(kind, set()).update(r.keys)
    return out


# -- evaluation ---------------------------------------------------------------------------------
def _matches(store: DuckDBStore, rule: Rule, *, since_seq: int | None, since: datetime | None,
             until: datetime | None) -> list[dict[str, Any]]:
    where = ["resolution = ?", "observed >= ?", "distinct_authors >= ?"]
    params: list[Any] = [rule.resolution, rule.min_count, rule.min_authors]
    if rule.watch != "any":
        where.append("kind = ?")
        params.append(rule.watch)
    else:  # content keys; language and platform shares are watched only when named
        where.append("kind IN ('term', 'hashtag', 'domain', 'narrative')")
    if rule.keys:
        where.append("list_contains(?, key)")
        params.append(list(rule.keys))
    if rule.min_z is not None:
        where.append("z_score >= ?")
        params.append(float(rule.min_z))
    if rule.min_growth is not None:
        where.append("observed / greatest(baseline, 1.0) >= ?")
        params.append(float(rule.min_growth))
    if rule.new_key:
        where.append("baseline <= ? AND z_score IS NOT NULL")
        params.append(NEW_KEY_BASELINE)
    if since_seq is not None:
        where.append("seq > ?")
        params.append(since_seq)
    span, span_params = time_range("bucket", since, until)
    where += span
    params += span_params
    sql = (f"SELECT k.*, (SELECT list(post_id ORDER BY post_id) FROM trend_examples e WHERE e.resolution = k.resolution"
           f" AND e.bucket = k.bucket AND e.kind = k.kind AND e.key = k.key) AS example_post_ids "
           f"FROM trend_keys k WHERE {' AND '.join(where)} ORDER BY bucket, z_score DESC NULLS LAST, key")
    return store.query(sql, params).to_pylist()


def _in_quiet(now: datetime, window: tuple[time, time] | None) -> datetime | None:
    """End of the quiet window `now` falls in, or None."""
    if not window:
        return None
    start, end = window
    t = now.astimezone(UTC).time().replace(tzinfo=None)
    inside = (start <= t < end) if start <= end else (t >= start or t < end)
    if not inside:
        return None
    end_dt = now.astimezone(UTC).replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return end_dt if end_dt > now else end_dt + timedelta(days=1)


def evaluate(store: DuckDBStore, *, now: datetime | None = None, since_seq: int | None = None,
             rules: list[Rule] | None = None, dry_run: bool = False, since: datetime | None = None,
             until: datetime | None = None) -> pa.Table:
    """Evaluate rules on the trend rows written since the last evaluation; store and return new alerts.

    `since_seq`: evaluate rows of trend batches after this one (default: where the last call
    stopped). `dry_run`: return what would fire (over `since`/`until`) without storing anything.
    """
    ensure_tables(store)
    now = now or datetime.now(UTC)
    rules = [r for r in (rules if rules is not None else list_rules(store)) if r.enabled]
    top_seq = int(store.scalar("SELECT value FROM trend_meta WHERE key = 'seq'") or 0)
    if since_seq is None and not dry_run:
        since_seq = int(store.scalar("SELECT value FROM alert_meta WHERE key = 'seq'") or 0)
    if dry_run:
        since_seq = None
    fired: list[dict[str, Any]] = []
    next_id = int(store.scalar("SELECT coalesce(max(alert_id), 0) FROM alerts") or 0) + 1
    for rule in rules:
        matches = _matches(store, rule, since_seq=since_seq, since=since, until=until)
        if not matches:
            continue
        last = {} if dry_run else {
            (r["kind"], r["key"]): r["b"] for r in store.query(
                "SELECT kind, key, max(bucket) AS b FROM alerts WHERE rule = ? GROUP BY ALL", [rule.name]).to_pylist()}
        for m in matches:
            k = (m["kind"], m["key"])
            prev = last.get(k)
            if prev is not None and m["bucket"] < prev + max(rule.cooldown, timedelta(microseconds=1)):
                continue
            last[k] = m["bucket"]
            baseline = float(m["baseline"] or 0.0)
            alert = {
                "alert_id": next_id, "rule": rule.name, "kind": m["kind"], "key": m["key"],
                "resolution": m["resolution"], "bucket": m["bucket"], "fired_at": now,
                "observed": int(m["observed"]), "baseline": round(baseline, 3), "z_score": m["z_score"],
                "growth": round(m["observed"] / max(baseline, 1.0), 3), "distinct_authors": int(m["distinct_authors"]),
                "bucket_posts": int(m["bucket_posts"]), "example_post_ids": list(m["example_post_ids"] or []),
                "evidence": {"bucket_closed": bool(m["closed"]), "first_seen": m["first_seen"],
                             "thresholds": {"min_z": rule.min_z, "min_count": rule.min_count,
                                            "min_growth": rule.min_growth, "min_authors": rule.min_authors,
                                            "new_key": rule.new_key, "cooldown": rule.to_dict()["cooldown"]}},
            }
            next_id += 1
            fired.append(alert)
            if not dry_run:
                _store_alert(store, alert, rule, now)
    if not dry_run:
        store.execute("INSERT INTO alert_meta VALUES ('seq', ?) ON CONFLICT (key) DO UPDATE SET value = "
                      "excluded.value", [top_seq])
        for a in fired:
            log.info("alert %s: %s %s z=%s", a["rule"], a["kind"], a["key"], a["z_score"])
    return _alerts_table(fired)


def _store_alert(store: DuckDBStore, a: dict[str, Any], rule: Rule, now: datetime) -> None:
    store.execute("INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  [a["alert_id"], a["rule"], a["kind"], a["key"], a["resolution"], a["bucket"], a["fired_at"],
                   a["observed"], a["baseline"], a["z_score"], a["growth"], a["distinct_authors"],
                   a["bucket_posts"], json.dumps(a["evidence"], default=str)])
    for pid in a["example_post_ids"]:
        store.execute("INSERT INTO alert_examples VALUES (?, ?)", [a["alert_id"], pid])
    hold = _in_quiet(now, rule.quiet_hours)
    for name in rule.notify:
        store.execute("INSERT INTO alert_deliveries VALUES (?, ?, 'pending', 0, NULL, ?, NULL)",
                      [a["alert_id"], name, hold or now])


_ALERT_SCHEMA = pa.schema([
    ("alert_id", pa.int64()), ("rule", pa.string()), ("kind", pa.string()), ("key", pa.string()),
    ("resolution", pa.string()), ("bucket", pa.timestamp("us", tz="UTC")), ("fired_at", pa.timestamp("us", tz="UTC")),
    ("observed", pa.int64()), ("baseline", pa.float64()), ("z_score", pa.float64()), ("growth", pa.float64()),
    ("distinct_authors", pa.int64()), ("bucket_posts", pa.int64()), ("example_post_ids", pa.list_(pa.string())),
    ("evidence", pa.string())])


def _alerts_table(rows: list[dict[str, Any]]) -> pa.Table:
    rows = [{**r, "evidence": json.dumps(r["evidence"], default=str)} for r in rows]
    return pa.Table.from_pylist(rows, schema=_ALERT_SCHEMA)


def _payload(store: DuckDBStore, alert_id: int) -> dict[str, Any]:
    row = store.query("SELECT * FROM alerts WHERE alert_id = ?", [alert_id]).to_pylist()[0]
    row["example_post_ids"] = store.query("SELECT post_id FROM alert_examples WHERE alert_id = ? ORDER BY post_id",
                                          [alert_id]).column("post_id").to_pylist()
    row["evidence"] = json.loads(row["evidence"] or "{}")
    for k in ("bucket", "fired_at"):
        row[k] = row[k].isoformat() if row[k] else None
    return row


# -- delivery -----------------------------------------------------------------------------------
def deliver_pending(store: DuckDBStore, notifiers: Mapping[str, Notifier] | None = None, *,
                    now: datetime | None = None, attempts: int | None = None) -> dict[str, int]:
    """Send every due, undelivered notification; failures are kept and retried with back-off.

    `attempts`: tries per notification in this call (default: each notifier's own retries).
    Returns counts: delivered, failed (kept for later), waiting (not yet due).
    """
    ensure_tables(store)
    now = now or datetime.now(UTC)
    notifiers = dict(notifiers) if notifiers is not None else notifiers_of(store)
    due = store.query("SELECT alert_id, notifier, attempts FROM alert_deliveries WHERE status <> 'delivered' "
                      "AND next_attempt_at <= ? ORDER BY alert_id, notifier", [now]).to_pylist()
    delivered = failed = 0
    for d in due:
        note = notifiers.get(d["notifier"])
        try:
            if note is None:
                raise DeliveryError(f"no notifier named {d['notifier']!r}; add it with `alerts add FILE` "
                                    "(notifiers section)")
            note.send(_payload(store, d["alert_id"]), attempts=attempts)
        except DeliveryError as exc:
            n = int(d["attempts"]) + 1
            wait = min(BACKOFF_BASE_S * 2 ** (n - 1), BACKOFF_MAX_S)
            store.execute("UPDATE alert_deliveries SET status = 'undelivered', attempts = ?, last_error = ?, "
                          "next_attempt_at = ? WHERE alert_id = ? AND notifier = ?",
                          [n, str(exc)[:500], now + timedelta(seconds=wait), d["alert_id"], d["notifier"]])
            log.warning("alert %s not delivered via %s (%s); retry in %.0fs", d["alert_id"], d["notifier"], exc, wait)
            failed += 1
        else:
            store.execute("UPDATE alert_deliveries SET status = 'delivered', attempts = attempts + 1, "
                          "last_error = NULL, delivered_at = ? WHERE alert_id = ? AND notifier = ?",
                          [datetime.now(UTC), d["alert_id"], d["notifier"]])
            delivered += 1
    waiting = int(store.scalar("SELECT count(*) FROM alert_deliveries WHERE status <> 'delivered'") or 0) - failed
    return {"delivered": delivered, "failed": failed, "waiting": max(waiting, 0)}


def history(store: DuckDBStore, *, since: datetime | None = None, until: datetime | None = None,
            rule: str | None = None, limit: int = 100) -> pa.Table:
    """Stored alerts, newest bucket first, with delivery status per notifier and example post ids."""
    ensure_tables(store)
    span, params = time_range("a.bucket", since, until)
    where = ["TRUE", *span]
    if rule:
        where.append("a.rule = ?")
        params.append(rule)
    sql = f"""SELECT a.alert_id, a.rule, a.kind, a.key, a.resolution, a.bucket, a.fired_at, a.observed, a.baseline,
                a.z_score, a.growth, a.distinct_authors, a.bucket_posts,
                coalesce((SELECT list(post_id ORDER BY post_id) FROM alert_examples e WHERE e.alert_id = a.alert_id),
                         []::VARCHAR[]) AS example_post_ids,
                coalesce((SELECT list(notifier || ':' || status ORDER BY notifier) FROM alert_deliveries d
                          WHERE d.alert_id = a.alert_id), []::VARCHAR[]) AS deliveries,
                a.evidence
              FROM alerts a WHERE {' AND '.join(where)} ORDER BY a.bucket DESC, a.alert_id DESC LIMIT {int(limit)}"""
    return store.query(sql, params)


class AlertEngine:
    """The engine bound to one store (a convenience over the module functions)."""

    def __init__(self, store: DuckDBStore, notifiers: Mapping[str, Notifier] | None = None):
        self.store = store
        self.notifiers = notifiers

    def add_rule(self, rule: Rule) -> None:
        add_rule(self.store, rule)

    def list_rules(self) -> list[Rule]:
        return list_rules(self.store)

    def evaluate(self, *, now: datetime | None = None) -> pa.Table:
        return evaluate(self.store, now=now)

    def deliver_pending(self, *, now: datetime | None = None, attempts: int | None = None) -> dict[str, int]:
        return deliver_pending(self.store, self.notifiers, now=now, attempts=attempts)

    def history(self, **kw: Any) -> pa.Table:
        return history(self.store, **kw)
