"""Fifty pickers scan at once, each in a session of their own: every scan is applied once
(resent scans, also at the same moment, are answered as repeats), scans that would take
more than is on hand are refused naming what is missing, and the ledger still sums to
on-hand with no stock negative — on both databases."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.warehouse.conftest import CODE, SYSTEM

from baotong.auth.permissions import Principal, Role, Scope, ScopeKind
from baotong.db.session import session_scope
from baotong.warehouse import inbound, ledger, outbound, service
from baotong.warehouse.ledger import InsufficientStock
from baotong.warehouse.models import DocumentStatus, Move, Quant, Scan
from baotong.warehouse.schemas import ItemLine, ReceiveLine

PICKERS = 50


def _picker(i: int) -> Principal:
    scope = Scope.unit(ScopeKind.WAREHOUSE, CODE, province_code="410000")
    return Principal(user_id=i + 1, username=f"picker{i:02d}", role=Role.WAREHOUSE_OPERATOR,
                     scope=scope)  # fmt: skip


def test_fifty_pickers_at_once_apply_every_scan_once_and_never_overdraw(
    site: sessionmaker[Session],
) -> None:
    # Given: 30 cabbages of lot LATE in a bin (from the site), 50 onion lots on the dock in
    # one put-away document (a line a picker), and a pick list of all 50 potatoes.
    with session_scope(site) as session:
        onions = [ReceiveLine(sku="VEG-ONION", qty=2, lot=f"O{i:02d}") for i in range(PICKERS)]
        receipt, _ = inbound.receive(session, SYSTEM, CODE, lines=onions)
        putaway = service.get_document(session, SYSTEM, int(receipt.data["putaway_id"]))
        put_lines = [line.id for line in service.lines_of(session, putaway)]
        picks = outbound.create_pick(session, SYSTEM, CODE, wave="W1",
                                     lines=[ItemLine(sku="VEG-POTATO", qty=50)])  # fmt: skip
        (pick_line,) = service.lines_of(session, picks)
        cabbage_bin = next(r.location for r in service.stock(session, SYSTEM, CODE).items
                           if r.sku == "VEG-CABBAGE" and r.lot == "LATE")  # fmt: skip
        putaway_id, pick_id, pick_line_id = putaway.id, picks.id, pick_line.id

    answers: Counter[str] = Counter()  # "put applied", "put repeat", "pack refused", ...
    refusals: list[InsufficientStock] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(PICKERS)

    def scan(kind: str, i: int) -> None:
        """One scan, in a transaction of its own, as the API's request does."""
        who = _picker(i)
        try:
            with session_scope(site) as session:
                if kind == "put":
                    _, applied = inbound.put_away(
                        session, who, putaway_id, line_id=put_lines[i], scan_id=f"put-{i:04d}"
                    )
                elif kind == "pick":
                    _, applied = outbound.pick(session, who, pick_id, line_id=pick_line_id,
                                               qty=1, scan_id=f"pick-{i:04d}")  # fmt: skip
                else:  # one cabbage packed straight from the bin: 50 asked of 30
                    _, applied = outbound.pack(
                        session, who, CODE, items=[ItemLine(sku="VEG-CABBAGE", qty=1, lot="LATE")],
                        source=cabbage_bin, weight_kg=1.0, size_cm=[10, 10, 10],
                        scan_id=f"pack-{i:04d}")  # fmt: skip
            with lock:
                answers[f"{kind} {'applied' if applied else 'repeat'}"] += 1
        except InsufficientStock as refused:
            with lock:
                answers[f"{kind} refused"] += 1
                refusals.append(refused)
        except BaseException as exc:  # noqa: BLE001  (collected, asserted below)
            with lock:
                failures.append(exc)

    def picker(i: int) -> None:
        start.wait()
        neighbour = threading.Thread(target=lambda: [scan(k, i) for k in ("put", "pick")])
        if i % 5 == 0:  # a neighbour's handheld sends the same scans at the same moment
            neighbour.start()
        for kind in ("put", "pick", "pack"):
            scan(kind, i)
            scan(kind, i)  # the answer was lost: the handheld sends it again
        if i % 5 == 0:
            neighbour.join()

    threads = [threading.Thread(target=picker, args=(i,)) for i in range(PICKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then: nothing failed but the overdrawing packs; every scan applied exactly once.
    assert failures == []
    neighbours = PICKERS // 5
    assert answers == {
        "put applied": PICKERS,
        "put repeat": PICKERS + neighbours,
        "pick applied": PICKERS,
        "pick repeat": PICKERS + neighbours,
        "pack applied": 30,
        "pack repeat": 30,
        "pack refused": 2 * (PICKERS - 30),  # a refused scan is not stored: its resend retries
    }
    for refused in refusals:
        assert refused.code == "warehouse.insufficient_stock"
        assert (refused.data["sku"], refused.data["lot"]) == ("VEG-CABBAGE", "LATE")
        assert (refused.data["location"], refused.data["needed"]) == (cabbage_bin, 1)
        assert refused.data["available"] == 0
        assert f"Not enough VEG-CABBAGE (lot LATE) at {cabbage_bin}: 1 needed" in str(refused)
    with session_scope(site) as session:
        scans = dict(session.execute(select(Scan.scan_id, Scan.action)).all())
        moved = Counter(session.scalars(select(Move.scan_id).where(Move.scan_id.is_not(None))))
        assert sum(1 for s in scans if s.startswith("put-")) == PICKERS
        assert sum(1 for s in scans if s.startswith("pick-")) == PICKERS
        assert sum(1 for s in scans if s.startswith("pack-")) == 30
        assert all(moved[s] == 1 for s in scans if s.startswith(("put-", "pick-", "pack-")))
        assert set(moved) <= set(scans)
        # The ledger agrees with on-hand, nothing is negative or over-reserved.
        assert ledger.differences(session) == []
        assert session.scalar(select(func.min(Quant.on_hand))) >= 0
        assert session.scalar(select(func.count()).where(Quant.reserved > Quant.on_hand)) == 0
        stock = service.stock(session, SYSTEM, CODE).items
        staged = {(r.sku, r.location): r.on_hand for r in stock if r.location == "STAGE"}
        assert staged == {("VEG-POTATO", "STAGE"): 50}
        late = {r.location: r.on_hand for r in stock if (r.sku, r.lot) == ("VEG-CABBAGE", "LATE")}
        assert late == {"DOCK-OUT": 30}  # all 30 packed, none left in the bin
        assert sum(r.on_hand for r in stock if r.sku == "VEG-ONION") == 2 * PICKERS
        assert not [r for r in stock if r.location == "DOCK-IN"]
        # The last scan of each document closed it.
        assert service.get_document(session, SYSTEM, putaway_id).status is DocumentStatus.DONE
        assert service.get_document(session, SYSTEM, pick_id).status is DocumentStatus.DONE
