"""The analyses the demo runs, each registered with `demo.demo_step` (extended per feature)."""

from __future__ import annotations
