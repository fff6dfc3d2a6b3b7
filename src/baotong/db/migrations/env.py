"""Alembic environment: runs migrations online against the configured URL."""

from __future__ import annotations

from alembic import context

from baotong.db.registry import metadata
from baotong.db.session import make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or "sqlite://"
connectable = make_engine(url)

with connectable.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
connectable.dispose()
