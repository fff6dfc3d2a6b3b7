"""Routers that step aside at once for a path none of their routes can match.

FastAPI matches a request against every route of every included router in turn, twice
(once to choose, once to handle), at several microseconds a route: with the service's few
hundred routes that was most of a short request's CPU (about 5 of the public tracking
lookup's 6 ms). A router included through :func:`gated` first compares the path with the
literal beginnings of its routes' paths (up to the first parameter) and answers "no match"
when none fits — a route's pattern cannot match a path without its literal beginning, so a
path that fits is matched exactly as before.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette._utils import get_route_path
from starlette.routing import Match, Route
from starlette.types import Scope


class GatedRouter(APIRouter):
    """An APIRouter whose ``heads`` every path it can match starts with."""

    heads: tuple[str, ...] = ("",)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if not get_route_path(scope).startswith(self.heads):
            return Match.NONE, {}
        return super().matches(scope)


def literal_head(path: str) -> str:
    return path.split("{", 1)[0]


def gated(router: APIRouter, *, under: str = "") -> GatedRouter:
    """``router`` behind a gate; ``under`` is the prefix it will be included with (heads are
    whole paths). A router holding anything but plain routes is gated by ``under`` only."""
    gate = GatedRouter()
    gate.include_router(router)
    plain = all(isinstance(r, (APIRoute, Route)) for r in router.routes)
    paths = [r.path for r in router.routes if isinstance(r, (APIRoute, Route))]
    heads = {under + literal_head(p) for p in paths} if plain else {under}
    gate.heads = tuple(sorted(heads))
    return gate
