"""``baotong run``: Baotong's main job on the embedded defaults (what ``make run`` does)."""

from __future__ import annotations

from baotong.cli import network


def run() -> None:
    """Run Baotong's main job on the embedded defaults."""
    network.show(region=None)
