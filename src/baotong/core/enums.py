"""Status enums that carry a label and a colour: one source for badges, filters and the API."""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A StrEnum whose members know their Chinese and English label and a badge colour."""

    @property
    def label_zh(self) -> str:
        return _LABELS.get((type(self).__name__, self.value), (self.value, self.value, "gray"))[0]

    @property
    def label_en(self) -> str:
        return _LABELS.get((type(self).__name__, self.value), (self.value, self.value, "gray"))[1]

    @property
    def colour(self) -> str:
        return _LABELS.get((type(self).__name__, self.value), (self.value, self.value, "gray"))[2]


_LABELS: dict[tuple[str, str], tuple[str, str, str]] = {}


def labels(enum_name: str, table: dict[str, tuple[str, str, str]]) -> None:
    """Register (zh label, en label, colour) for each value of an enum."""
    for value, entry in table.items():
        _LABELS[(enum_name, value)] = entry
