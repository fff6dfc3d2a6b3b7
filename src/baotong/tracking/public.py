"""What the public reaches without logging in is rate-limited per client.

A token bucket per client address: ``per_minute`` requests a minute on average, bursts of
up to a quarter of that (at least 5). The clock is ``core.clock``, so tests freeze it.
"""

from __future__ import annotations

from threading import Lock

from fastapi import Depends, Request

from baotong.api.deps import Context
from baotong.core import clock
from baotong.core.exceptions import BaotongError


class TooManyRequestsError(BaotongError):
    status = 429
    title = "Too many requests"
    default_code = "public.rate_limited"


class RateLimiter:
    """Token buckets per key; ``allow(key)`` takes one token or says no."""

    def __init__(self, per_minute: int) -> None:
        if per_minute < 1:
            raise ValueError('"per_minute" must be >= 1.')
        self.rate = per_minute / 60.0
        self.burst = float(max(5, per_minute // 4))
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = Lock()

    def allow(self, key: str) -> bool:
        now = clock.now().timestamp()
        with self._lock:
            tokens, then = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            if len(self._buckets) > 100_000:
                self._buckets.clear()
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return False
            self._buckets[key] = (tokens - 1.0, now)
            return True


async def limit_public(request: Request, context: Context) -> None:
    """A dependency of every public route: 429 when the client asks too often."""
    limiter: RateLimiter | None = getattr(request.app.state, "public_limiter", None)
    if limiter is None:
        limiter = RateLimiter(context.settings.public_requests_per_minute)
        request.app.state.public_limiter = limiter
    client = request.client.host if request.client else "unknown"
    if not limiter.allow(client):
        raise TooManyRequestsError(
            "Too many requests from this address; wait a minute and try again.",
            code="public.rate_limited",
        )


RateLimited = Depends(limit_public)
