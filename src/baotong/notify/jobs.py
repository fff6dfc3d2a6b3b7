"""The ``notify.email`` job: mail notifications to their recipients, after the transaction
that created them has committed. Each email carries the words in Chinese and English and
the link; a server that refuses one address marks only that notification failed."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import structlog
from sqlalchemy import select

from baotong import jobs
from baotong.auth.models import User
from baotong.config import Settings
from baotong.core.clock import now
from baotong.jobs.runner import Job
from baotong.notify.models import EmailState, Notification
from baotong.notify.service import EMAIL_JOB, title

log = structlog.get_logger("baotong.notify")


def send_emails(job: Job) -> None:
    ids = [int(i) for i in job.payload.get("notifications", [])]
    with job.session(write=False) as session:
        rows = session.execute(
            select(Notification, User.email)
            .join(User, User.id == Notification.user_id)
            .where(Notification.id.in_(ids), Notification.email_state == EmailState.PENDING)
        ).all()
        messages = {n.id: _message(job.settings, n, str(address)) for n, address in rows}
    errors = deliver(job.settings, messages)
    with job.complete() as session:
        for row in session.scalars(select(Notification).where(Notification.id.in_(messages))):
            error = errors.get(row.id)
            row.email_state = EmailState.FAILED if error else EmailState.SENT
            row.email_error = error[:500] if error else None
    if errors:
        log.warning("notification emails failed", failed=len(errors), sent=len(messages))


def _message(settings: Settings, row: Notification, address: str) -> EmailMessage:
    zh, en = title(row, "zh"), title(row, "en")
    message = EmailMessage()
    message["Subject"] = f"[保通 Baotong] {zh}"
    message["From"] = settings.smtp_from
    message["To"] = address
    link = f"{settings.base_url}{row.link}" if row.link else settings.base_url
    message.set_content(f"{zh}\n{en}\n\n{link}\n")
    return message


def deliver(settings: Settings, messages: dict[int, EmailMessage]) -> dict[int, str]:
    """Send the messages over one SMTP connection; the error of each one not sent."""
    if not messages or settings.smtp_host is None:
        return dict.fromkeys(messages, "SMTP is not configured")
    errors: dict[int, str] = {}
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username and settings.smtp_password:
                smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            for notification_id, message in messages.items():
                try:
                    smtp.send_message(message)
                except smtplib.SMTPException as exc:
                    errors[notification_id] = f"{type(exc).__name__}: {exc}"
    except (OSError, smtplib.SMTPException) as exc:
        return {i: f"{type(exc).__name__}: {exc} (at {now():%Y-%m-%d %H:%M})" for i in messages}
    return errors


jobs.register(EMAIL_JOB, send_emails)
