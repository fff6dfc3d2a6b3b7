"""Scenario and manual-plan validation: every error names the field path and the value."""

from __future__ import annotations

from pathlib import Path

import pytest

from baotong.contingency.scenario import ManualPlan, Scenario
from baotong.core.exceptions import ValidationError

BASE = "name: t\nlocked_areas: [{region: '410000'}]\nproduct_classes: {ems: 0.8}\n"


def test_minimal_scenario_gets_defaults() -> None:
    scenario = Scenario.from_yaml(BASE)
    area = scenario.locked_areas[0]
    assert (area.level, area.sort_depth) == ("province", "county")
    assert scenario.options.max_road_hours == 10.0


def test_city_level_defaults_to_station_depth() -> None:
    scenario = Scenario.from_yaml(
        BASE.replace("{region: '410000'}", "{region: 110105, level: city}")
    )
    assert scenario.locked_areas[0].region == "110105"  # a bare number is read as a code
    assert scenario.locked_areas[0].sort_depth == "station"


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (BASE.replace("{region: '410000'}", "{region: '410000', level: town}"),
         "field 'locked_areas.0.level': Input should be 'province' or 'city' (got 'town')."),
        (BASE.replace("{region: '410000'}", "{region: '410000', depth: segment}"),
         "field 'locked_areas.0.depth': depth 'segment' needs level 'city' "
         "(province level sorts to county) (got 'segment')."),
        (BASE.replace("ems: 0.8", "emx: 0.8"),
         "field 'product_classes.emx': Input should be 'ems', 'parcel', 'letter' or 'supply' "
         "(got 'emx')."),
        (BASE.replace("ems: 0.8", "ems: -1"),
         "field 'product_classes.ems': Input should be greater than or equal to 0 (got -1)."),
        (BASE + "options: {max_road_hours: 0}\n",
         "field 'options.max_road_hours': Input should be greater than 0 (got 0)."),
        (BASE + "options: {presorted_share: 1.5}\n",
         "field 'options.presorted_share': Input should be less than or equal to 1 (got 1.5)."),
        (BASE + "colour: red\n", "field 'colour': Extra inputs are not permitted (got 'red')."),
        (BASE.replace("locked_areas: [{region: '410000'}]", "locked_areas: []"),
         "a scenario needs a locked area or a closed site (got {...})."),
    ],
)  # fmt: skip
def test_bad_scenario_names_field_and_value(yaml_text: str, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        Scenario.from_yaml(yaml_text)
    assert str(err.value) == message


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BASE + "options: {max_backups: 0}\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        Scenario.from_yaml(path)
    assert str(err.value).startswith(f"{path}, field 'options.max_backups'")
    assert err.value.file == str(path)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: t\nlocked_areas: [\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        Scenario.from_yaml(path)
    assert err.value.row == 3
    assert "not valid YAML" in str(err.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot read the file"):
        Scenario.from_yaml(tmp_path / "nowhere.yaml")


def test_manual_plan_needs_regions() -> None:
    with pytest.raises(ValidationError) as err:
        ManualPlan.from_yaml("name: m\nbackups: [{center: C-1, regions: []}]\n")
    assert str(err.value).startswith("field 'backups.0.regions': List should have at least 1 item")
