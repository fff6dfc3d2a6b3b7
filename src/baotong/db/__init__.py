"""The database: one declarative base, engines and sessions, Alembic migrations.

SQLite (a file in the data directory, WAL mode, foreign keys on) is the embedded default;
PostgreSQL is used through ``BAOTONG_DATABASE_URL=postgresql+psycopg://...``.
"""
