"""Routing engine against VRPLIB best-known solutions at fixed wall time (issue targets:
X-n101-k25 ≤ 0.5 % in 10 s, X-n401-k29 ≤ 1.5 % in 30 s, X-n1001-k43 ≤ 3.5 % in 60 s; C101
and RC1_10_1 reported). One seed, PyVRP's default parameters, one core. The community
delivery case is ``bench_community``.

    python -m benchmarks vrplib            # BAOTONG_VRPLIB=/path/to/vrplib to move the data
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from baotong.transport.engine import gap, solve_data
from baotong.transport.vrplib import read

DATA = Path(os.environ.get("BAOTONG_VRPLIB", Path(__file__).resolve().parents[2] / "shared"
                           / "benchmarks" / "vrplib"))  # fmt: skip
CASES = [("cvrp/X-n101-k25.vrp", 10, 0.005), ("cvrp/X-n401-k29.vrp", 30, 0.015),
         ("cvrp/X-n1001-k43.vrp", 60, 0.035), ("vrptw/C101.txt", 10, None),
         ("vrptw/RC1_10_1.vrp", 60, None)]  # fmt: skip


def main() -> None:
    for name, seconds, target in CASES:
        path = DATA / name
        if not path.is_file():
            print(f"{name}: not found under {DATA}")
            continue
        inst = read(path)
        result, took = solve_data(inst.data, time_limit_s=seconds, seed=1)
        cost = result.cost() / inst.scale  # type: ignore[attr-defined]
        g = gap(cost, inst.best_known or math.nan)
        verdict = "" if target is None else (" ok" if g <= target else f" ABOVE {target:.1%}")
        known = inst.best_known or math.nan
        print(f"{inst.name:12} {seconds:>3} s: cost {cost:>10,.1f}  best known {known:>10,.1f}"
              f"  gap {g:6.2%}{verdict}  ({took:.1f} s)")  # fmt: skip
