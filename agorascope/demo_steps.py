"""The analyses the demo runs after ingest, in order, each adding one section to the summary.

Each analysis module exposes `demo_summary(project, sim, summary)` (adds one key) and
`render(section, console)`; this module registers them with `demo.demo_step`.
"""

from __future__ import annotations

import importlib
from typing import Any

from agorascope.demo import _RENDERERS, demo_step

#: (step name, module) in the order the demo runs them: enrichment feeds narratives, narratives
#: feed trends ("new narrative rising"), coordination reads them all.
STEPS = [
    ("enrich", "agorascope.text.enrich"),
    ("narratives", "agorascope.analysis.narratives"),
    ("trends", "agorascope.analysis.trends"),
    ("coordination", "agorascope.analysis.coordination"),
]


def _register(name: str, module_name: str) -> None:
    def step(project: Any, sim: Any, summary: dict[str, Any]) -> None:
        module = importlib.import_module(module_name)
        before = set(summary)
        module.demo_summary(project, sim, summary)
        for key in set(summary) - before:
            _RENDERERS[key] = module.render

    demo_step(name)(step)


for _name, _module in STEPS:
    _register(_name, _module)
