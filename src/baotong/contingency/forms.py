"""The scenario builder's form: its fields to the planner's scenario, and back.

The browser posts flat form fields; this module arranges them as the planner's
``Scenario`` schema (``locked_areas``, ``product_classes``, ``options``) and lets the schema
validate them — numbers, shares, levels — so the page and the API refuse the same things
with the same field names. A stored body goes back into the values the form shows.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from baotong.contingency.scenario import Scenario, validate
from baotong.network.entities import Automation, ProductClass

DEFAULT_FACTORS = {"ems": 0.8, "parcel": 1.0, "letter": 0.0, "supply": 1.5}
NULLABLE = {"max_backups", "max_surge_shifts"}  # empty means "no limit"
OPTION_FIELDS = (
    "max_road_hours",
    "max_backups",
    "max_surge_shifts",
    "presorted_share",
    "time_limit_s",
)  # fmt: skip  (form field = planner option)


def scenario_from_form(form: FormData, stored: dict[str, Any] | None = None) -> dict[str, Any]:
    """The builder's fields (over ``stored``, when editing) validated by the planner's
    ``Scenario`` schema: the body the service stores, numbers as numbers."""
    typed = body_from_form(form)
    body = merged(stored, typed) if stored is not None else typed
    return validate(Scenario, body).model_dump(mode="json", exclude_unset=True)


def body_from_form(form: FormData) -> dict[str, Any]:
    """The scenario body of the builder's fields, as typed (the schema validates it)."""
    areas = [_area(a) for a in _typed_areas(form) if a["region"].strip()]
    classes: dict[str, str | float] = {}
    for cls in ProductClass:
        if form.get(f"class_{cls.value}"):
            classes[cls.value] = str(form.get(f"factor_{cls.value}", "")).strip() or 1.0
    options: dict[str, Any] = {"surge_shifts": bool(form.get("surge_shifts")),
                               "air_legs": bool(form.get("air_legs")),
                               "ferries": bool(form.get("ferries"))}  # fmt: skip
    for field in OPTION_FIELDS:
        value = str(form.get(field, "")).strip() or None
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
        body["closed_sites"] = [_closure(c) for c in typed if c["center_id"]]
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


def _closure(typed: dict[str, str]) -> dict[str, Any]:
    closure: dict[str, Any] = {
        "center_id": typed["center_id"].strip(),
        "status": typed["status"] or "closed",
        "reason": typed["reason"].strip(),
    }
    if typed["capacity_share"].strip():
        closure["capacity_share"] = typed["capacity_share"].strip()
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
            "max_backups": _blank_if_none(options.get("max_backups")),
            "max_surge_shifts": _blank_if_none(options.get("max_surge_shifts")),
            "presorted_share": options.get("presorted_share", 0.3),
            "time_limit_s": options.get("time_limit_s", 10.0),
            "surge_shifts": options.get("surge_shifts", True),
            "air_legs": options.get("air_legs", True),
            "ferries": options.get("ferries", True),
            "min_automation": options.get("min_automation", "semi") or "",
        },
    }


def _blank_if_none(value: Any) -> Any:
    """An unset number shows as an empty field ("no limit"), never as the text "None"."""
    return "" if value is None else value


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
