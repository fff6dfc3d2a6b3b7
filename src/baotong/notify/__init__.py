"""Notifications: what Baotong tells a person (a clock about to run out, an escalation, an
instruction to carry out) — an inbox entry with a header badge, and an email when SMTP is
configured. Domains call ``service.send``; nothing else writes notifications."""
