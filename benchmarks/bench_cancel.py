"""How soon a plan run stops once it is cancelled (the job runner's cancel and shutdown
both arrive as ``should_cancel``): the hard cases on the reference network, cancelled at
several moments — while zones are built and the heuristic runs, and deep in the solve.
Target: every run returns within a few seconds of the request (HiGHS asks between its
nodes; a node of the largest cases takes up to a few seconds, and nothing interrupts it).
"""

from __future__ import annotations

import time
from pathlib import Path

import yaml

from baotong.contingency.engine import plan
from baotong.contingency.scenario import Scenario, validate
from baotong.network.reference import load_reference

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
HENAN_SEGMENT = {
    "name": "Henan, every city at segment depth",
    "locked_areas": [{"region": "410000", "level": "city", "depth": "segment"}],
    "product_classes": {"ems": 0.9, "parcel": 0.6, "supply": 2.0},
    "options": {"time_limit_s": 120},
}
MOMENTS = (0.5, 3.0, 10.0, 25.0)


def cases() -> list[tuple[str, Scenario]]:
    five = yaml.safe_load((EXAMPLES / "five-provinces.yaml").read_text(encoding="utf-8"))
    five.setdefault("options", {})["time_limit_s"] = 120
    return [
        ("henan-city-segment", validate(Scenario, HENAN_SEGMENT)),
        ("five-provinces", validate(Scenario, five)),
    ]


def main() -> None:
    network = load_reference()
    for name, scenario in cases():
        for moment in MOMENTS:
            start = time.perf_counter()

            def cancelled(at: float = start + moment) -> bool:
                return time.perf_counter() >= at

            result = plan(network, scenario, should_cancel=cancelled)
            late = time.perf_counter() - start - moment
            print(
                f"{name:20} cancelled at {moment:5.1f} s: returned {max(late, 0.0):5.2f} s later"
                f" ({result.solver_status})"
            )


if __name__ == "__main__":
    main()
