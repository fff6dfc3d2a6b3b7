"""Finding a region by code, Chinese name or pinyin."""

from __future__ import annotations

import pytest

from baotong.core.exceptions import NotFoundError
from baotong.network.entities import Network
from baotong.network.lookup import find_region


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("41", "410000"),
        ("410000", "410000"),
        ("河南", "410000"),
        ("河南省", "410000"),
        ("Henan", "410000"),
        ("henan", "410000"),
        (" HENAN ", "410000"),
        ("4101", "410100"),
        ("郑州", "410100"),
        ("郑州市", "410100"),
        ("Zhengzhou", "410100"),
        ("北京", "110000"),
        ("Beijing", "110000"),
        ("110105", "110105"),
        ("410000000000", "410000"),
        ("广西", "450000"),
        ("Guangxi", "450000"),
        ("新疆", "650000"),
        ("恩施", "422800"),
        ("Xi'an", "610100"),
        ("西安", "610100"),
        ("济源", "419001"),
        ("长治", "140400"),
        ("Changzhi", "140400"),
        ("单县", "371722"),
        ("Shanxian", "371722"),
        ("Luohe", "411100"),
        ("Shaanxi", "610000"),
        ("Shanxi", "140000"),
    ],
)
def test_a_region_is_found_by_code_name_or_pinyin(reference: Network, text: str, code: str) -> None:
    assert find_region(reference, text).code == code


def test_a_name_shared_by_two_districts_is_refused_with_both_listed(reference: Network) -> None:
    with pytest.raises(NotFoundError) as caught:
        find_region(reference, "朝阳区")
    assert caught.value.message == (
        "'朝阳区' names 2 regions: 朝阳区 (110105, 北京市); 朝阳区 (220104, 长春市). "
        "Give the code or the full name."
    )
    assert caught.value.data["candidates"] == ["110105", "220104"]


def test_the_higher_level_wins_when_a_name_is_also_a_district(reference: Network) -> None:
    assert find_region(reference, "Chaoyang").code == "211300"  # 朝阳市, not the districts
    assert find_region(reference, "Chaoyang").level.value == "prefecture"


def test_an_unknown_name_suggests_close_matches(reference: Network) -> None:
    with pytest.raises(NotFoundError) as caught:
        find_region(reference, "Henna")
    assert caught.value.message.startswith("No region is named 'Henna'. Did you mean: ")
    assert "河南省 (410000)" in caught.value.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("99", "No region has the code '99'."),
        ("1234567", "No region has the code '1234567'."),
        ("xyzzy", "No region is named 'xyzzy'."),
        ("  ", "Name a region: a code, a Chinese name or pinyin."),
    ],
)
def test_unknown_codes_and_names_are_refused_clearly(
    reference: Network, text: str, message: str
) -> None:
    with pytest.raises(NotFoundError) as caught:
        find_region(reference, text)
    assert caught.value.message == message
