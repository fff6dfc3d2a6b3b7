"""Fast plans without a solver: greedy construction, local search, and the nearest-centre rule.

The greedy plan takes the most constrained zones first and gives each to the backup with the
smallest marginal cost (assignment + opening + extra surge shifts) that still has room; local
search then moves single zones, swaps pairs, ejects a zone to make room for an unserved one
and tries closing each backup; when none of these pays it opens a closed candidate with the
zones that gain from it (closing the backups it empties where that pays) or puts one in a
backup's place, until nothing improves or its deadline passes. Every move is priced
incrementally: the state keeps each backup's load, chutes and site cost and the running
total, so a move costs O(1), never a re-sum of the objective; single moves and closings
skip, on a bound computed in numpy, the backups that cannot pay.
A zone with coarser sort depths (``Zone.coarser``) goes to each backup at the finest depth
that fits the chutes it has left; a full backup's zones are coarsened to make room for an
unserved zone, and put back to finer depths when chutes free up — the same alternatives
(fewer chutes, the station's hand sorting) the MIP weighs.
It is the MIP's warm start and the fallback when the solver is cancelled.
``nearest_centre`` is what a planner does by hand: each zone to the closest candidate,
whatever its room — the benchmark's reference.
"""

from __future__ import annotations

import math
import time

import numpy as np
import numpy.typing as npt

from baotong.contingency.assess import Assignment, Levels, shifts_needed
from baotong.contingency.zoning import Problem

_EPS = 1e-6


def _late(deadline: float | None) -> bool:
    return deadline is not None and time.perf_counter() >= deadline


class _State:
    """Loads, chutes, zone counts and site costs per candidate, and the running total."""

    def __init__(self, problem: Problem, assign: Assignment, levels: Levels | None = None) -> None:
        self.p = problem
        self.assign = assign
        self.levels = np.zeros(len(assign), dtype=np.int64) if levels is None else levels
        self.depth_chutes = problem.depth_chutes
        self.hand = problem.hand_cost
        self.opening = np.array([c.opening_cost for c in problem.candidates], dtype=float)
        self.hand_min = np.where(self.depth_chutes >= 0, self.hand, np.inf).min(axis=1)
        nc = len(problem.candidates)
        self.load = np.zeros(nc)
        self.chutes = np.zeros(nc, dtype=np.int64)
        self.count = np.zeros(nc, dtype=np.int64)
        self.free = np.array([c.free_chutes for c in problem.candidates], dtype=np.int64)
        self.site = np.zeros(nc)  # opening + surge of each used candidate; inf: over its limits
        self.zload = problem.load
        self.zchutes = self.depth_chutes[np.arange(len(assign)), self.levels]  # at its level
        self.zone_total = 0.0
        self.site_total = 0.0
        self.over = 0  # candidates over their limits
        for z, c in enumerate(assign):
            self.zone_total += self.zone_cost(z, int(c), int(self.levels[z]))
            if c >= 0:
                self.load[c] += self.zload[z]
                self.chutes[c] += self.zchutes[z]
                self.count[c] += 1
        for c in np.nonzero(self.count)[0]:
            self._refresh(int(c))

    def site_cost(self, c: int, load: float, count: int) -> float | None:
        """Opening + surge cost of candidate ``c`` at a load (None when over its limits)."""
        if count == 0:
            return 0.0
        n = shifts_needed(self.p, c, load)
        if n is None:
            return None
        cand = self.p.candidates[c]
        return cand.opening_cost + n * cand.surge_cost

    def _refresh(self, c: int) -> None:
        old = float(self.site[c])
        new = self.site_cost(c, float(self.load[c]), int(self.count[c]))
        if math.isinf(old):
            self.over -= 1
        else:
            self.site_total -= old
        if new is None:
            self.over += 1
            self.site[c] = math.inf
        else:
            self.site_total += new
            self.site[c] = new

    def zone_cost(self, z: int, c: int, level: int = 0) -> float:
        if c < 0:
            return float(self.p.unserved_cost[z])
        return float(self.p.cost[z, c] + self.hand[z, level])

    def cost_at(
        self, z: npt.NDArray[np.int64], c: npt.NDArray[np.int64], level: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float64]:
        """``zone_cost`` of many served zones at once (every ``c`` ≥ 0)."""
        out: npt.NDArray[np.float64] = self.p.cost[z, c] + self.hand[z, level]
        return out

    def fit_level(self, z: int, c: int) -> int | None:
        """The finest depth level of zone ``z`` whose chutes fit at ``c`` (None: none fits)."""
        room = self.free[c] - self.chutes[c] + (self.zchutes[z] if self.assign[z] == c else 0)
        for level, n in enumerate(self.depth_chutes[z].tolist()):
            if 0 <= n <= room:
                return level
        return None

    def total(self) -> float | None:
        """The plan's objective (CNY/day), None while a backup is over its capacity."""
        return None if self.over else self.zone_total + self.site_total

    def over_caps(self) -> bool:
        """More backups open than max_backups, or relays than the origins' chutes take."""
        p, open_ = self.p, np.nonzero(self.count)[0]
        if p.max_backups is not None and len(open_) > p.max_backups:
            return True
        if p.relay_limit is None:
            return False
        return sum(1 for k in open_ if not p.candidates[int(k)].on_trunk) > p.relay_limit

    def open_count(self) -> int:
        return int(np.count_nonzero(self.count))

    def _capped(self, c: int) -> bool:
        """Opening ``c`` would pass max_backups, or the origins' chutes for relay backups."""
        p = self.p
        if p.max_backups is not None and self.open_count() >= p.max_backups:
            return True
        if p.relay_limit is None or p.candidates[c].on_trunk:
            return False
        relays = sum(1 for k in np.nonzero(self.count)[0] if not p.candidates[int(k)].on_trunk)
        return relays >= p.relay_limit

    def move_delta(self, z: int, c: int, level: int | None = None) -> float | None:
        """Cost change of moving zone ``z`` to ``c`` (-1: unserved) at ``level`` (None: the
        finest that fits, see ``target``); None if infeasible or no change."""
        cur = int(self.assign[z])
        lv = self.target(z, c) if level is None else level
        if lv is None or (c == cur and lv == self.levels[z]):
            return None
        delta = self.zone_cost(z, c, lv) - self.zone_cost(z, cur, int(self.levels[z]))
        if c == cur:  # a change of depth only: same load, same site
            return delta if self.fits(z, c, lv) else None
        if c >= 0:
            if not self.p.allowed[z, c] or not self.fits(z, c, lv):
                return None
            opening = self.count[c] == 0 and not (cur >= 0 and self.count[cur] == 1)
            if opening and self._capped(c):
                return None
            after = self.site_cost(c, self.load[c] + self.zload[z], int(self.count[c]) + 1)
            if after is None or math.isinf(self.site[c]):
                return None
            delta += after - float(self.site[c])
        if cur >= 0:
            before = float(self.site[cur])
            after = self.site_cost(cur, self.load[cur] - self.zload[z], int(self.count[cur]) - 1)
            delta += (after or 0.0) - (0.0 if math.isinf(before) else before)
        return delta

    def target(self, z: int, c: int) -> int | None:
        """The level a move of ``z`` to ``c`` takes: the finest that fits (0 when unserved)."""
        return 0 if c < 0 else self.fit_level(z, c)

    def fits(self, z: int, c: int, level: int) -> bool:
        n = int(self.depth_chutes[z, level])
        own = self.zchutes[z] if self.assign[z] == c else 0
        return n >= 0 and self.chutes[c] - own + n <= self.free[c]

    def move(self, z: int, c: int, level: int | None = None) -> None:
        cur = int(self.assign[z])
        lv = self.target(z, c) if level is None else level
        if lv is None:
            lv = 0  # restoring a plan over its chutes: keep the asked depth
        if cur == c and lv == self.levels[z]:
            return
        self.zone_total += self.zone_cost(z, c, lv) - self.zone_cost(z, cur, int(self.levels[z]))
        self.assign[z] = c
        if cur >= 0:
            self.load[cur] -= self.zload[z]
            self.chutes[cur] -= self.zchutes[z]
            self.count[cur] -= 1
            self._refresh(cur)
        self.levels[z] = lv
        self.zchutes[z] = self.depth_chutes[z, lv]
        if c >= 0:
            self.load[c] += self.zload[z]
            self.chutes[c] += self.zchutes[z]
            self.count[c] += 1
            self._refresh(c)

    def over_chutes(self, c: int) -> bool:
        return bool(self.chutes[c] > self.free[c])


def greedy(problem: Problem) -> tuple[Assignment, Levels]:
    """Most constrained zone first, each to its cheapest backup with room, at the finest
    depth that fits there (else unserved). Returns the assignment and each zone's level."""
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
    return state.assign, state.levels


def local_search(
    problem: Problem,
    start: tuple[Assignment, Levels],
    max_rounds: int = 50,
    deadline: float | None = None,
) -> tuple[Assignment, Levels]:
    """Improve by single moves, pair swaps, ejections and closing backups until no move pays.

    ``deadline`` (``time.perf_counter()`` seconds) stops the search early with the best plan
    so far; every step keeps the plan feasible, so it can stop anywhere.
    """
    state = _State(problem, start[0].copy(), start[1].copy())
    for _ in range(max_rounds):
        improved = _single_moves(state, deadline)
        for step in (_swaps, _ejections, _coarsenings, _closings):
            if _late(deadline):
                return state.assign, state.levels
            improved |= step(state, deadline)
        if not improved and not _late(deadline):  # the dearest steps, once the others fail
            improved = _openings(state, deadline) or _exchanges(state, deadline)
        if not improved or _late(deadline):
            break
    return state.assign, state.levels


def _single_moves(state: _State, deadline: float | None) -> bool:
    p, improved = state.p, False
    for z in range(len(p.zones)):
        if z % 64 == 0 and _late(deadline):
            break
        best, best_c = -_EPS, None
        for c in (-1, *_worth_moving(state, z).tolist()):
            d = state.move_delta(z, c)
            if d is not None and d < best:
                best, best_c = d, c
        if best_c is not None:
            state.move(z, best_c)
            improved = True
    return improved


def _worth_moving(state: _State, z: int) -> npt.NDArray[np.int64]:
    """The backups a move of zone ``z`` to might pay for: its cost there at the cheapest
    depth, plus the opening of a closed one, less what it costs now and the most its
    backup could save without it (its surge shifts, or all of it for its last zone)."""
    cur = int(state.assign[z])
    freed = 0.0
    if cur >= 0:
        freed = float(state.site[cur])
        if state.count[cur] > 1:
            freed -= state.opening[cur]
    now = state.zone_cost(z, cur, int(state.levels[z]))
    least = state.p.cost[z] + state.hand_min[z] + np.where(state.count == 0, state.opening, 0.0)
    out: npt.NDArray[np.int64] = np.nonzero(state.p.allowed[z] & (least < now + freed - _EPS))[0]
    return out


def _swaps(state: _State, deadline: float | None) -> bool:
    """Exchange the backups of two zones; pairs are screened on assignment cost in numpy."""
    p, improved = state.p, False
    everyone = np.arange(len(p.zones))
    for a in everyone:
        if a % 32 == 0 and _late(deadline):
            break
        ca = int(state.assign[a])
        if ca < 0:
            continue
        others = state.assign
        idx = np.nonzero((others >= 0) & (others != ca) & (everyone > a))[0]
        if not idx.size:
            continue
        cb = others[idx]
        gain = p.cost[a, ca] + p.cost[idx, cb] - p.cost[a, cb] - p.cost[idx, ca]
        za, zb = state.zchutes[a], state.zchutes[idx]
        fits = (state.chutes[ca] - za + zb <= state.free[ca]) & (
            state.chutes[cb] - zb + za <= state.free[cb]
        )
        keep = p.allowed[a, cb] & p.allowed[idx, ca] & fits & (gain > _EPS)
        for b in idx[keep][np.argsort(-gain[keep])]:
            b, cb_b = int(b), int(state.assign[b])
            la, lb = int(state.levels[a]), int(state.levels[b])
            before = state.total()
            state.move(int(a), cb_b, la)
            state.move(b, ca, lb)
            after = state.total()
            worse = after is None or before is None or after > before - _EPS
            if worse or state.over_chutes(ca) or state.over_chutes(cb_b):
                state.move(int(a), ca, la)
                state.move(b, cb_b, lb)
            else:
                improved = True
                break
    return improved


def _ejections(state: _State, deadline: float | None) -> bool:
    """Serve an unserved zone by moving one zone out of a full backup to make room."""
    p, improved = state.p, False
    for u in np.nonzero(state.assign < 0)[0].tolist():
        if _late(deadline):
            break
        done = False
        for c in np.nonzero(p.allowed[u])[0].tolist():
            members = _ejectable(state, u, c)
            for z in members.tolist():
                before = state.total()
                targets = np.nonzero(p.allowed[z] & (state.chutes + state.zchutes[z] <= state.free))
                for d in targets[0].tolist():
                    if d == c or state.move_delta(z, d) is None:
                        continue
                    state.move(z, d)
                    if state.move_delta(u, c) is not None:
                        state.move(u, c)
                        after = state.total()
                        if after is not None and before is not None and after < before - _EPS:
                            done = improved = True
                            break
                        state.move(u, -1)
                    state.move(z, c)
                if done:
                    break
            if done:
                break
    return improved


def _ejectable(state: _State, u: int, c: int) -> npt.NDArray[np.int64]:
    """Zones at ``c`` whose leaving would give unserved zone ``u`` the chutes and capacity."""
    members = np.nonzero(state.assign == c)[0]
    cand = state.p.candidates[c]
    most = cand.capacity + cand.max_shifts * max(cand.surge_per_shift, 0.0)
    need = _fewest_chutes(state, u)
    chutes_ok = state.chutes[c] - state.zchutes[members] + need <= state.free[c]
    load_ok = state.load[c] - state.zload[members] + state.zload[u] <= most + _EPS
    out: npt.NDArray[np.int64] = members[chutes_ok & load_ok]
    return out


def _fewest_chutes(state: _State, z: int) -> int:
    """Chutes of zone ``z`` at its coarsest depth."""
    row = state.depth_chutes[z]
    return int(row[row >= 0].min())


def _coarser_steps(state: _State, members: list[int]) -> list[tuple[float, int, int]]:
    """Every coarser level each of ``members`` could take that frees chutes, priced as
    (CNY of extra hand sorting per chute freed, zone, level)."""
    return [
        (float(state.hand[z, lv] - state.hand[z, state.levels[z]]) / saved, int(z), lv)
        for z in members
        for lv in range(int(state.levels[z]) + 1, state.depth_chutes.shape[1])
        if state.depth_chutes[z, lv] >= 0
        and (saved := int(state.zchutes[z] - state.depth_chutes[z, lv])) > 0
    ]


def _coarsenings(state: _State, deadline: float | None) -> bool:
    """Serve an unserved zone at a backup with capacity but too few chutes, by sorting the
    backup's zones coarser (cheapest hand sorting per chute freed first) until it fits."""
    p, improved = state.p, False
    for u in np.nonzero(state.assign < 0)[0].tolist():
        if _late(deadline):
            break
        need = _fewest_chutes(state, u)
        for c in np.nonzero(p.allowed[u])[0].tolist():
            load = float(state.load[c] + state.zload[u])
            if state.count[c] == 0 or state.site_cost(c, load, int(state.count[c]) + 1) is None:
                continue
            short = int(state.chutes[c] + need - state.free[c])
            if short <= 0:
                continue  # it fits already: single moves take it if it pays
            members: list[int] = np.nonzero(state.assign == c)[0].tolist()
            steps = _coarser_steps(state, members)
            spare = [int(state.zchutes[z]) - _fewest_chutes(state, z) for z in members]
            if sum(spare) < short:
                continue
            before, saved_a, saved_l = state.total(), state.assign.copy(), state.levels.copy()
            for _, z, lv in sorted(steps):
                if state.chutes[c] + need <= state.free[c]:
                    break
                if lv > state.levels[z]:
                    state.move(z, c, lv)
            if state.move_delta(u, c) is not None:
                state.move(u, c)
                after = state.total()
                if after is not None and before is not None and after < before - _EPS:
                    improved = True
                    break
            _restore(state, saved_a, saved_l)
    return improved


def _openings(state: _State, deadline: float | None) -> bool:
    """Open a closed candidate, bring it the zones that gain most from it and close the
    backups it drew zones from where that pays: an opening pays only for several zones at
    once, often only with another backup closed, which single moves never see. The zones
    in its reach come most gain first as long as it has room, the cheapest prefix is kept,
    and the whole step only if the plan gets cheaper."""
    p, improved = state.p, False
    now, elsewhere = _zone_costs(state), _cheapest_elsewhere(state)
    served = state.assign >= 0
    for c in np.nonzero(state.count == 0)[0].tolist():
        if _late(deadline):
            break
        before = state.total()
        if before is None or not p.allowed[:, c].any() or state._capped(c):
            continue
        there = np.where(p.allowed[:, c], p.cost[:, c] + state.hand_min, np.inf)
        gain = np.where(p.allowed[:, c], now - (p.cost[:, c] + state.hand[:, 0]), 0.0)
        # at most: every gain, and the site cost of each backup it draws zones from, less
        # its opening (it stays open) or what its other zones cost elsewhere (it closes)
        stay = np.maximum(np.minimum(there, elsewhere) - now, 0.0)
        stay[gain > 0] = 0.0
        losers = np.unique(state.assign[(gain > 0) & served])
        kept = np.bincount(state.assign[served], stay[served], minlength=len(p.candidates))
        kept = np.minimum(kept, state.opening)
        most = gain[gain > 0].sum() + np.maximum(state.site[losers] - kept[losers], 0.0).sum()
        if most <= p.candidates[c].opening_cost + _EPS:
            continue
        saved, saved_levels = state.assign.copy(), state.levels.copy()
        _fill(state, c, now)
        after = state.total()
        if after is not None and after < before - _EPS:
            improved = True
            now, elsewhere = _zone_costs(state), _cheapest_elsewhere(state)
            served = state.assign >= 0
        else:
            _restore(state, saved, saved_levels)
    return improved


def _cheapest_elsewhere(state: _State) -> npt.NDArray[np.float64]:
    """Each zone's cost at the cheapest open backup other than its own (depth by hand at
    the least; inf when there is none)."""
    p = state.p
    opened = p.allowed & (state.count > 0)[None, :]
    z = np.nonzero(state.assign >= 0)[0]
    opened[z, state.assign[z]] = False
    out: npt.NDArray[np.float64] = np.where(opened, p.cost, np.inf).min(axis=1, initial=np.inf)
    out += state.hand_min
    return out


def _exchanges(state: _State, deadline: float | None) -> bool:
    """Close a backup and open a closed candidate in its place: the backup's zones go to
    the candidate where it reaches them and has room, else to their cheapest other open
    backup, and the candidate then draws zones from the others as an opening does. Tried
    with the three candidates that reach most of the backup's zones, cheapest first."""
    p, improved = state.p, False
    for k in np.nonzero(state.count > 0)[0].tolist():
        members = np.nonzero(state.assign == k)[0]
        if not members.size:
            continue
        reach = p.allowed[members] & (state.count == 0)[None, :]
        share = reach.sum(axis=0)
        cost = np.where(reach, p.cost[members], 0.0).sum(axis=0) / np.maximum(share, 1)
        closed = np.nonzero(share * 2 >= members.size)[0]
        closed = closed[np.lexsort((cost[closed], -share[closed]))[:3]]
        for c in closed.tolist():
            before = state.total()
            if before is None or _late(deadline):
                return improved
            saved, saved_levels = state.assign.copy(), state.levels.copy()
            if _empty_into(state, k, c, members) and not state.over_caps():
                _fill(state, c, _zone_costs(state))
                after = state.total()
                if after is not None and after < before - _EPS:
                    improved = True
                    break
            _restore(state, saved, saved_levels)
    return improved


def _empty_into(state: _State, k: int, c: int, members: npt.NDArray[np.int64]) -> bool:
    """Move backup ``k``'s zones to ``c`` where it reaches them and has room, else to their
    cheapest other open backup; False when a zone has nowhere to go."""
    p = state.p
    for z in members[np.argsort(p.cost[members, c])].tolist():
        lv = state.target(z, c) if p.allowed[z, c] else None
        load = state.load[c] + state.zload[z]
        if lv is not None and state.site_cost(c, load, int(state.count[c]) + 1) is not None:
            state.move(z, c, lv)
            continue
        moves = [
            (d, m)
            for m in np.nonzero(p.allowed[z] & (state.count > 0))[0].tolist()
            if m not in (k, c) and (d := state.move_delta(z, m)) is not None
        ]
        if not moves:
            return False
        state.move(z, min(moves)[1])
    return True


def _fill(state: _State, c: int, now: npt.NDArray[np.float64]) -> None:
    """Bring open candidate ``c`` (or one about to open) the zones that gain from it, most
    gain first while it has room, keep the cheapest prefix, then close the backups the
    kept zones came from where that pays."""
    p = state.p
    reach = np.nonzero(p.allowed[:, c] & (state.assign != c))[0]
    gain = now[reach] - (p.cost[reach, c] + state.hand[reach, 0])
    order = np.argsort(-gain)
    order = reach[order[gain[order] > 0]]
    saved, saved_levels = state.assign.copy(), state.levels.copy()
    best, best_k = state.total() if state.count[c] else None, 0
    moved: list[int] = []
    for z in order.tolist():
        lv = state.target(z, c)
        if lv is None or not state.fits(z, c, lv):
            continue
        if state.site_cost(c, state.load[c] + state.zload[z], int(state.count[c]) + 1) is None:
            continue
        state.move(z, c, lv)
        moved.append(z)
        total = state.total()
        if total is not None and (best is None or total < best):
            best, best_k = total, len(moved)
    for z in moved[best_k:]:
        state.move(z, int(saved[z]), int(saved_levels[z]))
    for k in sorted({int(saved[z]) for z in moved[:best_k]} - {-1}):
        if state.count[k] > 0:
            _close(state, k)


def _zone_costs(state: _State) -> npt.NDArray[np.float64]:
    """Each zone's cost where it is now (its backup at its depth, or unserved)."""
    out: npt.NDArray[np.float64] = state.p.unserved_cost.astype(float)
    z = np.nonzero(state.assign >= 0)[0]
    out[z] = state.cost_at(z, state.assign[z], state.levels[z])
    return out


def _close(state: _State, c: int) -> bool:
    """Close backup ``c``, each of its zones to its cheapest other open backup, if that
    pays (else the plan is left as it was)."""
    others = state.count > 0
    others[c] = False
    members = np.nonzero(state.assign == c)[0]
    # at best each zone goes to its cheapest other open backup with room to spare
    reach = state.p.allowed[members] & others
    if not reach.any(axis=1).all():
        return False
    cheapest = np.where(reach, state.p.cost[members], np.inf).min(axis=1) + state.hand_min[members]
    now = state.cost_at(members, state.assign[members], state.levels[members])
    if float((cheapest - now).sum()) >= float(state.site[c]) - _EPS:
        return False
    before = state.total()
    saved, saved_levels = state.assign.copy(), state.levels.copy()
    for z in members.tolist():
        moves = [
            (d, m)
            for m in np.nonzero(state.p.allowed[z] & others)[0].tolist()
            if (d := state.move_delta(z, m)) is not None
        ]
        if not moves:
            _restore(state, saved, saved_levels)
            return False
        state.move(z, min(moves)[1])
    after = state.total()
    if after is None or before is None or after > before - _EPS:
        _restore(state, saved, saved_levels)
        return False
    return True


def _closings(state: _State, deadline: float | None) -> bool:
    improved = False
    for c in np.nonzero(state.count > 0)[0].tolist():
        if _late(deadline):
            break
        improved |= _close(state, c)
    return improved


def _restore(state: _State, saved: Assignment, levels: Levels) -> None:
    for z in np.nonzero((state.assign != saved) | (state.levels != levels))[0].tolist():
        state.move(z, int(saved[z]), int(levels[z]))


def fit_depths(problem: Problem, assign: Assignment) -> Levels:
    """Depth levels for a fixed assignment (a human plan): each zone at the depth asked,
    and at a backup short of chutes its zones sorted coarser, cheapest hand sorting per
    chute freed first, until the chutes suffice or nothing coarser is left."""
    state = _State(problem, assign.copy())
    for c in np.nonzero(state.chutes > state.free)[0].tolist():
        members: list[int] = np.nonzero(state.assign == c)[0].tolist()
        while state.over_chutes(c):
            steps = _coarser_steps(state, members)
            if not steps:
                break
            _, z, lv = min(steps)
            state.move(z, c, lv)
    return state.levels


def heuristic(problem: Problem, deadline: float | None = None) -> tuple[Assignment, Levels]:
    """Greedy plan improved by local search (stopping at ``deadline`` if given): each
    zone's backup and depth level."""
    return local_search(problem, greedy(problem), deadline=deadline)


def nearest_centre(problem: Problem) -> Assignment:
    """Each zone to the closest reachable candidate, ignoring room (a human's first cut)."""
    km = np.where(problem.allowed, problem.km, np.inf)
    out = np.argmin(km, axis=1).astype(np.int64) if km.size else np.zeros(0, dtype=np.int64)
    if km.size:
        out[~np.isfinite(km.min(axis=1))] = -1
    return out
