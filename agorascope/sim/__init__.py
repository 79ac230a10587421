"""The simulator: realistic multilingual posts with planted narratives, bursts and coordinated
groups, and the ground truth for each. See docs/parts/sim-architecture.md.

    from agorascope.sim import SimConfig, Simulation
    sim = Simulation(SimConfig(posts=200_000, days=7, seed=7))
    for batch in sim.batches(): ...   # RAW_POST_SCHEMA + truth_narrative/truth_burst/truth_group
    truth = sim.truth()
"""

from agorascope.sim.config import PlantedBurst, PlantedGroup, PlantedNarrative, SimConfig
from agorascope.sim.engine import Simulation
from agorascope.sim.render import TRUTH_COLUMNS

__all__ = ["TRUTH_COLUMNS", "PlantedBurst", "PlantedGroup", "PlantedNarrative", "SimConfig", "Simulation"]
