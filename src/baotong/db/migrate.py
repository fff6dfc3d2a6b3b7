"""Alembic, driven from code: upgrade, downgrade, new revisions, current and head revision.

``alembic.ini`` at the repository root says the same (script location, file template), so
``alembic revision --autogenerate`` and ``baotong db revision --autogenerate`` write the
same file. Revision ids are sequential (``0001``, ``0002``…), chosen in ``env.py``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"
FILE_TEMPLATE = "%(year)d_%(month).2d_%(day).2d_%(rev)s_%(slug)s"
POST_WRITE_HOOKS = {  # new revisions come out linted and formatted
    "hooks": "ruff_fix, ruff_format",
    "ruff_fix.type": "module",
    "ruff_fix.module": "ruff",
    "ruff_fix.options": "check --fix --exit-zero --quiet REVISION_SCRIPT_FILENAME",
    "ruff_format.type": "module",
    "ruff_format.module": "ruff",
    "ruff_format.options": "format --quiet REVISION_SCRIPT_FILENAME",
}


def alembic_config(url: str, *, script_location: Path | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location or MIGRATIONS))
    config.set_main_option("file_template", FILE_TEMPLATE.replace("%", "%%"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("revision_environment", "true")  # env.py numbers new revisions
    for name, value in POST_WRITE_HOOKS.items():
        config.set_section_option("post_write_hooks", name, value)
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "-1") -> None:
    command.downgrade(alembic_config(url), revision)


def revision(
    url: str, message: str, *, autogenerate: bool = False, script_location: Path | None = None
) -> Path:
    """Write a new migration after the head; with ``autogenerate`` from the models' diff
    against the database at ``url`` (which must be at head). Returns the file written."""
    config = alembic_config(url, script_location=script_location)
    written = command.revision(config, message=message, autogenerate=autogenerate)
    script = written[0] if isinstance(written, list) else written
    if script is None:
        raise RuntimeError("alembic wrote no revision")
    return Path(script.path)


def heads(script_location: Path | None = None) -> list[str]:
    """Every head of the history: exactly one when the migrations form a line."""
    config = alembic_config("sqlite://", script_location=script_location)
    return list(ScriptDirectory.from_config(config).get_heads())


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_at_head(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
