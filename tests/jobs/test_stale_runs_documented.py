"""The docs say when a dead process's runs are failed; the runner's numbers agree."""

from __future__ import annotations

import re
from pathlib import Path

from baotong.config import Settings
from baotong.jobs.runner import STALE_BEATS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "service.md"


def test_the_documented_bound_for_failing_a_dead_runs_is_the_runners() -> None:
    beat = Settings().job_heartbeat_seconds
    text = " ".join(DOCS.read_text(encoding="utf-8").split())
    stale = re.search(r"three beats \((\d+) s\) old", text)
    most = re.search(r"at most four beats \((\d+) s\) after the last heartbeat", text)
    after_crash = re.search(r"so (\d+)–(\d+) s after a crash", text)
    assert stale, "docs/service.md no longer states when a run is stale"
    assert most, "docs/service.md no longer states the latest sweep"
    assert after_crash, "docs/service.md no longer states the bound after a crash"
    assert STALE_BEATS == 3
    assert float(stale.group(1)) == STALE_BEATS * beat  # failed once this old ...
    assert float(most.group(1)) == (STALE_BEATS + 1) * beat  # ... at the next sweep
    low, high = (float(g) for g in after_crash.groups())
    assert (low, high) == ((STALE_BEATS - 1) * beat, (STALE_BEATS + 1) * beat)
