"""Cold load time of the bundled reference network (target < 1 s) and its size on disk.

Each run is a fresh Python process, so nothing is cached: it times importing the network
package plus ``load_reference()``, and ``load_reference()`` alone. Best of N runs.
"""

from __future__ import annotations

import json
import subprocess
import sys

from baotong.network.reference import data_dir

RUNS = 5
TARGET_S = 1.0
PROBE = """
import json, time
t0 = time.perf_counter()
from baotong.network.reference import load_reference, load_boundaries
t1 = time.perf_counter()
network = load_reference()
t2 = time.perf_counter()
load_boundaries("county")
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "boundaries": t3 - t2,
                  "stations": len(network.stations)}))
"""


def main() -> None:
    runs = [
        json.loads(subprocess.run([sys.executable, "-c", PROBE], check=True, capture_output=True,
                                  text=True).stdout)
        for _ in range(RUNS)
    ]  # fmt: skip
    load = min(r["load"] for r in runs)
    total = min(r["import"] + r["load"] for r in runs)
    boundaries = min(r["boundaries"] for r in runs)
    print(f"reference network: {runs[0]['stations']} stations, best of {RUNS} fresh processes")
    print(f"  load_reference()            {load * 1000:7.0f} ms")
    print(f"  import + load_reference()   {total * 1000:7.0f} ms  (target < {TARGET_S:.0f} s: "
          f"{'ok' if total < TARGET_S else 'MISSED'})")  # fmt: skip
    print(f"  load_boundaries('county')   {boundaries * 1000:7.0f} ms  (maps only, lazy)")
    for path in sorted(data_dir().iterdir()):
        print(f"  {path.name:<22} {path.stat().st_size / 1e6:6.2f} MB")


if __name__ == "__main__":
    main()
