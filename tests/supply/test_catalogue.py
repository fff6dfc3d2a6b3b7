"""The supply catalogue: the bundled kits, variants by province and stage, availability."""

from __future__ import annotations

import pytest

from baotong.core.exceptions import ValidationError
from baotong.supply.catalogue import OutbreakStage, load_catalogue, parse_catalogue

STANDARD = {"KIT-VEG", "KIT-FOOD", "KIT-MILK", "KIT-DAILY", "KIT-WASH", "KIT-PROT"}
OPTIONAL = {"KIT-FRUIT", "KIT-MEAT", "KIT-SNACK", "KIT-COND"}


def test_bundled_catalogue_has_the_six_standard_and_four_optional_kits() -> None:
    catalogue = load_catalogue()
    kits = {code: catalogue.kit(code) for code in catalogue.kit_codes}
    assert {c for c, k in kits.items() if k.standard} == STANDARD
    assert {c for c, k in kits.items() if not k.standard} == OPTIONAL
    for kit in kits.values():
        for sku in kit.items:
            assert catalogue.suppliers_of(sku), f"no supplier sells {sku} of {kit.code}"


def test_most_specific_variant_wins() -> None:
    catalogue = load_catalogue()
    general = catalogue.kit("KIT-VEG")
    shanghai_peak = catalogue.kit("KIT-VEG", province_code="310000", stage=OutbreakStage.PEAK)
    shanghai_early = catalogue.kit("KIT-VEG", province_code="310000", stage=OutbreakStage.EARLY)
    assert general.province_code is None
    assert shanghai_peak.province_code == "310000"
    assert shanghai_peak.items["VEG-CABBAGE"] == 3
    assert shanghai_early is general  # no early variant for Shanghai: the general one
    assert catalogue.kit("KIT-PROT", stage=OutbreakStage.EARLY).items["PROT-ANTIGEN"] == 4


def test_kit_availability_follows_the_scarcest_component() -> None:
    kit = load_catalogue().kit("KIT-WASH")  # soap 1, detergent 1, toothpaste 2
    assert kit.available({"WASH-SOAP": 100, "WASH-DETERGENT": 40, "WASH-TOOTHPASTE": 61}) == 30
    assert kit.available({"WASH-SOAP": 100, "WASH-DETERGENT": 40}) == 0
    assert kit.components(3) == {"WASH-SOAP": 3, "WASH-DETERGENT": 3, "WASH-TOOTHPASTE": 6}


def test_unknown_kit_names_the_kits_there_are() -> None:
    with pytest.raises(ValidationError, match="KIT-VEG") as caught:
        load_catalogue().kit("KIT-NOPE")
    assert caught.value.code == "supply.unknown_kit"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[kit]]\ncode="K"\nname="k"\nname_en="k"\nstandard=true\nitems={X=1}\n', "unknown SKU"),
        (
            '[[sku]]\ncode="X"\nname="x"\nname_en="x"\ncategory="c"\nunit="kg"\n'
            "shelf_life_days=0\ncold_chain=false\nweight_kg=1\nvolume_m3=0.1\n",
            "shelf_life_days",
        ),
        ("[[sku]]\ncode=", "catalogue.toml"),
    ],
)
def test_a_bad_catalogue_is_refused_with_its_place(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_catalogue(text)


def _sku(code: str, category: str) -> str:
    return (
        f'[[sku]]\ncode="{code}"\nname="{code}"\nname_en="{code}"\ncategory="{category}"\n'
        'unit="kg"\nshelf_life_days=9\ncold_chain=false\nweight_kg=1\nvolume_m3=0.01\n'
    )


def _supplier(code: str, categories: str, capacity: int) -> str:
    return (
        f'[[supplier]]\ncode="{code}"\nname="{code}"\nname_en="{code}"\nprovince_code="320000"\n'
        f"location=[120.0, 31.0]\ncategories=[{categories}]\ndaily_capacity={capacity}\n"
    )


def test_a_kits_capacity_shares_each_suppliers_day_among_its_components() -> None:
    cat = parse_catalogue(
        _sku("A", "a")
        + _sku("B", "b")
        + _sku("C", "c")
        + _supplier("S1", '"a", "b"', 100)  # one supplier sells both a and b
        + _supplier("S2", '"c"', 1000)
        + '[[kit]]\ncode="K"\nname="k"\nname_en="k"\nstandard=true\nitems={A=3, B=2, C=1}\n'
    )
    kit = cat.kit("K")
    # 5 units of S1's 100 a kit (a and b compete): 20 kits, not min(100/3, 100/2)
    assert cat.kit_capacity(kit).kits == 20
    assert cat.kit_capacity(kit).limited_by == "a+b"
    assert cat.kit_capacity(kit, {"S1": 60}).kits == 8  # 40 units left today
    assert cat.kit_capacity(kit, {"S1": 100}).kits == 0


def test_the_bundled_vegetable_kit_is_made_from_one_cooperative() -> None:
    cat = load_catalogue()
    # 7 kg of vegetables a kit from the Suzhou cooperative's 60 000 units a day
    assert cat.kit_capacity(cat.kit("KIT-VEG")).kits == 60_000 // 7
