"""Baotong's words in Chinese and English, read from the gettext catalogues of each package.

A package with words keeps ``locale/<zh_CN|en>/LC_MESSAGES/<package>.po``, compiled to
``.mo`` by ``make`` (``make i18n`` also extracts new keys). Message ids are stable keys —
``nav.map``, ``status.closed``, ``error.plan.wrong_lifecycle`` — and the catalogues of every
package are merged when first read. Nothing here needs a request: the console, the CLI and
the plan tables read the same words. Numbers and times are formatted by Babel for the
language's locale.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import DateTimePattern
from babel.dates import parse_pattern as parse_date_pattern
from babel.messages.mofile import read_mo
from babel.numbers import NumberPattern
from babel.numbers import parse_pattern as parse_number_pattern

from baotong.core import clock

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LOCALES = {"zh": "zh_CN", "en": "en"}


def N_(key: str) -> str:
    """Mark a key for ``make i18n`` whose words are looked up later (a computed key)."""
    return key


def catalogues(lang: str) -> Iterator[tuple[str, Path]]:
    """(package, .po file) of every catalogue of ``lang``."""
    root = Path(str(resources.files("baotong")))
    for po in sorted(root.glob(f"*/locale/{LOCALES[lang]}/LC_MESSAGES/*.po")):
        yield po.parents[3].name, po


@cache
def words(lang: str) -> Mapping[str, str]:
    """Every key of ``lang`` with its words, merged from the compiled catalogues."""
    merged: dict[str, str] = {}
    for _package, po in catalogues(lang):
        mo = po.with_suffix(".mo")
        if not mo.is_file():
            raise RuntimeError(f"{mo} is missing: compile the catalogues with 'make i18n'.")
        with mo.open("rb") as file:
            catalog = read_mo(file)
        merged.update(
            (m.id, m.string)
            for m in catalog
            if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string
        )
    return merged


def _known(lang: str) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def has(lang: str, key: str) -> bool:
    return key in words(_known(lang))


def translate(lang: str, key: str, **params: Any) -> str:
    """The words of ``key`` in ``lang`` with ``{param}`` filled in; the key when missing.

    A parameter that is a labelled enum is shown by its label; ``{state:lifecycle}`` shows
    the value of ``state`` by the words of ``lifecycle.<value>``.
    """
    text = words(_known(lang)).get(key)
    if text is None:
        return key
    return _Filler(lang).vformat(text, (), params) if params else text


class _Filler(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        return kwargs.get(str(key), f"{{{key}}}")

    def format_field(self, value: Any, format_spec: str) -> str:
        key = getattr(value, "label_key", None)
        if not isinstance(key, str) and format_spec.isidentifier():
            key = f"{format_spec}.{value}"
        if isinstance(key, str):
            return translate(self.lang, key)
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return str(super().format_field(value, format_spec))


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[_known(lang)])


@cache
def _number_pattern(digits: int) -> NumberPattern:
    return parse_number_pattern("#,##0" + ("." + "0" * digits if digits > 0 else ""))


@cache
def _time_pattern(lang: str) -> DateTimePattern:
    skeletons = _locale(lang).datetime_skeletons
    return parse_date_pattern(f"{skeletons['yMMMd'].pattern} {skeletons['Hm'].pattern}")


def number(lang: str, value: object, digits: int = 0) -> str:
    """A number with the locale's grouping and ``digits`` decimals; '—' when not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return str(_number_pattern(digits).apply(value, _locale(lang)))


def when(lang: str, value: datetime | None, zone: str | None = None) -> str:
    """A date and time in ``zone`` (a user's time zone; Asia/Shanghai by default), written
    the locale's way and followed by its UTC offset, so the zone is always visible; '—'
    when unset. A naive value is taken as UTC (what the database stores)."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    shown = clock.local(value, zone)
    return f"{_time_pattern(lang).apply(shown, _locale(lang))} {clock.offset_label(shown)}"
