"""The service desk's deadline kinds: a ticket step's reminder and end, and the call-centre
sweep that re-schedules itself."""

from __future__ import annotations

from baotong import jobs
from baotong.servicedesk import load, service

jobs.register_deadline(service.REMINDER, service.remind)
jobs.register_deadline(service.STEP, service.escalate)
jobs.register_deadline(load.SWEEP, load.sweep)
