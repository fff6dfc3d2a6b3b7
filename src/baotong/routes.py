"""Where every domain plugs into the service: its API routers, its page routers, its
templates and its navigation entries (each page module's ``nav``). A new domain adds its
lines to these four lists; the base packages (``api``, ``web``) never import a domain.
"""

from __future__ import annotations

from fastapi import FastAPI

from baotong.api import errors, health
from baotong.api.routing import GatedRouter, RouteIndex, gated
from baotong.audit import api as audit_api
from baotong.audit import pages as audit_pages
from baotong.auth import api as auth_api
from baotong.auth import pages as auth_pages
from baotong.auth.permissions import Role
from baotong.command import api as command_api
from baotong.command import pages as command_pages
from baotong.command import pages_eplans as command_pages_eplans
from baotong.command import pages_resources as command_pages_resources
from baotong.contingency import api as contingency_api
from baotong.contingency import (
    api_operations,
    api_simulation,
    api_sweeps,
    pages_compare,
    pages_operations,
    pages_plans,
    pages_simulation,
    pages_sites,
    pages_sweeps,
)
from baotong.contingency import pages as contingency_pages
from baotong.groupbuy import api as groupbuy_api
from baotong.groupbuy import pages as groupbuy_pages
from baotong.groupbuy import pages_public as groupbuy_public
from baotong.network import api as network_api
from baotong.network import pages as network_pages
from baotong.notify import api as notify_api
from baotong.notify import pages as notify_pages
from baotong.servicedesk import api as servicedesk_api
from baotong.servicedesk import pages as servicedesk_pages
from baotong.servicedesk import pages_load, pages_public
from baotong.supply import api as supply_api
from baotong.supply import pages as supply_pages
from baotong.tracking import api as tracking_api
from baotong.tracking import pages as tracking_pages
from baotong.transport import api as transport_api
from baotong.transport import api_stations as transport_api_stations
from baotong.transport import pages as transport_pages
from baotong.transport import pages_stations as transport_pages_stations
from baotong.warehouse import api as warehouse_api
from baotong.warehouse import pages as warehouse_pages
from baotong.web import templating
from baotong.web.templating import ADMIN, COMMAND, NETWORK, SERVICE, SUPPLY, NavSection

API = "/api/v1"
API_ROUTERS = [
    auth_api.router,
    auth_api.users_router,
    network_api.router,
    contingency_api.router,
    api_operations.router,
    api_simulation.router,
    api_sweeps.router,
    audit_api.router,
    command_api.router,
    supply_api.router,
    notify_api.router,
    transport_api.router,
    transport_api_stations.router,
    tracking_api.router,
    servicedesk_api.router,
    warehouse_api.router,
    groupbuy_api.router,
]
PAGE_ROUTERS = [
    auth_pages.router,
    network_pages.router,
    pages_sites.router,
    contingency_pages.router,
    pages_compare.router,
    pages_plans.router,
    pages_operations.router,
    pages_simulation.router,
    pages_sweeps.router,
    audit_pages.router,
    command_pages.router,
    command_pages_resources.router,
    command_pages_eplans.router,
    supply_pages.router,
    notify_pages.router,
    transport_pages.router,
    transport_pages_stations.router,
    pages_public.router,
    servicedesk_pages.router,
    pages_load.router,
    tracking_pages.router,
    warehouse_pages.router,
    groupbuy_public.router,
    groupbuy_pages.router,
]
NAV = [
    NavSection(
        NETWORK, (network_pages.nav, contingency_pages.nav, pages_plans.nav, pages_sweeps.nav)
    ),
    NavSection(COMMAND, (command_pages.nav, command_pages_eplans.nav)),
    NavSection(
        SUPPLY,
        (
            supply_pages.nav,
            warehouse_pages.nav,
            transport_pages.nav,
            transport_pages_stations.nav,
            groupbuy_pages.nav,
        ),
    ),
    NavSection(SERVICE, (servicedesk_pages.nav, pages_load.nav, tracking_pages.nav)),
    NavSection(ADMIN, (audit_pages.nav, auth_pages.nav)),
]
# The page each role's work starts on; a role not named lands on its first page above.
HOMES = {
    Role.WAREHOUSE_OPERATOR: warehouse_pages.nav,
    Role.WAREHOUSE_SUPERVISOR: warehouse_pages.nav,
    Role.CS_AGENT: servicedesk_pages.nav,
    Role.CS_SUPERVISOR: servicedesk_pages.nav,
    Role.PRODUCTION_UNIT: servicedesk_pages.nav,
    Role.TRANSPORT_DISPATCHER: transport_pages.nav,
    Role.TRANSFER_STATION: transport_pages.nav,  # its tabs lead to the shuttle board
    Role.STATION_STAFF: transport_pages_stations.nav,
    Role.DUTY_OFFICER: command_pages.nav,
    Role.SUPPLY_OWNER: supply_pages.nav,
    Role.SUPPLY_SUPERVISOR: supply_pages.nav,
    Role.SOURCING_AGENT: supply_pages.nav,
    Role.SOURCING_SUPERVISOR: supply_pages.nav,
    Role.SUPPLY_VIEWER: supply_pages.nav,
    Role.GROUP_LEADER: groupbuy_pages.nav,
}
TEMPLATE_PACKAGES = [
    "baotong.auth",
    "baotong.network",
    "baotong.contingency",
    "baotong.audit",
    "baotong.notify",
    "baotong.transport",
    "baotong.command",
    "baotong.tracking",
    "baotong.servicedesk",
    "baotong.supply",
    "baotong.warehouse",
    "baotong.groupbuy",
]


def include(app: FastAPI) -> None:
    """Mount the health checks, every domain's API under ``/api/v1`` and every page."""
    app.include_router(health.router)
    api = GatedRouter(prefix=API, responses=errors.PROBLEMS)
    api.heads = (f"{API}/",)
    for router in API_ROUTERS:
        api.include_router(gated(router, under=API))
    app.include_router(api)
    for router in PAGE_ROUTERS:
        app.include_router(gated(router))
    app.router.middleware_stack = RouteIndex(app.router, app.router.middleware_stack)
    for package in TEMPLATE_PACKAGES:
        templating.add_templates(package)
    templating.add_nav(*NAV)
    templating.add_homes(HOMES)
