"""The compare page's centres: the optimum's backups first, then the centres a planner
would reach for — big automated hubs a few hundred kilometres away before small centres
next door — as the source's Henan plan chose Wuhan, Xi'an, Jining and Handan."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from baotong.contingency import compare_views
from baotong.network.reference import load_reference


def _plan(*backups: str) -> Any:
    return SimpleNamespace(backups=[SimpleNamespace(center_id=b) for b in backups])


def test_henans_compare_page_offers_the_hubs_the_source_chose() -> None:
    network = load_reference()
    offered = compare_views.offered_centres(network, _plan("C-411300"), ["410000"])
    assert offered[0] == "C-411300"  # the optimum's backups first (here one of Henan's own)
    assert len(offered) == len(set(offered)) == compare_views.OFFERED
    names = {network.centers[c].name[:2] for c in offered}
    assert {"武汉", "西安", "济宁", "邯郸"} <= names
    assert not any(network.centers[c].province_code == "410000" for c in offered[1:])
    assert offered.index("C-420100") < offered.index("C-130400")  # the big hub comes first
