"""Response shapes of the inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from baotong.notify.models import EmailState


class NotificationRead(BaseModel):
    id: int
    key: str
    title: str  # the words of ``key`` in the request's language
    params: dict[str, Any]
    link: str | None
    subject_type: str | None
    subject_id: str | None
    created_at: datetime
    read_at: datetime | None
    email_state: EmailState


class MarkedRead(BaseModel):
    marked: int
