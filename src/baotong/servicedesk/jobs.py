"""The service desk's deadline kinds: a ticket step's reminder and end (the call-centre
sweep registers itself as a recurring pass in ``load``)."""

from __future__ import annotations

from baotong import jobs
from baotong.servicedesk import load as _registers_the_sweep  # noqa: F401
from baotong.servicedesk import service

jobs.register_deadline(service.REMINDER, service.remind)
jobs.register_deadline(service.STEP, service.escalate)
