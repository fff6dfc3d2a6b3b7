"""never-reused ids on SQLite: every table keyed by one integer column is rebuilt with
AUTOINCREMENT, so an id deleted (a scenario, a plan run) is never given to another row and
the audit history of an id stays one object's. PostgreSQL's sequences never reuse a value:
nothing changes there.

The rebuild is SQLite's own procedure (create the new table, copy, drop the old, rename),
run with foreign keys off (see env.py), keeping the primary key's name and every index.

Revision ID: 0018
Revises: 0014
Create Date: 2026-11-30 18:00:00.000000
"""

import re
from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HEAD = re.compile(r'CREATE TABLE\s+"?\w+"?\s*\(')
KEY = re.compile(r",\s*CONSTRAINT (\w+) PRIMARY KEY \((\w+)\)")


def with_autoincrement(sql: str) -> str | None:
    """The table's CREATE statement with its one-column integer key made AUTOINCREMENT,
    or None when the table has no such key (or has it already)."""
    if "AUTOINCREMENT" in sql:
        return None
    keys = KEY.findall(sql)
    if len(keys) != 1:
        return None
    name, column = keys[0]
    declared = re.compile(rf"(\n\s*{column} INTEGER NOT NULL)(?=,)")
    if not declared.search(sql):
        return None
    sql = KEY.sub("", sql, count=1)
    return declared.sub(rf"\1 CONSTRAINT {name} PRIMARY KEY AUTOINCREMENT", sql, count=1)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    tables = bind.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name != 'alembic_version' ORDER BY name"
    ).fetchall()
    for table, sql in tables:
        rebuilt = with_autoincrement(sql)
        if rebuilt is None:
            continue
        indexes = [
            row[0]
            for row in bind.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
                " AND sql IS NOT NULL",
                (table,),
            )
        ]
        columns = ", ".join(
            f'"{row[1]}"' for row in bind.exec_driver_sql(f'PRAGMA table_info("{table}")')
        )
        staging = f"_rebuild_{table}"
        bind.exec_driver_sql(HEAD.sub(f'CREATE TABLE "{staging}" (', rebuilt, count=1))
        bind.exec_driver_sql(f'INSERT INTO "{staging}" ({columns}) SELECT {columns} FROM "{table}"')
        bind.exec_driver_sql(f'DROP TABLE "{table}"')
        bind.exec_driver_sql(f'ALTER TABLE "{staging}" RENAME TO "{table}"')
        for index in indexes:
            bind.exec_driver_sql(index)


def downgrade() -> None:
    """Nothing to undo: AUTOINCREMENT changes which ids are handed out, not the schema the
    earlier revisions expect."""
