"""Acceptance: 100k simulated posts land exactly as the simulator's ground truth says."""

from __future__ import annotations

import pytest

from agorascope.sim import SimConfig, Simulation


@pytest.fixture(scope="module")
def sim100k():
    return Simulation(SimConfig(posts=100_000, days=7, seed=3))


def test_counts_per_platform_and_language_equal_truth_and_reingest_adds_nothing(project, sim100k):
    project.settings.run_hooks = False  # this test is about ingest; the analyses have their own
    rep = project.ingest_batches(sim100k.batches(), source="sim")
    truth = sim100k.truth()["counts"]
    assert (rep.imported, rep.duplicates, rep.quarantined) == (truth["posts"], 0, 0)
    st = project.status()
    assert st["posts"] == truth["posts"] == 100_000
    assert st["platforms"] == truth["by_platform"]
    assert st["languages"] == truth["by_lang"]
    assert st["authors"] == truth["authors"]
    reposts = project.store.scalar("SELECT count(*) FROM posts WHERE repost_of IS NOT NULL")
    assert reposts == truth["reposts"]
    again = project.ingest_batches(sim100k.batches(), source="sim")
    assert (again.imported, again.duplicates) == (0, 100_000)
    assert project.store.scalar("SELECT count(*) FROM posts") == 100_000


def test_simulated_file_round_trip(project, tmp_path):
    sim = Simulation(SimConfig(posts=20_000, days=2, seed=5))
    path = tmp_path / "sim.ndjson"
    sim.write(path, format="ndjson")
    project.settings.run_hooks = False
    rep = project.ingest([path])
    assert rep.files[0].format == "ndjson" and rep.imported == 20_000 and rep.quarantined == 0
    assert project.status()["platforms"] == sim.truth()["counts"]["by_platform"]
    assert project.ingest([path]).imported == 0
