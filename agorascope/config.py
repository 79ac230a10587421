"""Settings: one typed object, loaded once at the edge (CLI, API) and passed down.

Precedence: command-line flag > `AGORASCOPE_*` environment variable > the project's
`agorascope.toml` > default. Library code never reads `os.environ`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from agorascope.errors import ConfigError

CONFIG_FILE = "agorascope.toml"
STORE_FILE = "agorascope.duckdb"


@dataclass
class Settings:
    """What a project run needs to know. `sources` maps a setting name to where it came from."""

    project: Path = Path("agorascope-project")
    secret: str | None = None  # overrides the project's secret.key (AGORASCOPE_SECRET)
    #: Posts per import commit: one DuckDB row group, which DuckDB writes straight to the file.
    batch_rows: int = 122_880
    threads: int = 2
    memory_limit: str | None = None
    mask_mentions: bool = True
    lock_wait_s: float = 0.0
    run_hooks: bool = True  # update trends/alerts on every ingested batch
    sources: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def store_path(self) -> Path:
        return self.project / STORE_FILE

    def redacted(self) -> dict[str, object]:
        """Values in effect, secrets redacted, with their source (`config show`)."""
        out: dict[str, object] = {}
        for f in fields(self):
            if f.name == "sources":
                continue
            v = getattr(self, f.name)
            if f.name == "secret" and v:
                v = "***"
            out[f.name] = {"value": str(v) if isinstance(v, Path) else v,
                           "source": self.sources.get(f.name, "default")}
        return out


def load_settings(*, flags: Mapping[str, object] | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Resolve settings from flags, environment and the project's `agorascope.toml`."""
    env = os.environ if env is None else env
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    s = Settings()
    types = {f.name: f.type for f in fields(Settings)}

    def setv(name: str, value: object, origin: str) -> None:
        try:
            t = types[name]
            if name == "project":
                value = Path(str(value)).expanduser()
            elif "int" in str(t):
                value = int(value)  # type: ignore[arg-type]
            elif "float" in str(t):
                value = float(value)  # type: ignore[arg-type]
            elif "bool" in str(t) and isinstance(value, str):
                value = value.strip().lower() in ("1", "true", "yes", "on")
        except (TypeError, ValueError):
            raise ConfigError(f"Setting {name!r} from {origin} has a bad value {value!r}.") from None
        setattr(s, name, value)
        s.sources[name] = origin

    project = flags.get("project") or env.get("AGORASCOPE_PROJECT")
    if project:
        setv("project", project, "flag" if "project" in flags else "env AGORASCOPE_PROJECT")
    cfg = s.project / CONFIG_FILE
    if cfg.exists():
        try:
            data = tomllib.loads(cfg.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{cfg} is not valid TOML: {exc}") from None
        for k, v in data.items():
            if k in types and k not in ("project", "sources", "secret"):
                setv(k, v, str(cfg))
    for name in types:
        if name in ("project", "sources"):
            continue
        ev = env.get(f"AGORASCOPE_{name.upper()}")
        if ev is not None:
            setv(name, ev, f"env AGORASCOPE_{name.upper()}")
    for name, v in flags.items():
        if name in types and name != "project":
            setv(name, v, "flag")
    return s
