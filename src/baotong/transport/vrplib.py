"""Benchmark instances in the VRPLIB formats, read for the routing engine with the rounding
their best-known solutions use: CVRP (X set) distances rounded to integers; VRPTW (Solomon
text and VRPLIB files) by the DIMACS convention, distances truncated to one decimal (kept
as tenths, so costs divide by ``scale``). A ``.sol`` file beside the instance gives its
best-known cost."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import vrplib as vrplib_reader
from pyvrp import Model, ProblemData
from pyvrp import read as pyvrp_read

from baotong.core.exceptions import ValidationError


@dataclass(frozen=True)
class Instance:
    name: str
    data: ProblemData
    scale: int  # costs in the data are this many times the instance's units
    best_known: float | None
    time_windows: bool


def _error(path: Path, reason: str) -> ValidationError:
    return ValidationError(reason, code="vrplib.unreadable", file=str(path), field="instance",
                           value=path.name)  # fmt: skip


def best_known(path: Path) -> float | None:
    sol = path.with_suffix(".sol")
    if not sol.is_file():
        return None
    found = re.search(r"^Cost\s+([0-9.]+)", sol.read_text(encoding="utf-8"), re.M)
    return float(found.group(1)) if found else None


def read(path: Path) -> Instance:
    """The instance at ``path`` (``.vrp`` VRPLIB, or Solomon ``.txt``), ready to solve."""
    if not path.is_file():
        raise _error(path, "does not exist.")
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        if path.suffix == ".txt" or "CUST NO." in text:
            return Instance(path.stem, _solomon(path), 10, best_known(path), True)
        windows = "TIME_WINDOW_SECTION" in text
        data = pyvrp_read(path, round_func="dimacs" if windows else "round")
    except Exception as exc:  # the third-party parsers raise whatever they meet
        raise _error(path, f"is not a VRPLIB or Solomon instance ({str(exc)[:200]}).") from None
    return Instance(path.stem, data, 10 if windows else 1, best_known(path), windows)


def _solomon(path: Path) -> ProblemData:
    inst = vrplib_reader.read_instance(path, instance_format="solomon")
    coords = np.asarray(inst["node_coord"], dtype=float)
    dist = np.floor(10 * np.hypot(*(coords[:, None, :] - coords[None, :, :]).transpose(2, 0, 1)))
    tw = np.asarray(inst["time_window"], dtype=float) * 10
    service = np.asarray(inst["service_time"], dtype=float) * 10
    demand = np.asarray(inst["demand"], dtype=int)
    model = Model()
    locations = [model.add_location(x=float(x), y=float(y)) for x, y in coords]
    depot = model.add_depot(locations[0], tw_early=int(tw[0, 0]), tw_late=int(tw[0, 1]))
    for i in range(1, len(locations)):
        model.add_client(locations[i], delivery=[int(demand[i])], tw_early=int(tw[i, 0]),
                         tw_late=int(tw[i, 1]), service_duration=int(service[i]))  # fmt: skip
    model.add_vehicle_type(num_available=int(inst["vehicles"]), capacity=[int(inst["capacity"])],
                           start_depot=depot, end_depot=depot, tw_early=int(tw[0, 0]),
                           tw_late=int(tw[0, 1]))  # fmt: skip
    for i, a in enumerate(locations):
        for j, b in enumerate(locations):
            d = int(dist[i, j]) if math.isfinite(dist[i, j]) else 0
            model.add_edge(a, b, distance=d, duration=d)
    return model.data()
