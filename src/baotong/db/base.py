"""The declarative base every domain's ``models.py`` builds on.

The naming convention gives every constraint and index the same name on SQLite and
PostgreSQL, so migrations can drop and alter them on both backends.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, Integer, MetaData, Table, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC; SQLite gives it back aware, too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass a timezone-aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # What messages and error codes call a row of a model with a lifecycle ("plan", "job").
    noun: ClassVar[str]
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        table = cls.__dict__.get("__table__")
        if isinstance(table, Table) and has_integer_key(table):
            table.dialect_options["sqlite"]["autoincrement"] = True


def has_integer_key(table: Table) -> bool:
    """A table keyed by one integer column: on SQLite it is declared AUTOINCREMENT, so an
    id is never given twice — the audit history of an id is one object's, even after a
    delete (PostgreSQL's sequences never reuse a value anyway)."""
    key = list(table.primary_key.columns)
    return len(key) == 1 and isinstance(key[0].type, Integer) and key[0].autoincrement is not False
