"""The one validated number type every number that enters Baotong goes through.

A capacity, a volume factor, a cost weight or a time limit arrives from the API, a console
form, a network import or a scenario file. Each is a ``Number``: a finite float (NaN,
``Infinity`` and ``1e999`` are refused — one infinite capacity would make every plan of
the country unsolvable) whose magnitude is at most ``MAX_NUMBER``. Fields add their own
bounds on top (``Field(ge=0)``); the refusal names the field, as every validation error
does. ``DbInt`` is an integer that fits a database column (ids, offsets).
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import AfterValidator, AllowInfNan, Field
from pydantic_core import PydanticCustomError

MAX_NUMBER = 1e12  # items/day, CNY, hours, km: far beyond any real value, still exact
MAX_DB_INT = 2**31 - 1  # PostgreSQL INTEGER, the type of every id and count column


def _bounded(value: float) -> float:
    if not math.isfinite(value):  # AllowInfNan already refuses these; kept for direct calls
        raise PydanticCustomError("finite_number", "Input should be a finite number")
    if abs(value) > MAX_NUMBER:
        raise PydanticCustomError(
            "number_too_large",
            f"Input should be at most {MAX_NUMBER:g} in magnitude",
            {"limit": MAX_NUMBER},
        )
    return value


Number = Annotated[float, AllowInfNan(False), AfterValidator(_bounded)]
DbInt = Annotated[int, Field(ge=-MAX_DB_INT, le=MAX_DB_INT)]


def finite(value: float) -> bool:
    """Whether ``value`` is a number Baotong accepts (finite, at most ``MAX_NUMBER``)."""
    return math.isfinite(value) and abs(value) <= MAX_NUMBER
