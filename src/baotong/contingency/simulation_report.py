"""``simulation.json`` and the offline ``simulation.html`` of a backlog simulation.

The page shows the backlog day by day for each simulated plan as an inline SVG line chart
(the optimum, a manual plan, "do nothing"), and a table of the totals and delays. It needs
nothing from the network: it opens anywhere.
"""

from __future__ import annotations

from dataclasses import asdict
from importlib import resources
from typing import Any

from jinja2 import Environment, StrictUndefined, select_autoescape

from baotong.contingency.simulation import SimulationParams, SimulationResult

SCHEMA = "baotong.simulation/1"
COLOURS = {"optimum": "#3cb44b", "do_nothing": "#e6194b"}
OTHER = ("#4363d8", "#f58231", "#911eb4")
WIDTH, HEIGHT, PAD = 720.0, 280.0, 48.0


def simulation_dict(
    scenario: str, network: str, params: SimulationParams, runs: list[SimulationResult]
) -> dict[str, Any]:
    """The simulation as JSON: its parameters and one per-day series per run."""
    return {"schema": SCHEMA, "scenario": scenario, "network": network,
            "params": asdict(params), "runs": [r.to_dict() for r in runs]}  # fmt: skip


def colour(name: str, i: int) -> str:
    return COLOURS.get(name, OTHER[i % len(OTHER)])


def backlog_svg(data: dict[str, Any]) -> str:
    """Backlog at the end of each day, one polyline per run."""
    days = data["params"]["days"]
    top = max((d["backlog"] for r in data["runs"] for d in r["days"]), default=0.0) or 1.0

    def xy(day: float, value: float) -> str:
        x = PAD + (WIDTH - 2 * PAD) * (day - 1) / max(days - 1, 1)
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / top
        return f"{x:.1f},{y:.1f}"

    parts = [f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
             'stroke="#999"/>',
             f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>',
             f'<text x="{PAD - 4}" y="{PAD}" text-anchor="end" class="axis">{top:,.0f}</text>',
             f'<text x="{PAD - 4}" y="{HEIGHT - PAD}" text-anchor="end" class="axis">0</text>',
             f'<text x="{WIDTH - PAD}" y="{HEIGHT - PAD + 16}" text-anchor="end" class="axis">'
             f"day {days}</text>"]  # fmt: skip
    for i, run in enumerate(data["runs"]):
        points = " ".join(xy(d["day"], d["backlog"]) for d in run["days"])
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour(run["name"], i)}" '
                     f'stroke-width="2"><title>{run["name"]}</title></polyline>')  # fmt: skip
    box = f"0 0 {WIDTH:.0f} {HEIGHT:.0f}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box}" width="100%" role="img" '
            f'aria-label="Backlog per day">{"".join(parts)}</svg>')  # fmt: skip


def simulation_html(data: dict[str, Any]) -> str:
    """The simulation as one self-contained HTML page."""
    env = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined)
    text = (resources.files("baotong.contingency") / "templates" / "simulation.html.j2").read_text(
        encoding="utf-8"
    )
    colours = [colour(r["name"], i) for i, r in enumerate(data["runs"])]
    return env.from_string(text).render(data=data, svg=backlog_svg(data), colours=colours)
