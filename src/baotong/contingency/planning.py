"""The backup-centre MIP, solved with HiGHS.

Capacitated facility location with single sourcing, on the plain ``Problem``:

* ``x[z, c, l]`` binary — zone ``z`` is sorted by candidate ``c`` at its depth level ``l``
  (only reachable pairs; ``l`` = 0 the depth asked, ``l`` ≥ 1 its coarser depths, each
  needing fewer chutes and costing the station's hand sorting, ``Problem.hand_cost``);
* ``u[z]`` binary — zone ``z`` is left unserved (big penalty, so a plan always exists);
* ``y[c]`` binary — ``c`` becomes a backup (opening cost); ``s[c]`` integer surge shifts.

Rows: ``Σc,l x + u = 1`` per zone (one backup at one depth); capacity ``Σ load·x − surge·s
− spare·y ≤ 0``; chutes ``Σ chutes[z, l]·x − free·y ≤ 0``, so the solver trades chutes
between stations (a coarser depth for one frees chutes for another); the strong links
``Σl x[z, c, l] ≤ y[c]`` and ``s ≤ max_shifts·y``; and
``Σ y ≤ max_backups`` when given, and ``Σ y ≤ relay_limit`` over the backups off the trunk
network when the origins' free chutes bind (origins.py). Minimise opening + item-km +
surge + delay + unserved.
The heuristic's plan is passed as the starting solution. Models up to
``TWO_PHASE_MAX_COLUMNS`` are solved in two phases first (the backups with every zone
divisible, then whole zones to those backups), which prove most plans in a fraction of the
whole MIP's time; the whole MIP runs when they do not.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import numpy.typing as npt

from baotong.contingency.assess import Assignment, Levels, is_feasible, score
from baotong.contingency.zoning import Problem

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]

# HiGHS runs RENS on models up to this many columns (every province-wide lockdown has at
# most about 6,000; five provinces 11,244)
RENS_MAX_COLUMNS = 10_000
# Models up to this many columns are first solved in two phases (every province-wide
# lockdown, Beijing citywide 8,629); not beyond, where phase one's branching costs more
# than the whole MIP's (five provinces, 11,244 columns: 6.4 s CPU, 13.7 s in two phases)
TWO_PHASE_MAX_COLUMNS = 10_000


@dataclass(frozen=True)
class Model:
    """Column layout of the MIP (which column is which variable)."""

    lp: highspy.HighsLp
    arcs: npt.NDArray[np.int64]  # (n_x, 2): zone, candidate of each x column
    levels: npt.NDArray[np.int64]  # (n_x,): the depth level of each x column
    n_x: int
    n_z: int
    n_c: int

    def u_col(self, z: int) -> int:
        return self.n_x + z

    def y_col(self, c: int) -> int:
        return self.n_x + self.n_z + c

    def s_col(self, c: int) -> int:
        return self.n_x + self.n_z + self.n_c + c

    def column_names(self) -> list[str]:
        names = [f"x_{z}_{c}" if lv == 0 else f"x_{z}_{c}_d{lv}"
                 for (z, c), lv in zip(self.arcs, self.levels, strict=True)]  # fmt: skip
        names += [f"u_{z}" for z in range(self.n_z)]
        names += [f"y_{c}" for c in range(self.n_c)]
        names += [f"s_{c}" for c in range(self.n_c)]
        return names


@dataclass(frozen=True)
class SolveResult:
    """What HiGHS found: solver status, the assignment and its proven bound (CNY/day)."""

    solver_status: str  # "optimal", "time_limit", "cancelled", "heuristic"
    assign: Assignment
    objective: float
    bound: float
    seconds: float
    levels: Levels | None = None  # the depth level of each zone (None: all as asked)

    @property
    def gap(self) -> float:
        return relative_gap(self.objective, self.bound)


def relative_gap(objective: float, bound: float) -> float:
    """(objective − bound) / |objective|, 0 for a zero objective."""
    if abs(objective) < 1e-9:
        return 0.0
    return max(0.0, (objective - bound) / abs(objective))


def build_model(problem: Problem) -> Model:
    """The MIP as a HiGHS LP with integrality, columns: x (pair, depth level), u, y, s."""
    nz, nc = len(problem.zones), len(problem.candidates)
    pairs = np.argwhere(problem.allowed).astype(np.int64)
    depth_chutes = problem.depth_chutes
    ok = depth_chutes[pairs[:, 0]] >= 0  # (pairs, levels): the zone has that depth
    # a coarser depth only pays where chutes can run short: at a candidate whose free chutes
    # take every zone in its reach at the depth asked, a coarser column would only cost more
    asked = np.where(problem.allowed, problem.chutes[:, None], 0).sum(axis=0)
    tight = asked > np.array([c.free_chutes for c in problem.candidates], dtype=np.int64)
    ok[:, 1:] &= tight[pairs[:, 1], None]
    pair_of, levels = np.nonzero(ok)
    arcs = pairs[pair_of]
    nx = len(arcs)
    cands = problem.candidates
    ncol = nx + nz + 2 * nc
    cost = np.concatenate(
        [
            problem.cost[arcs[:, 0], arcs[:, 1]] + problem.hand_cost[arcs[:, 0], levels]
            if nx
            else np.zeros(0),
            problem.unserved_cost,
            np.array([c.opening_cost for c in cands]),
            np.array([c.surge_cost for c in cands]),
        ]
    )
    upper = np.ones(ncol)
    upper[nx + nz + nc :] = [c.max_shifts for c in cands]
    used = np.zeros(nc, dtype=bool)
    used[pairs[:, 1]] = True
    upper[nx + nz : nx + nz + nc][~used] = 0.0  # a centre nobody can reach stays closed
    rows: list[npt.NDArray[np.int64]] = []
    cols: list[npt.NDArray[np.int64]] = []
    vals: list[npt.NDArray[np.float64]] = []
    lower_r: list[float] = []
    upper_r: list[float] = []
    inf = highspy.kHighsInf
    ax = np.arange(nx)
    load = problem.load
    chutes = depth_chutes[arcs[:, 0], levels].astype(float) if nx else np.zeros(0)
    y0, s0 = nx + nz, nx + nz + nc

    def add(r: npt.NDArray[np.int64], c: npt.NDArray[np.int64], v: npt.NDArray[np.float64]) -> None:
        rows.append(r)
        cols.append(c)
        vals.append(v)

    # assignment rows 0..nz-1
    add(arcs[:, 0], ax, np.ones(nx))
    add(np.arange(nz), nx + np.arange(nz), np.ones(nz))
    lower_r += [1.0] * nz
    upper_r += [1.0] * nz
    r = nz  # capacity rows r..r+nc-1, chutes rows r+nc..r+2nc-1
    ci = np.arange(nc)
    add(r + arcs[:, 1], ax, load[arcs[:, 0]])
    add(r + ci, s0 + ci, -np.array([c.surge_per_shift for c in cands]))
    add(r + ci, y0 + ci, -np.array([c.capacity for c in cands]))
    add(r + nc + arcs[:, 1], ax, chutes)
    add(r + nc + ci, y0 + ci, -np.array([float(c.free_chutes) for c in cands]))
    lower_r += [-inf] * (2 * nc)
    upper_r += [0.0] * (2 * nc)
    r += 2 * nc  # links: Σ over a pair's depth levels of x <= y, one row per pair
    npairs = len(pairs)
    add(r + pair_of, ax, np.ones(nx))
    add(r + np.arange(npairs), y0 + pairs[:, 1], -np.ones(npairs))
    lower_r += [-inf] * npairs
    upper_r += [0.0] * npairs
    r += npairs  # s <= max_shifts * y
    add(r + ci, s0 + ci, np.ones(nc))
    add(r + ci, y0 + ci, -np.array([float(c.max_shifts) for c in cands]))
    lower_r += [-inf] * nc
    upper_r += [0.0] * nc
    r += nc
    if problem.max_backups is not None:
        add(np.full(nc, r), y0 + ci, np.ones(nc))
        lower_r.append(-inf)
        upper_r.append(float(problem.max_backups))
        r += 1
    if problem.relay_limit is not None:  # each backup off the trunk takes a chute per origin
        relay = np.array([not c.on_trunk for c in cands], dtype=bool)
        add(np.full(int(relay.sum()), r), y0 + ci[relay], np.ones(int(relay.sum())))
        lower_r.append(-inf)
        upper_r.append(float(problem.relay_limit))
        r += 1
    lp = highspy.HighsLp()
    lp.num_col_ = ncol
    lp.num_row_ = r
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(ncol)
    lp.col_upper_ = upper
    lp.row_lower_ = np.array(lower_r)
    lp.row_upper_ = np.array(upper_r)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * ncol
    row = np.concatenate(rows)
    col = np.concatenate(cols)
    val = np.concatenate(vals)
    keep = val != 0
    row, col, val = row[keep], col[keep], val[keep]
    order = np.lexsort((row, col))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = ncol
    lp.a_matrix_.num_row_ = r
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(np.bincount(col, minlength=ncol))]).astype(
        np.int32
    )
    lp.a_matrix_.index_ = row[order].astype(np.int32)
    lp.a_matrix_.value_ = val[order]
    model = Model(lp, arcs, levels.astype(np.int64), nx, nz, nc)
    lp.col_names_ = model.column_names()
    return model


def start_vector(
    model: Model, problem: Problem, assign: Assignment, levels: Levels | None = None
) -> npt.NDArray[np.float64]:
    """A full column vector for an assignment (used as HiGHS's starting solution)."""
    sc = score(problem, assign, levels)
    at = np.zeros(len(assign), dtype=np.int64) if levels is None else levels
    x = np.zeros(model.lp.num_col_)
    keys = zip(model.arcs[:, 0].tolist(), model.arcs[:, 1].tolist(), model.levels.tolist(),
               strict=True)  # fmt: skip
    pos = {key: i for i, key in enumerate(keys)}
    for z, c in enumerate(assign):
        if c < 0:
            x[model.u_col(z)] = 1.0
        elif (z, int(c), int(at[z])) in pos:
            x[pos[(z, int(c), int(at[z]))]] = 1.0
            x[model.y_col(int(c))] = 1.0
    for c in range(model.n_c):
        x[model.s_col(c)] = float(sc.shifts[c])
    return x


def solve(
    problem: Problem,
    start: Assignment,
    *,
    start_levels: Levels | None = None,
    time_limit_s: float,
    mip_rel_gap: float,
    on_progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
) -> SolveResult:
    """Solve the MIP from a starting plan (at ``start_levels`` depths); falls back to the
    start when HiGHS has nothing better. The result says each zone's depth level.

    A model up to ``TWO_PHASE_MAX_COLUMNS`` is first solved in two phases (see
    ``_two_phase``); the whole MIP runs only when they do not prove the plan."""
    t0 = time.perf_counter()
    start_score = score(problem, start, start_levels)
    start_cost, start_ok = start_score.total, is_feasible(start_score)
    no_levels = np.zeros(len(problem.zones), dtype=np.int64)
    if start_levels is None:
        start_levels = no_levels
    if not problem.zones:
        return SolveResult("optimal", start, 0.0, 0.0, 0.0, no_levels)
    model = build_model(problem)
    run = _Run(t0 + time_limit_s, time_limit_s, float(mip_rel_gap), on_progress, should_cancel)
    assign, levels = start, start_levels
    if model.lp.num_col_ <= TWO_PHASE_MAX_COLUMNS:
        found = _two_phase(model, run, start_vector(model, problem, start, start_levels))
        if found is not None:
            cand, at, bound = found
            found_score = score(problem, cand, at)
            if found_score.total <= start_cost + 1e-6 or not start_ok:
                assign, levels = cand, at
                start_cost, start_ok = found_score.total, is_feasible(found_score)
            if start_ok and relative_gap(start_cost, bound) <= mip_rel_gap:
                return SolveResult("optimal", assign, start_cost, min(bound, start_cost),
                                   time.perf_counter() - t0, levels)  # fmt: skip
        if run.cancelled:
            return SolveResult("cancelled", assign, start_cost, 0.0, time.perf_counter() - t0,
                               levels)  # fmt: skip
    # RENS on a province-sized model: without it Guangdong and Guangxi, whose backups fill to
    # capacity, search thousands of nodes for the plan RENS finds at the root; off on larger
    # ones, where its sub-MIP costs more than it finds (five provinces, 11,244 columns: twice
    # the iterations). docs/planner.md, "Where the slow provinces' time went"
    options = {"mip_heuristic_run_rens": model.lp.num_col_ <= RENS_MAX_COLUMNS}
    begin = start_vector(model, problem, assign, levels)
    status, values, dual = run.highs(model.lp, options, begin)
    if values.size:
        cand, at = _plan_of(model, values)
        if score(problem, cand, at).total <= start_cost + 1e-6 or not start_ok:
            assign, levels = cand, at
    objective = score(problem, assign, levels).total
    bound = min(dual, objective) if np.isfinite(dual) else 0.0
    if status == highspy.HighsModelStatus.kOptimal:
        label = "optimal"
    elif run.cancelled:
        label = "cancelled"
    else:
        label = "time_limit"
    return SolveResult(label, assign, objective, max(bound, 0.0), time.perf_counter() - t0,
                       levels)  # fmt: skip


def _two_phase(
    model: Model, run: _Run, start: npt.NDArray[np.float64]
) -> tuple[Assignment, Levels, float] | None:
    """Which backups open, then who goes where: (assignment, levels, proven bound), or None.

    Phase one solves the MIP with every ``x`` and ``u`` continuous (zones may be split
    between backups): a relaxation, so its bound holds for the MIP, and with only the
    backups and shifts to branch on it is proved in a few nodes, where the whole MIP
    strong-branches on hundreds of split zones (Guangxi: 0.2 s against 1.3 s). Solved to
    half the gap asked, so that its bound is close enough to the best plan. Phase two
    fixes its backups open and the others closed and assigns whole zones, stopped as soon
    as its plan is within the gap of phase one's bound, or its own bound says it cannot be.
    docs/planner.md, "Two phases"."""
    lp, nxz, nc = model.lp, model.n_x + model.n_z, model.n_c
    integrality = list(lp.integrality_)
    lower, upper = np.array(lp.col_lower_), np.array(lp.col_upper_)
    options: dict[str, Any] = {
        "mip_rel_gap": run.gap / 2,
        # with the zones continuous these find little and cost most of the time
        "mip_heuristic_run_root_reduced_cost": False,
        "mip_heuristic_run_rins": False,
    }
    try:  # the model is the caller's: put back as it was whatever happens
        cont = highspy.HighsVarType.kContinuous
        lp.integrality_ = [cont] * nxz + list(integrality[nxz:])
        status, values, bound = run.highs(lp, options, start)
        lp.integrality_ = integrality
        if status != highspy.HighsModelStatus.kOptimal or not values.size:
            return None
        opened = np.round(values[nxz : nxz + nc])
        fixed_lower, fixed_upper = lower.copy(), upper.copy()
        fixed_lower[nxz : nxz + nc] = opened
        fixed_upper[nxz : nxz + nc] = opened
        lp.col_lower_, lp.col_upper_ = fixed_lower, fixed_upper
        target = bound / max(1.0 - run.gap, 1e-9) if bound > 0 else 0.0
        status, values, _ = run.highs(lp, {"mip_rel_gap": run.gap / 10}, None, target=target)
    finally:
        lp.integrality_, lp.col_lower_, lp.col_upper_ = integrality, lower, upper
    if run.cancelled or not values.size:
        return None
    cand, at = _plan_of(model, values)
    return cand, at, bound


def _plan_of(model: Model, values: npt.NDArray[np.float64]) -> tuple[Assignment, Levels]:
    """The assignment and depth levels of a HiGHS solution vector."""
    xs = values[: model.n_x] > 0.5
    cand = np.full(model.n_z, -1, dtype=np.int64)
    cand[model.arcs[xs, 0]] = model.arcs[xs, 1]
    at = np.zeros(model.n_z, dtype=np.int64)
    at[model.arcs[xs, 0]] = model.levels[xs]
    return cand, at


@dataclass
class _Run:
    """One solve's deadline, gap, progress and cancelling, shared by its HiGHS runs."""

    deadline: float
    time_limit_s: float
    gap: float
    on_progress: ProgressFn | None
    should_cancel: CancelFn | None
    cancelled: bool = False

    def highs(
        self,
        lp: highspy.HighsLp,
        options: dict[str, Any],
        start: npt.NDArray[np.float64] | None,
        target: float | None = None,
    ) -> tuple[Any, npt.NDArray[np.float64], float]:
        """Run HiGHS on ``lp`` (given a ``target``, stopping at a plan as cheap, or once its
        bound says there is none):
        model status, solution vector (empty when none) and dual bound."""
        h = _highs()
        h.setOptionValue("time_limit", max(1e-3, self.deadline - time.perf_counter()))
        h.setOptionValue("mip_rel_gap", self.gap)
        h.setOptionValue("threads", 1)
        h.setOptionValue("mip_allow_restart", False)
        for key, value in options.items():
            h.setOptionValue(key, value)
        h.passModel(lp)
        if start is not None:
            sol = highspy.HighsSolution()
            sol.col_value = start.tolist()
            h.setSolution(sol)

        def interrupt(e: Any) -> None:
            out = e.data_out
            settled = target is not None and (
                out.mip_primal_bound <= target or out.mip_dual_bound > target
            )
            if self.should_cancel is not None and self.should_cancel():
                self.cancelled = True
                e.interrupt()
            elif time.perf_counter() >= self.deadline or settled:
                e.interrupt()
            if self.on_progress is not None:
                spent = self.time_limit_s - (self.deadline - time.perf_counter())  # all runs
                frac = min(0.85, 0.3 + 0.55 * spent / max(self.time_limit_s, 1e-9))
                self.on_progress(
                    frac,
                    f"HiGHS: best {out.mip_primal_bound:,.0f}, bound {out.mip_dual_bound:,.0f}",
                )

        h.cbMipInterrupt.subscribe(interrupt)
        h.run()
        info = h.getInfo()
        values = (
            np.asarray(h.getSolution().col_value) if info.primal_solution_status else np.zeros(0)
        )
        return h.getModelStatus(), values, float(info.mip_dual_bound)


_BANNER_SHOWN = False


def _highs() -> highspy.Highs:
    """A silent HiGHS instance (the licence banner HiGHS prints once per process is muted)."""
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        h = highspy.Highs()  # type: ignore[no-untyped-call]
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 1)
                h = highspy.Highs()  # type: ignore[no-untyped-call]
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SHOWN = True
    h.silent()
    return h


def export_model(problem: Problem, folder: Path) -> list[Path]:
    """Write the MIP as ``model.mps`` and its data as ``model-data.json`` into a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    model = build_model(problem)
    h = _highs()
    h.passModel(model.lp)
    mps = folder / "model.mps"
    h.writeModel(str(mps))
    names = model.column_names()
    arcs = [{"column": names[i], "zone": int(z), "candidate": int(c), "level": int(lv),
             "chutes": int(problem.depth_chutes[z, lv]),
             "cost": float(problem.cost[z, c] + problem.hand_cost[z, lv]),
             "km": float(problem.km[z, c]),
             "hours": float(problem.hours[z, c]), "extra_hours": float(problem.extra_hours[z, c])}
            for i, ((z, c), lv) in enumerate(zip(model.arcs, model.levels, strict=True))
            ]  # fmt: skip
    data = {
        "schema": "baotong.model/1",
        "columns": "x_<zone>_<candidate>[_d<level>] binary assign (at the zone's level-th "
        "coarser depth); u_<zone> binary unserved; "
        "y_<candidate> binary open; s_<candidate> integer surge shifts",
        "zones": [{"index": i, **asdict(z)} for i, z in enumerate(problem.zones)],
        "candidates": [{"index": i, **asdict(c)} for i, c in enumerate(problem.candidates)],
        "arcs": arcs,
        "unserved_cost": problem.unserved_cost.tolist(),
        "max_backups": problem.max_backups,
    }
    path = folder / "model-data.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return [mps, path]
