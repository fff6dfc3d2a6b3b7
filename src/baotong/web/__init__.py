"""The browser console: server-rendered pages (Jinja2 + htmx) with ECharts maps and charts."""

from fastapi import APIRouter

router = APIRouter()
