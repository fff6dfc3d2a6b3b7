"""Find a region the way a person names it: by code, Chinese name or pinyin.

'41', '410000', '河南', '河南省', 'Henan' and 'henan' all name Henan; '朝阳区' names two
districts (Beijing's and Changchun's) and is refused with both listed. This is the one
resolver: the CLI, the API, the console and the planner all name regions through it, so a
name one accepts the others accept too.
"""

from __future__ import annotations

import difflib
import re

from baotong.core.exceptions import NotFoundError, ValidationError
from baotong.network.entities import Network, Region, RegionLevel

_LEVELS = list(RegionLevel)

_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州",
             "自治县", "地区", "省", "市", "县", "区", "旗", "盟")  # fmt: skip


def _fold(text: str) -> str:
    """Lower-case, without spaces, apostrophes or hyphens: "Xi'an" → 'xian'."""
    return re.sub(r"[\s'’\-]", "", text).lower()


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _names(region: Region, query: str, folded: str) -> bool:
    """'河南' names 河南省; '恩施' names 恩施土家族苗族自治州; 'henan' names Henan."""
    short = _short(query)
    if _short(region.name) == short or _fold(region.pinyin) == folded:
        return True
    rest = region.name[len(short) :] if region.name.startswith(short) else ""
    return len(short) >= 2 and "自治" in rest


def _describe(network: Network, region: Region) -> str:
    parent = network.regions.get(region.parent_code or "")
    where = f", {parent.name}" if parent is not None else ""
    return f"{region.name} ({region.code}{where})"


def _outermost(network: Network, found: list[Region]) -> list[Region]:
    """Drop matches inside another match ('北京' is the province and its prefecture)."""
    return [r for r in found if not any(o is not r and network.contains(o.code, r.code)
                                        for o in found)]  # fmt: skip


def find_region(network: Network, text: str) -> Region:
    """The region a code, name or pinyin names; NotFoundError if unknown or ambiguous."""
    query = text.strip()
    if not query:
        raise NotFoundError("Name a region: a code, a Chinese name or pinyin.",
                            code="region.unknown", query=text)  # fmt: skip
    if query.isdigit():
        code = {2: query + "0000", 4: query + "00"}.get(len(query), query[:6])
        if len(query) in (2, 4, 6, 9, 12) and code in network.regions:
            return network.regions[code]
        raise NotFoundError(f"No region has the code '{query}'.", code="region.unknown",
                            query=text)  # fmt: skip
    folded = _fold(query)
    found = [r for r in network.regions.values() if r.name == query]
    if not found:
        found = [r for r in network.regions.values() if _names(r, query, folded)]
    found = sorted(_outermost(network, found), key=lambda r: r.code)
    top = [r for r in found if r.level is min((f.level for f in found), key=_LEVELS.index)]
    if len(top) == 1:  # 'Henan' is the province, not 河南蒙古族自治县
        return top[0]
    if len(found) == 1:
        return found[0]
    if found:
        listed = "; ".join(_describe(network, r) for r in found[:10])
        raise NotFoundError(
            f"'{query}' names {len(found)} regions: {listed}. Give the code or the full name.",
            code="region.ambiguous", query=text, count=len(found), listed=listed,
            candidates=[r.code for r in found],
        )  # fmt: skip
    keys: dict[str, list[Region]] = {}
    for region in network.regions.values():
        for key in (region.name, _fold(region.pinyin)):
            keys.setdefault(key, []).append(region)
    close = difflib.get_close_matches(folded if query.isascii() else query, keys, n=5, cutoff=0.7)
    hints = sorted({_describe(network, r) for key in close for r in keys[key]})[:5]
    hint = f" Did you mean: {'; '.join(hints)}?" if hints else ""
    raise NotFoundError(f"No region is named '{query}'.{hint}", code="region.unknown", query=text)


def region_at(network: Network, text: str, *, field: str, domain: str = "scenario") -> Region:
    """``find_region`` for an input field: a refusal names the field and the value.

    The error's code is ``<domain>.unknown_region`` or ``<domain>.ambiguous_region`` (then
    with the ``candidates`` codes), so a scenario with '朝阳区' is refused when it is saved.
    """
    try:
        return find_region(network, text)
    except NotFoundError as exc:
        kind = "ambiguous" if exc.code == "region.ambiguous" else "unknown"
        raise ValidationError(
            exc.message, code=f"{domain}.{kind}_region", field=field, value=text,
            candidates=list(exc.data.get("candidates", [])),
        ) from None  # fmt: skip
