"""Stored sweeps: a sweep folder checked and stored once, the risk table it gives, the API
and pages that show it, a sweep started from the console, and the demo's sweep."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from baotong.cli.main import app as cli_app
from baotong.config import Settings
from baotong.contingency import document as doc
from baotong.contingency import sweep_service
from baotong.contingency.demo import SWEEP_PROVINCES, seed_sweep
from baotong.contingency.models import SweepRegion, SweepRun
from baotong.contingency.sweep import SCHEMA, plan_path, write_plan
from baotong.contingency.sweep_files import SweepImportError, read_sweep_folder
from baotong.db.session import session_scope
from baotong.jobs import JobStatus
from baotong.network.entities import Network

from ..conftest import nearest_document, staff

API = "/api/v1"
# region → {backup centre: items/day it takes}: XA takes most of Hubei's and all of
# Shaanxi's… no, of Shandong's mail; WH most of Henan's.
HAND_MADE = {
    "410000": {"WH": 90.0, "XA": 10.0},
    "420000": {"ZZ": 40.0, "XA": 60.0},
    "370000": {"XA": 100.0},
}


def _plan(network: Network, code: str, backups: dict[str, float]) -> doc.PlanDocument:
    county = next(iter(network.counties_in(code)))
    rows = [
        doc.Assignment(
            zone_id=f"{county.code}-{cid}", zone_kind="county", region_code=county.code,
            station_id=None, name=county.name, area_code=code, location=county.centroid,
            backup_center_id=cid, backup=network.centers[cid].name, volume=volume,
            load=volume, chutes=1, sort_depth="county", km=0.0, hours=0.0, extra_hours=0.0,
        )
        for cid, volume in backups.items()
    ]  # fmt: skip
    body = {"name": f"{code} lockdown", "locked_areas": [{"region": code}]}
    return nearest_document(network, body, [code], rows)


def _folder(tmp_path: Path, network: Network, plans: dict[str, dict[str, float]]) -> Path:
    """A sweep folder as ``baotong sweep --out`` writes it, made by hand."""
    out = tmp_path / "sweep"
    for code, backups in plans.items():
        write_plan(out, code, _plan(network, code, backups))
    summary = {"schema": SCHEMA, "network": network.name, "level": "province",
               "regions": 4, "planned": len(plans), "options": {"time_limit_s": 1.0},
               "plans": [{"region_code": code} for code in plans]}  # fmt: skip
    (out / "sweep.json").write_text(json.dumps(summary), encoding="utf-8")
    return out


@pytest.fixture
def folder(tmp_path: Path, network: Network) -> Path:
    return _folder(tmp_path, network, HAND_MADE)


def _import(sessions: sessionmaker[Session], folder: Path, network: Network) -> tuple[int, bool]:
    with session_scope(sessions) as session:
        row, created = sweep_service.import_folder(session, folder=folder, network=network,
                                                   principal=staff("planner"))  # fmt: skip
        return row.id, created


def test_a_sweep_folder_problem_names_its_file_and_field(folder: Path, network: Network) -> None:
    summary = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
    summary["level"] = "county"
    summary["plans"].append({"region_code": "999999"})
    summary["plans"].append({"region_code": "610000"})  # no plan file
    (folder / "sweep.json").write_text(json.dumps(summary), encoding="utf-8")
    plan_path(folder, "420000").write_text('{"schema": "baotong.plan/1"}', encoding="utf-8")
    with pytest.raises(SweepImportError) as caught:
        read_sweep_folder(folder, network)
    found = {(e.data.get("file"), e.data.get("field"), e.code) for e in caught.value.errors}
    assert found == {
        ("sweep.json", "level", "sweep.bad_field"),
        ("sweep.json", "plans[3].region_code", "sweep.unknown_region"),
        ("plans/420000.json", "scenario", "sweep.bad_plan"),
        ("plans/610000.json", None, "sweep.file_missing"),
    }
    assert caught.value.code == "sweep.import_failed"
    assert "sweep.json, field 'level'" in caught.value.message


def test_a_folder_without_sweep_json_is_refused(tmp_path: Path, network: Network) -> None:
    with pytest.raises(SweepImportError) as caught:
        read_sweep_folder(tmp_path, network)
    assert [e.data.get("file") for e in caught.value.errors] == ["sweep.json"]


def test_importing_the_same_folder_twice_stores_it_once(
    seeded: sessionmaker[Session], folder: Path, network: Network
) -> None:
    first, created = _import(seeded, folder, network)
    again, created_again = _import(seeded, folder, network)
    assert (created, created_again) == (True, False)
    assert again == first
    with session_scope(seeded, write=False) as session:
        assert session.scalar(select(func.count()).select_from(SweepRun)) == 1
        assert session.scalar(select(func.count()).select_from(SweepRegion)) == 3


def test_a_refused_folder_stores_nothing(
    seeded: sessionmaker[Session], folder: Path, network: Network
) -> None:
    plan_path(folder, "370000").unlink()
    with pytest.raises(SweepImportError):
        _import(seeded, folder, network)
    with session_scope(seeded, write=False) as session:
        assert session.scalar(select(func.count()).select_from(SweepRun)) == 0


def test_the_risk_table_counts_the_plans_that_need_each_centre(
    seeded: sessionmaker[Session], folder: Path, network: Network
) -> None:
    sweep_id, _ = _import(seeded, folder, network)
    with session_scope(seeded, write=False) as session:
        risk = session.get(SweepRun, sweep_id).risk  # type: ignore[union-attr]
    assert [(r["center_id"], r["plans"], r["critical_for"], r["single_point"]) for r in risk] == [
        ("XA", 3, 2, True), ("WH", 1, 1, True), ("ZZ", 1, 0, False)
    ]  # fmt: skip
    xa = risk[0]
    assert xa["regions"] == ["370000", "410000", "420000"]
    assert xa["share_of_plans"] == 1.0
    assert xa["volume"] == 170.0
    assert xa["share_of_volume"] == pytest.approx(170 / 300, abs=1e-4)


def test_the_api_shows_sweeps_risk_and_regions_in_scope(
    client: TestClient, users: Any, seeded: sessionmaker[Session], folder: Path, network: Network
) -> None:
    sweep_id, _ = _import(seeded, folder, network)
    national, hubei = users.headers("viewer"), users.headers("viewer", "420000")
    listed = client.get(f"{API}/sweeps", headers=hubei)
    assert [s["id"] for s in listed.json()] == [sweep_id]
    assert listed.headers["X-Total-Count"] == "1"
    detail = client.get(f"{API}/sweeps/{sweep_id}", headers=national).json()
    assert detail["status"] == "succeeded"
    assert detail["planned"] == 3
    assert [p["region_code"] for p in detail["plans"]] == ["370000", "410000", "420000"]
    mine = client.get(f"{API}/sweeps/{sweep_id}", headers=hubei).json()
    assert [p["region_code"] for p in mine["plans"]] == ["420000"]
    risk = client.get(f"{API}/sweeps/{sweep_id}/risk", headers=hubei).json()
    assert [r["center_id"] for r in risk] == ["XA", "WH", "ZZ"]  # national, read-only data
    region = client.get(f"{API}/sweeps/{sweep_id}/regions/410000", headers=national).json()
    assert region["backups"] == {"WH": 90.0, "XA": 10.0}
    assert region["plan"]["schema"] == "baotong.plan/1"
    hidden = client.get(f"{API}/sweeps/{sweep_id}/regions/410000", headers=hubei)
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "sweep.region_unknown"
    assert client.get(f"{API}/sweeps/999", headers=national).status_code == 404
    assert client.get(f"{API}/sweeps", headers=users.headers("cs_agent")).status_code == 403


def _browser(client: TestClient, users: Any, role: str, province: str | None = None) -> TestClient:
    token = users.headers(role, province)["Authorization"].removeprefix("Bearer ")
    browser = TestClient(client.app, follow_redirects=False)
    browser.cookies.set("baotong_session", token)
    return browser


def test_the_sweeps_page_shows_the_risk_table_and_links_a_region(
    client: TestClient, users: Any, seeded: sessionmaker[Session], folder: Path, network: Network
) -> None:
    sweep_id, _ = _import(seeded, folder, network)
    browser = _browser(client, users, "planner")
    page = browser.get("/sweeps")
    assert page.status_code == 200
    assert 'data-testid="risk"' in page.text
    assert 'data-testid="risk-chart"' in page.text
    assert page.text.count('data-testid="single-point"') == 2
    assert 'href="/sweeps"' in browser.get("/plans").text  # in the planner's nav
    detail = browser.get(f"/sweeps/{sweep_id}")
    assert f'href="/sweeps/{sweep_id}/regions/410000"' in detail.text
    region = browser.get(f"/sweeps/{sweep_id}/regions/410000")
    assert region.status_code == 200
    assert 'data-testid="backups"' in region.text
    assert f'href="/sweeps/{sweep_id}/regions/410000/scenario"' in region.text
    builder = browser.get(f"/sweeps/{sweep_id}/regions/410000/scenario")
    assert builder.status_code == 200
    assert 'value="410000"' in builder.text
    assert 'action="/scenarios"' in builder.text
    english = browser.get("/sweeps", headers={"Accept-Language": "en"})
    assert "Single point of failure" in english.text or "单点故障" in english.text


def test_a_region_page_shows_the_unserved_zones_and_why(
    client: TestClient, users: Any, seeded: sessionmaker[Session], tmp_path: Path,
    network: Network,
) -> None:  # fmt: skip
    out = _folder(tmp_path, network, {"410000": {"WH": 100.0}})
    path = plan_path(out, "410000")
    plan = json.loads(path.read_text(encoding="utf-8"))
    plan["status"] = "infeasible"
    plan["unserved"]["zones"] = [{"zone_id": "410102", "name": "河南2县", "region_code": "410102",
                                  "volume": 500.0, "load": 500.0, "chutes": 1,
                                  "reachable_candidates": 0,
                                  "reason": "no backup within 10 road hours"}]  # fmt: skip
    path.write_text(json.dumps(plan), encoding="utf-8")
    sweep_id, _ = _import(seeded, out, network)
    page = _browser(client, users, "viewer").get(f"/sweeps/{sweep_id}/regions/410000")
    assert 'data-testid="unserved"' in page.text
    assert "no backup within 10 road hours" in page.text
    assert 'data-testid="use-as-scenario"' not in page.text  # a viewer cannot write scenarios


def test_a_planner_starts_a_sweep_that_runs_as_a_job_and_is_stored(
    client: TestClient, users: Any
) -> None:
    browser = _browser(client, users, "planner")
    browser.cookies.set("baotong_csrf", "t")
    started = browser.post("/sweeps", data={"csrf_token": "t", "time_limit_s": "1"},
                           headers={"x-csrf-token": "t"})  # fmt: skip
    assert started.status_code == 303, started.text
    sweep_id = int(started.headers["location"].rsplit("/", 1)[1])
    context = client.app.state.context  # type: ignore[attr-defined]
    with session_scope(context.sessions, write=False) as session:
        row = session.get(SweepRun, sweep_id)
        assert row is not None
        assert row.job is not None
        job_id = row.job.id
    context.runner.wait(job_id, timeout=60)
    detail = client.get(f"{API}/sweeps/{sweep_id}", headers=users.headers("viewer")).json()
    assert detail["status"] == JobStatus.SUCCEEDED.value
    assert detail["planned"] == detail["regions"] == 4
    assert client.get(f"{API}/sweeps/{sweep_id}/risk", headers=users.headers("viewer")).json()
    assert 'data-testid="progress"' in browser.get(f"/sweeps/{sweep_id}").text
    viewer = _browser(client, users, "viewer")
    viewer.cookies.set("baotong_csrf", "t")
    refused = viewer.post("/sweeps", data={"csrf_token": "t"}, headers={"x-csrf-token": "t"})
    assert refused.status_code == 403


def test_a_second_sweep_waits_for_the_first(
    seeded: sessionmaker[Session], network: Network
) -> None:
    with session_scope(seeded) as session:
        sweep_service.start_sweep(session, network=network, principal=staff("a"))
    with session_scope(seeded) as session, pytest.raises(Exception, match="already queued"):
        sweep_service.start_sweep(session, network=network, principal=staff("b"))


def test_the_cli_stores_a_sweep_folder_once(
    folder: Path, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    seeded: sessionmaker[Session],
) -> None:  # fmt: skip
    monkeypatch.setenv("BAOTONG_DATABASE_URL", database_url)
    monkeypatch.setenv("BAOTONG_DATA_DIR", str(tmp_path / "data"))
    from baotong.config import get_settings

    get_settings.cache_clear()
    try:
        from baotong.cli import sweep as cli_sweep

        monkeypatch.setattr(cli_sweep, "load_active", lambda _settings: _network_of(folder))
        first = CliRunner().invoke(cli_app, ["sweep", "--import", str(folder)])
        again = CliRunner().invoke(cli_app, ["sweep", "--import", str(folder)])
    finally:
        get_settings.cache_clear()
    assert first.exit_code == 0, first.output
    assert "Stored sweep" in first.output
    assert "Already stored" in again.output


def _network_of(folder: Path) -> Network:
    from ..conftest import make_network

    return make_network()


def test_the_demo_stores_a_small_province_sweep(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="k" * 40)
    with session_scope(sessions) as session:
        said = seed_sweep(session, settings)
    assert len(said) == 1
    with session_scope(sessions) as session:
        assert seed_sweep(session, settings) == []  # seeded once
    with session_scope(sessions, write=False) as session:
        row = session.scalar(select(SweepRun))
        assert row is not None
        assert row.planned == SWEEP_PROVINCES
        assert row.risk
