"""The inbox row: one notification to one person, its words as a catalogue key with
parameters (rendered in the reader's language when read), and its email's state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from baotong.core.enums import LabelledEnum
from baotong.db.base import Base
from baotong.db.types import enum_type


class EmailState(LabelledEnum):
    """Whether a notification also goes by email: not at all, waiting, sent or failed."""

    NONE = "none", "gray"
    PENDING = "pending", "orange"
    SENT = "sent", "green"
    FAILED = "failed", "red"


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)
    noun = "notification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(96))
    params: Mapped[dict[str, Any]]
    link: Mapped[str | None] = mapped_column(String(255))
    subject_type: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(index=True)
    read_at: Mapped[datetime | None]
    email_state: Mapped[EmailState] = mapped_column(enum_type(EmailState, length=8))
    email_error: Mapped[str | None] = mapped_column(String(500))
