"""The cut-off consolidation as a pure function: the day's resident order lines in, what
each group point and forward warehouse gets, what the central warehouse picks and kits,
and what stock cannot cover, out.

Like a market's wholesale desk at closing time: every stall's tally is added up per item,
the stock in the store room is handed out first come, first served (the residents'
numbers in each group, groups in order), and what is left unserved goes on tomorrow's
purchase list. An SKU is served from its own stock; a kit from kit units already made,
then from what the SKUs left over can assemble (the scarcest component decides). One
pass to add up, one to hand out: linear in the number of lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One resident order line: ``group`` (a group order id), ``resident`` (the resident
    order id, for first come first served), the item (an SKU or a kit code) and units."""

    line_id: int
    group: int
    resident: int
    item: str
    qty: int

    def __post_init__(self) -> None:
        if self.qty <= 0:
            raise ValueError(f'"qty" must be > 0 (line {self.line_id}).')


@dataclass(frozen=True, slots=True)
class OrderLines:
    """The day's lines as columns (one tuple per field, one position per line), in the
    order they were placed: by resident order, then line. Columns, not one object per
    line, so that 500,000 lines are read and summed in a second or two."""

    line_id: tuple[int, ...]
    group: tuple[int, ...]
    resident: tuple[int, ...]
    item: tuple[str, ...]
    qty: tuple[int, ...]

    def __post_init__(self) -> None:
        sizes = {len(self.line_id), len(self.group), len(self.resident), len(self.item),
                 len(self.qty)}  # fmt: skip
        if len(sizes) != 1:
            raise ValueError('"lines" columns must be of one length.')
        if self.qty and min(self.qty) <= 0:
            raise ValueError('"qty" must be > 0 on every line.')

    @classmethod
    def of(cls, lines: Iterable[OrderLine]) -> OrderLines:
        rows = sorted(lines, key=lambda x: (x.resident, x.line_id))
        return cls(tuple(x.line_id for x in rows), tuple(x.group for x in rows),
                   tuple(x.resident for x in rows), tuple(x.item for x in rows),
                   tuple(x.qty for x in rows))  # fmt: skip

    def __len__(self) -> int:
        return len(self.line_id)


@dataclass(frozen=True, slots=True)
class Cut:
    """Where an item ran out: line ``line_id`` (of resident order ``resident``) gets
    ``take`` units, and every line of the item placed after it gets none."""

    resident: int
    line_id: int
    take: int


@dataclass(frozen=True, slots=True)
class Group:
    """A group order at cut-off: its group point and the forward warehouse serving it."""

    id: int
    point: str
    forward: str


@dataclass(frozen=True, slots=True)
class ConsolidationInput:
    """What the cut-off knows.

    lines: the open resident order lines, in the order they were placed.
    groups: every group order the lines name.
    stock: units available per SKU (and per kit code for kits already assembled) in the
        central warehouse.
    kits: the bill of each kit code that may be ordered: SKU → units per kit.
    """

    lines: OrderLines
    groups: tuple[Group, ...]
    stock: Mapping[str, int] = field(default_factory=dict)
    kits: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.lines.group) - {g.id for g in self.groups}
        if unknown:
            raise ValueError(f'"lines" names group {min(unknown)}, which is not in "groups".')
        for code, qty in self.stock.items():
            if qty < 0:
                raise ValueError(f'"stock" of {code} must be >= 0.')


@dataclass(frozen=True, slots=True)
class Consolidation:
    """The result.

    ordered / allocated / short: units per item over the whole day.
    by_group / by_forward: units allocated per item, per group order id / forward warehouse.
    line_allocated: units each line gets (only lines that get less than they asked).
    cuts: per item that ran out, where (every line before it got its whole quantity).
    assemble: kits to assemble from components; picks: units per forward warehouse of
        what is picked from the bins (SKUs, kit components, kits already made).
    """

    ordered: dict[str, int]
    allocated: dict[str, int]
    short: dict[str, int]
    by_group: dict[int, dict[str, int]]
    by_forward: dict[str, dict[str, int]]
    line_allocated: dict[int, int]
    cuts: dict[str, Cut]
    assemble: dict[str, int]
    picks: dict[str, dict[str, int]]
    residents_by_group: dict[int, int]

    @property
    def fill_rate(self) -> float:
        ordered = sum(self.ordered.values())
        return sum(self.allocated.values()) / ordered if ordered else 1.0


def consolidate(data: ConsolidationInput) -> Consolidation:
    """Add up, hand out first come first served, and split off what is short."""
    lines = data.lines
    ordered: dict[str, int] = defaultdict(int)
    for item, qty in zip(lines.item, lines.qty, strict=True):
        ordered[item] += qty
    stock = {k: int(v) for k, v in data.stock.items()}
    allocated: dict[str, int] = {}
    kits_made: dict[str, int] = {}
    assemble: dict[str, int] = {}
    # SKUs first from their own stock, then kits from made kits and the SKUs left over.
    for item in sorted(i for i in ordered if i not in data.kits):
        allocated[item] = take = min(ordered[item], stock.get(item, 0))
        stock[item] = stock.get(item, 0) - take
    for kit in sorted(i for i in ordered if i in data.kits):
        bill = data.kits[kit]
        made = min(ordered[kit], stock.get(kit, 0))
        wanted = ordered[kit] - made
        buildable = min((stock.get(s, 0) // q for s, q in bill.items()), default=0)
        build = min(wanted, buildable)
        for sku, q in bill.items():
            stock[sku] = stock.get(sku, 0) - q * build
        kits_made[kit], assemble[kit] = made, build
        allocated[kit] = made + build
    remaining = dict(allocated)
    by_group: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    line_allocated: dict[int, int] = {}
    cuts: dict[str, Cut] = {}
    residents: dict[int, set[int]] = defaultdict(set)
    for line_id, group, resident, item, qty in zip(
        lines.line_id, lines.group, lines.resident, lines.item, lines.qty, strict=True
    ):
        left = remaining[item]
        take = qty if qty <= left else left
        remaining[item] = left - take
        if take < qty:
            line_allocated[line_id] = take
            if item not in cuts:
                cuts[item] = Cut(resident, line_id, take)
        if take:
            by_group[group][item] += take
            residents[group].add(resident)
    forward_of = {g.id: g.forward for g in data.groups}
    by_forward: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for group, items in by_group.items():
        target = by_forward[forward_of[group]]
        for item, qty in items.items():
            target[item] += qty
    picks = _picks(by_forward, data.kits, kits_made)
    return Consolidation(
        ordered=dict(ordered),
        allocated={k: v for k, v in allocated.items() if v},
        short={k: ordered[k] - allocated[k] for k in ordered if ordered[k] > allocated[k]},
        by_group={g: dict(items) for g, items in by_group.items()},
        by_forward={f: dict(items) for f, items in sorted(by_forward.items())},
        line_allocated=line_allocated,
        cuts=cuts,
        assemble={k: v for k, v in assemble.items() if v},
        picks=picks,
        residents_by_group={g: len(r) for g, r in residents.items()},
    )


def _picks(
    by_forward: Mapping[str, Mapping[str, int]],
    kits: Mapping[str, Mapping[str, int]],
    kits_made: Mapping[str, int],
) -> dict[str, dict[str, int]]:
    """Units picked per forward warehouse's wave: SKUs as they are, a kit as kit units
    while made kits last (first waves first), then as its components."""
    made_left = dict(kits_made)
    picks: dict[str, dict[str, int]] = {}
    for forward in sorted(by_forward):
        wave: dict[str, int] = defaultdict(int)
        for item, qty in by_forward[forward].items():
            if item not in kits:
                wave[item] += qty
                continue
            ready = min(qty, made_left.get(item, 0))
            made_left[item] = made_left.get(item, 0) - ready
            if ready:
                wave[item] += ready
            for sku, per_kit in kits[item].items():
                if qty - ready:
                    wave[sku] += per_kit * (qty - ready)
        picks[forward] = dict(sorted(wave.items()))
    return picks
