"""The tracking fixtures serve the service-desk tests too."""

from __future__ import annotations

from ..tracking.conftest import items, lockdown, system  # noqa: F401
