"""A corpus of bad input for ``baotong plan`` and ``baotong network import``: every case
answers with a message (one line for ``plan``), never a traceback, and the documented
exit status — ``plan`` 1 for an error and 3 for a plan that leaves zones uncovered,
``network import`` 2 (and nothing installed)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from baotong.cli.main import app
from baotong.config import Settings, get_settings
from baotong.network.io import export_network
from baotong.network.reference import active_dir

from ..conftest import PROVINCES, make_network

runner = CliRunner()
BOMB = (
    'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nname: *c\n"
)
GOOD = "name: 河南\nlocked_areas: [{region: 河南}]\nproduct_classes: {parcel: 1.0}\n"


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Each case reads the data folder it sets, not one an earlier test left cached."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder whose active network is the small test network (plans in a second)."""
    monkeypatch.setenv("BAOTONG_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("COLUMNS", "400")
    folder = tmp_path / "network"
    export_network(make_network(), folder)
    result = runner.invoke(app, ["network", "import", str(folder)])
    assert result.exit_code == 0, result.output
    return tmp_path / "var"


def _scenario(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "scenario.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


PLAN_CASES: dict[str, tuple[str | bytes, str]] = {
    "latin-1": ("name: Zürich\n".encode("latin-1") + b"product_classes: {parcel: 1}\n", "UTF-8"),
    "binary": (bytes(range(256)) * 4, "UTF-8"),
    "nested 5000 deep": ("name: " + "[" * 5000 + "]" * 5000 + "\n", "nested deeper"),
    "alias bomb": (BOMB, "aliases"),
    "empty": ("", "mapping"),
    "a list": ("- name: x\n", "mapping"),
    "infinite time limit": (GOOD + "options: {time_limit_s: .inf}\n", "time_limit_s"),
    "nan volume factor": (GOOD.replace("1.0", ".nan"), "product_classes.parcel"),
    "unknown region": (GOOD.replace("{region: 河南}", "{region: 火星}"), "locked_areas.0.region"),
    "missing product classes": ("name: x\nlocked_areas: [{region: 河南}]\n", "product_classes"),
}


@pytest.mark.parametrize("case", PLAN_CASES)
def test_a_bad_scenario_is_one_line_and_exit_1(data_dir: Path, tmp_path: Path, case: str) -> None:
    content, words = PLAN_CASES[case]
    result = runner.invoke(app, ["plan", str(_scenario(tmp_path, content))])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error:")
    assert words in lines[0]
    assert len(lines[0]) < 400


@pytest.mark.parametrize("where", ["a folder", "missing"])
def test_a_scenario_that_cannot_be_read_is_one_line(
    data_dir: Path, tmp_path: Path, where: str
) -> None:
    path = tmp_path if where == "a folder" else tmp_path / "nowhere.yaml"
    result = runner.invoke(app, ["plan", str(path)])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "cannot read the file" in result.output


@pytest.mark.parametrize("option", ["--out", "--export-model"])
def test_outputs_pointed_at_a_file_are_one_line(
    data_dir: Path, tmp_path: Path, option: str
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["plan", str(_scenario(tmp_path, GOOD)), option, str(blocker)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1].startswith("Error: cannot write")


def test_a_plan_that_leaves_zones_uncovered_exits_3_with_its_files(
    data_dir: Path, tmp_path: Path
) -> None:
    every = ", ".join(f"{{region: '{code}0000'}}" for code in PROVINCES)  # nothing is left
    scenario = f"name: all\nlocked_areas: [{every}]\nproduct_classes: {{parcel: 1.0}}\n"
    out = tmp_path / "out"
    result = runner.invoke(app, ["plan", str(_scenario(tmp_path, scenario)), "--out", str(out)])
    assert result.exit_code == 3, result.output
    assert "Not covered" in result.output
    assert json.loads((out / "plan.json").read_text(encoding="utf-8"))["status"] == "infeasible"


# -- network import -------------------------------------------------------------------------
def _no_hub(folder: Path) -> None:
    path = folder / "centers.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",provincial_hub,", ",city,", 1),
                    encoding="utf-8")  # fmt: skip


def _boundaries(geometry: object) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        feature = {"type": "Feature", "properties": {"code": "410000"}, "geometry": geometry}
        collection = {"type": "FeatureCollection", "features": [feature]}
        (folder / "boundaries.geojson").write_text(json.dumps(collection), encoding="utf-8")

    return write


def _deep_geojson(folder: Path) -> None:
    (folder / "boundaries.geojson").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


IMPORT_CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "province without its hub": (_no_hub, "has no provincial_hub centre"),
    "polygon of numbers": (
        _boundaries({"type": "Polygon", "coordinates": [[1, 2]]}), "not a usable polygon"),
    "polygon of words": (
        _boundaries({"type": "Polygon", "coordinates": [[["a", "b"]]]}), "not a usable polygon"),
    "geojson nested 100000 deep": (_deep_geojson, "GeoJSON FeatureCollection"),
    "binary regions": (
        lambda f: (f / "regions.csv").write_bytes(bytes(range(256))), "regions.csv"),
}  # fmt: skip


@pytest.mark.parametrize("case", IMPORT_CASES)
def test_a_damaged_network_folder_is_refused_and_nothing_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    monkeypatch.setenv("BAOTONG_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("COLUMNS", "400")
    damage, words = IMPORT_CASES[case]
    folder = tmp_path / "network"
    export_network(make_network(), folder)
    damage(folder)
    result = runner.invoke(app, ["network", "import", str(folder)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("error: The network in")
    assert words in result.stderr
    assert not active_dir(Settings(data_dir=tmp_path / "var")).exists()
