"""The residents' page of one group order (no login, phone-sized, nothing to install),
reached by the unguessable token in its address: the day's offers as an order form, the
running list (numbers, nicknames and the first letter of the building — never a phone
or a room), and changing or cancelling one's order with the edit code given back.

Every route is rate-limited per client address and every form carries the page's CSRF
token; a refused form comes back with each wrong field named.
"""

from __future__ import annotations

from typing import Any

import pydantic
from fastapi import APIRouter, Request
from fastapi.responses import Response

from baotong.api.deps import DbSession, client_address
from baotong.core import clock
from baotong.core.exceptions import ConflictError, ValidationError
from baotong.core.i18n import N_
from baotong.groupbuy import service
from baotong.groupbuy.models import GroupOrder, GroupOrderStatus, GroupPoint, ResidentOrder
from baotong.groupbuy.schemas import ResidentOrderIn
from baotong.tracking.public import RateLimited
from baotong.web import i18n
from baotong.web.templating import Csrf, PageRoute, render

router = APIRouter(route_class=PageRoute)
PAGE = "groupbuy/public.html"
FIELDS = ("nickname", "building", "room", "phone")
TEXT_MAX = 64  # longer typed values are cut before they are checked
# The words of each kind of field error (by pydantic's error type).
FIELD_WORDS = {
    "missing": N_("gbp.err.required"),
    "string_too_short": N_("gbp.err.required"),
    "string_too_long": N_("gbp.err.too_long"),
    "string_pattern_mismatch": N_("gbp.err.phone"),
    "too_short": N_("gbp.err.no_items"),
    "qty": N_("gbp.err.qty"),
}
WORDS = (N_("gbp.err.code"), N_("gbp.err.refused"))


def _form_values(raw: Any) -> dict[str, str]:
    return {str(k): str(v)[:TEXT_MAX] for k, v in raw.items() if k != "csrf_token"}


def _parse(order: GroupOrder, form: dict[str, str], offer_ids: set[int]) -> Any:
    """A ``ResidentOrderIn`` from the form, or the errors per field (field → catalogue key)."""
    errors: dict[str, str] = {}
    lines = []
    for name, value in form.items():
        if not name.startswith("qty_") or not value.strip():
            continue
        offer = name.removeprefix("qty_")
        if not offer.isdigit() or int(offer) not in offer_ids:
            continue
        qty = value.strip()
        if not qty.isdigit() or not 0 <= int(qty) <= 1000:
            errors[name] = FIELD_WORDS["qty"]
        elif int(qty):
            lines.append({"offer_id": int(offer), "qty": int(qty)})
    data = {k: form.get(k, "").strip() for k in FIELDS}
    try:
        parsed = ResidentOrderIn.model_validate({**data, "lines": lines})
    except pydantic.ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "form"
            errors.setdefault(field, FIELD_WORDS.get(error["type"], N_("gbp.err.invalid")))
        return errors
    return errors or parsed


def _page(
    request: Request, session: DbSession, token: str, *, status_code: int = 200, **values: Any
) -> Response:
    order = service.by_token(session, token)
    point = session.get(GroupPoint, order.group_point_id)
    assert point is not None
    offers = service.offers(session, order.province_code)
    open_now = order.status is GroupOrderStatus.OPEN and clock.now() < order.cutoff_at
    return render(request, PAGE, None, status_code=status_code, order=order, point=point,
                  offers=offers, entries=service.running_list(session, order),
                  open_now=open_now, token=token, **values)  # fmt: skip


@router.get("/g/{token}", include_in_schema=False, dependencies=[RateLimited])
def group_page(request: Request, session: DbSession, token: str) -> Response:
    return _page(request, session, token)


def _refused(
    request: Request, session: DbSession, token: str, exc: ValidationError | ConflictError,
    form: dict[str, str], **values: Any,
) -> Response:  # fmt: skip
    session.rollback()
    field = exc.data.get("field") if isinstance(exc.data, dict) else None
    errors = {str(field): "gbp.err.refused"} if field else {}
    return _page(request, session, token, status_code=exc.status, form=form, errors=errors,
                 problem=i18n.error_for(request, exc), **values)  # fmt: skip


@router.post("/g/{token}/orders", include_in_schema=False, dependencies=[RateLimited, Csrf])
async def place(request: Request, session: DbSession, token: str) -> Response:
    form = _form_values(await request.form())
    order = service.by_token(session, token)
    offer_ids = {o.id for o in service.offers(session, order.province_code)}
    parsed = _parse(order, form, offer_ids)
    if isinstance(parsed, dict):
        return _page(request, session, token, status_code=422, form=form, errors=parsed)
    try:
        resident, code = service.place(session, token, data=parsed)
    except (ValidationError, ConflictError) as exc:
        return _refused(request, session, token, exc, form)
    return _page(request, session, token, status_code=201, placed=resident.seq, edit_code=code)


@router.post("/g/{token}/edit", include_in_schema=False, dependencies=[RateLimited, Csrf])
async def edit(request: Request, session: DbSession, token: str) -> Response:
    """Open one's order with its number and edit code, then change or cancel it."""
    form = _form_values(await request.form())
    seq_text, code = form.get("seq", "").strip(), form.get("edit_code", "").strip()
    action = form.get("action", "load")
    if not seq_text.isdigit() or not 1 <= int(seq_text) <= service.MAX_ORDERS or not code:
        return _page(request, session, token, status_code=422, edit_form=form,
                     edit_error="gbp.err.code")  # fmt: skip
    seq, address = int(seq_text), client_address(request)
    try:
        _, resident = service.resident_for_code(session, token, seq, code, address=address)
    except service.CodeThrottled as exc:  # nothing was checked: wait and try again
        response = _page(request, session, token, status_code=exc.status, edit_form=form,
                         edit_problem=i18n.error_for(request, exc))  # fmt: skip
        response.headers["Retry-After"] = str(exc.data["retry_after"])
        return response
    if resident is None:  # the wrong code is counted: the transaction commits
        return _page(request, session, token, status_code=403, edit_form=form,
                     edit_error="gbp.err.code")  # fmt: skip
    if action == "cancel":
        try:
            service.cancel_resident(session, token, seq, code, address=address)
        except (ValidationError, ConflictError) as exc:
            return _refused(request, session, token, exc, {})
        return _page(request, session, token, cancelled=seq)
    if action == "change":
        order = service.by_token(session, token)
        offer_ids = {o.id for o in service.offers(session, order.province_code)}
        parsed = _parse(order, form, offer_ids)
        if isinstance(parsed, dict):
            return _page(request, session, token, status_code=422, form=form, errors=parsed,
                         editing=_editing(session, resident, code))  # fmt: skip
        try:
            service.change(session, token, seq, code, data=parsed, address=address)
        except (ValidationError, ConflictError) as exc:
            return _refused(request, session, token, exc, form,
                            editing=_editing(session, resident, code))  # fmt: skip
        return _page(request, session, token, changed=seq)
    return _page(request, session, token, editing=_editing(session, resident, code),
                 form=_prefill(session, resident))  # fmt: skip


def _editing(session: DbSession, resident: ResidentOrder, code: str) -> dict[str, Any]:
    return {"seq": resident.seq, "code": code}


def _prefill(session: DbSession, resident: ResidentOrder) -> dict[str, str]:
    form = {k: str(getattr(resident, k)) for k in FIELDS}
    for line in service.resident_lines(session, resident):
        form[f"qty_{line.offer_id}"] = str(line.qty)
    return form
