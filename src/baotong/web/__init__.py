"""The browser console: server-rendered pages (Jinja2 + htmx) with ECharts maps and charts.

``router`` holds every page; ``create_app()`` includes it next to the JSON API and mounts
``static/`` (our CSS and JS, and ``static/vendor`` that ``make assets`` fills).
"""

from fastapi import APIRouter

from baotong.audit import pages as pages_audit
from baotong.web import (
    pages_auth,
    pages_compare,
    pages_network,
    pages_plans,
    pages_scenarios,
)

router = APIRouter()
for _pages in (pages_auth, pages_network, pages_scenarios, pages_compare, pages_plans, pages_audit):
    router.include_router(_pages.router)
