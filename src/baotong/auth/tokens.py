"""Signed, expiring tokens (HMAC-SHA256) and the secret key that signs them.

A token is ``<login session id>.<expiry unix seconds>.<signature>``; the session row makes
logout revoke it. The key comes from ``BAOTONG_SECRET_KEY`` or, for the embedded default,
is generated once into ``<data dir>/secret_key`` with 0600 permissions.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from baotong.config import Settings


def secret_key(settings: Settings) -> bytes:
    if settings.secret_key:
        return settings.secret_key.encode()
    path = settings.data_dir / "secret_key"
    if not path.exists():
        _write_private(path, secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip().encode()


def _write_private(path: Path, text: str) -> None:
    """Write a 0600 file whole, once: a process that loses the race uses the winner's."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    try:
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # atomic, and never replaces an existing key
    finally:
        tmp.unlink()


@dataclass(frozen=True, slots=True)
class TokenClaims:
    session_id: str
    expires_at: datetime


def _sign(key: bytes, payload: str) -> str:
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue(key: bytes, session_id: str, expires_at: datetime) -> str:
    payload = f"{session_id}.{int(expires_at.timestamp())}"
    return f"{payload}.{_sign(key, payload)}"


def verify(key: bytes, token: str, now: datetime) -> TokenClaims | None:
    """The claims of a valid, unexpired token; None for anything else."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    payload = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_sign(key, payload), parts[2]):
        return None
    expires_at = datetime.fromtimestamp(int(parts[1]), UTC)
    if expires_at <= now:
        return None
    return TokenClaims(parts[0], expires_at)
