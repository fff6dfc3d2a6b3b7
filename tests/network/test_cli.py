"""``baotong network``: show, export, import and reset through the real Typer app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from baotong.cli.main import app
from baotong.config import Settings
from baotong.network.reference import active_dir, load_active, load_reference

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BAOTONG_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("COLUMNS", "160")
    return tmp_path / "var"


def test_show_without_region_prints_the_national_summary(data_dir: Path) -> None:
    result = runner.invoke(app, ["network", "show"])
    assert result.exit_code == 0, result.output
    counts = load_reference().counts()
    assert (
        f"{counts['prefectures']} prefectures · {counts['counties']} counties · "
        f"{counts['centers']} centres · {counts['stations']:,} delivery stations"
    ) in result.output
    assert "Provinces (items/day)" in result.output
    assert "Henan" in result.output
    assert "Xinjiang" in result.output


def test_show_41_describes_henan_centre_by_centre(data_dir: Path) -> None:
    result = runner.invoke(app, ["network", "show", "41"])
    assert result.exit_code == 0, result.output
    assert "河南省 Henan (410000, Province)" in result.output
    assert "18 prefectures · 157 counties · 17 centres" in result.output
    assert "郑州邮件处理中心" in result.output
    assert "C-410100" in result.output


def test_show_a_county_lists_its_stations(data_dir: Path) -> None:
    result = runner.invoke(app, ["network", "show", "110105"])
    assert result.exit_code == 0, result.output
    assert "朝阳区 Chaoyang (110105, County)" in result.output
    assert "In 北京市 · 68 delivery stations · population" in result.output
    assert "sorted by 北京邮区中心局 (C-110100-ZXJ)" in result.output
    assert "S-110105-01" in result.output


def test_an_ambiguous_region_exits_2_with_the_message_on_stderr(data_dir: Path) -> None:
    result = runner.invoke(app, ["network", "show", "朝阳区"])
    assert result.exit_code == 2
    assert "'朝阳区' names 2 regions" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_export_import_reset_cycle(data_dir: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=data_dir)
    out = tmp_path / "export"
    result = runner.invoke(app, ["network", "export", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Exported 10 files to {out}." in result.output
    assert (out / "airports.csv").read_text(encoding="utf-8").count("\n") == 1 + 92
    assert (out / "ferries.csv").read_text(encoding="utf-8").count("\n") == 1 + 1
    assert (out / "boundaries.geojson").is_file()
    (out / "params.csv").write_text(
        (out / "params.csv")
        .read_text(encoding="utf-8")
        .replace("Reference network of mainland China (modelled)", "Edited network"),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["network", "import", str(out)])
    assert result.exit_code == 0, result.output
    assert "Installed 'Edited network' as the active network" in result.output
    assert load_active(settings).name == "Edited network"
    shown = runner.invoke(app, ["network", "show"])
    assert shown.output.startswith("Edited network")
    result = runner.invoke(app, ["network", "reset"])
    assert result.exit_code == 0
    assert "reference is active again" in result.output
    assert load_active(settings) is load_reference()


def test_a_bad_import_exits_2_and_leaves_nothing(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "regions.csv").write_bytes("code,name\n410000,河南省\n".encode("gbk"))
    result = runner.invoke(app, ["network", "import", str(folder)])
    assert result.exit_code == 2
    assert f"The network in {folder} cannot be imported" in result.stderr
    assert "regions.csv: not UTF-8 text (byte 0xba at offset 17)" in result.stderr
    assert "centers.csv: file is missing." in result.stderr
    assert not active_dir(Settings(data_dir=data_dir)).exists()


@pytest.mark.slow
def test_build_reference_rebuilds_the_bundled_files_byte_for_byte(
    data_dir: Path, tmp_path: Path
) -> None:
    from baotong.network.reference import data_dir as bundled

    result = runner.invoke(app, ["network", "build-reference", "--out", str(tmp_path / "ref")])
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    for name in ("network.json.gz", "od_flows.npz", "boundaries.json.gz"):
        assert (tmp_path / "ref" / name).read_bytes() == (bundled() / name).read_bytes(), name


def test_build_reference_refuses_a_broken_parameter_file(data_dir: Path, tmp_path: Path) -> None:
    params = tmp_path / "params.toml"
    params.write_text("seed = \n", encoding="utf-8")
    result = runner.invoke(app, ["network", "build-reference", "--params", str(params)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {params}: not valid TOML: Invalid value (at line 1")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda text: text.replace("seed =", "seedling ="), "field 'seed': is missing."),
        (lambda text: text.replace("seed = ", 'seed = "x" # '), "field 'seed': must be a int"),
    ],
)
def test_build_reference_names_a_missing_or_mistyped_parameter(
    data_dir: Path, tmp_path: Path, edit: Callable[[str], str], message: str
) -> None:
    from baotong.network.reference import data_dir as bundled

    params = tmp_path / "params.toml"
    params.write_text(edit((bundled() / "params.toml").read_text(encoding="utf-8")), "utf-8")
    result = runner.invoke(app, ["network", "build-reference", "--params", str(params)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {params}, {message}")
