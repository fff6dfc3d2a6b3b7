"""The offline plan report: one HTML file with an inline SVG map and the plan's tables.

The map is drawn from the bundled boundaries: province outlines, the locked counties filled
with the colour of the backup that takes them (station zones as dots), the backups as
squares, and trunk flows as lines from each origin province to its backup. Nothing is
fetched from the network: the file opens anywhere.
"""

from __future__ import annotations

import math
from html import escape as esc
from importlib import resources
from typing import Any

from jinja2 import Environment, StrictUndefined, select_autoescape

from baotong.contingency.document import PlanDocument, TransitChange
from baotong.contingency.operations import OperationsDocument, plan_operations
from baotong.contingency.operations.document import ChutePlan, ChuteSlot, clock
from baotong.network.entities import LonLat, Network
from baotong.network.reference import load_boundaries

PALETTE = ("#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6",
           "#9a6324", "#008080", "#800000", "#808000", "#000075")  # fmt: skip
WIDTH = 900.0
LABEL_MARGIN = 160.0  # room right of the map for backup names


class _Projection:
    """Equirectangular projection of a lon/lat box onto a WIDTH-wide SVG."""

    def __init__(self, box: tuple[float, float, float, float]) -> None:
        self.x0, self.y0, x1, y1 = box
        self.k = math.cos(math.radians((self.y0 + y1) / 2))
        self.scale = WIDTH / max((x1 - self.x0) * self.k, 1e-6)
        self.y1 = y1
        self.height = (y1 - self.y0) * self.scale

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return ((lon - self.x0) * self.k * self.scale, (self.y1 - lat) * self.scale)

    def path(self, geometry: dict[str, Any]) -> str:
        polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [
            geometry["coordinates"]]  # fmt: skip
        parts = []
        for poly in polys:
            for ring in poly:
                pts = [self.xy(lon, lat) for lon, lat in ring]
                parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
        return "".join(parts)


def _box(points: list[LonLat]) -> tuple[float, float, float, float]:
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    pad = max(0.05, 0.12 * max(max(lons) - min(lons), max(lats) - min(lats)))
    return min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad


def map_svg(plan: PlanDocument, network: Network) -> str:
    """The plan's map as an inline SVG element."""
    colours = {b.center_id: PALETTE[i % len(PALETTE)] for i, b in enumerate(plan.backups)}
    points = [a.location for a in plan.assignments]
    points += [b.location for b in plan.backups]
    counties = load_boundaries("county", network)
    locked = [z for area in plan.areas for z in network.counties_in(area.code)]
    points += [c.centroid for c in locked]
    if not points:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="60"></svg>'
    proj = _Projection(_box(points))
    shapes: list[str] = []
    for code, geom in load_boundaries("province", network).items():
        shapes.append(f'<path d="{proj.path(geom)}" class="prov"><title>{esc(code)}</title></path>')
    county_colour = {a.region_code: colours[a.backup_center_id]
                     for a in plan.assignments if a.zone_kind == "county"}  # fmt: skip
    for county in locked:
        if county.code in counties:
            fill = county_colour.get(county.code, "#fdd")
            title = esc(f"{county.name} {county.code}")
            d = proj.path(counties[county.code])
            shapes.append(f'<path d="{d}" fill="{fill}" class="zone"><title>{title}</title></path>')
    for a in plan.assignments:
        if a.zone_kind != "county" or a.region_code not in counties:
            x, y = proj.xy(*a.location)
            title = esc(f"{a.name} → {a.backup}")
            fill = colours[a.backup_center_id]
            shapes.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{fill}" class="dot">'
                          f"<title>{title}</title></circle>")  # fmt: skip
    trunk = sorted(plan.transport.trunk, key=lambda r: -r.volume)[:60]
    top = max((r.volume for r in trunk), default=1.0) or 1.0
    backup_loc = {b.center_id: b.location for b in plan.backups}
    for r in trunk:
        code = r.origin_province_code
        if code not in network.regions:
            continue
        x1, y1 = proj.xy(*network.regions[code].centroid)
        x2, y2 = proj.xy(*backup_loc[r.backup_center_id])
        shapes.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                      f'stroke="{colours[r.backup_center_id]}" '
                      f'stroke-width="{0.5 + 4 * r.volume / top:.2f}" class="flow">'
                      f"<title>{esc(r.origin)} → {esc(r.backup)}: {r.volume:,.0f}/day "
                      f"({r.mode})</title></line>")  # fmt: skip
    for b in plan.backups:
        x, y = proj.xy(*b.location)
        shapes.append(
            f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" '
            f'fill="{colours[b.center_id]}" stroke="#000"/>'
            f'<text x="{x + 9:.1f}" y="{y + 4:.1f}" class="label">{esc(b.name)}</text>'
        )
    return (f'<svg xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {WIDTH + LABEL_MARGIN:.0f} {proj.height:.0f}" '
            f'width="100%" role="img" aria-label="Plan map">{"".join(shapes)}</svg>')  # fmt: skip


CHUTE = 14.0  # side of a chute in the drawn layout, px
CHUTE_COLOURS = {"new": "#2a7", "free": "#fff", "baseline": "#bbb"}


def chute_svg(plan: ChutePlan) -> str:
    """The sorter drawn as rows of chutes, one row per outbound dock in chute order (chute 1,
    nearest the induction, top left); new bags green, the baseline's grey, free white,
    double chutes outlined thick."""
    docks: dict[str, list[ChuteSlot]] = {}
    for s in plan.slots:
        docks.setdefault(s.dock, []).append(s)
    shapes = []
    for row, (dock, slots) in enumerate(docks.items()):
        y = row * (CHUTE + 4)
        shapes.append(f'<text x="0" y="{y + CHUTE - 3:.0f}" class="label">{esc(dock)}</text>')
        for k, s in enumerate(slots):
            tip = f"{s.chute} · {s.dock}" + (f" · {s.bag} · {s.volume:,.0f}" if s.bag else "")
            shapes.append(
                f'<rect x="{40 + k * (CHUTE + 2):.0f}" y="{y:.0f}" width="{CHUTE:.0f}" '
                f'height="{CHUTE:.0f}" fill="{CHUTE_COLOURS[s.use]}" stroke="#333" '
                f'stroke-width="{2 if s.double else 0.5}" class="chute-{s.use}">'
                f"<title>{esc(tip)}</title></rect>"
            )
    width = 40 + max((len(v) for v in docks.values()), default=1) * (CHUTE + 2)
    height = max(1, len(docks)) * (CHUTE + 4)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" role="img" aria-label="Chute layout" class="chutes">'
            f'{"".join(shapes)}</svg>')  # fmt: skip


def report_html(
    plan: PlanDocument, network: Network, operations: OperationsDocument | None = None
) -> str:
    """The whole report as one self-contained HTML document, with what the plan asks of
    each backup's floor and of the transport office (computed here unless given)."""
    ops = operations if operations is not None else plan_operations(network, plan)
    env = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined)
    text = (resources.files("baotong.contingency") / "templates" / "report.html.j2").read_text(
        encoding="utf-8"
    )
    colours = {b.center_id: PALETTE[i % len(PALETTE)] for i, b in enumerate(plan.backups)}
    changed = [r for r in plan.transit_changes if isinstance(r, TransitChange)]
    return env.from_string(text).render(
        plan=plan, cost=plan.cost.model_dump(), svg=map_svg(plan, network), colours=colours,
        transit=changed[:300], transit_total=len(changed),
        runs=plan.transport.zone_runs[:500], ops=ops, clock=clock,
        layouts={c.center_id: chute_svg(c.chutes) for c in ops.centres},
    )  # fmt: skip
