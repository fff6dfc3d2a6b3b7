"""Pages of a list: which slice a caller asks for, and the slice with the total count.

Every list a service returns is a page: ``PageRequest(limit=50, offset=100)`` in,
``Page(items, total, limit, offset)`` out, counted and sliced by the database. The API
sends ``total`` as ``X-Total-Count``; a console list shows "more" links from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from baotong.core.exceptions import ValidationError
from baotong.core.numbers import MAX_DB_INT

T = TypeVar("T")
MAX_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class PageRequest:
    """``limit`` rows (1 to 1000) after skipping ``offset`` (0 to 2147483647)."""

    limit: int = 100
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValidationError(
                f"must be between 1 and {MAX_LIMIT}.",
                code="page.bad_limit",
                field="limit",
                value=self.limit,
                most=MAX_LIMIT,
            )
        if self.offset < 0:
            raise ValidationError(
                "must be 0 or more.", code="page.negative_offset", field="offset", value=self.offset
            )
        if self.offset > MAX_DB_INT:
            raise ValidationError(f"must be at most {MAX_DB_INT}.", code="page.offset_too_large",
                                  field="offset", value=self.offset, most=MAX_DB_INT)  # fmt: skip

    @classmethod
    def number(cls, page: int, size: int) -> PageRequest:
        """Page ``page`` (1 is the first; less is taken as 1) of ``size`` rows."""
        return cls(limit=size, offset=(max(page, 1) - 1) * size)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One slice of a list and how many rows the whole list has."""

    items: Sequence[T]
    total: int
    limit: int
    offset: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total

    @property
    def number(self) -> int:
        """The 1-based page number of this slice."""
        return self.offset // self.limit + 1


def paginate(session: Session, query: Select[T], page: PageRequest) -> Page[T]:
    """Count the rows ``query`` selects and fetch the slice ``page`` asks for.

    ``query`` must be ordered, so that slices do not overlap.
    """
    counted: Select[Any] = select(func.count()).select_from(query.order_by(None).subquery())
    total = session.scalar(counted) or 0
    items = list(session.scalars(query.limit(page.limit).offset(page.offset)))
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
