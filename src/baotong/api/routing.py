"""Routers that step aside at once for a path none of their routes can match.

FastAPI matches a request against every route of every included router in turn, twice
(once to choose, once to handle), at several microseconds a route: with the service's few
hundred routes that was most of a short request's CPU (about 5 of the public tracking
lookup's 6 ms). A router included through :func:`gated` first compares the path with the
literal beginnings of its routes' paths (up to the first parameter) and answers "no match"
when none fits — a route's pattern cannot match a path without its literal beginning, so a
path that fits is matched exactly as before.

Gates are not enough on their own: FastAPI matches the routes of nested routers again at
every level (once to choose, once to hand over), so a scan still paid ~90 route matches and
a walk of every router's version — a sixth of its CPU. :class:`RouteIndex` finds the route
first: every endpoint of the route table, flattened in FastAPI's order, is filed under its
literal head in a character trie and its methods; a request walks the trie along its path
and tries only the endpoints filed on the way, in order. The first full match is handed to
its route as FastAPI's own routers would hand it (the same scope keys); anything else — no
match, a wrong method, a redirect, a mount, a plain route — goes through FastAPI's routers
unchanged, so they decide it exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter
from fastapi.routing import (
    _FASTAPI_EFFECTIVE_ROUTE_CONTEXT_KEY,
    _FASTAPI_INCLUDED_ROUTER_KEY,
    APIRoute,
    _apply_router_form_limits,
    _EffectiveRouteContext,
    _get_fastapi_scope,
    _IncludedRouter,
    _update_scope,
)
from fastapi.telemetry._api import _route_selected
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send


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


ANY = frozenset({"*"})


@dataclass(frozen=True, slots=True)
class _Endpoint:
    """An endpoint of the route table with the included routers that lead to it (outermost
    first), or a route FastAPI must decide itself (``context`` None: a mount, a plain route)."""

    order: int
    head: str
    methods: frozenset[str]  # {"*"}: any method
    chain: tuple[_IncludedRouter, ...]
    context: _EffectiveRouteContext | None
    route: BaseRoute
    matcher: BaseRoute | _EffectiveRouteContext  # how FastAPI matches it at its level
    gate: bool = False  # a gated router not opened yet: its heads stand for its routes


@dataclass(slots=True)
class _Node:
    next: dict[str, _Node] = field(default_factory=dict)
    here: list[_Endpoint] = field(default_factory=list)  # filed at this node
    tried: dict[str, tuple[_Endpoint, ...]] = field(default_factory=dict)  # by method


class RouteIndex:
    """The app router's entry (``router.middleware_stack``): the route of a request found
    through the trie of literal heads, else FastAPI's own routing (``fallback``).

    Built as requests come: a gated router is filed under its heads until a request's path
    meets one of them, and only then opened (its routes filed in its place), as FastAPI
    itself builds an included router's routes on the first request that reaches them —
    the whole table at once took 0.7 s. Routes added once the service has answered a
    request under their heads are not seen."""

    def __init__(self, router: APIRouter, fallback: ASGIApp) -> None:
        self.router, self.fallback = router, fallback
        self._root: _Node | None = None
        self._opened: set[int] = set()  # id() of the gated routers opened

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.fallback(scope, receive, send)
            return
        root = self._root or self._build()
        node, path = root, get_route_path(scope)
        for char in path:
            step = node.next.get(char)
            if step is None:
                break
            node = step
        tried = node.tried.get(scope["method"]) or node.tried.get("", ())
        for endpoint in tried:
            if endpoint.gate:  # its routes may match: file them, and look again
                self._opened.add(id(endpoint.route))
                self._root = None
                await self(scope, receive, send)
                return
            match, child = endpoint.matcher.matches(scope)
            if endpoint.context is None:  # FastAPI decides a route of its own
                if match is not Match.NONE:
                    break
            elif match is Match.FULL:
                await self._hand_over(endpoint, endpoint.context, child, scope, receive, send)
                return
        await self.fallback(scope, receive, send)

    async def _hand_over(
        self,
        endpoint: _Endpoint,
        context: _EffectiveRouteContext,
        child: Scope,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        """What FastAPI's routers do between them for this route (``APIRouter.app``, then
        ``_IncludedRouter.handle`` and ``_handle_selected`` at each level)."""
        _apply_router_form_limits(scope, self.router.form_limits)
        scope.setdefault("router", self.router)
        for included in endpoint.chain:
            _apply_router_form_limits(scope, included.include_context.form_limits)
        fastapi_scope = _get_fastapi_scope(scope)
        fastapi_scope[_FASTAPI_INCLUDED_ROUTER_KEY] = endpoint.chain[-1]
        child["route"] = endpoint.route
        _update_scope(scope, child)
        _route_selected(scope=scope, path=context.path_format, mount=False)
        fastapi_scope[_FASTAPI_EFFECTIVE_ROUTE_CONTEXT_KEY] = context
        scope["route"] = endpoint.route
        await endpoint.route.handle(scope, receive, send)

    def _build(self) -> _Node:
        root = _Node()
        for endpoint in _endpoints(self.router.routes, self._opened):
            node = root
            for char in endpoint.head:
                node = node.next.setdefault(char, _Node())
            node.here.append(endpoint)
        _settle(root, [], {})
        self._root = root
        return root


def _settle(node: _Node, above: list[_Endpoint], tried: dict[str, tuple[_Endpoint, ...]]) -> None:
    """Each node's endpoints to try, by method: those filed on the way to it, in order."""
    filed = above
    if node.here:
        filed = sorted([*above, *node.here], key=lambda e: e.order)
        methods = {m for e in filed for m in e.methods} - ANY
        tried = {m: tuple(e for e in filed if m in e.methods or "*" in e.methods) for m in methods}
        tried[""] = tuple(e for e in filed if "*" in e.methods)  # for any other method
    node.tried = tried
    for step in node.next.values():
        _settle(step, filed, tried)


def _endpoints(routes: list[BaseRoute], opened: set[int]) -> list[_Endpoint]:
    """The route table flattened in the order FastAPI tries it; a gated router not
    ``opened`` as one entry for each of its heads."""
    out: list[_Endpoint] = []

    def walk(route: BaseRoute | _EffectiveRouteContext, chain: tuple[_IncludedRouter, ...]) -> None:
        if isinstance(route, _IncludedRouter):
            gate = route.original_router
            if isinstance(gate, GatedRouter) and id(route) not in opened:
                order, inside = len(out), (*chain, route)
                out.extend(_Endpoint(order, h, ANY, inside, None, route, route, True)
                           for h in gate.heads)  # fmt: skip
                return
            for candidate in route.effective_candidates():
                walk(candidate, (*chain, route))
        elif not isinstance(route, _EffectiveRouteContext):
            out.append(_Endpoint(len(out), _opaque_head(route), ANY, chain, None, route, route))
        elif isinstance(original := route.original_route, APIRoute) and chain:
            head, methods = literal_head(route.path), frozenset(route.methods)
            out.append(_Endpoint(len(out), head, methods, chain, route, original, route))
        else:
            inner = route.starlette_route or route.original_route
            out.append(_Endpoint(len(out), _opaque_head(inner), ANY, chain, None, inner, route))

    for route in routes:
        walk(route, ())
    return out


def _opaque_head(route: BaseRoute) -> str:
    """What every path a mount or plain route matches starts with ("" when unknown)."""
    if isinstance(route, (Mount, Route)):
        return literal_head(route.path)
    return ""
