"""The change column of the audit page in the reader's words: the fields an action
changed, named and valued the way the console names them (a plan's state is 生效中, not
"active"; a time is in the reader's zone), instead of raw JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from baotong.core import i18n
from baotong.core.enums import LabelledEnum
from baotong.core.i18n import N_

LONGEST = 120  # characters of one value; a longer one is cut with an ellipsis
YES_NO = (N_("audit.yes"), N_("audit.no"))

# The field names audit rows carry, in both languages; a field not listed shows its name.
FIELDS = {
    "accepted": N_("audit.field.accepted"),
    "active": N_("audit.field.active"),
    "approved_by": N_("audit.field.approved_by"),
    "area_vehicle": N_("audit.field.area_vehicle"),
    "areas": N_("audit.field.areas"),
    "attended_at": N_("audit.field.attended_at"),
    "blocked": N_("audit.field.blocked"),
    "by": N_("audit.field.by"),
    "cap": N_("audit.field.cap"),
    "capacity": N_("audit.field.capacity"),
    "clock": N_("audit.field.clock"),
    "code": N_("audit.field.code"),
    "confirmed": N_("audit.field.confirmed"),
    "contracts": N_("audit.field.contracts"),
    "count": N_("audit.field.count"),
    "cutoff": N_("audit.field.cutoff"),
    "damaged": N_("audit.field.damaged"),
    "date": N_("audit.field.date"),
    "day": N_("audit.field.day"),
    "deliveries": N_("audit.field.deliveries"),
    "demand_table": N_("audit.field.demand_table"),
    "departs_at": N_("audit.field.departs_at"),
    "destination": N_("audit.field.destination"),
    "discrepancies": N_("audit.field.discrepancies"),
    "dispatches": N_("audit.field.dispatches"),
    "drill": N_("audit.field.drill"),
    "due_at": N_("audit.field.due_at"),
    "effective_at": N_("audit.field.effective_at"),
    "email": N_("audit.field.email"),
    "ems": N_("audit.field.ems"),
    "ends_at": N_("audit.field.ends_at"),
    "equipment": N_("audit.field.equipment"),
    "escalations": N_("audit.field.escalations"),
    "event_type": N_("audit.field.event_type"),
    "execute_by": N_("audit.field.execute_by"),
    "executed_at": N_("audit.field.executed_at"),
    "executed_by": N_("audit.field.executed_by"),
    "execution": N_("audit.field.execution"),
    "file": N_("audit.field.file"),
    "fill_rate": N_("audit.field.fill_rate"),
    "forward": N_("audit.field.forward"),
    "groups": N_("audit.field.groups"),
    "handed": N_("audit.field.handed"),
    "incident": N_("audit.field.incident"),
    "instructions": N_("audit.field.instructions"),
    "item": N_("audit.field.item"),
    "job": N_("audit.field.job"),
    "kind": N_("audit.field.kind"),
    "kit_orders": N_("audit.field.kit_orders"),
    "language": N_("audit.field.language"),
    "late": N_("audit.field.late"),
    "leader": N_("audit.field.leader"),
    "leg": N_("audit.field.leg"),
    "lifecycle": N_("audit.field.lifecycle"),
    "limit": N_("audit.field.limit"),
    "line": N_("audit.field.line"),
    "lines": N_("audit.field.lines"),
    "load": N_("audit.field.load"),
    "materials": N_("audit.field.materials"),
    "max_wait_s": N_("audit.field.max_wait_s"),
    "max_waiting": N_("audit.field.max_waiting"),
    "name": N_("audit.field.name"),
    "note": N_("audit.field.note"),
    "number": N_("audit.field.number"),
    "objection": N_("audit.field.objection"),
    "orders": N_("audit.field.orders"),
    "packages": N_("audit.field.packages"),
    "parameters": N_("audit.field.parameters"),
    "parcel": N_("audit.field.parcel"),
    "password": N_("audit.field.password"),
    "pickup": N_("audit.field.pickup"),
    "pieces": N_("audit.field.pieces"),
    "plan_run": N_("audit.field.plan_run"),
    "plate": N_("audit.field.plate"),
    "point": N_("audit.field.point"),
    "price": N_("audit.field.price"),
    "province_code": N_("audit.field.province_code"),
    "quantity": N_("audit.field.quantity"),
    "quoted": N_("audit.field.quoted"),
    "reason": N_("audit.field.reason"),
    "received": N_("audit.field.received"),
    "received_at": N_("audit.field.received_at"),
    "received_by": N_("audit.field.received_by"),
    "reference": N_("audit.field.reference"),
    "region_code": N_("audit.field.region_code"),
    "rejected": N_("audit.field.rejected"),
    "reported_at": N_("audit.field.reported_at"),
    "reported_by": N_("audit.field.reported_by"),
    "resource": N_("audit.field.resource"),
    "result": N_("audit.field.result"),
    "return_on": N_("audit.field.return_on"),
    "role": N_("audit.field.role"),
    "round": N_("audit.field.round"),
    "routes": N_("audit.field.routes"),
    "scenario": N_("audit.field.scenario"),
    "scenario_id": N_("audit.field.scenario_id"),
    "scope": N_("audit.field.scope"),
    "seq": N_("audit.field.seq"),
    "short": N_("audit.field.short"),
    "shortfall": N_("audit.field.shortfall"),
    "site": N_("audit.field.site"),
    "site_id": N_("audit.field.site_id"),
    "source": N_("audit.field.source"),
    "staff": N_("audit.field.staff"),
    "starts_at": N_("audit.field.starts_at"),
    "state": N_("audit.field.state"),
    "status": N_("audit.field.status"),
    "step": N_("audit.field.step"),
    "stops": N_("audit.field.stops"),
    "suppliers": N_("audit.field.suppliers"),
    "supply": N_("audit.field.supply"),
    "targets": N_("audit.field.targets"),
    "time_zone": N_("audit.field.time_zone"),
    "title": N_("audit.field.title"),
    "to": N_("audit.field.to"),
    "topic": N_("audit.field.topic"),
    "trailer": N_("audit.field.trailer"),
    "unassigned": N_("audit.field.unassigned"),
    "username": N_("audit.field.username"),
    "valid_from": N_("audit.field.valid_from"),
    "valid_to": N_("audit.field.valid_to"),
    "vehicle": N_("audit.field.vehicle"),
    "vehicles": N_("audit.field.vehicles"),
    "version": N_("audit.field.version"),
    "waves": N_("audit.field.waves"),
    "zones": N_("audit.field.zones"),
}


@dataclass(frozen=True, slots=True)
class Change:
    """One field of an audit row: its name, the value before (None for a new object or a
    field that did not exist) and after (None when it was removed)."""

    field: str
    before: str | None
    after: str | None


def changes(
    before: dict[str, Any] | None, after: dict[str, Any] | None, *, lang: str, zone: str | None
) -> list[Change]:
    """The fields that differ between ``before`` and ``after`` (every field of ``after``
    for a new object), in the order ``after`` lists them, then the removed ones."""
    old, new = before or {}, after or {}
    names = list(new) + [name for name in old if name not in new]
    shown = []
    for name in names:
        if before is not None and old.get(name) == new.get(name):
            continue
        shown.append(
            Change(
                field=field_name(lang, name),
                before=value_text(lang, zone, name, old[name]) if name in old else None,
                after=value_text(lang, zone, name, new[name]) if name in new else None,
            )
        )
    return shown


def field_name(lang: str, name: str) -> str:
    key = FIELDS.get(name)
    return i18n.translate(lang, key) if key else name


def value_text(lang: str, zone: str | None, name: str, value: Any) -> str:
    """A value as the console writes it: numbers grouped, times in ``zone``, a state or
    kind by its label, yes/no, a list joined; anything else as compact JSON."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return i18n.translate(lang, YES_NO[0] if value else YES_NO[1])
    if isinstance(value, int | float):
        return i18n.number(lang, value, 0 if float(value).is_integer() else 2)
    if isinstance(value, str):
        return _cut(_string(lang, zone, name, value))
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        separator = "、" if lang.startswith("zh") else ", "
        return _cut(separator.join(value_text(lang, zone, name, v) for v in value))
    return _cut(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))


def _string(lang: str, zone: str | None, name: str, value: str) -> str:
    if len(value) >= 19 and value[4:5] == "-" and value[10:11] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return i18n.when(lang, moment, zone)
    key = _label_key(name, value)
    return i18n.translate(lang, key) if key and i18n.has(lang, key) else value


def _label_key(name: str, value: str) -> str | None:
    """The catalogue key of a state or kind: the enum named like the field, else the one
    enum that has this value (an ambiguous value stays as it is)."""
    by_field, by_value = _enum_labels()
    return by_field.get((name, value)) or (
        next(iter(by_value[value])) if len(by_value.get(value, ())) == 1 else None
    )


@cache
def _enum_labels() -> tuple[dict[tuple[str, str], str], dict[str, set[str]]]:
    by_field: dict[tuple[str, str], str] = {}
    by_value: dict[str, set[str]] = {}
    pending = list(LabelledEnum.__subclasses__())
    while pending:
        kind = pending.pop()
        pending.extend(kind.__subclasses__())
        for member in kind:
            by_field[(kind._label_family, member.value)] = member.label_key
            by_value.setdefault(member.value, set()).add(member.label_key)
    return by_field, by_value


def _cut(text: str) -> str:
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"
