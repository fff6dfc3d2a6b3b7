"""The message catalogues hold every word the code asks for, in Chinese and English.

Keys are found the way ``make i18n`` finds them (``babel.cfg``, keywords ``t``,
``translate:2`` and ``N_``): template and code keys, enum labels and the ``error.<code>``
of every domain error raised with a code.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import baotong
from baotong.core import i18n
from baotong.core.enums import LabelledEnum
from baotong.core.i18n_extract import error_calls, error_classes, error_codes, source_root

REPO = Path(__file__).resolve().parents[2]
KEYWORDS = {"t": None, "translate": (2,), "N_": None}
LOCALES = ("zh_CN", "en")


def packages() -> list[Path]:
    return sorted(p.parent for p in source_root().glob("*/locale"))


@cache
def extracted(package: Path) -> frozenset[str]:
    with (REPO / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(str(package), method_map, options_map, keywords=KEYWORDS)
    return frozenset(message for _file, _line, message, _comments, _context in found if message)


def catalogue(package: Path, locale: str) -> dict[str, str]:
    po = package / "locale" / locale / "LC_MESSAGES" / f"{package.name}.po"
    with po.open("rb") as file:
        return {str(m.id): str(m.string) for m in read_po(file) if m.id}


@cache
def sources() -> list[tuple[Path, ast.Module]]:
    return [
        (p, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(source_root().rglob("*.py"))
    ]


@pytest.mark.parametrize("package", packages(), ids=lambda p: p.name)
def test_every_key_a_package_uses_has_words_in_both_languages(package: Path) -> None:
    used = extracted(package)
    for locale in LOCALES:
        words = catalogue(package, locale)
        missing = sorted(k for k in used if not words.get(k))
        assert missing == [], f"{package.name} {locale}: no words for {missing}"


@pytest.mark.parametrize("package", packages(), ids=lambda p: p.name)
def test_make_i18n_would_change_no_catalogue(package: Path) -> None:
    """Extraction finds exactly the keys the catalogues hold: none missing, none stale."""
    used = extracted(package)
    for locale in LOCALES:
        assert set(catalogue(package, locale)) == used, f"run 'make i18n' ({package.name})"


def test_the_compiled_catalogues_are_those_of_their_po_files() -> None:
    for package in packages():
        for locale in LOCALES:
            po = package / "locale" / locale / "LC_MESSAGES" / f"{package.name}.po"
            with po.with_suffix(".mo").open("rb") as file:
                compiled = {str(m.id): str(m.string) for m in read_mo(file) if m.id}
            assert compiled == catalogue(package, locale), f"{po} changed: run 'make'"


def test_a_key_in_two_catalogues_says_the_same_in_both() -> None:
    for locale in LOCALES:
        seen: dict[str, tuple[str, str]] = {}
        for package in packages():
            for key, text in catalogue(package, locale).items():
                first = seen.setdefault(key, (package.name, text))
                assert first[1] == text, f"{key} ({locale}): {first[0]} and {package.name}"


def test_every_domain_error_is_raised_with_a_code() -> None:
    classes = error_classes()
    assert {"ValidationError", "NotFoundError", "ConflictError"} <= classes
    without = [
        f"{path.relative_to(source_root())}:{call.lineno}"
        for path, tree in sources()
        for call in error_calls(tree, classes)
        if not any(k.arg == "code" for k in call.keywords)
    ]
    assert without == []


def test_every_error_code_has_a_message_in_both_languages() -> None:
    codes = {code for _, tree in sources() for _, code in error_codes(tree, error_classes())}
    assert {"plan.queue_full", "scenario.overlapping_areas", "auth.bad_credentials"} <= codes
    for lang in i18n.LANGS:
        assert sorted(c for c in codes if not i18n.has(lang, f"error.{c}")) == [], lang


def _labelled(cls: type[LabelledEnum]) -> Iterator[type[LabelledEnum]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _labelled(sub)


def test_every_enum_value_has_a_label_in_both_languages() -> None:
    for module in pkgutil.walk_packages(baotong.__path__, "baotong."):
        if ".migrations" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    enums = list(_labelled(LabelledEnum))
    assert {e.__name__ for e in enums} >= {"Role", "SiteStatus", "RegionLevel", "CenterRole"}
    for enum in enums:
        for member in enum:
            for lang in i18n.LANGS:
                assert i18n.has(lang, member.label_key), f"{enum.__name__}.{member.name} {lang}"


def test_a_site_closed_is_called_the_same_everywhere() -> None:
    from baotong.network.entities import SiteStatus

    assert SiteStatus.CLOSED.label_zh == i18n.translate("zh", "status.closed") == "停用"
    assert SiteStatus.CLOSED.label_en == "Closed"


def test_words_fill_their_parameters_and_label_states() -> None:
    from baotong.auth.permissions import Role

    assert i18n.translate("zh", "error.plan.wrong_lifecycle", id=7, lifecycle="lifted") == (
        "方案 7 当前为“已解除”，不能进行这一步。"
    )
    assert i18n.translate(
        "en", "error.auth.forbidden", role=Role.VIEWER, permission="plan:run"
    ) == ("Role 'Viewer' may not do this (needs 'plan:run').")
    assert i18n.translate("en", "error.user.exists") == "User '{username}' already exists."
    assert i18n.translate("zh", "no.such.key", x=1) == "no.such.key"


def test_numbers_and_times_are_written_the_locale_way() -> None:
    from datetime import UTC, datetime

    assert i18n.number("zh", 1234567.891, 1) == "1,234,567.9"
    assert i18n.number("en", 2500) == "2,500"
    assert i18n.number("en", None) == i18n.number("zh", True) == "—"
    noon = datetime(2026, 11, 30, 12, 5, tzinfo=UTC).astimezone()
    assert i18n.when("zh", noon).startswith(f"{noon.year}年{noon.month}月{noon.day}日 ")
    assert i18n.when("en", noon).startswith(noon.strftime("%b %-d, %Y "))
    assert i18n.when("en", None) == "—"
