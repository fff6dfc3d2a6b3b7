"""Every domain, listed once: its models (so the metadata knows every table, for Alembic)
and its demo data (so ``baotong db seed --demo`` seeds every part, in this order)."""

from __future__ import annotations

import baotong.audit.models
import baotong.auth.demo
import baotong.auth.models
import baotong.command.demo
import baotong.command.models
import baotong.contingency.demo
import baotong.contingency.models
import baotong.db.versions
import baotong.groupbuy.demo
import baotong.groupbuy.models
import baotong.jobs.models
import baotong.network.demo
import baotong.network.models
import baotong.notify.models
import baotong.servicedesk.demo
import baotong.servicedesk.models
import baotong.supply.demo
import baotong.supply.models
import baotong.tracking.demo
import baotong.tracking.models
import baotong.transport.demo
import baotong.transport.models
import baotong.warehouse.demo
import baotong.warehouse.models  # noqa: F401
from baotong.db.base import Base

metadata = Base.metadata
