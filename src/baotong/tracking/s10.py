"""UPU S10 waybill numbers: ``EE123456785CN`` — service indicator (two letters), serial
(eight digits), check digit, country (two letters).

The check digit weighs the serial's digits by 8 6 4 2 3 5 9 7, takes 11 minus the sum
modulo 11, and writes 10 as 0 and 11 as 5.
"""

from __future__ import annotations

import re

from baotong.core.exceptions import ValidationError

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
PATTERN = re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$")


def check_digit(serial: str) -> int:
    """The S10 check digit of an eight-digit serial."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError(f'"serial" must be eight digits, not {serial!r}.')
    rest = 11 - sum(int(d) * w for d, w in zip(serial, WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(rest, rest)


def make(prefix: str, serial: int, country: str = "CN") -> str:
    """The number of ``serial`` (0 to 99,999,999) with service ``prefix``."""
    if not 0 <= serial < 10**8:
        raise ValueError(f'"serial" must be between 0 and 99999999, not {serial}.')
    digits = f"{serial:08d}"
    return f"{prefix}{digits}{check_digit(digits)}{country}"


def is_valid(number: str) -> bool:
    return bool(PATTERN.match(number)) and check_digit(number[2:10]) == int(number[10])


def normalise(number: str, *, field: str = "number") -> str:
    """``number`` upper-cased and stripped, if it is a valid S10 number; else ValidationError."""
    text = number.strip().upper().replace(" ", "")
    if not PATTERN.match(text):
        raise ValidationError(
            "is not a waybill number (two letters, nine digits, two letters).",
            code="tracking.bad_number",
            field=field,
            value=number,
        )
    if not is_valid(text):
        raise ValidationError(
            "has a wrong check digit; check the number on the receipt.",
            code="tracking.bad_check_digit",
            field=field,
            value=number,
        )
    return text
