"""Page requests refuse impossible slices; a page knows its number and whether more follow."""

from __future__ import annotations

import pytest

from baotong.core.exceptions import ValidationError
from baotong.core.pagination import MAX_LIMIT, Page, PageRequest


@pytest.mark.parametrize(
    ("limit", "offset", "field"), [(0, 0, "limit"), (MAX_LIMIT + 1, 0, "limit"), (10, -1, "offset")]
)
def test_a_page_request_out_of_bounds_names_the_field(limit: int, offset: int, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        PageRequest(limit=limit, offset=offset)
    assert refused.value.field == field


def test_page_numbers_start_at_one() -> None:
    assert PageRequest.number(3, 20) == PageRequest(limit=20, offset=40)
    assert PageRequest.number(0, 20) == PageRequest(limit=20, offset=0)


def test_a_page_knows_whether_more_follow() -> None:
    middle = Page(items=[1, 2], total=5, limit=2, offset=2)
    assert middle.number == 2
    assert middle.has_more
    assert not Page(items=[5], total=5, limit=2, offset=4).has_more
