"""Enums that carry a label and a colour: one source for badges, filters and the API.

A member is declared with its value and its badge colour (NetBox's ChoiceSet)::

    class SiteStatus(LabelledEnum):
        OPEN = "open", "green"
        CLOSED = "closed", "red"

and its words are one table beside the class, Chinese then English::

    labels(SiteStatus, {SiteStatus.OPEN: ("正常", "Open"), SiteStatus.CLOSED: ("停用", "Closed")})

The value is what the database, the API and the files hold; templates show ``label(x)``
and colour badges with ``x.colour``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Self

COLOURS = ("green", "orange", "red", "blue", "teal", "purple", "yellow", "gray")


class LabelledEnum(StrEnum):
    """A StrEnum whose members know their badge colour and their Chinese and English label."""

    _value_: str
    colour: str

    def __new__(cls, value: str, colour: str = "gray") -> Self:
        if colour not in COLOURS:
            raise ValueError(f'"colour" must be one of {", ".join(COLOURS)}, not {colour!r}.')
        member = str.__new__(cls, value)
        member._value_ = value
        member.colour = colour
        return member

    @property
    def label_zh(self) -> str:
        return _LABELS[type(self)][self.value][0]

    @property
    def label_en(self) -> str:
        return _LABELS[type(self)][self.value][1]


_LABELS: dict[type[LabelledEnum], dict[str, tuple[str, str]]] = {}


def labels(enum: type[LabelledEnum], table: Mapping[LabelledEnum, tuple[str, str]]) -> None:
    """Declare the (Chinese, English) label of every member of ``enum``."""
    missing = [m.value for m in enum if m not in table]
    if missing:
        raise ValueError(f"{enum.__name__}: no label for {', '.join(missing)}.")
    _LABELS[enum] = {member.value: words for member, words in table.items()}
