"""Change points in total volume (ruptures PELT), for batch analysis of a time range.

The raw series has a daily rhythm that PELT would happily report as a change twice a day, so
for sub-daily resolutions the log series first loses its hour-of-day profile (the median over
days of each hour's deviation from its day's median, which a level shift does not distort);
PELT (model "l2") then finds where the level shifts. Default penalty: 6 sigma^2 log(n), sigma
estimated robustly from the median absolute difference of consecutive buckets.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pyarrow as pa

_OUT = pa.schema([("bucket", pa.timestamp("us", tz="UTC")), ("before", pa.float64()), ("after", pa.float64()),
                  ("ratio", pa.float64())])


def detect(volume: pa.Table, *, resolution: str, penalty: float | None = None, min_size: int = 3,
           min_change: float = 0.2) -> pa.Table:
    """Change points of `volume` (bucket, posts): bucket where the new level starts, mean before/after.

    Changes of the mean by less than `min_change` (20 %) are dropped: PELT on a long series
    also finds small, real but uninteresting shifts.
    """
    import ruptures

    if volume.num_rows < 2 * min_size + 1:
        return _OUT.empty_table()
    ts = volume.column("bucket").to_pylist()
    y = volume.column("posts").to_numpy().astype(np.float64)
    level = np.log1p(y)
    if resolution in ("5m", "1h"):
        # Hour-of-day profile, robust to a level shift: the median over days of each hour's
        # deviation from its own day's median.
        hours = np.array([t.hour for t in ts])
        days = np.array([t.toordinal() for t in ts])
        dev = np.empty_like(level)
        for d in np.unique(days):
            m = days == d
            dev[m] = level[m] - np.median(level[m])
        profile = np.zeros(24)
        for h in range(24):
            if (hours == h).any():
                profile[h] = np.median(dev[hours == h])
        level = level - profile[hours]
    noise = float(np.median(np.abs(np.diff(level))) / 0.9539) or 1e-3  # MAD of differences -> sigma
    pen = penalty if penalty is not None else 3.0 * noise**2 * np.log(len(level)) * 2
    algo = ruptures.Pelt(model="l2", min_size=min_size, jump=1).fit(level.reshape(-1, 1))
    ends = algo.predict(pen=pen)
    rows: dict[str, list[object]] = {"bucket": [], "before": [], "after": [], "ratio": []}
    bounds = [0, *ends]
    for j in range(1, len(bounds) - 1):
        a, b, c = bounds[j - 1], bounds[j], bounds[j + 1]
        before, after = float(y[a:b].mean()), float(y[b:c].mean())
        if before and abs(after / before - 1.0) < min_change:
            continue
        t = ts[b]
        rows["bucket"].append(t if t.tzinfo else t.replace(tzinfo=UTC))
        rows["before"].append(round(before, 2))
        rows["after"].append(round(after, 2))
        rows["ratio"].append(round(after / before, 3) if before else None)
    return pa.table(rows, schema=_OUT)


__all__ = ["datetime", "detect"]
