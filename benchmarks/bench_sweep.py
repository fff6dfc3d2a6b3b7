"""The national sweep on a Dask LocalCluster: plans per second with 1 and 2 workers.

Plans the first ``REGIONS`` province lockdowns (the sweep's own scenario: EMS × 0.8,
supply × 1.5, 10 road hours) into a fresh folder with 1 worker, then 2, and prints
plans per second and the scaling. Cluster start-up and scattering the network are
included, as a nightly run pays them too. Target: the whole sweep (31 provinces and
~340 prefectures) ≤ 3 min on 2 cores.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from baotong.contingency.sweep import run_sweep, sweep_regions
from baotong.network.reference import load_reference

REGIONS = 31


def main() -> None:
    network = load_reference()
    codes = sweep_regions(network, "province")[:REGIONS]
    rates: dict[int, float] = {}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            run_sweep(network, codes, Path(tmp), workers=workers)
            seconds = time.perf_counter() - t
        rates[workers] = len(codes) / seconds
        print(f"{len(codes)} provinces, {workers} worker(s): {seconds:.1f} s, "
              f"{rates[workers]:.2f} plans/s")  # fmt: skip
    print(f"scaling 1 → 2 workers: × {rates[2] / rates[1]:.2f}")


if __name__ == "__main__":
    main()
