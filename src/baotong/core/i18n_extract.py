"""Finding the keys the catalogues must hold, by reading the source, for ``make i18n``.

``make i18n`` extracts with :func:`extract_python` (see ``babel.cfg``): besides the keys
passed to ``t``/``translate``/``N_``, it finds the label keys of every labelled enum and
``error.<code>`` for every error raised with ``code="..."``, so ``pybabel update`` never
drops them. The catalogue tests use the same readers. Around the update it remembers
every catalogue's words and gives a new, empty entry the words another catalogue had for
that key, so code moved between packages keeps its words
(``python -m baotong.core.i18n_extract remember|carry FILE``).
"""

from __future__ import annotations

import ast
import io
import json
import sys
from collections.abc import Collection, Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import IO, Any, TypeGuard

from babel.messages.extract import extract_python as babel_extract_python
from babel.messages.pofile import read_po, write_po

from baotong.core.enums import key_prefix

ROOT_ERROR = "BaotongError"


def source_root() -> Path:
    return Path(str(resources.files("baotong")))


@cache
def error_classes(root: Path | None = None) -> frozenset[str]:
    """Names of ``BaotongError`` and of every class deriving from it in the package."""
    bases: dict[str, set[str]] = {}
    for path in (root or source_root()).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(_names(node.bases))
    found = {ROOT_ERROR}
    grew = True
    while grew:
        more = {name for name, parents in bases.items() if parents & found} - found
        found |= more
        grew = bool(more)
    return frozenset(found)


def _names(nodes: list[ast.expr]) -> set[str]:
    return {n.id if isinstance(n, ast.Name) else n.attr for n in nodes if _is_name(n)}


def _is_name(node: ast.expr) -> TypeGuard[ast.Name | ast.Attribute]:
    return isinstance(node, ast.Name | ast.Attribute)


def _called(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def error_calls(tree: ast.AST, classes: Collection[str]) -> Iterator[ast.Call]:
    """Every construction of a domain error (``NotFoundError(...)``) in ``tree``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node) in classes:
            yield node


def error_codes(tree: ast.AST, classes: Collection[str]) -> Iterator[tuple[int, str]]:
    """(line, code) of every domain error constructed with a literal ``code=``."""
    for call in error_calls(tree, classes):
        for keyword in call.keywords:
            if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                yield call.lineno, str(keyword.value.value)


def enum_keys(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, label key) of every member of every ``LabelledEnum`` class in ``tree``."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef) or "LabelledEnum" not in _names(node.bases):
            continue
        family = key_prefix(node.name)
        for keyword in node.keywords:
            if keyword.arg == "key" and isinstance(keyword.value, ast.Constant):
                family = str(keyword.value.value)
        for item in node.body:
            value = _member_value(item)
            if value is not None:
                yield item.lineno, f"{family}.{value}"


def _member_value(item: ast.stmt) -> str | None:
    if not isinstance(item, ast.Assign) or len(item.targets) != 1:
        return None
    target, value = item.targets[0], item.value
    if not isinstance(target, ast.Name) or not target.id.isupper():
        return None
    if isinstance(value, ast.Tuple | ast.Call):
        first = value.elts[0] if isinstance(value, ast.Tuple) else next(iter(value.args), None)
        value = first if first is not None else value
    return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None


def extract_python(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Any,
) -> Iterator[tuple[Any, ...]]:  # fmt: skip
    """Babel's Python extractor, plus the enum label keys and error codes of the file."""
    yield from babel_extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    tree = ast.parse(fileobj.read())
    for line, key in enum_keys(tree):
        yield line, None, key, []
    for line, code in error_codes(tree, error_classes()):
        yield line, None, f"error.{code}", []


def _po_files() -> list[Path]:
    return sorted(source_root().glob("*/locale/*/LC_MESSAGES/*.po"))


def remember(path: Path) -> None:
    """Write every catalogue's words, by language, to ``path`` (JSON)."""
    known: dict[str, dict[str, str]] = {}
    for po in _po_files():
        with po.open("rb") as file:
            words = known.setdefault(po.parents[1].name, {})
            words.update((str(m.id), str(m.string)) for m in read_po(file) if m.id and m.string)
    path.write_text(json.dumps(known, ensure_ascii=False), encoding="utf-8")


def carry(path: Path) -> None:
    """Fill the empty entries of every catalogue with the words remembered in ``path``."""
    known: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    for po in _po_files():
        words = known.get(po.parents[1].name, {})
        with po.open("rb") as file:
            catalog = read_po(file)
        empty = [m for m in catalog if m.id and not m.string and str(m.id) in words]
        for message in empty:
            message.string = words[str(message.id)]
        if empty:
            out = io.BytesIO()
            write_po(out, catalog, omit_header=True, width=0)
            po.write_bytes(out.getvalue())


if __name__ == "__main__":
    command, file = sys.argv[1:]
    {"remember": remember, "carry": carry}[command](Path(file))
