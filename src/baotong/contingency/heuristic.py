"""Fast plans without a solver: greedy construction, local search, and the nearest-centre rule.

The greedy plan takes zones biggest first and gives each to the backup with the smallest
marginal cost (assignment + opening + extra surge shifts) that still has room; local search
then moves single zones, swaps pairs and tries closing each backup until nothing improves.
It is the MIP's warm start and the fallback when the solver's time limit hits.
``nearest_centre`` is what a planner does by hand: each zone to the closest candidate,
whatever its room — the benchmark's reference.
"""

from __future__ import annotations

import numpy as np

from baotong.contingency.assess import Assignment, shifts_needed
from baotong.contingency.zoning import Problem


class _State:
    """Loads, chutes and zone counts per candidate for incremental move costs."""

    def __init__(self, problem: Problem, assign: Assignment) -> None:
        self.p = problem
        self.assign = assign
        nc = len(problem.candidates)
        self.load = np.zeros(nc)
        self.chutes = np.zeros(nc, dtype=np.int64)
        self.count = np.zeros(nc, dtype=np.int64)
        self.zload = problem.load
        self.zchutes = problem.chutes
        for z, c in enumerate(assign):
            if c >= 0:
                self._add(z, int(c))

    def _add(self, z: int, c: int) -> None:
        self.load[c] += self.zload[z]
        self.chutes[c] += self.zchutes[z]
        self.count[c] += 1

    def _remove(self, z: int, c: int) -> None:
        self.load[c] -= self.zload[z]
        self.chutes[c] -= self.zchutes[z]
        self.count[c] -= 1

    def site_cost(self, c: int, load: float, count: int) -> float | None:
        """Opening + surge cost of candidate ``c`` at a load (None when over its limits)."""
        if count == 0:
            return 0.0
        n = shifts_needed(self.p, c, load)
        if n is None:
            return None
        cand = self.p.candidates[c]
        return cand.opening_cost + n * cand.surge_cost

    def zone_cost(self, z: int, c: int) -> float:
        return float(self.p.unserved_cost[z]) if c < 0 else float(self.p.cost[z, c])

    def open_count(self) -> int:
        return int((self.count > 0).sum())

    def move_delta(self, z: int, c: int) -> float | None:
        """Cost change of moving zone ``z`` to ``c`` (-1: unserved); None if infeasible."""
        cur = int(self.assign[z])
        if c == cur:
            return None
        delta = self.zone_cost(z, c) - self.zone_cost(z, cur)
        if c >= 0:
            if not self.p.allowed[z, c]:
                return None
            if self.chutes[c] + self.zchutes[z] > self.p.candidates[c].free_chutes:
                return None
            opening = self.count[c] == 0 and not (cur >= 0 and self.count[cur] == 1)
            if (
                opening
                and self.p.max_backups is not None
                and self.open_count() >= self.p.max_backups
            ):
                return None
            before = self.site_cost(c, self.load[c], int(self.count[c]))
            after = self.site_cost(c, self.load[c] + self.zload[z], int(self.count[c]) + 1)
            if after is None or before is None:
                return None
            delta += after - before
        if cur >= 0:
            before = self.site_cost(cur, self.load[cur], int(self.count[cur]))
            after = self.site_cost(cur, self.load[cur] - self.zload[z], int(self.count[cur]) - 1)
            delta += (after or 0.0) - (before or 0.0)
        return delta

    def move(self, z: int, c: int) -> None:
        cur = int(self.assign[z])
        if cur >= 0:
            self._remove(z, cur)
        if c >= 0:
            self._add(z, c)
        self.assign[z] = c


def greedy(problem: Problem) -> Assignment:
    """Most constrained zone first, each to its cheapest backup with room (else unserved)."""
    nz = len(problem.zones)
    state = _State(problem, np.full(nz, -1, dtype=np.int64))
    options = problem.allowed.sum(axis=1)
    for z in np.lexsort((-problem.load, options)):  # fewest options first, then biggest
        best, best_c = 0.0, -1
        for c in np.nonzero(problem.allowed[z])[0]:
            d = state.move_delta(int(z), int(c))
            if d is not None and d < best - 1e-9:
                best, best_c = d, int(c)
        if best_c >= 0:
            state.move(int(z), best_c)
    return state.assign


def local_search(problem: Problem, assign: Assignment, max_rounds: int = 50) -> Assignment:
    """Improve by single moves, pair swaps and closing backups until no move pays."""
    state = _State(problem, assign.copy())
    nz = len(problem.zones)
    for _ in range(max_rounds):
        improved = False
        for z in range(nz):
            options = [-1, *np.nonzero(problem.allowed[z])[0].tolist()]
            best, best_c = -1e-6, None
            for c in options:
                d = state.move_delta(z, c)
                if d is not None and d < best:
                    best, best_c = d, c
            if best_c is not None:
                state.move(z, best_c)
                improved = True
        improved |= _swaps(state)
        improved |= _ejections(state)
        improved |= _closings(state)
        if not improved:
            break
    return state.assign


def _swaps(state: _State) -> bool:
    p, improved = state.p, False
    nz = len(p.zones)
    for a in range(nz):
        for b in range(a + 1, nz):
            ca, cb = int(state.assign[a]), int(state.assign[b])
            if ca == cb or ca < 0 or cb < 0 or not (p.allowed[a, cb] and p.allowed[b, ca]):
                continue
            gain = p.cost[a, ca] + p.cost[b, cb] - p.cost[a, cb] - p.cost[b, ca]
            if gain <= 1e-6:
                continue
            before = _total(state)
            state.move(a, cb)
            state.move(b, ca)
            after = _total(state)
            over = _over_chutes(state, ca) or _over_chutes(state, cb)
            if over or after is None or before is None or after > before - 1e-6:
                state.move(a, ca)
                state.move(b, cb)
            else:
                improved = True
    return improved


def _ejections(state: _State) -> bool:
    """Serve an unserved zone by moving one zone out of a full backup to make room."""
    p, improved = state.p, False
    for u in np.nonzero(state.assign < 0)[0]:
        done = False
        for c in np.nonzero(p.allowed[u])[0]:
            for z in np.nonzero(state.assign == c)[0]:
                before = _total(state)
                for d in np.nonzero(p.allowed[z])[0]:
                    if d == c or state.move_delta(int(z), int(d)) is None:
                        continue
                    state.move(int(z), int(d))
                    if state.move_delta(int(u), int(c)) is not None:
                        state.move(int(u), int(c))
                        after = _total(state)
                        if after is not None and before is not None and after < before - 1e-6:
                            done = improved = True
                            break
                        state.move(int(u), -1)
                    state.move(int(z), int(c))
                if done:
                    break
            if done:
                break
    return improved


def _over_chutes(state: _State, c: int) -> bool:
    return bool(state.chutes[c] > state.p.candidates[c].free_chutes)


def _closings(state: _State) -> bool:
    improved = False
    for c in np.nonzero(state.count > 0)[0]:
        before = _total(state)
        saved = state.assign.copy()
        ok = True
        for z in np.nonzero(state.assign == c)[0]:
            moves = [
                (state.move_delta(int(z), int(d)), int(d))
                for d in np.nonzero(state.p.allowed[z])[0]
                if d != c and state.count[d] > 0
            ]
            moves = [(d, m) for d, m in moves if d is not None]
            if not moves:
                ok = False
                break
            state.move(int(z), min(moves)[1])
        after = _total(state) if ok else None
        if after is None or before is None or after > before - 1e-6:
            _restore(state, saved)
        else:
            improved = True
    return improved


def _restore(state: _State, saved: Assignment) -> None:
    for z, c in enumerate(saved):
        if state.assign[z] != c:
            state.move(z, int(c))


def _total(state: _State) -> float | None:
    total = sum(state.zone_cost(z, int(c)) for z, c in enumerate(state.assign))
    for c in np.nonzero(state.count > 0)[0]:
        site = state.site_cost(int(c), state.load[c], int(state.count[c]))
        if site is None:
            return None
        total += site
    return total


def heuristic(problem: Problem) -> Assignment:
    """Greedy plan improved by local search."""
    return local_search(problem, greedy(problem))


def nearest_centre(problem: Problem) -> Assignment:
    """Each zone to the closest reachable candidate, ignoring room (a human's first cut)."""
    km = np.where(problem.allowed, problem.km, np.inf)
    out = np.argmin(km, axis=1).astype(np.int64) if km.size else np.zeros(0, dtype=np.int64)
    if km.size:
        out[~np.isfinite(km.min(axis=1))] = -1
    return out
