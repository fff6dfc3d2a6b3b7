"""The residents' public page: ordering, the running list without anyone's phone or room,
changing and cancelling with the edit code, and what it withstands — malformed and
repeated submissions, forged posts, wrong codes, unknown tokens, floods."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.groupbuy.conftest import World

from baotong.core import clock
from baotong.db.session import session_scope
from baotong.groupbuy.models import ResidentOrder, ResidentOrderStatus

CSRF = "public-csrf"


def _browser(client: TestClient) -> TestClient:
    browser = TestClient(client.app, follow_redirects=False)
    browser.cookies.set("baotong_csrf", CSRF)
    return browser


def _order(world: World, phone: str = "13800001111", **extra: str) -> dict[str, str]:
    return {"csrf_token": CSRF, "nickname": "李阿姨", "building": "12号楼", "room": "1502",
            "phone": phone, f"qty_{world.offers['VEG-POTATO']}": "2", **extra}  # fmt: skip


def _count(world: World) -> int:
    with session_scope(world.sessions) as session:
        query = select(func.count()).select_from(ResidentOrder)
        return int(session.scalar(query.where(ResidentOrder.status == ResidentOrderStatus.PLACED))
                   or 0)  # fmt: skip


def test_a_resident_orders_and_gets_a_number_and_an_edit_code(
    client: TestClient, world: World
) -> None:
    _, token = world.open()
    browser = _browser(client)
    page = browser.get(f"/g/{token}")
    assert page.status_code == 200
    assert "小区1" in page.text
    assert 'name="csrf_token"' in page.text
    placed = browser.post(f"/g/{token}/orders", data=_order(world))
    assert placed.status_code == 201, placed.text
    code = re.search(r'data-testid="edit-code">([A-Z0-9]{8})<', placed.text)
    assert code is not None
    assert "李阿姨 · 1… · " in placed.text
    assert _count(world) == 1


def test_the_running_list_never_shows_another_residents_phone_or_room(
    client: TestClient, world: World
) -> None:
    _, token = world.open()
    browser = _browser(client)
    browser.post(f"/g/{token}/orders", data=_order(world, "13912345678"))
    other = _browser(client).get(f"/g/{token}")
    assert "李阿姨" in other.text
    assert "13912345678" not in other.text
    assert "1502" not in other.text
    assert "12号楼" not in other.text


def test_malformed_submissions_name_every_wrong_field_and_store_nothing(
    client: TestClient, world: World
) -> None:
    _, token = world.open()
    browser = _browser(client)
    bad = {"csrf_token": CSRF, "nickname": "", "building": "x" * 500, "room": "1",
           "phone": "12345", f"qty_{world.offers['VEG-POTATO']}": "abc"}  # fmt: skip
    reply = browser.post(f"/g/{token}/orders", data=bad)
    assert reply.status_code == 422
    for field in ("nickname", "phone", f"qty_{world.offers['VEG-POTATO']}"):
        assert f'data-testid="error-{field}"' in reply.text, field
    nothing = browser.post(f"/g/{token}/orders", data=_order(world) | {
        f"qty_{world.offers['VEG-POTATO']}": "0"})  # fmt: skip
    assert nothing.status_code == 422
    assert 'data-testid="error-lines"' in nothing.text
    over = browser.post(f"/g/{token}/orders", data=_order(world) | {
        f"qty_{world.offers['FOOD-RICE-5']}": "3"})  # fmt: skip
    assert over.status_code == 422
    assert "2" in over.text
    assert _count(world) == 0


def test_a_repeated_submission_is_refused_and_kept_once(client: TestClient, world: World) -> None:
    _, token = world.open()
    browser = _browser(client)
    assert browser.post(f"/g/{token}/orders", data=_order(world)).status_code == 201
    again = browser.post(f"/g/{token}/orders", data=_order(world))
    assert again.status_code == 409
    assert 'data-testid="problem"' in again.text
    assert _count(world) == 1


def test_a_post_without_the_pages_token_or_from_another_site_is_refused(
    client: TestClient, world: World
) -> None:
    _, token = world.open()
    anonymous = TestClient(client.app, follow_redirects=False)
    assert anonymous.post(f"/g/{token}/orders", data=_order(world)).status_code == 403
    forged = _browser(client).post(f"/g/{token}/orders", data=_order(world),
                                   headers={"origin": "https://evil.example"})  # fmt: skip
    assert forged.status_code == 403
    assert _count(world) == 0


def test_unknown_or_malformed_tokens_are_not_found(client: TestClient, world: World) -> None:
    world.open()
    browser = _browser(client)
    assert browser.get("/g/not-a-real-token-at-all-xxxx").status_code == 404
    assert browser.get("/g/x").status_code == 404
    assert browser.post("/g/x/orders", data={"csrf_token": CSRF}).status_code == 404


def test_change_and_cancel_with_the_edit_code_and_wrong_codes_change_nothing(
    client: TestClient, world: World
) -> None:
    _, token = world.open()
    browser = _browser(client)
    placed = browser.post(f"/g/{token}/orders", data=_order(world))
    code = re.search(r'data-testid="edit-code">([A-Z0-9]{8})<', placed.text)
    assert code is not None
    wrong = browser.post(f"/g/{token}/edit", data={"csrf_token": CSRF, "seq": "1",
                                                    "edit_code": "AAAAAAAA"})  # fmt: skip
    assert wrong.status_code == 403
    assert "1502" not in wrong.text
    opened = browser.post(f"/g/{token}/edit", data={"csrf_token": CSRF, "seq": "1",
                                                     "edit_code": code.group(1)})  # fmt: skip
    assert opened.status_code == 200
    assert 'value="1502"' in opened.text  # the owner sees their own room
    change = {"seq": "1", "edit_code": code.group(1), "action": "change", "nickname": "李老师"}
    changed = browser.post(f"/g/{token}/edit", data=_order(world) | change)
    assert changed.status_code == 200
    assert "李老师" in changed.text
    cancel = {"csrf_token": CSRF, "seq": "1", "edit_code": code.group(1), "action": "cancel"}
    cancelled = browser.post(f"/g/{token}/edit", data=cancel)
    assert 'data-testid="cancelled"' in cancelled.text
    assert _count(world) == 0


def test_wrong_codes_make_the_next_try_wait_and_never_lock_the_owner_out(
    client: TestClient, world: World
) -> None:
    _, token = world.open()
    browser = _browser(client)
    placed = browser.post(f"/g/{token}/orders", data=_order(world))
    code = re.search(r'data-testid="edit-code">([A-Z0-9]{8})<', placed.text)
    assert code is not None
    wrong = {"csrf_token": CSRF, "seq": "1", "edit_code": "BBBBBBBB"}
    right = wrong | {"edit_code": code.group(1)}
    start = clock.now()
    with clock.frozen(start):
        for _ in range(5):
            assert browser.post(f"/g/{token}/edit", data=wrong).status_code == 403
        waiting = browser.post(f"/g/{token}/edit", data=right)
    assert waiting.status_code == 429
    assert waiting.headers["Retry-After"] == "2"
    assert 'data-testid="edit-throttled"' in waiting.text
    assert "1502" not in waiting.text
    with clock.frozen(start + timedelta(seconds=3)):
        opened = browser.post(f"/g/{token}/edit", data=right)
    assert opened.status_code == 200
    assert 'value="1502"' in opened.text


def test_no_order_or_change_after_the_cutoff(client: TestClient, world: World) -> None:
    _, token = world.open()
    browser = _browser(client)
    with clock.frozen(world.cutoff_at + timedelta(minutes=5)):
        page = browser.get(f"/g/{token}")
        assert 'data-testid="closed"' in page.text
        late = browser.post(f"/g/{token}/orders", data=_order(world))
        assert late.status_code == 409
    assert _count(world) == 0


def test_a_flood_from_one_address_is_answered_429(client: TestClient, world: World) -> None:
    _, token = world.open()
    browser = _browser(client)
    with clock.frozen():
        codes = [browser.get(f"/g/{token}").status_code for _ in range(40)]
    assert codes[0] == 200
    assert codes[-1] == 429
