"""The password rule: 8 characters or more, not a common password, not the user name."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from baotong.auth.passwords import check_password
from baotong.core.exceptions import ValidationError

API = "/api/v1"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short", "user.short_password"),
        ("password", "user.common_password"),
        ("12345678", "user.common_password"),
        ("PassWord1", "user.common_password"),
        ("woaini1314", "user.common_password"),
        ("zzzzzzzzzz", "user.common_password"),
        ("zhangwei-2026", "user.password_has_name"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason(password: str, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        check_password(password, username="ZhangWei")
    assert refused.value.code == code
    assert refused.value.field == "password"


def test_a_fair_password_passes() -> None:
    check_password("correct horse", username="zhangwei")


def test_the_api_refuses_a_common_password_or_the_user_name(client: TestClient, users: Any) -> None:
    admin = users.headers("admin")
    for password, code in (("12345678", "user.common_password"),
                           ("wang.li.2026", "user.password_has_name")):  # fmt: skip
        reply = client.post(f"{API}/users", json={"username": "wang.li", "password": password,
                                                  "role": "viewer"}, headers=admin)  # fmt: skip
        assert reply.status_code == 422, reply.text
        assert reply.json()["code"] == code
    reset = client.post(f"{API}/users/admin_cn/password", json={"password": "password1"},
                        headers=admin)  # fmt: skip
    assert reset.json()["code"] == "user.common_password"
