"""Bring your own network: export → import round trip and the import error corpus."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from baotong.config import Settings
from baotong.network import bundle
from baotong.network.checks import NetworkImportError
from baotong.network.entities import Network
from baotong.network.io import export_network, install_network, read_network, reset_network
from baotong.network.reference import active_dir, load_active, load_reference


def same_network(a: Network, b: Network) -> bool:
    return bundle.to_document(a) == bundle.to_document(b) and np.array_equal(a.od_flows, b.od_flows)


def edit(folder: Path, file: str, row: int, column: str, value: str) -> None:
    """Set one cell; rows are numbered like a spreadsheet (the header is row 1)."""
    path = folder / file
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def drop_rows(folder: Path, file: str, first_cell: str) -> None:
    path = folder / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(x for x in lines if x.split(",")[0] != first_cell), encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_small_network_round_trips_exactly(small_network: Network, tmp_path: Path) -> None:
    export_network(small_network, tmp_path / "out")
    back, boundaries = read_network(tmp_path / "out")
    assert same_network(back, small_network)
    assert back.od_flows[1, 0].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert back.params.road_circuity == 1.3
    assert back.name == "Small test network"
    assert boundaries == {}


def test_reference_round_trips_exactly_with_boundaries(reference: Network, tmp_path: Path) -> None:
    from baotong.network.reference import load_boundaries

    counties = {"410102": load_boundaries("county")["410102"]}
    export_network(reference, tmp_path / "ref", {"county": counties})
    back, boundaries = read_network(tmp_path / "ref")
    assert same_network(back, reference)
    assert boundaries == {"county": counties}


def test_install_makes_the_network_active_and_reset_goes_back(
    network_dir: Path, small_network: Network, settings: Settings
) -> None:
    assert load_active(settings) is load_reference()
    installed = install_network(network_dir, settings)
    assert same_network(installed, small_network)
    assert same_network(load_active(settings), small_network)
    assert sorted(p.name for p in settings.data_dir.iterdir()) == ["network"]  # no leftovers
    assert reset_network(settings) is True
    assert load_active(settings) is load_reference()
    assert reset_network(settings) is False


def test_an_imported_network_draws_its_own_outlines(
    small_network: Network, settings: Settings, tmp_path: Path
) -> None:
    from baotong.network.geo import feature_collection
    from baotong.network.reference import load_boundaries

    county = next(iter(small_network.counties_in(small_network.provinces()[0].code)))
    lon, lat = county.centroid
    square = {
        "type": "Polygon",
        "coordinates": [[[lon - 0.1, lat - 0.1], [lon + 0.1, lat - 0.1], [lon + 0.1, lat + 0.1],
                         [lon - 0.1, lat + 0.1], [lon - 0.1, lat - 0.1]]],
    }  # fmt: skip
    export_network(small_network, tmp_path / "own", {"county": {county.code: square}})
    install_network(tmp_path / "own", settings)
    active = load_active(settings)
    assert active.boundaries_dir == active_dir(settings)
    assert load_boundaries("county", active) == {county.code: square}
    drawn = feature_collection("county", None, active.boundaries_dir)
    assert [f["properties"]["name"] for f in drawn["features"]] == [county.code]


def test_installing_again_replaces_the_active_network(
    network_dir: Path, settings: Settings
) -> None:
    install_network(network_dir, settings)
    edit(network_dir, "params.csv", 2, "value", "Second network")
    install_network(network_dir, settings)
    assert load_active(settings).name == "Second network"


def test_the_error_message_names_the_folder_and_every_problem(network_dir: Path) -> None:
    edit(network_dir, "centers.csv", 2, "status", "paused")
    edit(network_dir, "stations.csv", 3, "grids", "many")
    with pytest.raises(NetworkImportError) as caught:
        read_network(network_dir)
    assert str(caught.value) == (
        f"The network in {network_dir} cannot be imported (2 problems); nothing was changed:\n"
        "  centers.csv, row 2, field 'status': 'paused' is not one of open, limited, closed.\n"
        "  stations.csv, row 3, field 'grids': 'many' is not a whole number."
    )


def _gbk(folder: Path) -> str:
    text = (folder / "regions.csv").read_text(encoding="utf-8")
    raw = text.encode("gbk")
    (folder / "regions.csv").write_bytes(raw)
    first = next(i for i, b in enumerate(raw) if b >= 0x80)
    return f"regions.csv: not UTF-8 text (byte 0x{raw[first]:02x} at offset {first}); " + (
        "save the file as UTF-8."
    )


def _no_column(folder: Path) -> str:
    path = folder / "regions.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(r[:-1] for r in rows)
    return "regions.csv, row 1, field 'population': column is missing."


def _unknown_county(folder: Path) -> str:
    edit(folder, "stations.csv", 3, "county_code", "419999")
    return "stations.csv, row 3, field 'county_code': unknown county code '419999'."


def _zero_capacity(folder: Path) -> str:
    for cls in ("ems", "parcel", "letter", "supply"):
        edit(folder, "centers.csv", 3, f"capacity_{cls}", "0")
    return "centers.csv, row 3, field 'capacity': \"capacity\" must be > 0."


def _county_without_centre(folder: Path) -> str:
    drop_rows(folder, "sort_plan.csv", "410122")
    drop_rows(folder, "sort_plan.csv", "S-410122-01")
    return (
        "stations.csv, row 4, field 'county_code': county '410122' of station 'S-410122-01' "
        "has no centre in sort_plan.csv."
    )


def _duplicate_station(folder: Path) -> str:
    edit(folder, "stations.csv", 3, "id", "S-410102-01")
    return "stations.csv, row 3, field 'id': duplicate 'S-410102-01' (first on row 2)."


def _bad_number(folder: Path) -> str:
    edit(folder, "centers.csv", 2, "lon", "113,6")
    return "centers.csv, row 2, field 'lon': '113,6' is not a number."


def _unknown_status(folder: Path) -> str:
    edit(folder, "centers.csv", 3, "status", "paused")
    return "centers.csv, row 3, field 'status': 'paused' is not one of open, limited, closed."


def _missing_file(folder: Path) -> str:
    (folder / "hubs.csv").unlink()
    return "hubs.csv: file is missing."


def _unknown_parent(folder: Path) -> str:
    edit(folder, "regions.csv", 4, "parent_code", "419900")
    return "regions.csv, row 4, field 'parent_code': unknown region code '419900'."


def _unknown_centre_in_plan(folder: Path) -> str:
    edit(folder, "sort_plan.csv", 2, "center_id", "C-999999")
    return "sort_plan.csv, row 2, field 'center_id': unknown processing centre 'C-999999'."


def _negative_flow(folder: Path) -> str:
    edit(folder, "od_flows.csv", 3, "parcel", "-5")
    return "od_flows.csv, row 3, field 'parcel': '-5' must be >= 0."


def _bad_param(folder: Path) -> str:
    edit(folder, "params.csv", 3, "value", "0.9")
    return "params.csv, field 'road_circuity': \"road_circuity\" must be >= 1."


def _unknown_air_link(folder: Path) -> str:
    edit(folder, "hubs.csv", 2, "air_links", "H-XXX")
    return "hubs.csv, row 2, field 'air_links': unknown collection hub 'H-XXX'."


def _chutes_over(folder: Path) -> str:
    edit(folder, "centers.csv", 2, "chutes_in_use", "301")
    return "centers.csv, row 2, field 'chutes_in_use': \"chutes_in_use\" must be between 0 and " + (
        '"chutes".'
    )


def _wrong_parent_level(folder: Path) -> str:
    edit(folder, "regions.csv", 4, "parent_code", "410000")
    return (
        "regions.csv, row 4, field 'parent_code': '410000' is a province; the parent of a "
        "county must be a prefecture."
    )


def _bad_code(folder: Path) -> str:
    edit(folder, "regions.csv", 5, "code", "41012A")
    return "regions.csv, row 5, field 'code': \"code\" must be a six-digit GB/T 2260 code."


def _unknown_column(folder: Path) -> str:
    path = folder / "params.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("name,value", "name,valeu", 1), encoding="utf-8"
    )
    return "params.csv, row 1, field 'value': column is missing."


def _short_row(folder: Path) -> str:
    path = folder / "hubs.csv"
    path.write_text(path.read_text(encoding="utf-8") + "H-PEK,北京\n", encoding="utf-8")
    return "hubs.csv, row 3: has 2 values, the header has 10."


def _unknown_od_prefecture(folder: Path) -> str:
    edit(folder, "od_flows.csv", 2, "origin", "410102")
    return "od_flows.csv, row 2, field 'origin': unknown prefecture code '410102'."


def _bad_boundaries(folder: Path) -> str:
    (folder / "boundaries.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"code": "990000"}, "geometry": {"type": "Point", "coordinates": [1, 2]}}]}',
        encoding="utf-8",
    )
    return "boundaries.geojson, row 1, field 'code': unknown region code '990000' (feature 1)."


def write_layout(folder: Path) -> None:
    """C-410100's sorter (300 chutes, 120 in use, double near the induction, 50 a dock) and
    two shifts of its roster."""
    rows = ["center_id,chute,dock,capacity,in_use"]
    rows += [f"C-410100,{k},D{(k - 1) // 50 + 1},{2 if k <= 10 else 1},{str(k % 5 < 2).lower()}"
             for k in range(1, 301)]  # fmt: skip
    (folder / "sorters.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    roster = "center_id,shift,staff\nC-410100,night,120\nC-410100,day,80\n"
    (folder / "rosters.csv").write_text(roster, encoding="utf-8")


def test_sorter_layouts_and_rosters_are_read_installed_and_exported(
    network_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    write_layout(network_dir)
    network, _ = read_network(network_dir)
    layout = network.sorters["C-410100"]
    assert [x.chute for x in layout] == list(range(1, 301))
    assert sum(x.in_use for x in layout) == 120 == network.centers["C-410100"].chutes_in_use
    assert {x.dock for x in layout} == {f"D{k}" for k in range(1, 7)}
    assert [x.chute for x in layout if x.capacity == 2] == list(range(1, 11))
    assert network.rosters == {"C-410100": {"night": 120, "day": 80}}
    assert "C-410300" not in network.sorters  # the defaults of the chute plan apply
    installed = install_network(network_dir, settings)
    active = load_active(settings)
    assert (active.sorters, active.rosters) == (installed.sorters, installed.rosters)
    assert active.sorters == network.sorters
    export_network(active, tmp_path / "again")
    assert (tmp_path / "again" / "sorters.csv").read_text(encoding="utf-8").count("\n") == 301
    back, _ = read_network(tmp_path / "again")
    assert (back.sorters, back.rosters) == (network.sorters, network.rosters)


def _sorter_unknown_centre(folder: Path) -> str:
    write_layout(folder)
    edit(folder, "sorters.csv", 7, "center_id", "C-999999")
    return "sorters.csv, row 7, field 'center_id': unknown processing centre 'C-999999'."


def _sorter_chute_twice(folder: Path) -> str:
    write_layout(folder)
    edit(folder, "sorters.csv", 5, "chute", "2")
    return "sorters.csv, row 5, field 'chute': chute 2 of 'C-410100' is already on row 3."


def _sorter_in_use_count(folder: Path) -> str:
    write_layout(folder)
    edit(folder, "sorters.csv", 4, "in_use", "true")
    return ("sorters.csv, row 2, field 'in_use': the layout of 'C-410100' has 121 chutes in "
            "use; centers.csv says 120.")  # fmt: skip


def _sorter_bad_capacity(folder: Path) -> str:
    write_layout(folder)
    edit(folder, "sorters.csv", 9, "capacity", "0")
    return "sorters.csv, row 9, field 'capacity': \"capacity\" must be > 0."


def write_airports(folder: Path) -> None:
    rows = "code,name,prefecture_code,lon,lat\nCGO,郑州新郑国际机场,410100,113.84,34.52\n"
    (folder / "airports.csv").write_text(rows + "LYA,洛阳北郊机场,410300,112.39,34.74\n",
                                         encoding="utf-8")  # fmt: skip


def test_airports_are_read_installed_and_exported(
    network_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    write_airports(network_dir)
    network, _ = read_network(network_dir)
    assert sorted(network.airports) == ["CGO", "LYA"]
    assert network.airports["LYA"].prefecture_code == "410300"
    assert network.airports["CGO"].location == (113.84, 34.52)
    install_network(network_dir, settings)
    assert load_active(settings).airports == network.airports
    export_network(load_active(settings), tmp_path / "again")
    back, _ = read_network(tmp_path / "again")
    assert back.airports == network.airports


def _airport_not_a_prefecture(folder: Path) -> str:
    write_airports(folder)
    edit(folder, "airports.csv", 3, "prefecture_code", "410000")
    return (
        "airports.csv, row 3, field 'prefecture_code': '410000' is not a prefecture of regions.csv."
    )


def _airport_bad_code(folder: Path) -> str:
    write_airports(folder)
    edit(folder, "airports.csv", 2, "code", "cgo1")
    return ("airports.csv, row 2, field 'code': \"code\" must be a three-letter IATA airport "
            "code.")  # fmt: skip


def write_ferries(folder: Path) -> None:
    """A make-believe crossing: Luoyang (410300) as an island off Zhengzhou."""
    header = ("id,name,port_a,prefecture_a,lon_a,lat_a,port_b,prefecture_b,lon_b,lat_b,island,"
              "crossing_hours,handling_hours\n")  # fmt: skip
    row = "HL,黄河轮渡,郑州港,410100,113.5,34.8,洛阳港,410300,112.6,34.7,410300,1.5,2.5\n"
    (folder / "ferries.csv").write_text(header + row, encoding="utf-8")


def test_ferries_are_read_installed_and_exported(
    network_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    write_ferries(network_dir)
    network, _ = read_network(network_dir)
    ferry = network.ferries["HL"]
    assert (ferry.port_a, ferry.port_b) == ("郑州港", "洛阳港")
    assert (ferry.location_a, ferry.location_b) == ((113.5, 34.8), (112.6, 34.7))
    assert ferry.island == ("410300",)
    assert ferry.hours == 4.0
    install_network(network_dir, settings)
    assert load_active(settings).ferries == network.ferries
    export_network(load_active(settings), tmp_path / "again")
    back, _ = read_network(tmp_path / "again")
    assert back.ferries == network.ferries


def test_a_network_without_ferries_writes_no_ferries_file(
    small_network: Network, tmp_path: Path
) -> None:
    export_network(small_network, tmp_path / "out")
    assert not (tmp_path / "out" / "ferries.csv").exists()
    assert read_network(tmp_path / "out")[0].ferries == {}


def _ferry_port_off_the_island(folder: Path) -> str:
    write_ferries(folder)
    edit(folder, "ferries.csv", 2, "prefecture_b", "410100")
    return "ferries.csv, row 2, field 'prefecture_b': port b must lie on the island."


def _ferry_no_crossing_time(folder: Path) -> str:
    write_ferries(folder)
    edit(folder, "ferries.csv", 2, "crossing_hours", "0")
    return "ferries.csv, row 2, field 'crossing_hours': \"crossing_hours\" must be > 0."


def _ferry_unknown_island(folder: Path) -> str:
    write_ferries(folder)
    edit(folder, "ferries.csv", 2, "island", "410300;469000")
    return "ferries.csv, row 2, field 'island': unknown region code '469000'."


def _roster_bad_shift(folder: Path) -> str:
    write_layout(folder)
    edit(folder, "rosters.csv", 3, "shift", "noon")
    return "rosters.csv, row 3, field 'shift': 'noon' is not one of night, day, evening."


BAD = [
    _sorter_unknown_centre,
    _sorter_chute_twice,
    _sorter_in_use_count,
    _sorter_bad_capacity,
    _roster_bad_shift,
    _airport_not_a_prefecture,
    _airport_bad_code,
    _ferry_port_off_the_island,
    _ferry_no_crossing_time,
    _ferry_unknown_island,
    _gbk,
    _no_column,
    _unknown_county,
    _zero_capacity,
    _county_without_centre,
    _duplicate_station,
    _bad_number,
    _unknown_status,
    _missing_file,
    _unknown_parent,
    _unknown_centre_in_plan,
    _negative_flow,
    _bad_param,
    _unknown_air_link,
    _chutes_over,
    _wrong_parent_level,
    _bad_code,
    _short_row,
    _unknown_od_prefecture,
    _bad_boundaries,
]


@pytest.mark.parametrize("spoil", BAD, ids=[f.__name__.strip("_") for f in BAD])
def test_a_bad_folder_is_refused_with_file_row_and_field_and_changes_nothing(
    spoil: object, network_dir: Path, tmp_path: Path, small_export: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    install_network(small_export, settings)  # the active network before the bad import
    before = snapshot(active_dir(settings))
    expected = spoil(network_dir)  # type: ignore[operator]
    with pytest.raises(NetworkImportError) as caught:
        install_network(network_dir, settings)
    assert [e.message for e in caught.value.errors][:1] == [expected]
    assert snapshot(active_dir(settings)) == before
    assert sorted(p.name for p in settings.data_dir.iterdir()) == ["network"]


def test_a_renamed_column_is_reported_as_unknown_and_missing(network_dir: Path) -> None:
    expected = _unknown_column(network_dir)
    with pytest.raises(NetworkImportError) as caught:
        read_network(network_dir)
    assert [e.message for e in caught.value.errors] == [
        expected,
        "params.csv, row 1, field 'valeu': unknown column; expected name, value.",
    ]


def test_a_missing_folder_is_refused(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(NetworkImportError) as caught:
        install_network(tmp_path / "nowhere", settings)
    assert [e.message for e in caught.value.errors] == [f"{tmp_path / 'nowhere'} is not a folder."]
    assert not active_dir(settings).exists()


def test_long_error_lists_are_cut_in_the_message_but_kept_whole(network_dir: Path) -> None:
    rows = (network_dir / "stations.csv").read_text(encoding="utf-8").splitlines()
    extra = [f"S-X{i},站,410102,113.6,34.7,-1,1,1" for i in range(45)]
    (network_dir / "stations.csv").write_text("\n".join(rows + extra) + "\n", encoding="utf-8")
    with pytest.raises(NetworkImportError) as caught:
        read_network(network_dir)
    assert len(caught.value.errors) == 45
    assert str(caught.value).endswith("\n  ... and 5 more.")
    assert caught.value.errors[0].message == (
        "stations.csv, row 6, field 'daily_inbound': \"daily_inbound\" must be >= 0."
    )
