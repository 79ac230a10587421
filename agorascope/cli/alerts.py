"""`agorascope alerts add|list|test|history|remove|deliver`: early-warning rules and their alerts."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from agorascope.cli._common import JsonOpt, app, emit_json, err, open_project, out, parse_time

alerts_app = typer.Typer(help="Alert rules on rising keys, their notifiers (webhook, email, log) and history.",
                         no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")


@alerts_app.command("add")
def add(
    file: Path = typer.Argument(None, help="YAML or JSON file with `rules` (and optional `notifiers`); "
                                "see the README for the format."),
    name: str = typer.Option(None, "--name", help="Rule name (when giving one rule by flags)."),
    watch: str = typer.Option("any", "--watch", help="term, hashtag, domain, lang, platform, narrative or any."),
    keys: str = typer.Option(None, "--keys", help="Comma list of keys to watch (default: any key of that kind)."),
    resolution: str = typer.Option("5m", "--resolution", "-r", help="Bucket size: 5m, 1h or 1d."),
    min_z: float = typer.Option(5.0, "--min-z", help="Fire at this z-score over the key's baseline (0: no z test)."),
    min_count: int = typer.Option(10, "--min-count", help="Fire only with at least this many posts in the bucket."),
    min_growth: float = typer.Option(None, "--min-growth", help="Fire only when observed / baseline reaches this."),
    min_authors: int = typer.Option(5, "--min-authors", help="Fire only with this many distinct accounts (one "
                                    "spammer never fires a rule)."),
    new_key: bool = typer.Option(False, "--new-key", help="Only keys with (almost) no history."),
    cooldown: str = typer.Option("1h", "--cooldown", help="No second alert for the same key within this "
                                 "(15m, 1h, 1d)."),
    quiet_hours: str = typer.Option(None, "--quiet-hours", help="UTC window, e.g. 22:00-07:00: alerts are stored "
                                    "but notifications wait until it ends."),
    notify: str = typer.Option("log", "--notify", help="Comma list of notifier names (log, or ones defined in a "
                               "rule file)."),
    as_json: bool = JsonOpt,
) -> None:
    """Add rules from a file, or one rule from flags (a rule of the same name is replaced)."""
    from agorascope.alerts import engine, rules
    from agorascope.errors import ConfigError

    if file is None and not name:
        raise ConfigError("Give a rule file (alerts add rules.yaml) or a rule by flags (--name N --watch hashtag …).")
    if file is not None:
        rs, ns = rules.load_file(file)
    else:
        rs = [rules.Rule(name=name, watch=watch, keys=tuple((keys or "").split(",")) if keys else (),
                         resolution=resolution, min_z=min_z or None, min_count=min_count, min_growth=min_growth,
                         min_authors=min_authors, new_key=new_key, cooldown=rules.parse_duration(cooldown),
                         quiet_hours=rules.parse_quiet_hours(quiet_hours),
                         notify=tuple(x.strip() for x in notify.split(",") if x.strip()))]
        ns = []
    with open_project() as p:
        for n in ns:
            engine.add_notifier(p.store, n)
        for r in rs:
            engine.add_rule(p.store, r)
        known = {"log", *(n.name for n in engine.list_notifiers(p.store))}
    missing = sorted({x for r in rs for x in r.notify} - known)
    if as_json:
        emit_json({"rules": [r.name for r in rs], "notifiers": [n.name for n in ns], "unknown_notifiers": missing})
        return
    err.print(f"Added {len(rs)} rule(s): {', '.join(r.name for r in rs)}"
              + (f"; {len(ns)} notifier(s): {', '.join(n.name for n in ns)}" if ns else "") + ".")
    if missing:
        err.print(f"[yellow]Unknown notifier(s) {', '.join(missing)}: define them in a rule file's `notifiers`.[/]")


@alerts_app.command("list")
def list_(as_json: bool = JsonOpt) -> None:
    """List the alert rules and the notifiers they use (secrets redacted)."""
    from agorascope.alerts import engine

    with open_project(read_only=True) as p:
        rs = engine.list_rules(p.store) if "alert_rules" in p.store.tables() else []
        ns = engine.list_notifiers(p.store) if "alert_notifiers" in p.store.tables() else []
    if as_json:
        emit_json({"rules": [r.to_dict() for r in rs], "notifiers": [n.redacted() for n in ns]})
        return
    t = Table("rule", "watch", "keys", "res", "min z", "min count", "min authors", "cooldown", "notify", title="Rules")
    for r in rs:
        d = r.to_dict()
        t.add_row(r.name, r.watch, ",".join(r.keys) or "*", r.resolution, str(r.min_z), str(r.min_count),
                  str(r.min_authors), d["cooldown"], ",".join(r.notify))
    out.print(t)
    for n in ns:
        out.print(f"notifier [bold]{n.name}[/]: {json.dumps(n.redacted())}")


@alerts_app.command("test")
def test(
    name: str = typer.Argument(..., help="The rule to try."),
    since: str = typer.Option("7d", "--since", help="Range of stored trend buckets to try the rule on."),
    until: str = typer.Option(None, "--until", help="End of the range (exclusive)."),
    send: bool = typer.Option(False, "--send", help="Also send one test notification through the rule's notifiers."),
    as_json: bool = JsonOpt,
) -> None:
    """Dry-run a rule on stored trends (nothing is stored); --send checks its notifiers end to end."""
    from datetime import UTC, datetime

    from agorascope.alerts import engine
    from agorascope.errors import ConfigError

    with open_project(read_only=not send) as p:
        rules = {r.name: r for r in engine.list_rules(p.store)} if "alert_rules" in p.store.tables() else {}
        if name not in rules:
            raise ConfigError(f"No rule named {name!r}. Rules: {', '.join(rules) or 'none (add one with alerts add)'}.")
        rule = rules[name]
        hits = engine.evaluate(p.store, rules=[rule], dry_run=True, since=parse_time(since, name="--since"),
                               until=parse_time(until, name="--until")).to_pylist()
        sent: dict[str, str] = {}
        if send:
            notifiers = engine.notifiers_of(p.store)
            sample = {"rule": name, "kind": rule.watch, "key": "(test)", "observed": 0, "baseline": 0.0,
                      "z_score": None, "distinct_authors": 0, "resolution": rule.resolution,
                      "bucket": datetime.now(UTC).isoformat(), "test": True}
            for n in rule.notify:
                try:
                    if n not in notifiers:
                        raise engine.DeliveryError(f"no notifier named {n!r}")
                    notifiers[n].send(sample, attempts=1)
                    sent[n] = "ok"
                except engine.DeliveryError as exc:
                    sent[n] = f"failed: {exc}"
    if as_json:
        emit_json({"rule": name, "would_fire": hits, "sent": sent})
        return
    t = Table("bucket", "kind", "key", "z", "observed", "baseline", "authors", title=f"Rule {name} would fire")
    for h in hits:
        t.add_row(h["bucket"].strftime("%Y-%m-%d %H:%M"), h["kind"], h["key"],
                  f"{h['z_score']:.1f}" if h["z_score"] is not None else "-", str(h["observed"]),
                  f"{h['baseline']:.1f}", str(h["distinct_authors"]))
    out.print(t)
    for n, status in sent.items():
        err.print(f"notifier {n}: {status}")


@alerts_app.command("history")
def history(
    since: str = typer.Option(None, "--since", help="Alerts of buckets from this time (7d, 12h, a date)."),
    until: str = typer.Option(None, "--until", help="… until this time (exclusive)."),
    rule: str = typer.Option(None, "--rule", help="Only this rule's alerts."),
    limit: int = typer.Option(100, "--limit", "-n", help="Most recent N alerts."),
    as_json: bool = JsonOpt,
) -> None:
    """Alerts fired, newest first, with the counts and baseline that fired them and delivery status."""
    from agorascope.alerts import engine

    with open_project(read_only=True) as p:
        if "alerts" not in p.store.tables():
            rows = []
        else:
            rows = engine.history(p.store, since=parse_time(since, name="--since"),
                                  until=parse_time(until, name="--until"), rule=rule, limit=limit).to_pylist()
    if as_json:
        emit_json({"alerts": rows})
        return
    t = Table("id", "rule", "bucket", "kind", "key", "z", "observed", "baseline", "authors", "delivery", title="Alerts")
    for r in rows:
        t.add_row(str(r["alert_id"]), r["rule"], r["bucket"].strftime("%Y-%m-%d %H:%M"), r["kind"], r["key"],
                  f"{r['z_score']:.1f}" if r["z_score"] is not None else "-", str(r["observed"]),
                  f"{r['baseline']:.1f}", str(r["distinct_authors"]), ", ".join(r["deliveries"]))
    out.print(t)


@alerts_app.command("remove")
def remove(name: str = typer.Argument(..., help="The rule to remove (its past alerts are kept)."),
           as_json: bool = JsonOpt) -> None:
    """Remove an alert rule by name; the alerts it fired stay in the history."""
    from agorascope.alerts import engine

    with open_project() as p:
        engine.remove_rule(p.store, name)
    if as_json:
        emit_json({"removed": name})
    else:
        err.print(f"Removed rule {name}.")


@alerts_app.command("deliver")
def deliver(as_json: bool = JsonOpt) -> None:
    """Retry undelivered notifications now (they are also retried with back-off on every new batch)."""
    from agorascope.alerts import engine

    with open_project() as p:
        res = engine.deliver_pending(p.store)
    if as_json:
        emit_json(res)
    else:
        err.print(f"delivered {res['delivered']}, failed {res['failed']} (kept for later), waiting {res['waiting']}.")
