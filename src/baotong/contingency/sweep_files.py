"""Reading a sweep's output folder (``sweep.json`` and ``plans/<code>.json``) for storing.

``baotong sweep --out DIR`` writes the folder; the service stores it. Everything is checked
before anything is stored: each problem names its file and field (as a network import
does), and :class:`SweepImportError` lists them all. The folder's digest — of
``sweep.json`` and every plan file it lists — identifies it, so storing the same folder
twice finds the first copy instead of adding a second.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticError

from baotong.contingency.document import PlanDocument
from baotong.contingency.sweep import LEVELS, SCHEMA, SweepLevel, plan_path
from baotong.core.exceptions import LocatedErrors, ValidationError
from baotong.core.i18n import N_
from baotong.network.entities import Network, RegionLevel

SUMMARY = "sweep.json"
# The codes of the problems a folder can have (their words are in the catalogues).
CODES = [N_("error.sweep.import_failed"), N_("error.sweep.file_missing"),
         N_("error.sweep.not_json"), N_("error.sweep.bad_field"), N_("error.sweep.bad_plan"),
         N_("error.sweep.unknown_region"), N_("error.sweep.duplicate_region")]  # fmt: skip


class SweepImportError(LocatedErrors):
    """A sweep folder that cannot be stored; ``errors`` lists every problem found."""

    title = "Invalid sweep"

    def __init__(self, folder: Path, errors: list[ValidationError], *, code: str) -> None:
        super().__init__(f"The sweep in {folder} cannot be stored", errors, code=code,
                         folder=str(folder))  # fmt: skip


@dataclass(frozen=True)
class SweepFolder:
    """A checked sweep folder: what to store."""

    folder: Path
    digest: str
    level: SweepLevel
    network: str
    regions: int
    options: dict[str, Any]
    plans: dict[str, PlanDocument] = field(default_factory=dict)


def _fail(errors: list[ValidationError], file: str, field_: str | None, message: str,
          code: str, **data: Any) -> None:  # fmt: skip
    errors.append(ValidationError(message, code=code, file=file, field=field_, **data))


def _load_summary(folder: Path, errors: list[ValidationError]) -> dict[str, Any] | None:
    path = folder / SUMMARY
    if not path.is_file():
        _fail(errors, SUMMARY, None, "is missing; run 'baotong sweep --out DIR' first.",
              "sweep.file_missing")  # fmt: skip
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        _fail(errors, SUMMARY, None, f"is not JSON ({exc}).", "sweep.not_json")
        return None
    if not isinstance(data, dict):
        _fail(errors, SUMMARY, None, "must hold a JSON object.", "sweep.not_json")
        return None
    return data


def _check_header(data: dict[str, Any], errors: list[ValidationError]) -> None:
    if data.get("schema") != SCHEMA:
        _fail(errors, SUMMARY, "schema", f"must be '{SCHEMA}', not {data.get('schema')!r}.",
              "sweep.bad_field", value=data.get("schema"))  # fmt: skip
    if data.get("level") not in LEVELS:
        level = data.get("level")
        _fail(errors, SUMMARY, "level", f"must be one of {', '.join(LEVELS)}, not {level!r}.",
              "sweep.bad_field", value=level)  # fmt: skip
    if not isinstance(data.get("network"), str):
        _fail(errors, SUMMARY, "network", "must name the network the sweep planned on.",
              "sweep.bad_field")  # fmt: skip
    if not isinstance(data.get("options", {}), dict):
        _fail(errors, SUMMARY, "options", "must be an object.", "sweep.bad_field")
    if not isinstance(data.get("plans"), list):
        _fail(errors, SUMMARY, "plans", "must be a list of regions.", "sweep.bad_field")


def _read_plan(folder: Path, code: str, errors: list[ValidationError]) -> PlanDocument | None:
    path = plan_path(folder, code)
    name = str(path.relative_to(folder))
    if not path.is_file():
        _fail(errors, name, None, f"is missing: sweep.json lists region {code}.",
              "sweep.file_missing")  # fmt: skip
        return None
    try:
        return PlanDocument.model_validate_json(path.read_bytes())
    except PydanticError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or None
        _fail(errors, name, where, f"is not a plan document: {first['msg']}.",
              "sweep.bad_plan")  # fmt: skip
        return None


def read_sweep_folder(folder: Path, network: Network) -> SweepFolder:
    """Check a sweep folder against the network; SweepImportError names every problem."""
    errors: list[ValidationError] = []
    if not folder.is_dir():
        raise SweepImportError(folder, [ValidationError(f"{folder} is not a folder.",
                               code="sweep.file_missing", file=str(folder))],
                               code="sweep.import_failed")  # fmt: skip
    data = _load_summary(folder, errors)
    if data is None:
        raise SweepImportError(folder, errors, code="sweep.import_failed")
    _check_header(data, errors)
    plans: dict[str, PlanDocument] = {}
    digest = hashlib.sha256((folder / SUMMARY).read_bytes())
    levels = {RegionLevel.PROVINCE, RegionLevel.PREFECTURE}
    listed = data.get("plans")
    for i, row in enumerate(listed if isinstance(listed, list) else []):
        code = row.get("region_code") if isinstance(row, dict) else None
        where = f"plans[{i}].region_code"
        region = network.regions.get(code) if isinstance(code, str) else None
        if region is None or region.level not in levels:
            _fail(errors, SUMMARY, where, f"{code!r} is not a province or prefecture of the "
                  f"network.", "sweep.unknown_region", value=code)  # fmt: skip
            continue
        if code in plans:
            _fail(errors, SUMMARY, where, f"region {code} is listed twice.",
                  "sweep.duplicate_region", value=code)  # fmt: skip
            continue
        document = _read_plan(folder, region.code, errors)
        if document is not None:
            plans[region.code] = document
            digest.update(plan_path(folder, region.code).read_bytes())
    regions = data.get("regions", len(plans))
    if not isinstance(regions, int) or regions < len(plans):
        _fail(errors, SUMMARY, "regions", f"must be a count of at least {len(plans)}.",
              "sweep.bad_field", value=regions)  # fmt: skip
    if errors:
        raise SweepImportError(folder, errors, code="sweep.import_failed")
    return SweepFolder(folder=folder, digest=digest.hexdigest(), level=data["level"],
                       network=data["network"], regions=regions,
                       options=dict(data.get("options") or {}), plans=plans)  # fmt: skip
