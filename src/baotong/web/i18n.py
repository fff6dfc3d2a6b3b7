"""The console's language: the language cookie, and domain errors in the page's language.

The words themselves live in the gettext catalogues (``baotong.core.i18n``); templates
call ``t("key")``. A key missing from a catalogue shows the key itself, so an untranslated
word is obvious on the page and caught by the tests.
"""

from __future__ import annotations

from fastapi import Request

from baotong.core import i18n
from baotong.core.enums import LabelledEnum
from baotong.core.exceptions import BaotongError, ValidationError
from baotong.core.i18n import N_
from baotong.core.i18n import translate as translate

LANG_COOKIE = "baotong_lang"
LANGS = i18n.LANGS
DEFAULT_LANG = i18n.DEFAULT_LANG

# Keys the templates compute from a value (``t('lifecycle.' ~ p.lifecycle)``), listed so
# that ``make i18n`` keeps them in the catalogue.
COMPUTED_KEYS = (
    N_("result.optimal"), N_("result.feasible"),
    N_("result.infeasible"), N_("result.cancelled"),
    N_("violation.capacity"), N_("violation.chutes"), N_("violation.reach"),
    N_("violation.backups"), N_("violation.unserved"), N_("violation.ineligible"),
    N_("violation.origin_chutes"),
    N_("cost.opening"), N_("cost.transport"), N_("cost.surge"), N_("cost.delay"),
    N_("cost.unserved"), N_("cost.hand_sort"), N_("cost.total"),
    N_("kind.center"), N_("kind.hub"), N_("kind.station"),
    N_("action.added"), N_("action.removed"), N_("action.changed"),
    N_("depth.station"), N_("depth.grid"), N_("depth.segment"),
)  # fmt: skip


def lang_of(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def error_text(lang: str, exc: BaotongError) -> str:
    """A domain error in the page's language, worded from its code and data.

    The catalogue entry ``error.<code>`` (or ``error.<code>.<problem>`` for an input
    problem the catalogue words more exactly) is filled with the error's data; a
    ValidationError is prefixed with where it is (file, row, field). An error whose code
    has no words is shown by its English message.
    """
    problem = exc.data.get("problem")
    key = f"error.{exc.code}"
    if problem is not None and i18n.has(lang, f"{key}.{problem}"):
        key = f"{key}.{problem}"
    if not i18n.has(lang, key):
        return exc.message
    text = i18n.translate(lang, key, **exc.data)
    if not isinstance(exc, ValidationError):
        return text
    where = [str(exc.file)] if exc.file else []
    if exc.row is not None:
        where.append(translate(lang, "error.at.row", row=exc.row))
    if exc.field:
        where.append(translate(lang, "error.at.field", field=exc.field))
    if not where:
        return text
    joined = translate(lang, "error.at.and").join(where)
    return translate(lang, "error.at", where=joined, message=text)


def error_for(request: Request, exc: BaotongError) -> str:
    """A domain error in the language of the page that ``request`` asks for."""
    return error_text(lang_of(request), exc)


def label(lang: str, value: LabelledEnum) -> str:
    """A status/role/class label in the page's language."""
    return i18n.translate(lang, value.label_key)
