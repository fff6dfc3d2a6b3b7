"""A posted form is read by the API's own schema; a refused action is rolled back."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.responses import Response

from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.network.entities import SiteStatus
from baotong.network.schemas import CapacityChange, StatusChange
from baotong.web.forms import attempt, parse_form, see_other


def test_blank_fields_take_the_default_and_browser_times_become_aware() -> None:
    change = parse_form(
        StatusChange, {"status": "closed", "reason": " 洪水 ", "since": "", "expected_reopening":
                       "2030-01-02T08:00"}
    )  # fmt: skip
    assert change.status is SiteStatus.CLOSED
    assert change.since is None
    assert change.expected_reopening is not None
    assert change.expected_reopening.tzinfo is not None


def test_a_refused_field_is_named_as_the_api_names_it() -> None:
    with pytest.raises(ValidationError) as refused:
        parse_form(CapacityChange, {"capacity": {"parcel": "lots"}, "reason": "surge"})
    assert refused.value.field == "capacity.parcel"
    with pytest.raises(ValidationError) as missing:
        parse_form(StatusChange, {"status": "open", "reason": "  "})
    assert missing.value.field == "reason"


class FakeSession:
    rolled_back = False

    def rollback(self) -> None:
        self.rolled_back = True


def _conflict() -> Any:
    raise ConflictError("taken")


def test_attempt_redirects_when_done_and_rolls_back_a_refusal() -> None:
    session: Any = FakeSession()
    done = attempt(session, lambda: 7, done=lambda n: see_other(f"/x/{n}"),
                   refused=lambda exc: Response(status_code=exc.status))  # fmt: skip
    assert (done.status_code, done.headers["location"]) == (303, "/x/7")
    assert not session.rolled_back
    again = attempt(session, _conflict, done=lambda _: see_other("/"),
                    refused=lambda exc: Response(status_code=exc.status))  # fmt: skip
    assert again.status_code == 409
    assert session.rolled_back


def test_attempt_leaves_other_errors_to_the_error_page() -> None:
    def missing() -> None:
        raise NotFoundError("gone")

    with pytest.raises(NotFoundError):
        attempt(FakeSession(), missing, done=lambda _: see_other("/"),  # type: ignore[arg-type]
                refused=lambda exc: Response())  # fmt: skip
