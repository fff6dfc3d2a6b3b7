"""Planner speed and quality on the reference network: the examples and the hard cases.

For each example: zones, candidates, wall time end to end (zoning, heuristic, HiGHS,
relations, transport and delays; the network is loaded once beforehand), objective, proven
gap, the cost of the nearest-centre rule a planner would apply by hand, and plain HiGHS
(one thread, same gap and time limit) on the model ``--export-model`` writes.
Targets on a 2-core machine: Henan ≤ 1 s with gap ≤ 0.5 %, three provinces ≤ 5 s,
Chaoyang ≤ 1 s, Beijing citywide at segment depth ≤ 3 s, five provinces ≤ 20 s
(the time limit) with the gap stated; every case ≤ 1.5 × plain HiGHS + 0.3 s and
≤ its time limit + 1 s ("fast": within 1.5 × HiGHS alone + 0.3 s).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import highspy

from baotong.cli.plan import write_outputs
from baotong.contingency.assess import is_feasible, score
from baotong.contingency.engine import plan
from baotong.contingency.heuristic import nearest_centre
from baotong.contingency.planning import export_model
from baotong.contingency.scenario import Scenario
from baotong.contingency.zoning import Problem
from baotong.network.reference import load_reference

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CASES = (
    ("henan", 1.0, 3),
    ("chaoyang", 1.0, 3),
    ("three-provinces", 5.0, 3),
    ("beijing-segment", 3.0, 2),
    ("five-provinces", 20.0, 1),
)


def plain_highs(problem: Problem, scenario: Scenario) -> tuple[float, float]:
    """Seconds and gap of HiGHS alone on the exported MPS (one thread, the scenario's limits)."""
    with tempfile.TemporaryDirectory() as tmp:
        export_model(problem, Path(tmp))
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.silent()
        h.readModel(str(Path(tmp) / "model.mps"))
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", scenario.options.mip_rel_gap)
    h.setOptionValue("time_limit", scenario.options.time_limit_s)
    t = time.perf_counter()
    h.run()
    return time.perf_counter() - t, float(h.getInfo().mip_gap)


def main() -> None:
    t0 = time.perf_counter()
    network = load_reference()
    print(f"reference network loaded in {time.perf_counter() - t0:.2f} s")
    header = (f"{'case':<16}{'zones':>6}{'cands':>6}{'best s':>8}{'target':>8}{'limit':>7}"
              f"{'objective':>12}{'gap':>9}{'status':>11}{'unserved':>9}{'nearest':>12}"
              f"{'n. feas':>8}{'backups':>8}{'HiGHS s':>9}{'HiGHS gap':>10}"
              f"{'fast':>5}")  # fmt: skip
    print(header)
    for name, target, repeats in CASES:
        scenario = Scenario.from_yaml(EXAMPLES / f"{name}.yaml")
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            result = plan(network, scenario)
            times.append(time.perf_counter() - t)
        near = score(result.problem, nearest_centre(result.problem))
        alone, alone_gap = plain_highs(result.problem, scenario)
        print(f"{name:<16}{len(result.problem.zones):>6}{len(result.problem.candidates):>6}"
              f"{min(times):>8.2f}{target:>8.1f}{scenario.options.time_limit_s:>7.0f}"
              f"{result.objective:>12,.0f}{result.gap:>9.4%}{result.status:>11}"
              f"{len(result.unserved.zones):>9}{near.total:>12,.0f}"
              f"{'yes' if is_feasible(near) else 'no':>8}{len(result.backups()):>8}"
              f"{alone:>9.2f}{alone_gap:>10.4%}"
              f"{'yes' if min(times) <= 1.5 * alone + 0.3 else 'no':>5}")  # fmt: skip

    scenario = Scenario.from_yaml(EXAMPLES / "henan.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        write_outputs(plan(network, scenario), network, Path(tmp))
        print(f"henan plan + all outputs (plan.json, CSV, XLSX, report.html): "
              f"{time.perf_counter() - t:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
