"""Every labelled enum has a colour and both labels (from the catalogues) for every member."""

from __future__ import annotations

import pytest

import baotong.db.registry  # noqa: F401  (imports every domain's models and their enums)
from baotong.core.enums import COLOURS, LabelledEnum
from baotong.network.entities import SiteStatus


def _all(cls: type[LabelledEnum] = LabelledEnum) -> list[type[LabelledEnum]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_all(sub)]
    return found


@pytest.mark.parametrize("enum", _all(), ids=lambda e: e.__name__)
def test_every_member_has_a_colour_and_both_labels(enum: type[LabelledEnum]) -> None:
    for member in enum:
        assert member.colour in COLOURS
        assert member.label_zh != member.label_key
        assert member.label_en != member.label_key


def test_a_closed_site_has_one_chinese_label() -> None:
    assert SiteStatus.CLOSED.label_zh == "停用"


def test_an_unknown_colour_is_refused() -> None:
    with pytest.raises(ValueError, match='"colour" must be one of'):

        class Bad(LabelledEnum):
            X = "x", "pink"
