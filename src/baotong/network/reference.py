"""The bundled reference network of mainland China, and the network Baotong plans on.

``load_reference()`` reads the network shipped in ``baotong/network/data`` (built by
``baotong network build-reference``). ``load_active(settings)`` returns the network a user
imported into the data directory (``baotong network import``), or the reference when none
is installed: the planner and the service call it.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from baotong.config import Settings
from baotong.core.exceptions import NotFoundError
from baotong.network import bundle
from baotong.network.entities import Network, RegionLevel

BOUNDARY_LEVELS = tuple(level.value for level in RegionLevel)


def data_dir() -> Path:
    """The package folder holding params.toml and the generated reference files."""
    return Path(str(resources.files("baotong.network") / "data"))


@lru_cache(maxsize=1)
def load_reference() -> Network:
    """The bundled reference network (read once per process)."""
    return bundle.load(data_dir())


def _boundaries_in(folder: Path) -> dict[str, dict[str, Any]]:
    """The boundaries file of a network folder (none: an imported network without one)."""
    path = folder / bundle.BOUNDARIES_FILE
    return _read_boundaries(folder, path.stat().st_mtime_ns if path.is_file() else 0)


@lru_cache(maxsize=4)
def _read_boundaries(folder: Path, stamp: int) -> dict[str, dict[str, Any]]:
    return bundle.load_boundaries(folder) if stamp else {}


def load_boundaries(
    level: str | RegionLevel, network: Network | None = None
) -> dict[str, dict[str, Any]]:
    """Simplified boundary of every region of a level: code → GeoJSON geometry.

    The outlines are those shipped with ``network`` (an imported network brings its own),
    else the bundled reference's.
    """
    return boundaries_at(level, network.boundaries_dir if network is not None else None)


def boundaries_at(level: str | RegionLevel, folder: Path | None) -> dict[str, dict[str, Any]]:
    """The outlines of a level kept in a network folder (None: the bundled reference)."""
    key = str(level)
    if key not in BOUNDARY_LEVELS:
        raise NotFoundError(
            f"Unknown region level '{key}': use one of {', '.join(BOUNDARY_LEVELS)}.",
            code="network.unknown_level",
            level=key,
            levels=", ".join(BOUNDARY_LEVELS),
        )
    return _boundaries_in((folder or data_dir()).resolve()).get(key, {})


def active_dir(settings: Settings) -> Path:
    """Where ``baotong network import`` installs a user's network."""
    return settings.data_dir / "network"


@lru_cache(maxsize=4)
def _load_installed(folder: Path, stamp: float) -> Network:
    return bundle.load(folder)


def load_active(settings: Settings) -> Network:
    """The imported network if one is installed, else the bundled reference."""
    folder = active_dir(settings)
    marker = folder / bundle.NETWORK_FILE
    if not marker.is_file():
        return load_reference()
    return _load_installed(folder.resolve(), marker.stat().st_mtime_ns)


def all_boundaries(network: Network) -> dict[str, dict[str, dict[str, Any]]]:
    """Every level's outlines shipped with ``network`` (level → code → GeoJSON geometry)."""
    return _boundaries_in((network.boundaries_dir or data_dir()).resolve())
