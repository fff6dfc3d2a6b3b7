"""Alembic environment: runs migrations against the configured URL.

The URL is the caller's (``baotong db``, the tests) or, for the ``alembic`` command run
from the repository root, the one the ``BAOTONG_*`` settings give. New revisions get the
next sequential id after the head (``0003`` after ``0002``).

On SQLite, migrations run with foreign keys off: a batch migration rebuilds a table
(create, copy, drop, rename), and with foreign keys on, dropping the old table would
delete its children through ``ON DELETE CASCADE``. The pragma can only change outside a
transaction, so it is set before the migration transaction begins; afterwards
``PRAGMA foreign_key_check`` must find nothing, or the migration fails and is rolled back.
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


def foreign_keys(connection: Any, *, on: bool) -> None:
    """Switch SQLite's foreign keys, on the driver's connection: SQLAlchemy would open a
    transaction first, and inside one the pragma does nothing."""
    cursor = connection.connection.dbapi_connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    cursor.close()


def check_foreign_keys(connection: Any) -> None:
    """Fail the migration when a rebuilt table left rows pointing at nothing."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        first = broken[0]
        raise RuntimeError(
            f"migration left {len(broken)} row(s) with a broken foreign key, "
            f"first: table {first[0]} row {first[1]} -> {first[2]}"
        )


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
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            foreign_keys(connection, on=False)
        try:
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    check_foreign_keys(connection)
        finally:
            if sqlite:
                connection.rollback()  # nothing is open after a commit; after a failure, end it
                foreign_keys(connection, on=True)
    connectable.dispose()
