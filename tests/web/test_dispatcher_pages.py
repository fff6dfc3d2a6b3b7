"""The dispatcher's pages tell one story: a saved scenario edits without changes, a
scheduled plan shows as scheduled everywhere until its time, and what the plans in force
do to the centres is shown where the centres are."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from .conftest import csrf, log_in


def test_a_saved_scenario_opens_for_editing_without_none_and_saves_unchanged(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    planner = log_in(client, seeded, "planner")
    saved = planner.post(
        "/scenarios",
        data={"name": "河南", "area_region": "410000", "area_level": "province",
              "class_parcel": "1", "factor_parcel": "1.0", "max_backups": "",
              "max_surge_shifts": "", **csrf(planner)},
    )  # fmt: skip
    assert saved.status_code == 303
    edit = planner.get(saved.headers["location"] + "/edit").text
    assert 'value="None"' not in edit
    assert 'name="max_backups" value=""' in edit
    again = planner.post(
        saved.headers["location"],
        data={"name": "河南", "area_region": "410000", "area_level": "province",
              "class_parcel": "1", "factor_parcel": "1.0", "max_backups": "",
              "max_surge_shifts": "", **csrf(planner)},
    )  # fmt: skip
    assert again.status_code == 303, again.text
