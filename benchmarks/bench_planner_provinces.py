"""Every province-wide lockdown of the reference network, one after another, as the sweep
plans it (EMS × 0.8, supply × 1.5, 10 road hours, 10 s limit): wall time, the process's CPU
time (a steadier measure when the machine is shared), zones flown to, zones shipped over a
ferry crossing, and the zones left unserved with their reasons. Targets: no zone unserved,
or a reason per zone a planner accepts; every province inside 1 s.
"""

from __future__ import annotations

import time

from baotong.contingency.engine import plan
from baotong.contingency.sweep import region_scenario, sweep_regions
from baotong.network.reference import load_reference


def main() -> None:
    network = load_reference()
    total, cpu_total, slow, unserved_provinces = 0.0, 0.0, [], 0
    print(f"{'province':<12}{'s':>7}{'cpu s':>7}{'zones':>7}{'flown':>7}{'ferry':>7}"
          f"{'unserved':>10}")  # fmt: skip
    for code in sweep_regions(network, "province"):
        t, cpu = time.perf_counter(), time.process_time()
        document = plan(network, region_scenario(network, code)).document()
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        total += seconds
        cpu_total += cpu
        flown = sum(1 for a in document.assignments if a.airport)
        shipped = sum(1 for a in document.assignments if a.ferry)
        zones = len(document.assignments) + len(document.unserved.zones)
        name = network.regions[code].name
        unserved = len(document.unserved.zones)
        print(f"{name:<10}{seconds:>7.2f}{cpu:>7.2f}{zones:>7}{flown:>7}{shipped:>7}"
              f"{unserved:>10}")  # fmt: skip
        for zone in document.unserved.zones:
            print(f"    {zone.name}: {zone.reason}")
        unserved_provinces += bool(document.unserved.zones)
        if seconds > 1.0:
            slow.append(f"{name} {seconds:.1f} s")
    print(f"31 provinces in {total:.1f} s ({cpu_total:.1f} s CPU); {unserved_provinces} with "
          f"zones unserved; over 1 s: {', '.join(slow) or 'none'}")  # fmt: skip


if __name__ == "__main__":
    main()
