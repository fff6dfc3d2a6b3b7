"""An incident's suggested steps from its page: open the scenario, compute its network
adjustment plan, flag a blocked road — each a button that lands back on the incident, is
refused on the page when it cannot be done, and is closed to roles that may not."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.web.conftest import csrf, log_in

from baotong.command.models import Incident
from baotong.db.session import session_scope

from ..conftest import wait_for_plan


def _incident(seeded: sessionmaker[Session], incident_id: int) -> Incident:
    with session_scope(seeded) as session:
        row = session.get(Incident, incident_id)
        assert row is not None
        session.expunge(row)
        return row


def _record(desk: TestClient, **fields: str) -> int:
    reply = desk.post("/command/incidents", data={**fields, **csrf(desk)})
    assert reply.status_code == 303, reply.text[-2000:]
    return int(reply.headers["location"].rsplit("/", 1)[1])


def test_the_incident_buttons_open_the_scenario_compute_it_and_flag_the_road(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    desk = log_in(client, seeded, "duty_officer")
    viewer = log_in(client, seeded, "viewer")
    lockdown = _record(desk, kind="lockdown_declared", place="410000", title="河南全省封控")
    url = f"/command/incidents/{lockdown}"
    for step in ("scenario", "plan-run", "road"):
        assert viewer.post(f"{url}/{step}", data=csrf(viewer)).status_code == 403, step

    refused = desk.post(f"{url}/plan-run", data=csrf(desk))  # no scenario yet
    assert refused.status_code == 409
    assert 'data-testid="error"' in refused.text
    assert _incident(seeded, lockdown).plan_run_id is None

    reply = desk.post(f"{url}/scenario", data=csrf(desk))
    assert (reply.status_code, reply.headers["location"]) == (303, url)
    assert _incident(seeded, lockdown).scenario_id is not None
    reply = desk.post(f"{url}/plan-run", data=csrf(desk))
    assert (reply.status_code, reply.headers["location"]) == (303, url)
    run = _incident(seeded, lockdown).plan_run_id
    assert run is not None
    wait_for_plan(client.app, run)  # type: ignore[arg-type]
    assert 'data-testid="plan-run-link"' in desk.get(url).text

    road = _record(desk, kind="road_blocked", place="410100", title="郑州绕城高速封闭")
    reply = desk.post(f"/command/incidents/{road}/road", data=csrf(desk))
    assert (reply.status_code, reply.headers["location"]) == (303, f"/command/incidents/{road}")
    assert "已标记道路阻断影响" in desk.get(f"/command/incidents/{road}").text
