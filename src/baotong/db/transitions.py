"""Guarded state transitions: of two requests racing to move a row, exactly one wins.

``transition`` is one UPDATE whose WHERE names the state the row must be in; the database
applies it to the row only when that still holds, so a plan is approved once, and a job
that was cancelled meanwhile is not marked done. The loser gets a ConflictError that
carries the row's current state.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import inspect, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from baotong.core.enums import LabelledEnum
from baotong.core.exceptions import ConflictError, NotFoundError
from baotong.db.base import Base

M = TypeVar("M", bound=Base)
E = TypeVar("E", bound=LabelledEnum)


def transition(
    session: Session,
    model: type[M],
    id: Any,
    column: InstrumentedAttribute[E],
    source: E | Iterable[E],
    target: E,
    **values: Any,
) -> M:
    """Move row ``id`` of ``model`` from ``source`` (one state or several) to ``target``.

    ``values`` are set in the same UPDATE. Returns the row, reloaded. Raises NotFoundError
    when there is no such row and ConflictError (code ``<noun>.wrong_<column>``, the current
    state as data under the column's name) when it is in another state.
    """
    sources = [source] if isinstance(source, LabelledEnum) else list(source)
    key = inspect(model).primary_key[0]
    done = session.execute(
        update(model)
        .where(key == id, column.in_(sources))
        .values({column.key: target, **values})
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    noun = model.noun
    if done != 1:
        current = session.scalar(select(column).where(key == id))
        if current is None:
            raise NotFoundError(f"Unknown {noun} {id}.", code=f"{noun}.not_found", id=id)
        wanted = " or ".join(str(s) for s in sources)
        raise ConflictError(
            f"{noun.capitalize()} {id} is {current}; it must be {wanted} to become {target}.",
            code=f"{noun}.wrong_{column.key}",
            id=id,
            **{column.key: current},
        )
    row = session.get(model, id, populate_existing=True)
    assert row is not None
    return row
