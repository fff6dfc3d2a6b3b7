"""Alembic environment: runs migrations against the configured URL.

The URL is the caller's (``baotong db``, the tests) or, for the ``alembic`` command run
from the repository root, the one the ``BAOTONG_*`` settings give. New revisions get the
next sequential id after the head (``0003`` after ``0002``).
"""

from __future__ import annotations

from typing import Any

from alembic import context
from alembic.operations.ops import MigrationScript
from alembic.script import ScriptDirectory

from baotong.config import get_settings
from baotong.db.registry import metadata
from baotong.db.session import make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or get_settings().effective_database_url
OPTIONS: dict[str, Any] = {"render_as_batch": True, "compare_type": True}


def next_revision_id(_context: Any, _revision: Any, directives: list[MigrationScript]) -> None:
    head = ScriptDirectory.from_config(config).get_current_head()
    if directives and head is not None and head.isdigit():
        directives[0].rev_id = f"{int(head) + 1:04d}"


if context.is_offline_mode():
    context.configure(url=url, target_metadata=metadata, literal_binds=True, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()
else:
    connectable = make_engine(url)
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            process_revision_directives=next_revision_id,
            **OPTIONS,
        )
        with context.begin_transaction():
            context.run_migrations()
    connectable.dispose()
