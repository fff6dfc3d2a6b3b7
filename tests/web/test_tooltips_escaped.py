"""Map tooltips are HTML: every name in them (centres, regions, backups — typed by people
or imported with a network) goes through ``esc``, so ``<img onerror=…>`` stays text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "src" / "baotong" / "web" / "static"
NUMERIC = re.compile(r"^(Math\.round\(|\(?[\w.]+ \* 100\)?\.toFixed|[\w.]+\.toLocaleString)")


def formatters(source: str) -> list[str]:
    """The text of every ECharts ``formatter`` (up to the end of its tooltip object)."""
    found = []
    for match in re.finditer(r"formatter: ", source):
        depth, end = 0, match.end()
        for end in range(match.end(), len(source)):
            char = source[end]
            depth += char in "({["
            depth -= char in ")}]"
            if depth < 0:
                break
        found.append(source[match.end() : end])
    return found


@pytest.mark.parametrize("script", sorted(p.name for p in STATIC.glob("*.js")))
def test_every_value_in_a_tooltip_is_escaped_or_a_number(script: str) -> None:
    source = (STATIC / script).read_text(encoding="utf-8")
    for formatter in formatters(source):
        for value in re.findall(r"\$\{(.*?)\}(?=[^}]*(?:`|<|\s|·|%|$))", formatter):
            assert value.startswith("esc(") or NUMERIC.match(value), (script, value)
        if "`" not in formatter:  # a formatter returning a plain expression
            body = formatter.split("=>", 1)[-1].strip()
            assert body.startswith(("esc(", "{")), (script, body)
        else:
            assert "return " not in formatter or "esc(" in formatter, (script, formatter)


def test_the_escape_turns_markup_into_text() -> None:
    source = (STATIC / "console.js").read_text(encoding="utf-8")
    assert '"<": "&lt;"' in source
    assert '"&": "&amp;"' in source
