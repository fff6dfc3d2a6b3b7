"""Imports every domain's models so the metadata knows every table (for Alembic)."""

from __future__ import annotations

import baotong.audit.models
import baotong.auth.models
import baotong.contingency.models
import baotong.jobs.models
import baotong.network.models  # noqa: F401
from baotong.db.base import Base

metadata = Base.metadata
