"""The one YAML loader for documents people send: scenarios, manual plans, uploads.

A document a person writes needs plain mappings, lists and scalars, nothing more. The
loader is PyYAML's safe loader with two refusals: an alias (``*name``) — a few hundred
bytes of nested aliases expand to gigabytes — and nesting deeper than ``MAX_DEPTH``,
which would otherwise exhaust the stack. A refusal is a ``ValidationError`` that names the
file and line and shows at most a short excerpt of what it found.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.nodes import Node

from baotong.core.exceptions import ValidationError

MAX_DEPTH = 64  # nested mappings/lists in a document; real scenarios use 4


class _DocumentLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and deep nesting while it composes the document."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: object) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise ComposerError(
                None, None, "aliases (*name) are not allowed in a document", event.start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels", mark)
            return super().compose_node(parent, index)  # type: ignore[arg-type]
        finally:
            self._depth -= 1


def load_yaml(text: str, *, file: str | None = None) -> Any:
    """The data of one YAML document written by a person (mappings, lists, scalars)."""
    loader = _DocumentLoader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = str(getattr(exc, "problem", None) or "unreadable")
        raise ValidationError(
            f"not valid YAML ({problem}).",
            code="file.bad_yaml",
            file=file,
            row=mark.line + 1 if mark is not None else None,
            reason=problem,
        ) from None
    except RecursionError:  # deep flow collections ([[[[...) the parser itself recurses on
        raise ValidationError(
            f"not valid YAML (nested deeper than {MAX_DEPTH} levels).",
            code="file.bad_yaml",
            file=file,
            reason=f"nested deeper than {MAX_DEPTH} levels",
        ) from None
    finally:
        loader.dispose()
