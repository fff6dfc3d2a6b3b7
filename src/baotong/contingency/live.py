"""Live pages: what colleagues changed since a page was opened, as server-sent events.

A console page opens one ``EventSource`` on ``/events``; the stream sends each new audit
row about a plan, a scenario or a site in the reader's scope — who did what to which
object, worded in the reader's language — and the page shows the notice and refreshes
what it shows. The browser reconnects by itself with the id of the last event it saw
(``Last-Event-ID``), so nothing is missed across reconnections.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baotong.audit import service as audit
from baotong.audit.models import AuditEntry
from baotong.auth.permissions import Principal
from baotong.auth.scope import in_scope
from baotong.core import i18n

WATCHED = ("plan", "scenario", "site")
MAX_EVENTS = 50


@dataclass(frozen=True)
class Change:
    """One change a colleague made: the audit row's id, a notice and the object's page."""

    id: int
    actor: str
    action: str
    object_type: str
    object_id: str
    notice: str
    link: str | None

    def event(self) -> str:
        """The change as one server-sent event."""
        data = {"actor": self.actor, "action": self.action, "object_type": self.object_type,
                "object_id": self.object_id, "notice": self.notice, "link": self.link}  # fmt: skip
        return f"id: {self.id}\nevent: change\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def last_id(session: Session) -> int:
    """The newest audit row now: a new stream starts after it."""
    return int(session.scalar(select(func.max(AuditEntry.id))) or 0)


def changes_since(session: Session, after: int, *, principal: Principal, lang: str) -> list[Change]:
    """The changes others made to plans, scenarios and sites in the principal's scope
    after row ``after``, oldest first (at most ``MAX_EVENTS``)."""
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.id > after, AuditEntry.object_type.in_(WATCHED),
               AuditEntry.actor != principal.username,
               in_scope(principal, AuditEntry.province_code))
        .order_by(AuditEntry.id)
        .limit(MAX_EVENTS)
    )  # fmt: skip
    return [_change(row, lang) for row in rows]


def _change(row: AuditEntry, lang: str) -> Change:
    key = f"action.{row.action}"
    what = i18n.translate(lang, key) if i18n.has(lang, key) else row.action
    kind = audit.object_type(row.object_type)
    noun = i18n.translate(lang, kind.label_key) if kind is not None else row.object_type
    params: dict[str, Any] = {"actor": row.actor, "action": what, "object": noun,
                              "id": row.object_id}  # fmt: skip
    return Change(
        id=row.id, actor=row.actor, action=row.action, object_type=row.object_type,
        object_id=row.object_id, notice=i18n.translate(lang, "live.notice", **params),
        link=kind.href(row.object_id) if kind is not None else None,
    )  # fmt: skip
