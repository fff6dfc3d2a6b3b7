"""The tracking API: public lookup without login (no contacts, rate-limited), staff
lookup, bulk ingest by JSON and by file, announcements."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from baotong.core import clock

from .conftest import HENAN_ITEM, Lockdown

API = "/api/v1"


def test_the_public_sees_scans_and_the_lockdown_notice_without_logging_in(
    client: TestClient, items: dict[str, str], lockdown: Lockdown
) -> None:
    lockdown.activate()
    reply = client.get(f"{API}/public/track/{items['henan'].lower()}")
    assert reply.status_code == 200
    body = reply.json()
    assert [n["kind"] for n in body["notices"]] == ["lockdown"]
    assert body["notices"][0]["extra_hours"] == 18.0
    assert "13800000001" not in reply.text
    assert "contact" not in reply.text
    missing = client.get(f"{API}/public/track/EE123456780CN")
    assert (missing.status_code, missing.json()["code"]) == (422, "tracking.bad_check_digit")


def test_the_public_lookup_is_rate_limited_per_client(
    client: TestClient, items: dict[str, str]
) -> None:
    limit = client.app.state.context.settings.public_requests_per_minute  # type: ignore[attr-defined]
    burst = limit // 4
    with clock.frozen() as now:
        codes = [
            client.get(f"{API}/public/track/{HENAN_ITEM}").status_code for _ in range(burst + 1)
        ]
        assert codes == [200] * burst + [429]
        refused = client.get(f"{API}/public/track/{HENAN_ITEM}")
        assert refused.json()["code"] == "public.rate_limited"
        now.advance(timedelta(seconds=60 / limit))  # one request's worth later
        assert client.get(f"{API}/public/track/{HENAN_ITEM}").status_code == 200


def test_staff_ingest_by_json_and_by_file_is_idempotent(
    client: TestClient, users: Any, items: dict[str, str]
) -> None:
    supervisor = users.headers("cs_supervisor")
    scan = {"number": HENAN_ITEM, "event": "arrived", "site_id": "ZZ", "at": "2026-12-01T20:00:00Z"}
    first = client.post(f"{API}/tracking/ingest", json={"events": [scan]}, headers=supervisor)
    assert first.json()["events_added"] == 1
    csv = f"number,event,site_id,at\n{HENAN_ITEM},arrived,ZZ,2026-12-01T20:00:00+00:00\n"
    again = client.post(
        f"{API}/tracking/ingest/file",
        headers=supervisor,
        files={"file": ("scans.csv", csv.encode(), "text/csv")},
    )
    assert (again.status_code, again.json()["events_added"]) == (200, 0)
    agent = users.headers("cs_agent")
    assert (
        client.post(f"{API}/tracking/ingest", json={"events": []}, headers=agent).status_code == 403
    )
    seen = client.get(f"{API}/tracking/items/{HENAN_ITEM}", headers=agent).json()
    assert seen["recipient_contact"] == "13900000002"


def test_an_announcement_is_written_then_published(
    client: TestClient, users: Any, items: dict[str, str]
) -> None:
    supervisor = users.headers("cs_supervisor", "410000")
    made = client.post(
        f"{API}/announcements",
        headers=supervisor,
        json={"title": "河南省内邮件暂停投递", "province_code": "410000"},
    )
    assert made.status_code == 201
    assert made.json()["state"] == "draft"
    done = client.post(f"{API}/announcements/{made.json()['id']}/publish", headers=supervisor)
    assert done.json()["state"] == "published"
    shown = client.get(f"{API}/public/track/{HENAN_ITEM}").json()["announcements"]
    assert [a["title"] for a in shown] == ["河南省内邮件暂停投递"]
