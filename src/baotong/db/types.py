"""Column types shared by every domain: a labelled enum stored as its value."""

from __future__ import annotations

from sqlalchemy import Enum

from baotong.core.enums import LabelledEnum


def enum_type(enum: type[LabelledEnum], *, length: int = 16) -> Enum:
    """``enum`` stored as its value in a VARCHAR(``length``); reads give the member back.

    Not a native enum type and no CHECK constraint: adding a member needs no migration,
    and the Python side refuses values that are not members.
    """
    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        values_callable=lambda members: [m.value for m in members],
        length=length,
        validate_strings=True,
    )
