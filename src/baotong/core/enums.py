"""Status enums that carry a label and a colour: one source for badges, filters and the API."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from baotong.core import i18n


def key_prefix(class_name: str) -> str:
    """The catalogue key family of an enum without its own: ``CenterRole`` → ``center_role``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).lower()


class LabelledEnum(StrEnum):
    """A StrEnum whose members have a label in the catalogues and a badge colour.

    A member's label is the catalogue entry ``<family>.<value>``: the family is the class
    keyword ``key`` (``class SiteStatus(LabelledEnum, key="status")``) or the class name in
    snake case (``center_role.city``).
    """

    _label_family: str

    def __init_subclass__(cls, key: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._label_family = key or key_prefix(cls.__name__)

    @property
    def label_key(self) -> str:
        return f"{type(self)._label_family}.{self.value}"

    @property
    def label_zh(self) -> str:
        return i18n.translate("zh", self.label_key)

    @property
    def label_en(self) -> str:
        return i18n.translate("en", self.label_key)

    @property
    def colour(self) -> str:
        return _COLOURS.get((type(self).__name__, self.value), "gray")


_COLOURS: dict[tuple[str, str], str] = {}


def colours(enum_name: str, table: dict[str, str]) -> None:
    """Register the badge colour of each value of an enum."""
    for value, colour in table.items():
        _COLOURS[(enum_name, value)] = colour
