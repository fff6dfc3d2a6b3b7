"""The browser console: server-rendered pages (Jinja2 + htmx) with ECharts maps and charts.

``router`` holds every page; ``create_app()`` includes it next to the JSON API and mounts
``static/`` (our CSS and JS, and ``static/vendor`` that ``make assets`` fills).
"""

from fastapi import APIRouter

from baotong.web import pages_auth, pages_network

router = APIRouter()
router.include_router(pages_auth.router)
router.include_router(pages_network.router)
