"""Use cases of users and logins: administer users, log in and out, who is this token.

Administering a user (create, change role and scope, deactivate, reactivate, reset the
password) is done by a principal — an administrator, or ``Principal.system("cli")`` at
the command line — within its own scope, and audited. Deactivating a user or resetting
their password ends every login of that user at once.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from baotong.audit import service as audit
from baotong.auth import throttle
from baotong.auth.models import LoginSession, User
from baotong.auth.passwords import check_password
from baotong.auth.permissions import (
    ROLE_SCOPES,
    Principal,
    Role,
    Scope,
    ScopeKind,
)
from baotong.auth.scope import in_scope
from baotong.auth.throttle import ThrottlePolicy
from baotong.auth.tokens import issue, verify
from baotong.core import clock
from baotong.core.exceptions import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from baotong.core.i18n import N_
from baotong.core.pagination import Page, PageRequest, paginate

audit.register_type("user", label_key=N_("object.user"), link="/users#user-{id}")

hasher = PasswordHasher()
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
UNIT_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,32}$")
SYSTEM = Principal.system()


class AuthenticationError(PermissionDeniedError):
    status = 401
    title = "Unauthorized"


# -- scopes ---------------------------------------------------------------------------------
def scope_of(
    *, kind: str | None = None, code: str | None = None, province_code: str | None = None
) -> Scope:
    """A scope from what a form, a request or the command line gives.

    No kind: a province scope when ``province_code`` is given, else national. A unit
    (warehouse, group point, call centre) needs its ``code`` and the province it lies in.
    """
    try:
        parsed = ScopeKind(kind) if kind else None
    except ValueError:
        kinds = ", ".join(k.value for k in ScopeKind)
        raise ValidationError(
            f"unknown scope '{kind}' (one of {kinds}).", code="user.unknown_scope",
            field="scope_kind", value=kind,
        ) from None  # fmt: skip
    if parsed is ScopeKind.PROVINCE:
        province_code = province_code or code
    if parsed is None:
        parsed = ScopeKind.PROVINCE if province_code else ScopeKind.NATIONAL
    if parsed is ScopeKind.NATIONAL:
        if province_code or code:
            raise ValidationError("a national scope has no province or unit.",
                                  code="user.national_with_area", field="province")  # fmt: skip
        return Scope()
    if not (province_code and re.fullmatch(r"\d{2}0000", province_code)):
        raise ValidationError("must be a six-digit province code such as 410000.",
                              code="user.bad_province", field="province",
                              value=province_code)  # fmt: skip
    if parsed is ScopeKind.PROVINCE:
        return Scope.province(province_code)
    if not (code and UNIT_CODE.match(code)):
        raise ValidationError(f"a {parsed.value} scope needs the unit's code "
                              "(1-32 letters, digits, '_', '.' or '-').",
                              code="user.bad_unit", field="scope_code", value=code)  # fmt: skip
    return Scope.unit(parsed, code, province_code=province_code)


def unit_members(session: Session, *, role: Role, kind: ScopeKind, code: str) -> list[int]:
    """The active users of ``role`` scoped to the unit ``kind``/``code`` (to notify them)."""
    query = select(User.id).where(
        User.active.is_(True), User.role == role.value, User.scope_kind == kind,
        User.scope_code == code,
    ).order_by(User.id)  # fmt: skip
    return list(session.scalars(query))


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise ValidationError(
            f"unknown role '{role}' (one of {roles}).", code="user.unknown_role", field="role",
            value=role,
        ) from None  # fmt: skip


def _check_fits(role: Role, scope: Scope) -> None:
    """Office roles act on an area; a warehouse operator on a warehouse, and so on."""
    allowed = ROLE_SCOPES[role]
    if scope.kind not in allowed:
        kinds = " or ".join(sorted(k.value for k in allowed))
        raise ValidationError(f"a {role.value} is scoped to a {kinds}, not a {scope.kind.value}.",
                              code="user.scope_for_role", field="scope_kind",
                              value=scope.kind.value)  # fmt: skip


def _check_grants(principal: Principal, scope: Scope) -> None:
    """A provincial administrator gives scopes inside its own province only."""
    if not principal.is_national and (
        scope.kind is ScopeKind.NATIONAL or not principal.sees_province(scope.province_code)
    ):
        raise ValidationError(
            f"a provincial admin gives scopes in province {principal.province_code} only.",
            code="user.scope_outside", field="province_code", value=scope.province_code,
        )  # fmt: skip


def _password(password: str, username: str) -> str:
    check_password(password, username=username)
    return hasher.hash(password)


# -- users ----------------------------------------------------------------------------------
def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    province_code: str | None = None,
    scope: Scope | None = None,
    email: str | None = None,
    principal: Principal = SYSTEM,
) -> User:
    """Add a user (``scope``, or the province ``province_code``, or national); the password
    is stored as an argon2 hash only; ``email`` is where notifications are mailed."""
    if not USERNAME.match(username):
        raise ValidationError("must be 2-64 letters, digits, '_', '.' or '-'.",
                              code="user.bad_name", field="username", value=username)  # fmt: skip
    parsed_role = _role(role)
    scope = scope or scope_of(province_code=province_code)
    _check_fits(parsed_role, scope)
    _check_grants(principal, scope)
    password_hash = _password(password, username)
    if get_user(session, username) is not None:
        raise ConflictError(f"User '{username}' already exists.", code="user.exists",
                            username=username)  # fmt: skip
    user = User(username=username, password_hash=password_hash, role=parsed_role.value,
                active=True, email=_email(email), created_at=clock.now())  # fmt: skip
    user.scope = scope
    session.add(user)
    session.flush()
    _audit(session, principal, "user.create", user, after=_public(user))
    return user


def list_users(
    session: Session, *, principal: Principal, page: PageRequest = PageRequest()
) -> Page[User]:
    """The users a principal administers (all of them, or those of its province), by name."""
    query = select(User).where(in_scope(principal, User.province_code)).order_by(User.username)
    return paginate(session, query, page)


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def managed_user(session: Session, username: str, *, principal: Principal) -> User:
    """A user the principal administers; any other is reported as not found."""
    user = get_user(session, username)
    if user is None or not principal.sees_province(user.province_code):
        raise NotFoundError(f"No user '{username}'.", code="user.not_found", username=username)
    return user


def set_role(
    session: Session, *, username: str, role: str, scope: Scope, principal: Principal
) -> User:
    """Give a user another role and scope (checked together); takes effect at once."""
    user = managed_user(session, username, principal=principal)
    parsed_role = _role(role)
    _check_fits(parsed_role, scope)
    _check_grants(principal, scope)
    before = _public(user)
    if parsed_role is not Role.ADMIN or scope.kind is not ScopeKind.NATIONAL:
        _keep_an_admin(session, user)
    user.role = parsed_role.value
    user.scope = scope
    session.flush()
    _audit(session, principal, "user.role", user, before=before, after=_public(user))
    return user


def deactivate(session: Session, *, username: str, principal: Principal) -> User:
    """Stop a user: no login, and every token and session of theirs ends now."""
    user = managed_user(session, username, principal=principal)
    if user.id == principal.user_id:
        raise ConflictError("You cannot deactivate yourself.", code="user.deactivate_self",
                            username=username)  # fmt: skip
    if user.active:
        _keep_an_admin(session, user)
        user.active = False
        revoke_sessions(session, user=user)
        _audit(session, principal, "user.deactivate", user, before={"active": True},
               after={"active": False})  # fmt: skip
    return user


def reactivate(session: Session, *, username: str, principal: Principal) -> User:
    """Let a deactivated user log in again (with the password they had)."""
    user = managed_user(session, username, principal=principal)
    if not user.active:
        user.active = True
        session.flush()
        _audit(session, principal, "user.reactivate", user, before={"active": False},
               after={"active": True})  # fmt: skip
    return user


def reset_password(
    session: Session, *, username: str, password: str | None = None, principal: Principal = SYSTEM
) -> str:
    """Set a new password (generated when none is given) and end every login of the user;
    returns the password."""
    user = managed_user(session, username, principal=principal)
    password = password or generated_password()
    user.password_hash = _password(password, user.username)
    revoke_sessions(session, user=user)
    _audit(session, principal, "user.password", user)
    return password


def set_time_zone(session: Session, *, time_zone: str, principal: Principal) -> User:
    """The principal's own time zone (an IANA name): the console shows and reads their
    times in it."""
    if time_zone not in clock.zone_names():
        raise ValidationError(f"'{time_zone}' is not a time zone (e.g. Asia/Shanghai).",
                              code="user.unknown_time_zone", field="time_zone",
                              value=time_zone)  # fmt: skip
    user = session.get(User, principal.user_id)
    if user is None:
        raise NotFoundError(f"Unknown user '{principal.username}'.", code="user.not_found",
                            username=principal.username)  # fmt: skip
    before = user.time_zone
    user.time_zone = time_zone
    session.flush()
    _audit(session, principal, "user.time_zone", user, before={"time_zone": before},
           after={"time_zone": time_zone})  # fmt: skip
    return user


def generated_password() -> str:
    """A random password of 16 URL-safe characters."""
    return secrets.token_urlsafe(12)


def revoke_sessions(session: Session, *, user: User) -> int:
    """End every open login of ``user``; returns how many ended."""
    result = session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse to take away the last active national administrator."""
    if not (user.active and user.role == Role.ADMIN and user.scope_kind is ScopeKind.NATIONAL):
        return
    admins = session.scalar(
        select(func.count()).select_from(User).where(
            User.active, User.role == Role.ADMIN.value, User.scope_kind == ScopeKind.NATIONAL)
    )  # fmt: skip
    if (admins or 0) <= 1:
        raise ConflictError(f"'{user.username}' is the last active national admin; "
                            "make another one first.", code="user.last_admin",
                            username=user.username)  # fmt: skip


def set_email(session: Session, *, username: str, email: str | None, principal: Principal) -> User:
    """Mail a user's notifications to ``email`` (None: no more emails)."""
    user = managed_user(session, username, principal=principal)
    before = _public(user)
    user.email = _email(email)
    session.flush()
    _audit(session, principal, "user.email", user, before=before, after=_public(user))
    return user


def _email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    email = email.strip()
    if len(email) > 254 or not EMAIL.match(email):
        raise ValidationError("is not an email address such as duty@example.org.",
                              code="user.bad_email", field="email", value=email[:80])  # fmt: skip
    return email


def _public(user: User) -> dict[str, object]:
    return {"username": user.username, "role": user.role, "scope": str(user.scope),
            "active": user.active, "email": user.email}  # fmt: skip


def _audit(
    session: Session,
    principal: Principal,
    action: str,
    user: User,
    *,
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
) -> None:
    audit.record(session, actor=principal.username, action=action, object_type="user",
                 object_id=user.username, province_code=user.province_code, before=before,
                 after=after)  # fmt: skip


# -- logins ---------------------------------------------------------------------------------
def login(
    session: Session,
    *,
    username: str,
    password: str,
    key: bytes,
    ttl: timedelta,
    address: str = "unknown",
    policy: ThrottlePolicy = ThrottlePolicy(),
) -> tuple[str, LoginSession, User]:
    """Check the password and open a login session; returns the signed token.

    A login that must wait (``throttle``) is refused before the password is checked. A
    wrong password — or an unknown or deactivated user, answered in the same time and the
    same words — is counted for the throttle and audited (``user.login_failed``); the
    caller commits that even though the login is refused.
    """
    now = clock.now()
    throttle.check(session, username=username, address=address, policy=policy, now=now)
    user = get_user(session, username)
    ok = False
    try:
        if user is not None and user.active:
            ok = hasher.verify(user.password_hash, password)
        else:
            hasher.verify(_dummy_hash(), password)  # as long as for a real user
    except (VerificationError, InvalidHashError):
        ok = False
    if user is None or not ok:
        throttle.record_failure(session, username=username, address=address, policy=policy,
                                now=now)  # fmt: skip
        audit.record(session, actor=username[:64], action="user.login_failed", object_type="user",
                     object_id=username[:64], province_code=user.province_code if user else None,
                     after={"address": address[:64]})  # fmt: skip
        raise AuthenticationError("Wrong user name or password.", code="auth.bad_credentials")
    throttle.forget(session, username=username)
    login_session = LoginSession(
        id=secrets.token_urlsafe(24), user_id=user.id, created_at=now, expires_at=now + ttl
    )
    session.add(login_session)
    session.flush()
    return issue(key, login_session.id, login_session.expires_at), login_session, user


_DUMMY_HASHES: dict[int, str] = {}


def _dummy_hash() -> str:
    """A hash made by the current hasher, to verify against when there is no user."""
    if id(hasher) not in _DUMMY_HASHES:
        _DUMMY_HASHES[id(hasher)] = hasher.hash(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[id(hasher)]


def logout(session: Session, *, token: str, key: bytes) -> None:
    claims = verify(key, token, clock.now())
    if claims is None:
        return
    row = session.get(LoginSession, claims.session_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = clock.now()
        session.flush()


def principal_for_token(session: Session, *, token: str, key: bytes) -> Principal | None:
    """The user a valid, unrevoked, unexpired token of an active user belongs to."""
    now = clock.now()
    claims = verify(key, token, now)
    if claims is None:
        return None
    row = session.execute(_USER_OF_SESSION, {"session_id": claims.session_id, "now": now}).first()
    return None if row is None else principal_of(row)


# Every authenticated request asks this: the login and its user in one round trip (the
# columns a principal needs, not the user entity: loading one costs more than the query).
_USER_OF_SESSION = (
    select(
        User.id,
        User.username,
        User.role,
        User.scope_kind,
        User.scope_code,
        User.province_code,
        User.time_zone,
    )
    .join(LoginSession, LoginSession.user_id == User.id)
    .where(
        LoginSession.id == bindparam("session_id"),
        LoginSession.revoked_at.is_(None),
        LoginSession.expires_at > bindparam("now"),
        User.active.is_(True),
    )
)


class UserColumns(Protocol):
    """What a principal is made of: a user, or a row of these columns of one."""

    @property
    def id(self) -> int: ...
    @property
    def username(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def scope_kind(self) -> ScopeKind: ...
    @property
    def scope_code(self) -> str | None: ...
    @property
    def province_code(self) -> str | None: ...
    @property
    def time_zone(self) -> str | None: ...


def principal_of(user: UserColumns) -> Principal:
    """The principal of a user, or of a row of a user's columns."""
    scope = Scope(user.scope_kind, user.scope_code, user.province_code)
    return Principal(user.id, user.username, Role(user.role), scope,
                     user.time_zone or clock.DEFAULT_ZONE)  # fmt: skip
