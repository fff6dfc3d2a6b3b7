"""The audit page's change column speaks the reader's language: changed fields only, named
and valued as the console names them, times in the reader's zone — not raw JSON."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from baotong.audit import service as audit
from baotong.audit.changes import LONGEST, Change, changes
from baotong.db.session import session_scope


def test_only_what_changed_is_listed_with_labels_and_local_times() -> None:
    before = {"lifecycle": "approved", "name": "河南", "effective_at": None}
    after = {"lifecycle": "active", "name": "河南", "effective_at": "2026-12-01T00:00:00+00:00"}
    zh = changes(before, after, lang="zh", zone="Asia/Shanghai")
    assert [c.field for c in zh] == ["状态", "生效时间"]
    assert zh[0] == Change("状态", "已批准", "生效中")
    assert zh[1].before == "—"
    assert zh[1].after is not None
    assert "12月1日 08:00" in zh[1].after  # midnight UTC in Beijing
    assert zh[1].after.endswith("UTC+8")
    en = changes(before, after, lang="en", zone="UTC")
    assert en[0] == Change("State", "Approved", "Active")
    assert "00:00" in str(en[1].after)


def test_a_new_object_lists_every_field_and_values_read_naturally() -> None:
    after = {"drill": True, "areas": ["410000", "420000"], "packages": 12500,
             "rate": 0.375, "odd_field": {"x": 1}, "note": "x" * 500}  # fmt: skip
    shown = {c.field: c.after for c in changes(None, after, lang="zh", zone=None)}
    assert all(c.before is None for c in changes(None, after, lang="zh", zone=None))
    assert shown["演练"] == "是"
    assert shown["区域"] == "410000、420000"
    assert shown["件数"] == "12,500"
    assert shown["rate"] == "0.38"  # a field without a name shows its own
    assert shown["odd_field"] == '{"x": 1}'
    assert len(shown["备注"] or "") == LONGEST
    assert (shown["备注"] or "").endswith("…")


def test_a_removed_field_shows_what_it_was() -> None:
    (gone,) = changes({"reason": "封控"}, {}, lang="en", zone=None)
    assert gone == Change("Reason", "封控", None)


def test_the_audit_page_shows_labels_not_internal_words(
    client: TestClient, seeded: sessionmaker[Session], users: Any
) -> None:
    with session_scope(seeded) as session:
        audit.record(session, actor="duty", action="plan.activate", object_type="plan",
                     object_id="7", before={"lifecycle": "approved"},
                     after={"lifecycle": "active"})  # fmt: skip
    admin = users.headers("admin")
    page = client.get("/audit?object_type=plan", headers=admin).text
    cell = page[page.index('data-testid="changes"') :]
    cell = cell[: cell.index("</td>")]
    assert "状态:" in cell
    assert "已批准" in cell
    assert "生效中" in cell
    assert "lifecycle" not in cell
    assert "active" not in cell
