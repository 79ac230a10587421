"""Alert rules: what to watch, when it fires, whom to tell — and loading them from YAML/JSON.

A rule file (YAML or JSON) holds `rules` and, optionally, `notifiers`:

```yaml
notifiers:
  newsroom:  {type: webhook, url: "https://example.org/hook", secret: "change-me", retries: 3}
  desk:      {type: email, host: smtp.example.org, port: 587, sender: alerts@example.org,
              to: [desk@example.org], starttls: true}
rules:
  - name: hk-hashtags
    watch: hashtag            # term | hashtag | domain | lang | platform | narrative | any (= the
                              # content kinds: term, hashtag, domain, narrative)
    keys: [hongkong, 香港]    # empty: any key of that kind
    resolution: 5m            # 5m | 1h | 1d
    min_z: 5                  # significance over the key's own baseline (null: no z test)
    min_count: 20             # posts with the key in the bucket
    min_growth: 3             # observed / baseline (null: no growth test)
    min_authors: 5            # distinct accounts: one spammer never fires a rule
    new_key: false            # only keys with (almost) no baseline
    cooldown: 1h              # no second alert for the same key within this time
    quiet_hours: "22:00-07:00"  # UTC; alerts are stored but notifications wait until it ends
    notify: [log, newsroom]
```
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any

from agorascope.errors import ConfigError

WATCH = ("term", "hashtag", "domain", "lang", "platform", "narrative", "any")
RESOLUTIONS = ("5m", "1h", "1d")
NOTIFIER_TYPES = ("webhook", "email", "log")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: str | int | float | timedelta, *, name: str = "cooldown") -> timedelta:
    """`90s`, `15m`, `1h`, `2d`, `1w` or a number of seconds."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)):
        return timedelta(seconds=float(value))
    m = _DURATION.match(str(value))
    if not m:
        raise ConfigError(f"{name} {value!r} is not a duration: use e.g. 90s, 15m, 1h, 2d.")
    return timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2)])


def parse_quiet_hours(value: str | None) -> tuple[time, time] | None:
    """`22:00-07:00` (UTC) -> (start, end); the window may wrap midnight."""
    if value in (None, ""):
        return None
    m = re.match(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$", str(value))
    if not m or int(m.group(1)) > 23 or int(m.group(3)) > 23 or int(m.group(2)) > 59 or int(m.group(4)) > 59:
        raise ConfigError(f"quiet_hours {value!r} is not a time window: use HH:MM-HH:MM in UTC, e.g. 22:00-07:00.")
    return time(int(m.group(1)), int(m.group(2))), time(int(m.group(3)), int(m.group(4)))


def _fmt_duration(d: timedelta) -> str:
    s = int(d.total_seconds())
    for unit in ("w", "d", "h", "m"):
        if s and s % _UNITS[unit] == 0:
            return f"{s // _UNITS[unit]}{unit}"
    return f"{s}s"


def normalise_key(kind: str, key: str) -> str:
    """Keys as the counters see them: lower-case; hashtags without '#'."""
    k = key.strip().lower()
    if kind == "hashtag":
        k = k.lstrip("#＃")
    return k


@dataclass
class Rule:
    """One alert rule (see the module docstring for the file format)."""

    name: str
    watch: str = "any"
    keys: tuple[str, ...] = ()
    resolution: str = "5m"
    min_z: float | None = 5.0
    min_count: int = 10
    min_growth: float | None = None
    min_authors: int = 5
    new_key: bool = False
    cooldown: timedelta = field(default_factory=lambda: timedelta(hours=1))
    quiet_hours: tuple[time, time] | None = None
    notify: tuple[str, ...] = ("log",)
    enabled: bool = True

    def __post_init__(self) -> None:
        if not self.name or not re.match(r"^[\w.\-]{1,64}$", self.name):
            raise ConfigError(f"Rule name {self.name!r} must be 1-64 letters, digits, '.', '-' or '_'.")
        if self.watch not in WATCH:
            raise ConfigError(f"Rule {self.name}: watch {self.watch!r} is not one of {', '.join(WATCH)}.")
        if self.resolution not in RESOLUTIONS:
            raise ConfigError(f"Rule {self.name}: resolution {self.resolution!r} is not one of "
                              f"{', '.join(RESOLUTIONS)}.")
        if self.min_count < 1 or self.min_authors < 1:
            raise ConfigError(f"Rule {self.name}: min_count and min_authors must be at least 1.")
        if self.min_z is None and self.min_growth is None and not self.new_key and not self.keys:
            raise ConfigError(f"Rule {self.name}: give a threshold (min_z, min_growth or new_key) or name the keys "
                              "to watch, or it fires on every busy key.")
        self.keys = tuple(normalise_key(self.watch, k) for k in self.keys if k.strip())
        self.notify = tuple(self.notify)
        self.cooldown = parse_duration(self.cooldown)
        if isinstance(self.quiet_hours, str):
            self.quiet_hours = parse_quiet_hours(self.quiet_hours)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["keys"] = list(self.keys)
        d["notify"] = list(self.notify)
        d["cooldown"] = _fmt_duration(self.cooldown)
        d["quiet_hours"] = (f"{self.quiet_hours[0]:%H:%M}-{self.quiet_hours[1]:%H:%M}" if self.quiet_hours
                            else None)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Rule:
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ConfigError(f"Rule {d.get('name', '?')}: unknown field {', '.join(unknown)}; "
                              f"known fields: {', '.join(sorted(known))}.")
        d = dict(d)
        if isinstance(d.get("keys"), str):
            d["keys"] = [k for k in d["keys"].split(",")]
        if isinstance(d.get("notify"), str):
            d["notify"] = [k.strip() for k in d["notify"].split(",") if k.strip()]
        d["keys"] = tuple(d.get("keys") or ())
        d["notify"] = tuple(d.get("notify") or ("log",))
        if "cooldown" in d:
            d["cooldown"] = parse_duration(d["cooldown"])
        if "quiet_hours" in d:
            d["quiet_hours"] = parse_quiet_hours(d["quiet_hours"])
        try:
            return cls(**d)
        except TypeError as exc:
            raise ConfigError(f"Rule {d.get('name', '?')}: {exc}") from None


@dataclass
class NotifierSpec:
    """A named notifier: `type` (webhook, email, log) and its options."""

    name: str
    type: str
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.type not in NOTIFIER_TYPES:
            raise ConfigError(f"Notifier {self.name}: type {self.type!r} is not one of {', '.join(NOTIFIER_TYPES)}.")
        if self.type == "webhook" and not str(self.options.get("url", "")).startswith(("http://", "https://")):
            raise ConfigError(f"Notifier {self.name}: a webhook needs url: http(s)://…")
        if self.type == "email" and (not self.options.get("host") or not self.options.get("to")):
            raise ConfigError(f"Notifier {self.name}: an email notifier needs host and to.")

    def redacted(self) -> dict[str, Any]:
        opts = {k: ("***" if k in ("secret", "password") and v else v) for k, v in self.options.items()}
        return {"name": self.name, "type": self.type, **opts}


def load_file(path: Path | str) -> tuple[list[Rule], list[NotifierSpec]]:
    """Rules and notifiers from a YAML (.yaml/.yml) or JSON file."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"No such rule file: {path}")
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except (ValueError, Exception) as exc:  # yaml.YAMLError has no common base with ValueError
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise ConfigError(f"{path.name}: not valid {'JSON' if path.suffix == '.json' else 'YAML'}: "
                          f"{str(exc).splitlines()[0]}") from None
    return parse(data, origin=path.name)


def parse(data: Any, *, origin: str = "rules") -> tuple[list[Rule], list[NotifierSpec]]:
    """Rules and notifiers from parsed YAML/JSON: a mapping with `rules` (list) and `notifiers` (mapping),
    or a bare list of rules."""
    if isinstance(data, list):
        data = {"rules": data}
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping with 'rules' (and optionally 'notifiers').")
    rules_raw = data.get("rules") or []
    if not isinstance(rules_raw, list):
        raise ConfigError(f"{origin}: 'rules' must be a list.")
    notes_raw = data.get("notifiers") or {}
    if not isinstance(notes_raw, dict):
        raise ConfigError(f"{origin}: 'notifiers' must be a mapping of name -> options.")
    rules = []
    for r in rules_raw:
        if not isinstance(r, dict):
            raise ConfigError(f"{origin}: each rule must be a mapping, got {r!r}.")
        rules.append(Rule.from_dict(r))
    notifiers = []
    for name, opts in notes_raw.items():
        opts = dict(opts or {})
        kind = opts.pop("type", None)
        if kind is None:
            raise ConfigError(f"{origin}: notifier {name} needs a type ({', '.join(NOTIFIER_TYPES)}).")
        notifiers.append(NotifierSpec(str(name), str(kind), opts))
    return rules, notifiers
