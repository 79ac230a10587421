"""The demo's `trends` section: each planted burst against what the burst test flagged, and the top
rising keys. Counting already happened in the ingest hook; this only reads the trend tables."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from agorascope.project import Project

#: What counts as "detected" in the demo: the defaults of a sensible alert rule.
DETECT_Z = 5.0
DETECT_AUTHORS = 5
_SIZE = {"5m": timedelta(minutes=5), "1h": timedelta(hours=1), "1d": timedelta(days=1)}


def _first_detection(project: Project, keys: list[dict[str, str]], onset: datetime, end: datetime
                     ) -> dict[str, Any] | None:
    """The flagged bucket of the burst's keys closest to its onset, in buckets of its resolution."""
    store = project.store
    if "trend_keys" not in store.tables():
        return None
    best: dict[str, Any] | None = None
    for res in ("5m", "1h"):
        for k in keys:
            rows = store.query(
                "SELECT bucket, observed, baseline, z_score, distinct_authors FROM trend_keys WHERE resolution = ? "
                "AND kind = ? AND key = ? AND z_score >= ? AND distinct_authors >= ? AND bucket > ? AND bucket <= ? "
                "ORDER BY bucket LIMIT 1",
                [res, k["kind"], k["key"], DETECT_Z, DETECT_AUTHORS, onset - _SIZE[res], end]).to_pylist()
            if rows:
                r = rows[0]
                lag = max(0.0, (r["bucket"] - onset) / _SIZE[res])
                cand = {"resolution": res, "kind": k["kind"], "key": k["key"], "bucket": r["bucket"].isoformat(),
                        "lag_buckets": round(lag, 2),
                        "lag_minutes": round(max(0.0, (r["bucket"] - onset).total_seconds() / 60), 1),
                        "z_score": r["z_score"], "observed": r["observed"], "baseline": r["baseline"],
                        "distinct_authors": r["distinct_authors"]}
                # The detection with the smallest lag in its own buckets (5m preferred on ties).
                if best is None or lag < best["lag_buckets"]:
                    best = cand
    return best


def summarise(project: Project, sim: Any) -> dict[str, Any]:
    from agorascope.analysis.trends import rising

    truth = sim.truth() if sim is not None else {"bursts": []}
    bursts = []
    for b in truth.get("bursts", []):
        onset = datetime.fromisoformat(b["onset"])
        end = datetime.fromisoformat(b["end"])
        keys = [k for k in b.get("keys", [{"kind": b["kind"], "key": b["key"]}]) if k["kind"] != "narrative"]
        if b["kind"] == "narrative":
            keys.append({"kind": "narrative", "key": b["key"]})
        det = _first_detection(project, keys, onset, end)
        bursts.append({"id": b.get("id"), "kind": b["kind"], "key": b["key"], "onset": b["onset"],
                       "detected": det is not None, "detection": det})
    top = rising(project.store, resolution="1h", limit=8).to_pylist()
    return {
        "planted": len(bursts), "detected": sum(b["detected"] for b in bursts), "bursts": bursts,
        "rising_top": [{"kind": r["kind"], "key": r["key"], "z_score": r["z_score"], "observed": r["observed"],
                        "baseline": r["baseline"], "distinct_authors": r["distinct_authors"],
                        "bucket": r["bucket"].isoformat()} for r in top],
    }


def render_section(section: dict[str, Any], console: Console) -> None:
    from rich.table import Table

    t = Table("burst", "planted key", "onset (truth)", "flagged in", "lag", "z", "observed / baseline", "authors",
              title=f"Trends: {section['detected']}/{section['planted']} planted bursts flagged")
    for b in section["bursts"]:
        d = b["detection"]
        if d:
            t.add_row(str(b["id"]), f"{b['kind']} {b['key']}", b["onset"][5:16].replace("T", " "),
                      f"{d['kind']} {d['key']} ({d['resolution']} bucket {d['bucket'][11:16]})",
                      f"{d['lag_buckets']:.0f} bucket(s)",
                      f"{d['z_score']:.1f}", f"{d['observed']} / {d['baseline']:.1f}", str(d["distinct_authors"]))
        else:
            t.add_row(str(b["id"]), f"{b['kind']} {b['key']}", b["onset"][5:16].replace("T", " "), "[red]missed[/]",
                      "", "", "", "")
    console.print(t)
    if section["rising_top"]:
        r = Table("kind", "key", "z", "observed", "baseline", "authors", "bucket", title="Top rising (1h buckets)")
        for x in section["rising_top"]:
            r.add_row(x["kind"], x["key"], f"{x['z_score']:.1f}", str(x["observed"]), f"{x['baseline']:.1f}",
                      str(x["distinct_authors"]), x["bucket"][:16].replace("T", " "))
        console.print(r)
