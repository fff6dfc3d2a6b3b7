"""Use cases of users and logins: create a user, log in, log out, who is this token."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.audit import service as audit
from baotong.auth.models import LoginSession, User
from baotong.auth.permissions import Principal, Role
from baotong.auth.tokens import issue, verify
from baotong.core import clock
from baotong.core.exceptions import ConflictError, PermissionDeniedError, ValidationError
from baotong.core.i18n import N_

audit.register_type("user", label_key=N_("object.user"), link="/users#user-{id}")

hasher = PasswordHasher()
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")
MIN_PASSWORD = 8


class AuthenticationError(PermissionDeniedError):
    status = 401
    title = "Unauthorized"


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    province_code: str | None = None,
    actor: str = "system",
) -> User:
    """Add a user; the password is stored as an argon2 hash only."""
    if not USERNAME.match(username):
        raise ValidationError(
            "must be 2-64 letters, digits, '_', '.' or '-'.", code="user.bad_name",
            field="username", value=username,
        )  # fmt: skip
    try:
        parsed_role = Role(role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise ValidationError(f"unknown role '{role}' (one of {roles}).", code="user.unknown_role",
                              field="role", role=role, roles=roles) from None  # fmt: skip
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"must be at least {MIN_PASSWORD} characters.",
                              code="user.short_password", field="password",
                              least=MIN_PASSWORD)  # fmt: skip
    if province_code is not None and not (
        len(province_code) == 6 and province_code.isdigit() and province_code.endswith("0000")
    ):
        raise ValidationError(
            "must be a six-digit province code such as 410000.",
            code="user.bad_province",
            field="province",
            value=province_code,
        )
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ConflictError(f"User '{username}' already exists.", code="user.exists",
                            username=username)  # fmt: skip
    user = User(
        username=username,
        password_hash=hasher.hash(password),
        role=parsed_role.value,
        province_code=province_code,
        active=True,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=username,
        after=_public(user),
    )
    return user


def set_password(session: Session, *, username: str, password: str, actor: str = "system") -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ValidationError(f"no user '{username}'.", code="user.unknown", field="username",
                              value=username)  # fmt: skip
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"must be at least {MIN_PASSWORD} characters.",
                              code="user.short_password", field="password",
                              least=MIN_PASSWORD)  # fmt: skip
    user.password_hash = hasher.hash(password)
    session.flush()
    audit.record(
        session, actor=actor, action="user.password", object_type="user", object_id=username
    )
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def _public(user: User) -> dict[str, object]:
    return {"username": user.username, "role": user.role, "province_code": user.province_code}


def login(
    session: Session, *, username: str, password: str, key: bytes, ttl: timedelta
) -> tuple[str, LoginSession, User]:
    """Check the password and open a login session; returns the signed token."""
    user = get_user(session, username)
    ok = False
    if user is not None and user.active:
        try:
            ok = hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    if user is None or not ok:
        raise AuthenticationError("Wrong user name or password.", code="auth.bad_credentials")
    now = clock.now()
    login_session = LoginSession(
        id=secrets.token_urlsafe(24), user_id=user.id, created_at=now, expires_at=now + ttl
    )
    session.add(login_session)
    session.flush()
    return issue(key, login_session.id, login_session.expires_at), login_session, user


def logout(session: Session, *, token: str, key: bytes) -> None:
    claims = verify(key, token, clock.now())
    if claims is None:
        return
    row = session.get(LoginSession, claims.session_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = clock.now()
        session.flush()


def principal_for_token(session: Session, *, token: str, key: bytes) -> Principal | None:
    """The user a valid, unrevoked, unexpired token belongs to; None otherwise."""
    now = clock.now()
    claims = verify(key, token, now)
    if claims is None:
        return None
    row = session.get(LoginSession, claims.session_id)
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return principal_of(user)


def principal_of(user: User) -> Principal:
    return Principal(user.id, user.username, Role(user.role), user.province_code)
