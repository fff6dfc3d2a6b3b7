"""生产作业计划 and the arrivals it starts from: when each trunk arrives at a backup, the
waves its arrivals form, when the sorter works each wave, and whether each zone run's
bags are closed before it must leave to reach its zone by the delivery start.

A centre's day is periodic (``cycle_start`` to the same hour the next day): a trunk that
is 30 h on the road arrives every day all the same, at its hour of the day. A wave sorted
after a zone run's departure misses it; its share of that zone's mail waits a day.
"""

from __future__ import annotations

import math

from baotong.contingency.document import Assignment, Backup, TrunkFlow
from baotong.contingency.operations.document import Schedule, Wave, ZoneDeparture
from baotong.contingency.operations.params import OperationsParams
from baotong.network.entities import Network


def trunk_times(network: Network, flow: TrunkFlow, params: OperationsParams) -> tuple[float, float]:
    """(departure, arrival) of a trunk, hours from midnight of its first day."""
    p = network.params
    if flow.mode == "road":
        return params.road_departure, params.road_departure + flow.km / p.road_speed_kmh
    flight = flow.km / p.road_circuity / p.air_speed_kmh + p.air_handling_hours
    return params.air_departure, params.air_departure + flight + flow.feeder_km / p.road_speed_kmh


def in_cycle(hours: float, params: OperationsParams) -> float:
    """The time of day of ``hours`` within the centre's periodic day."""
    return params.cycle_start + (hours - params.cycle_start) % 24.0


def waves(
    network: Network, flows: list[TrunkFlow], rate: float, params: OperationsParams
) -> list[Wave]:
    """Arrivals closer than ``wave_gap_hours`` form a wave; waves are sorted one after
    another at ``rate`` items/hour, none before its mail is unloaded."""
    timed = sorted(((in_cycle(trunk_times(network, f, params)[1], params), f) for f in flows),
                   key=lambda pair: pair[0])  # fmt: skip
    groups: list[list[tuple[float, TrunkFlow]]] = []
    for arrival, flow in timed:
        if groups and arrival - groups[-1][-1][0] <= params.wave_gap_hours:
            groups[-1].append((arrival, flow))
        else:
            groups.append([(arrival, flow)])
    out: list[Wave] = []
    free_at = 0.0
    for n, group in enumerate(groups, start=1):
        arrival = group[0][0]
        volume = sum(f.volume - f.crossdock_volume for _, f in group)
        start = max(arrival + params.unload_hours, free_at)
        last_in = group[-1][0] + params.arrival_spread_hours + params.unload_hours
        end = max(start + (volume / rate if rate > 0 else math.inf), last_in)
        free_at = end
        out.append(Wave(
            wave=n, arrival=round(arrival, 2), volume=round(volume, 1),
            crossdock=round(sum(f.crossdock_volume for _, f in group), 1),
            origins=sorted({f.origin for _, f in group}),
            sort_start=round(start, 2), sort_end=round(end, 2),
        ))  # fmt: skip
    return out


def hourly_sorted(wave_list: list[Wave]) -> list[float]:
    """Items sorted in each hour of the day (0-23), from the waves' sort windows."""
    hours = [0.0] * 24
    for w in wave_list:
        span = w.sort_end - w.sort_start
        if span <= 0 or not math.isfinite(span):
            continue
        t = w.sort_start
        while t < w.sort_end - 1e-9:
            step = min(math.floor(t) + 1.0, w.sort_end) - t
            hours[math.floor(t) % 24] += w.volume * step / span
            t += step
    return [round(h, 1) for h in hours]


def departures(
    assignments: list[Assignment], wave_list: list[Wave], params: OperationsParams
) -> list[ZoneDeparture]:
    total = sum(w.volume + w.crossdock for w in wave_list)
    rows = []
    for a in sorted(assignments, key=lambda a: (-a.hours, a.zone_id)):
        departure = params.delivery_start - a.hours
        making = [w for w in wave_list if w.sort_end + params.bag_close_hours <= departure]
        handled = params.unload_hours + params.bag_close_hours
        cross = [w for w in wave_list if w.arrival + handled <= departure]
        on_time = sum(w.volume for w in making) + sum(w.crossdock for w in cross)
        close = max((w.sort_end for w in making), default=departure - params.bag_close_hours)
        rows.append(ZoneDeparture(
            zone_id=a.zone_id, destination=a.name, hours=a.hours,
            departure=round(departure, 2), bag_close=round(close + params.bag_close_hours, 2),
            on_time_share=round(on_time / total, 4) if total > 0 else 1.0,
            misses=[w.wave for w in wave_list if w not in making],
        ))  # fmt: skip
    return rows


def schedule(
    network: Network,
    backup: Backup,
    assignments: list[Assignment],
    flows: list[TrunkFlow],
    params: OperationsParams,
) -> Schedule:
    rate = backup.capacity / params.operating_hours
    wave_list = waves(network, flows, rate, params)
    rows = departures(assignments, wave_list, params)
    return Schedule(
        rate_per_hour=round(rate, 1), hourly_sorted=hourly_sorted(wave_list), waves=wave_list,
        departures=rows, late_zones=sum(1 for r in rows if r.on_time_share < 0.999),
    )  # fmt: skip
