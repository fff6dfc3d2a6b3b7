"""Alembic migrations of Baotong's schema (``baotong db upgrade`` / ``downgrade``)."""
