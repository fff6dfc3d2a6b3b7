"""The memo of recent results: computed once per key, the oldest dropped past the bound."""

from __future__ import annotations

from baotong.core.recent import Recent


def test_a_result_is_computed_once_and_the_least_recent_is_dropped() -> None:
    calls: list[str] = []
    recent: Recent[str] = Recent(keep=2)

    def make(key: str) -> str:
        return recent.get(key, lambda: calls.append(key) or key.upper())

    assert [make("a"), make("b"), make("a")] == ["A", "B", "A"]
    assert calls == ["a", "b"]
    make("c")  # "b" is now the least recently used: dropped
    make("a")
    make("b")
    assert calls == ["a", "b", "c", "b"]
