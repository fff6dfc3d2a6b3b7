"""The console's navigation: five areas in the model's words, each user sees the pages of
their role only, and every role lands on a page it may open (never a 403)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from baotong.auth.permissions import Role

from .conftest import log_in

NAV_LINK = re.compile(r'<nav class="nav".*?</nav>', re.S)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_role_lands_on_a_page_it_may_open(
    client: TestClient, seeded: sessionmaker[Session], role: str
) -> None:
    browser = log_in(client, seeded, role)
    home = browser.get("/")
    assert home.status_code == 303
    target = home.headers["location"]
    page = browser.get(target)
    assert page.status_code == 200, (role, target)
    nav = NAV_LINK.search(page.text)
    assert nav is not None
    links = re.findall(r'href="([^"]+)"', nav.group(0))
    assert target in links or target == "/inbox"
    for href in links:  # the navigation offers only pages the role may open
        assert browser.get(href).status_code == 200, (role, href)


def test_the_control_room_lands_on_the_map_and_the_sourcing_desk_on_supply(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    assert log_in(client, seeded, "dispatcher").get("/").headers["location"] == "/map"
    assert log_in(client, seeded, "sourcing_agent").get("/").headers["location"] == "/supply"
    assert log_in(client, seeded, "cs_agent").get("/").headers["location"] == "/tickets"


def test_an_area_with_several_pages_is_a_menu_and_one_with_a_single_page_a_link(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    nav = NAV_LINK.search(log_in(client, seeded, "admin").get("/plans").text)
    assert nav is not None
    html = nav.group(0)
    heads = re.findall(r'<button type="button" class="navhead"[^>]*>([^<]+)</button>', html)
    assert heads == ["保通", "指挥", "保供", "保畅", "管理"]
    assert re.search(r'<div class="navmenu"><a href="/command" class="">[^<]+</a>'
                     r'<a href="/command/emergency-plans" class="">', html)  # fmt: skip
    # a planner may open one page of 管理 (the audit log): a plain link
    planner = NAV_LINK.search(log_in(client, seeded, "planner").get("/plans").text)
    assert planner is not None
    assert re.search(r'\n\s*<a href="/audit" class="">', planner.group(0))  # not in a menu
    network = re.search(r'<div class="navgroup on">(.*?)</div>\s*</div>', html, re.S)
    assert network is not None  # the area of the page shown is highlighted
    links = re.findall(r'<a href="([^"]+)" class="(on)?"', network.group(1))
    assert links == [("/map", ""), ("/scenarios", ""), ("/plans", "on"), ("/sweeps", "")]


def test_no_login_on_the_home_page_goes_to_login(client: TestClient) -> None:
    reply = TestClient(client.app, follow_redirects=False).get("/")
    assert reply.status_code in (303, 307)
    assert reply.headers["location"].startswith("/login")
