"""The emergency-supply catalogue as plain data: SKUs, suppliers and kits (套餐).

A kit is a bill of items, like a recipe card pinned in the consolidation warehouse: one
vegetable kit is 2 kg cabbage, 2 kg potatoes... Kits adapt to a province and to the stage
of the outbreak (early, peak, recovery) through variants of the same kit code; the most
specific variant wins. How many kits can be made follows from the components: the scarcest
component decides. Pure data and functions: no database, no web.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from baotong.core.enums import LabelledEnum
from baotong.core.exceptions import ValidationError

CATALOGUE_FILE = "catalogue.toml"


class OutbreakStage(LabelledEnum):
    """Where the outbreak stands: kits change with it (more protection early, more food at
    the peak)."""

    EARLY = "early", "orange"
    PEAK = "peak", "red"
    RECOVERY = "recovery", "green"


@dataclass(frozen=True, slots=True)
class Sku:
    """A stock-keeping unit: what a supplier sells and a warehouse stores."""

    code: str
    name: str
    name_en: str
    category: str
    unit: str
    shelf_life_days: int
    cold_chain: bool
    weight_kg: float
    volume_m3: float

    def __post_init__(self) -> None:
        _need(bool(self.code.strip()), "must not be empty.", "code", self.code)
        _need(self.shelf_life_days > 0, "must be > 0 days.", "shelf_life_days", self.code)
        _need(0 < self.weight_kg < 10_000, "must be > 0 and < 10000 kg.", "weight_kg", self.code)
        _need(0 < self.volume_m3 < 100, "must be > 0 and < 100 m³.", "volume_m3", self.code)


@dataclass(frozen=True, slots=True)
class Supplier:
    """A source of goods: where it is, what it sells and how much a day."""

    code: str
    name: str
    name_en: str
    province_code: str
    location: tuple[float, float]
    categories: frozenset[str]
    daily_capacity: int

    def __post_init__(self) -> None:
        _need(self.daily_capacity > 0, "must be > 0 units/day.", "daily_capacity", self.code)
        _need(bool(self.categories), "must list at least one category.", "categories", self.code)

    def sells(self, sku: Sku) -> bool:
        return sku.category in self.categories


@dataclass(frozen=True, slots=True)
class Kit:
    """A bill of items; ``province_code`` / ``stage`` narrow a variant (None = any)."""

    code: str
    name: str
    name_en: str
    standard: bool
    items: Mapping[str, int]
    province_code: str | None = None
    stage: OutbreakStage | None = None
    version: int = 1

    def __post_init__(self) -> None:
        _need(bool(self.items), "must list at least one item.", "items", self.code)
        for sku, quantity in self.items.items():
            _need(quantity > 0, f"quantity of {sku} must be > 0.", "items", self.code)

    @property
    def specificity(self) -> int:
        return (self.province_code is not None) * 2 + (self.stage is not None)

    def available(self, stock: Mapping[str, float]) -> int:
        """How many whole kits ``stock`` (units per SKU) can make: the scarcest item decides."""
        return int(min(stock.get(sku, 0.0) // quantity for sku, quantity in self.items.items()))

    def components(self, kits: int) -> dict[str, int]:
        """Units of each SKU that ``kits`` kits need."""
        return {sku: quantity * kits for sku, quantity in self.items.items()}


@dataclass(frozen=True, slots=True)
class KitCapacity:
    """Kits a day the suppliers can deliver, and the categories that limit it."""

    kits: int
    limited_by: str  # categories joined by "+", e.g. "vegetables"


@dataclass(frozen=True)
class Catalogue:
    """SKUs, suppliers and kit variants, checked for references on construction."""

    skus: Mapping[str, Sku]
    suppliers: Mapping[str, Supplier]
    kits: tuple[Kit, ...]
    _by_code: dict[str, list[Kit]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code: dict[str, list[Kit]] = {}
        seen: set[tuple[str, str | None, OutbreakStage | None]] = set()
        for kit in self.kits:
            key = (kit.code, kit.province_code, kit.stage)
            _need(key not in seen, "has two variants for the same province and stage.",
                  "kit", kit.code)  # fmt: skip
            seen.add(key)
            for sku in kit.items:
                _need(sku in self.skus, f"lists unknown SKU '{sku}'.", "items", kit.code)
            by_code.setdefault(kit.code, []).append(kit)
        for code, variants in by_code.items():
            _need(any(v.specificity == 0 for v in variants),
                  "needs a general variant (no province, no stage).", "kit", code)  # fmt: skip
        object.__setattr__(self, "_by_code", by_code)

    @property
    def kit_codes(self) -> list[str]:
        return list(self._by_code)

    def kit(
        self, code: str, *, province_code: str | None = None, stage: OutbreakStage | None = None
    ) -> Kit:
        """The variant of kit ``code`` for a province and stage: the most specific match."""
        variants = self._by_code.get(code)
        if not variants:
            raise ValidationError(f"is not a kit: use one of {', '.join(self._by_code)}.",
                                  code="supply.unknown_kit", field="kit", value=code)  # fmt: skip
        fitting = [
            v
            for v in variants
            if v.province_code in (None, province_code) and v.stage in (None, stage)
        ]
        return max(fitting, key=lambda v: v.specificity)

    def kit_capacity(self, kit: Kit, used: Mapping[str, int] | None = None) -> KitCapacity:
        """How many kits the suppliers can deliver in a day, and what limits it.

        A supplier's daily capacity (units/day, less ``used``: what allocations already
        take that day) is shared by every SKU it sells, so the components compete for it.
        By Hall's condition, ``k`` kits fit iff for every set ``S`` of the kit's categories
        ``k × (units of S per kit) ≤ free capacity of the suppliers selling any of S``; the
        largest ``k`` is the smallest of those ratios (exact: a supplier sells every SKU of
        a category it serves). Categories per kit are few, so every set is tried.
        """
        used = used or {}
        per_kit: dict[str, int] = {}
        for sku, quantity in kit.items.items():
            category = self.skus[sku].category
            per_kit[category] = per_kit.get(category, 0) + quantity
        free = {
            s.code: max(0, s.daily_capacity - used.get(s.code, 0)) for s in self.suppliers.values()
        }
        categories = sorted(per_kit)
        best, limit = None, ""
        for mask in range(1, 1 << len(categories)):
            chosen = [c for i, c in enumerate(categories) if mask >> i & 1]
            need = sum(per_kit[c] for c in chosen)
            supply = sum(
                free[s.code]
                for s in self.suppliers.values()
                if any(c in s.categories for c in chosen)
            )
            kits = supply // need
            if best is None or kits < best:
                best, limit = kits, "+".join(chosen)
        return KitCapacity(best or 0, limit)

    def suppliers_of(self, sku: str) -> list[Supplier]:
        """Suppliers that sell an SKU's category, largest first."""
        item = self.skus[sku]
        found = [s for s in self.suppliers.values() if s.sells(item)]
        return sorted(found, key=lambda s: (-s.daily_capacity, s.code))


def _need(condition: bool, message: str, field_name: str, where: str) -> None:
    if not condition:
        raise ValidationError(f"{where}: {message}", code="supply.bad_catalogue",
                              field=field_name, value=where)  # fmt: skip


def _entry(kind: str, index: int, raw: dict[str, Any], file: str) -> Any:
    try:
        if kind == "sku":
            return Sku(**raw)
        if kind == "supplier":
            return Supplier(**{**raw, "location": tuple(raw["location"]),
                               "categories": frozenset(raw["categories"])})  # fmt: skip
        stage = raw.get("stage")
        return Kit(**{**raw, "items": dict(raw["items"]),
                      "stage": OutbreakStage(stage) if stage else None})  # fmt: skip
    except (TypeError, KeyError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            raise ValidationError(
                exc.reason,
                code=exc.code,
                file=file,
                row=index,
                field=f"{kind}.{exc.field}",
                value=exc.value,
            ) from None
        raise ValidationError(f"is not a valid {kind}: {exc}", code="supply.bad_catalogue",
                              file=file, row=index, field=kind) from None  # fmt: skip


def parse_catalogue(text: str, file: str = CATALOGUE_FILE) -> Catalogue:
    """A catalogue from TOML text (``[[sku]]``, ``[[supplier]]``, ``[[kit]]`` tables)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(str(exc), code="supply.bad_catalogue", file=file) from None
    skus = [_entry("sku", i, raw, file) for i, raw in enumerate(data.get("sku", []), 1)]
    suppliers = [_entry("supplier", i, r, file) for i, r in enumerate(data.get("supplier", []), 1)]
    kits = [_entry("kit", i, raw, file) for i, raw in enumerate(data.get("kit", []), 1)]
    return Catalogue(
        skus={s.code: s for s in skus},
        suppliers={s.code: s for s in suppliers},
        kits=tuple(kits),
    )


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The bundled demo catalogue, or one from ``path``."""
    if path is not None:
        return parse_catalogue(path.read_text(encoding="utf-8"), str(path))
    text = (resources.files("baotong.supply") / "data" / CATALOGUE_FILE).read_text("utf-8")
    return parse_catalogue(text)
