"""Login throttling: too many wrong passwords for one account, or from one address, and the
login waits — longer with every further failure.

Each failed login is a row of ``login_failures`` (account name, address, time) in the
database, so every process of the service counts the same failures. Within the window
(``BAOTONG_LOGIN_WINDOW_MINUTES``, 15), an account may fail ``max_failures`` times
(``BAOTONG_LOGIN_MAX_FAILURES``, 5) and an address ``address_factor`` times as often (an
office behind one address has many people); after that each login of that account or from
that address is refused for 2, 4, 8 … seconds after the last failure, at most
``max_lockout`` (``BAOTONG_LOGIN_MAX_LOCKOUT_SECONDS``, 900). A refused login does not check
the password at all — it answers 429 with ``Retry-After``. A successful login forgets the
account's failures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from baotong.auth.models import LoginFailure
from baotong.config import Settings
from baotong.core.exceptions import BaotongError


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    """How many failures a login may have before it waits, and how long.

    max_failures: failures of one account within ``window`` before the back-off starts.
    address_factor: an address may fail this many times as often as one account.
    window: failures older than this are forgotten.
    max_lockout: the longest wait after the last failure.
    """

    max_failures: int = 5
    address_factor: int = 4
    window: timedelta = timedelta(minutes=15)
    max_lockout: timedelta = timedelta(seconds=900)

    def __post_init__(self) -> None:
        if self.max_failures < 1:
            raise ValueError('"max_failures" must be >= 1.')
        if self.address_factor < 1:
            raise ValueError('"address_factor" must be >= 1.')

    @classmethod
    def of(cls, settings: Settings) -> ThrottlePolicy:
        return cls(
            max_failures=settings.login_max_failures,
            window=timedelta(minutes=settings.login_window_minutes),
            max_lockout=timedelta(seconds=settings.login_max_lockout_seconds),
        )

    def wait(self, failures: int, limit: int) -> timedelta:
        """The wait after the last of ``failures`` when ``limit`` are allowed."""
        if failures < limit:
            return timedelta(0)
        seconds = 2.0 ** min(failures - limit + 1, 30)
        return min(timedelta(seconds=seconds), self.max_lockout)


class LoginThrottled(BaotongError):
    """Too many failed logins for the account or from the address: wait and try again."""

    status = 429
    title = "Too many requests"
    default_code = "auth.throttled"


def _failures(
    session: Session, column: InstrumentedAttribute[str], value: str, since: datetime
) -> tuple[int, datetime | None]:
    where: ColumnElement[bool] = (column == value) & (LoginFailure.at >= since)
    count, last = session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(where)
    ).one()
    return int(count or 0), last


def retry_after(
    session: Session, *, username: str, address: str, policy: ThrottlePolicy, now: datetime
) -> int:
    """Seconds before a login of ``username`` from ``address`` may be tried (0: now)."""
    since = now - policy.window
    longest = timedelta(0)
    limits = (
        (LoginFailure.username, username, policy.max_failures),
        (LoginFailure.address, address, policy.max_failures * policy.address_factor),
    )
    for column, value, limit in limits:
        count, last = _failures(session, column, value, since)
        if last is not None:
            longest = max(longest, last + policy.wait(count, limit) - now)
    return max(0, math.ceil(longest.total_seconds()))


def check(
    session: Session, *, username: str, address: str, policy: ThrottlePolicy, now: datetime
) -> None:
    """Refuse (429) a login that must wait."""
    seconds = retry_after(session, username=username, address=address, policy=policy, now=now)
    if seconds > 0:
        raise LoginThrottled(
            f"Too many failed logins; try again in {seconds} seconds.",
            code="auth.throttled", retry_after=seconds,
        )  # fmt: skip


def record_failure(
    session: Session, *, username: str, address: str, policy: ThrottlePolicy, now: datetime
) -> None:
    """Count a failed login (and forget the failures older than the window)."""
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - policy.window))
    session.add(LoginFailure(username=username[:64], address=address[:64], at=now))
    session.flush()


def forget(session: Session, *, username: str) -> None:
    """A successful login: the account's failures no longer count."""
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    session.flush()
