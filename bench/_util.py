"""Shared bench helpers: run a Python snippet in a fresh process, report wall time and peak RSS."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap


def run_measured(code: str, *, env: dict[str, str] | None = None, timeout: float = 3600) -> dict[str, float]:
    """Run `code` in a child interpreter; returns {'seconds', 'cpu_seconds', 'peak_rss_mb', **what it printed
    as JSON}."""
    wrapper = textwrap.dedent(
        """
        import json, resource, sys, time
        t0 = time.perf_counter()
        result = {}
        exec(compile(sys.stdin.read(), "<bench>", "exec"))
        result["seconds"] = time.perf_counter() - t0
        usage = resource.getrusage(resource.RUSAGE_SELF)
        result["peak_rss_mb"] = usage.ru_maxrss / 1024
        # CPU seconds (all threads): a fairer comparison than wall time on a busy machine.
        result["cpu_seconds"] = usage.ru_utime + usage.ru_stime
        print("BENCH" + json.dumps(result))
        """
    )
    proc = subprocess.run([sys.executable, "-c", wrapper], input=code, text=True, capture_output=True,
                          env=env, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"bench child failed:\n{proc.stderr[-3000:]}")
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH"))
    return json.loads(line[5:])
