"""Shared fixtures: a fresh project per test, offline guards."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path):
    """An initialised project in a temporary folder, closed after the test."""
    from agorascope import Project

    p = Project.init(tmp_path / "proj")
    yield p
    p.close()
