"""Planner speed and quality on the reference network: Henan, Chaoyang, three provinces.

For each example: zones, candidates, wall time end to end (zoning, heuristic, HiGHS,
relations, transport and delays; the network is loaded once beforehand), objective, proven
gap, and the cost of the nearest-centre rule a planner would apply by hand.
Targets on a 2-core machine: Henan ≤ 1 s with gap ≤ 0.5 %, three provinces ≤ 5 s,
Chaoyang ≤ 1 s.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from baotong.cli.plan import write_outputs
from baotong.contingency.assess import is_feasible, score
from baotong.contingency.engine import plan
from baotong.contingency.heuristic import nearest_centre
from baotong.contingency.scenario import Scenario
from baotong.network.reference import load_reference

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CASES = (("henan", 1.0), ("chaoyang", 1.0), ("three-provinces", 5.0))
REPEATS = 3


def main() -> None:
    t0 = time.perf_counter()
    network = load_reference()
    print(f"reference network loaded in {time.perf_counter() - t0:.2f} s")
    header = (f"{'case':<16}{'zones':>6}{'cands':>6}{'best s':>8}{'target':>8}{'objective':>12}"
              f"{'gap':>9}{'status':>10}{'nearest':>12}{'n. feas':>8}{'backups':>8}")  # fmt: skip
    print(header)
    for name, target in CASES:
        scenario = Scenario.from_yaml(EXAMPLES / f"{name}.yaml")
        times = []
        for _ in range(REPEATS):
            t = time.perf_counter()
            result = plan(network, scenario)
            times.append(time.perf_counter() - t)
        near = score(result.problem, nearest_centre(result.problem))
        data = result.to_dict()
        print(f"{name:<16}{len(result.problem.zones):>6}{len(result.problem.candidates):>6}"
              f"{min(times):>8.2f}{target:>8.1f}{result.objective:>12,.0f}{result.gap:>9.4%}"
              f"{result.status:>10}{near.total:>12,.0f}{'yes' if is_feasible(near) else 'no':>8}"
              f"{len(data['backups']):>8}")  # fmt: skip

    scenario = Scenario.from_yaml(EXAMPLES / "henan.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        write_outputs(plan(network, scenario), network, Path(tmp))
        print(f"henan plan + all outputs (plan.json, CSV, XLSX, report.html): "
              f"{time.perf_counter() - t:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
