"""Write and read the audit log; the registry of audited object types.

``record`` adds a row to the caller's transaction (flushed, never committed), so the
change and its audit row land together or not at all. Object types are registered once
by the domain that owns them, next to the service that audits them::

    SITE = audit.register_type("site", label_key="object.site", link="/sites/{id}")
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.audit.models import AuditEntry
from baotong.core import clock
from baotong.core.exceptions import ValidationError
from baotong.core.pagination import Page, PageRequest, paginate


@dataclass(frozen=True, slots=True)
class ObjectType:
    """An audited kind of object.

    ``name`` is stored in ``audit_log.object_type``; ``label_key`` is the console's word
    for it; ``link`` is the page of one object, ``{id}`` standing for the object id
    (None when the object has no page).
    """

    name: str
    label_key: str
    link: str | None = None

    def href(self, object_id: str) -> str | None:
        return self.link.replace("{id}", object_id) if self.link else None


_TYPES: dict[str, ObjectType] = {}


def register_type(name: str, *, label_key: str, link: str | None = None) -> ObjectType:
    """Declare an audited object type (again with the same definition is harmless)."""
    kind = ObjectType(name, label_key, link)
    known = _TYPES.setdefault(name, kind)
    if known != kind:
        raise ValueError(f"audit object type '{name}' is already registered as {known}")
    return kind


def object_types() -> list[ObjectType]:
    """Every registered type, in the order the domains registered them."""
    return list(_TYPES.values())


def object_type(name: str) -> ObjectType | None:
    return _TYPES.get(name)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    province_code: str | None = None,
) -> AuditEntry:
    """Add an audit row to the caller's transaction (flushed, not committed)."""
    if object_type not in _TYPES:
        raise ValueError(f"audit object type '{object_type}' is not registered")
    entry = AuditEntry(
        at=clock.now(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        province_code=province_code,
        before=before,
        after=after,
    )
    session.add(entry)
    session.flush()
    return entry


def entries(
    session: Session,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    province_code: str | None = None,
    page: PageRequest = PageRequest(),
) -> Page[AuditEntry]:
    """Newest first, filtered by object, actor, action and time [since, until).

    A provincial reader passes its province and sees only its entries (audit lies below
    auth, so it takes the province, not the principal); an object type nobody registered
    is refused.
    """
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if object_type:
        if object_type not in _TYPES:
            names = ", ".join(_TYPES)
            raise ValidationError(
                f"unknown object type '{object_type}' (one of {names}).",
                code="audit.unknown_type",
                field="object_type",
                value=object_type,
                types=names,
            )
        query = query.where(AuditEntry.object_type == object_type)
    if object_id:
        query = query.where(AuditEntry.object_id == object_id)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    if province_code:
        query = query.where(AuditEntry.province_code == province_code)
    return paginate(session, query, page)
