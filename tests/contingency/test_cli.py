"""``baotong plan``: every output written, readable, and errors without tracebacks."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import highspy
import pytest
from distributed import LocalCluster
from openpyxl import load_workbook
from typer.testing import CliRunner

from baotong.cli.main import app
from baotong.cli.plan import run_example
from baotong.contingency.sweep import plan_path, plan_region, sweep_regions, write_plan
from baotong.network.reference import load_reference

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


@pytest.fixture(scope="module")
def henan_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("henan")
    result = runner.invoke(app, ["plan", str(EXAMPLES / "henan.yaml"), "--out", str(out),
                                 "--evaluate", str(EXAMPLES / "henan-manual.yaml"),
                                 "--export-model", str(out / "model")])  # fmt: skip
    assert result.exit_code == 0, result.output
    return out, result.output


def test_summary_is_printed(henan_out: tuple[Path, str]) -> None:
    _, output = henan_out
    assert "Henan province-wide lockdown" in output
    assert "gap" in output
    assert "against the optimum" in output  # the manual plan's score


def test_plan_json_is_complete(henan_out: tuple[Path, str]) -> None:
    out, _ = henan_out
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert data["schema"] == "baotong.plan/1"
    keys = ("status", "objective", "bound", "gap", "solve_seconds", "backups", "assignments",
            "sort_plan_changes", "transit_changes", "transport", "delays", "unserved")  # fmt: skip
    for key in keys:
        assert key in data, key
    assert data["status"] == "optimal"


def test_csv_tables_have_bilingual_headers(henan_out: tuple[Path, str]) -> None:
    out, _ = henan_out
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    with (out / "assignments.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "分区 / Zone"
    assert "分拣中心 / Backup centre" in rows[0]
    assert len(rows) - 1 == len(data["assignments"])
    for name in ("backups", "sort_plan_changes", "transit_changes", "trunk", "zone_runs"):
        assert (out / f"{name}.csv").stat().st_size > 0


def test_excel_opens_with_every_sheet(henan_out: tuple[Path, str]) -> None:
    out, _ = henan_out
    wb = load_workbook(out / "plan.xlsx", read_only=True)
    assert wb.sheetnames == ["summary", "backups", "assignments", "sort_plan_changes",
                             "transit_changes", "trunk", "zone_runs"]  # fmt: skip
    header = next(wb["backups"].iter_rows(max_row=1, values_only=True))
    assert header[1] == "分拣中心 / Backup centre"


def test_report_is_offline_with_a_map(henan_out: tuple[Path, str]) -> None:
    out, _ = henan_out
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html
    assert html.count('class="zone"') > 100  # Henan's counties, filled by backup
    assert 'class="flow"' in html
    assert not re.search(r'(src|href)=["\']?(https?:)?//', html)  # nothing fetched


def test_evaluation_and_model_are_written(henan_out: tuple[Path, str]) -> None:
    out, _ = henan_out
    ev = json.loads((out / "evaluation.json").read_text(encoding="utf-8"))
    assert ev["gap_to_optimum"] > 0
    h = highspy.Highs()
    h.silent()
    assert h.readModel(str(out / "model" / "model.mps")) == highspy.HighsStatus.kOk
    data = json.loads((out / "model" / "model-data.json").read_text(encoding="utf-8"))
    assert h.getNumCol() == len(data["arcs"]) + len(data["zones"]) + 2 * len(data["candidates"])


def test_bad_scenario_is_an_error_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nlocked_areas: [{region: 'Atlantis'}]\nproduct_classes: {ems: 1}\n",
                    encoding="utf-8")  # fmt: skip
    result = runner.invoke(app, ["plan", str(path)])
    assert result.exit_code == 1
    assert f"{path}, field 'locked_areas.0.region'" in result.output
    assert "Atlantis" in result.output
    assert "Traceback" not in result.output


def test_run_example_writes_the_report(tmp_path: Path) -> None:
    report = run_example(tmp_path)
    assert report == tmp_path / "report.html"
    assert report.exists()
    assert (tmp_path / "plan.json").exists()


def test_simulate_writes_the_series_and_the_page(
    henan_out: tuple[Path, str], tmp_path: Path
) -> None:
    plan_json = henan_out[0] / "plan.json"
    result = runner.invoke(app, ["simulate", str(EXAMPLES / "henan.yaml"), "--plan",
                                 str(plan_json), "--days", "5", "--seed", "7",
                                 "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "simulation.json").read_text(encoding="utf-8"))
    assert data["schema"] == "baotong.simulation/1"
    assert [r["name"] for r in data["runs"]] == ["optimum", "plan", "do_nothing"]
    for run in data["runs"]:
        assert [d["day"] for d in run["days"]] == [1, 2, 3, 4, 5]
        assert run["arrived"] == pytest.approx(run["delivered"] + run["backlog"], abs=1.0)
    assert data["runs"][0]["days"] == data["runs"][1]["days"]  # the same plan, the same seed
    assert "<svg" in (tmp_path / "simulation.html").read_text(encoding="utf-8")
    assert "do_nothing" in result.output


def test_simulate_scores_a_manual_plan(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", str(EXAMPLES / "chaoyang.yaml"), "--days", "2",
                                 "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["simulate", str(EXAMPLES / "henan.yaml"), "--days", "2",
                                 "--plan", str(EXAMPLES / "henan-manual.yaml"),
                                 "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "simulation.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in data["runs"]] == ["optimum", "manual", "do_nothing"]


def test_simulate_refuses_a_plan_of_another_scenario(
    henan_out: tuple[Path, str], tmp_path: Path
) -> None:
    henan_plan = str(henan_out[0] / "plan.json")
    result = runner.invoke(app, ["simulate", str(EXAMPLES / "chaoyang.yaml"), "--plan",
                                 henan_plan, "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 1
    assert "no assignment matches this scenario" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_sweep_plans_what_is_missing_and_ranks_backups(tmp_path: Path) -> None:
    network = load_reference()
    codes = sweep_regions(network, "province")
    assert len(codes) == 31
    tianjin = plan_region(network, "120000", 5)
    for code in codes:
        if code != "120000":  # as if an earlier run was interrupted before Tianjin
            write_plan(tmp_path, code, tianjin)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:  # fmt: skip
        result = runner.invoke(app, ["sweep", "--level", "province", "--out", str(tmp_path),
                                     "--scheduler", cluster.scheduler_address])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "31 regions, 30 already planned" in result.output
    assert "Planned 1 regions" in result.output
    data = json.loads((tmp_path / "sweep.json").read_text(encoding="utf-8"))
    assert data["planned"] == 31
    assert data["risk"][0]["plans"] == 31  # Tianjin's backups, in every plan here
    assert plan_path(tmp_path, "120000").exists()


def test_sweep_refuses_an_unknown_level(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sweep", "--level", "county", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "--level must be province, prefecture or all" in result.output
