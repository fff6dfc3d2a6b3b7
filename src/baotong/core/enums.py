"""Enums that carry a label and a colour: one source for badges, filters and the API.

A member is declared with its value and its badge colour (NetBox's ChoiceSet)::

    class SiteStatus(LabelledEnum, key="status"):
        OPEN = "open", "green"
        CLOSED = "closed", "red"

and its words are catalogue entries ``<family>.<value>`` (``status.open``) in the package's
catalogues, Chinese and English: the family is the class keyword ``key`` or the class name
in snake case (``CenterRole`` → ``center_role``). The value is what the database, the API
and the files hold; templates show ``label(x)`` and colour badges with ``x.colour``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Self

from baotong.core import i18n

COLOURS = ("green", "orange", "red", "blue", "teal", "purple", "yellow", "gray")


def key_prefix(class_name: str) -> str:
    """The catalogue key family of an enum without its own: ``CenterRole`` → ``center_role``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).lower()


class LabelledEnum(StrEnum):
    """A StrEnum whose members know their badge colour and their label in the catalogues."""

    _value_: str
    _label_family: str
    colour: str

    def __new__(cls, value: str, colour: str = "gray") -> Self:
        if colour not in COLOURS:
            raise ValueError(f'"colour" must be one of {", ".join(COLOURS)}, not {colour!r}.')
        member = str.__new__(cls, value)
        member._value_ = value
        member.colour = colour
        return member

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
