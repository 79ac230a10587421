"""`agorascope demo`: a simulated multilingual week with a planted campaign, end to end.

Simulate → ingest → every analysis that exists → a summary that checks itself against the
simulator's ground truth (did the planted burst and the planted network show up?).
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from agorascope.project import Project

log = logging.getLogger(__name__)

#: Analysis steps the demo runs after ingest, in order: (name, function(project, sim, summary)).
DEMO_STEPS: list[tuple[str, Callable[[Project, Any, dict[str, Any]], None]]] = []


def demo_step(name: str) -> Callable[[Callable[[Project, Any, dict[str, Any]], None]],
                                     Callable[[Project, Any, dict[str, Any]], None]]:
    """Register an analysis to run in the demo; it adds its section to the summary dict."""
    def deco(fn: Callable[[Project, Any, dict[str, Any]], None]) -> Callable[[Project, Any, dict[str, Any]], None]:
        DEMO_STEPS.append((name, fn))
        return fn
    return deco


def run_demo(directory: Path | str, *, posts: int = 200_000, days: int = 7, seed: int = 7,
             on_step: Callable[[int, str], None] | None = None) -> dict[str, Any]:
    """Build a fresh demo project in `directory` and return the summary as a dict."""
    from agorascope import demo_steps  # noqa: F401  (registers the analysis steps)
    from agorascope.sim import SimConfig, Simulation

    directory = Path(directory)
    if directory.exists():
        if not (directory / "agorascope.duckdb").exists() and any(directory.iterdir()):
            from agorascope.errors import ConfigError

            raise ConfigError(f"{directory} exists and is not an agorascope project; choose another --dir.")
        shutil.rmtree(directory)
    step = 0

    def tick(name: str) -> None:
        nonlocal step
        step += 1
        if on_step:
            on_step(step, name)

    summary: dict[str, Any] = {"project": str(directory), "timings_s": {}}
    sim = Simulation(SimConfig(posts=posts, days=days, seed=seed))
    tick("simulate + ingest")
    t0 = time.perf_counter()
    with Project.init(directory) as project:
        rep = project.ingest_batches(sim.batches(), source="demo-sim")
        summary["timings_s"]["ingest"] = round(time.perf_counter() - t0, 2)
        sim.write_truth(directory / "ground_truth.json")
        summary["ingest"] = {"imported": rep.imported, "duplicates": rep.duplicates,
                             "quarantined": rep.quarantined}
        st = project.status()
        summary["corpus"] = {k: st[k] for k in ("posts", "authors", "first", "last", "platforms", "languages")}
        for name, fn in DEMO_STEPS:
            tick(name)
            t1 = time.perf_counter()
            fn(project, sim, summary)
            summary["timings_s"][name] = round(time.perf_counter() - t1, 2)
    summary["timings_s"]["total"] = round(time.perf_counter() - t0, 2)
    return summary


def render_summary(summary: dict[str, Any], console: Console) -> None:
    """Print the demo summary with rich: corpus, then each analysis section."""
    c = summary["corpus"]
    console.rule("[bold]agorascope demo")
    console.print(f"{c['posts']:,} posts by {c['authors']:,} pseudonymous authors, {c['first']} → {c['last']}")
    t = Table("platform", "posts", title="Platforms")
    for k, v in c["platforms"].items():
        t.add_row(k, f"{v:,}")
    console.print(t)
    for name, section in summary.items():
        renderer = _RENDERERS.get(name)
        if renderer:
            renderer(section, console)
    timings = ", ".join(f"{k} {v}s" for k, v in summary["timings_s"].items())
    console.print(f"[dim]timings: {timings}[/]")
    console.print(f"Project in [bold]{summary['project']}[/]; try `agorascope --project {summary['project']} status`.")


_RENDERERS: dict[str, Callable[[Any, Console], None]] = {}


def summary_renderer(name: str) -> Callable[[Callable[[Any, Console], None]], Callable[[Any, Console], None]]:
    """Register how a summary section prints."""
    def deco(fn: Callable[[Any, Console], None]) -> Callable[[Any, Console], None]:
        _RENDERERS[name] = fn
        return fn
    return deco
