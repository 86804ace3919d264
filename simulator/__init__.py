"""The NRR simulator's engine: pure numpy and pandas, no user interface.

>>> from simulator import Scenario, project
>>> project(Scenario(starting_mrr=100_000, churn_rate=0.02)).mrr_at(1)
98000.0
"""

from simulator.projection import PROJECTION_COLUMNS, Projection, project
from simulator.scenario import Scenario, ScenarioError, from_dict, to_dict
from simulator.scenario_json import from_json, to_json

__all__ = [
    "PROJECTION_COLUMNS",
    "Projection",
    "Scenario",
    "ScenarioError",
    "from_dict",
    "from_json",
    "project",
    "to_dict",
    "to_json",
]
