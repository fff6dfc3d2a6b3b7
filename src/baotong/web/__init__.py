"""The console's base: the Jinja2 environment and rendering, page permissions, CSRF,
forms, htmx helpers, the i18n glue, ``static/`` and the base templates.

Each domain keeps its pages in ``<domain>/pages.py`` and its templates in
``<domain>/templates/<domain>/``; ``baotong.routes`` plugs them in. Nothing here imports
a domain.
"""
