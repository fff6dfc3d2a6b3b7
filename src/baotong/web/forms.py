"""Scenario forms: the builder's fields to the planner's scenario body, and back.

The browser posts flat form fields; this module turns them into the scenario schema the
service validates (``locked_areas``, ``product_classes``, ``options``), and a stored body
back into the values the form shows. It checks only that numbers are numbers; every
rule of the scenario is the service's and the planner's.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from baotong.core.exceptions import ValidationError
from baotong.network.entities import Automation, ProductClass

DEFAULT_FACTORS = {"ems": 0.8, "parcel": 1.0, "letter": 0.0, "supply": 1.5}
NULLABLE = {"max_backups", "max_surge_shifts"}  # empty means "no limit"
OPTION_FIELDS = {  # form field (= planner option) → number type
    "max_road_hours": float,
    "max_backups": int,
    "max_surge_shifts": int,
    "presorted_share": float,
    "time_limit_s": float,
}


def _number(text: str, kind: type, field: str) -> float | int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text) if kind is float else int(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ValidationError(f"must be {what}.", field=field, value=text) from None


def body_from_form(form: FormData) -> dict[str, Any]:
    """The scenario body of the builder's fields (validated later by the service)."""
    areas = [_area(a) for a in _typed_areas(form) if a["region"].strip()]
    classes: dict[str, float] = {}
    for cls in ProductClass:
        if form.get(f"class_{cls.value}"):
            factor = _number(str(form.get(f"factor_{cls.value}", "")), float, f"factor_{cls.value}")
            classes[cls.value] = float(factor if factor is not None else 1.0)
    options: dict[str, Any] = {"surge_shifts": bool(form.get("surge_shifts"))}
    for field, kind in OPTION_FIELDS.items():
        value = _number(str(form.get(field, "")), kind, field)
        if value is not None or field in NULLABLE:
            options[field] = value
    automation = str(form.get("min_automation", ""))
    options["min_automation"] = automation if automation in {a.value for a in Automation} else None
    body: dict[str, Any] = {
        "name": str(form.get("name", "")).strip(),
        "locked_areas": areas,
        "product_classes": classes,
        "options": options,
    }
    if "closure_center_id" in form:  # a form without the table keeps the stored closures
        typed = _typed_closures(form)
        body["closed_sites"] = [_closure(c, i) for i, c in enumerate(typed) if c["center_id"]]
    return body


def merged(stored: dict[str, Any], typed: dict[str, Any]) -> dict[str, Any]:
    """A stored body updated with the builder's fields; what the builder does not show
    (cost weights, other options) is kept, and a cleared number field falls back to the
    planner's default."""
    options = {k: v for k, v in dict(stored.get("options") or {}).items() if k not in OPTION_FIELDS}
    return {**stored, **typed, "options": {**options, **typed["options"]}}


def _typed_areas(form: FormData) -> list[dict[str, str]]:
    """The locked-area chips as typed: region, level and (city level) sort depth."""
    regions = [str(v) for v in form.getlist("area_region")]
    levels = [str(v) for v in form.getlist("area_level")]
    depths = [str(v) for v in form.getlist("area_depth")]
    return [
        {
            "region": code,
            "level": levels[i] if i < len(levels) else "province",
            "depth": depths[i] if i < len(depths) else "",
        }
        for i, code in enumerate(regions)
    ]


def _typed_closures(form: FormData) -> list[dict[str, str]]:
    """The rows of extra closed or limited sites as typed (blank rows included)."""
    columns = {name: [str(v) for v in form.getlist(f"closure_{name}")]
               for name in ("center_id", "status", "capacity_share", "reason")}  # fmt: skip
    rows = len(columns["center_id"])
    return [{name: (values[i] if i < len(values) else "") for name, values in columns.items()}
            for i in range(rows)]  # fmt: skip


def _closure(typed: dict[str, str], row: int) -> dict[str, Any]:
    closure: dict[str, Any] = {
        "center_id": typed["center_id"].strip(),
        "status": typed["status"] or "closed",
        "reason": typed["reason"].strip(),
    }
    share = _number(typed["capacity_share"], float, f"closed_sites.{row}.capacity_share")
    if share is not None:
        closure["capacity_share"] = share
    return closure


def _with_blank_rows(rows: list[dict[str, Any]], minimum: int = 2) -> list[dict[str, Any]]:
    blank = {"center_id": "", "status": "closed", "capacity_share": "", "reason": ""}
    return [*rows, *([blank] * max(1, minimum - len(rows)))]


def _area(typed: dict[str, str]) -> dict[str, str]:
    area = {"region": typed["region"].strip(), "level": typed["level"]}
    if typed["depth"]:  # the planner refuses a depth that does not fit the level
        area["depth"] = typed["depth"]
    return area


def values_from_body(body: dict[str, Any]) -> dict[str, Any]:
    """What the builder shows for a body (its own, or one posted back with an error)."""
    options = dict(body.get("options") or {})
    classes = dict(body.get("product_classes") or {})
    return {
        "name": body.get("name", ""),
        "areas": [
            {
                "region": str(a.get("region", "")),
                "level": a.get("level", "province"),
                "depth": a.get("depth") or "",
            }
            for a in body.get("locked_areas") or []
        ],  # fmt: skip
        "closures": _with_blank_rows(
            [
                {
                    "center_id": c.get("center_id", ""),
                    "status": c.get("status", "closed"),
                    "capacity_share": ""
                    if c.get("capacity_share") is None
                    else c["capacity_share"],
                    "reason": c.get("reason", ""),
                }
                for c in body.get("closed_sites") or []
            ]
        ),  # fmt: skip
        "classes": {
            c.value: {"on": c.value in classes, "factor": classes.get(c.value, DEFAULT_FACTORS[c])}
            for c in ProductClass
        },
        "options": {
            "max_road_hours": options.get("max_road_hours", 10.0),
            "max_backups": options.get("max_backups", ""),
            "max_surge_shifts": options.get("max_surge_shifts", ""),
            "presorted_share": options.get("presorted_share", 0.3),
            "time_limit_s": options.get("time_limit_s", 10.0),
            "surge_shifts": options.get("surge_shifts", True),
            "min_automation": options.get("min_automation", "semi") or "",
        },
    }


def raw_values(form: FormData) -> dict[str, Any]:
    """The builder's values exactly as typed, for re-showing a form with an error."""
    return {
        "name": str(form.get("name", "")),
        "areas": _typed_areas(form),
        "closures": _with_blank_rows(
            [
                c
                for c in _typed_closures(form)
                if c["center_id"] or c["reason"] or c["capacity_share"]
            ]
        ),
        "classes": {
            c.value: {
                "on": bool(form.get(f"class_{c.value}")),
                "factor": str(form.get(f"factor_{c.value}", "")),
            }
            for c in ProductClass
        },  # fmt: skip
        "options": {
            **{field: str(form.get(field, "")) for field in OPTION_FIELDS},
            "surge_shifts": bool(form.get("surge_shifts")),
            "min_automation": str(form.get("min_automation", "")),
        },
    }
