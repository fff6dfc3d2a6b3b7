"""Settings from the environment (``BAOTONG_*``), with embedded defaults.

The default database is an SQLite file in the data directory (``BAOTONG_DATA_DIR``,
``./var`` unless set); production points ``BAOTONG_DATABASE_URL`` at PostgreSQL.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BAOTONG_", extra="ignore")

    environment: str = "development"
    data_dir: Path = Path("var")
    database_url: str | None = None
    secret_key: str | None = None
    token_ttl_minutes: int = Field(default=12 * 60, ge=1)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)  # service processes `baotong serve` starts
    job_workers: int = Field(default=2, ge=1, le=32)  # jobs computed at once by this process
    job_heartbeat_seconds: float = Field(default=10.0, gt=0)  # also the deadline sweep period
    dask_scheduler: str | None = None  # tcp://host:port, or "local"; threads when unset
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)  # larger requests: 413
    step_threads: int = Field(default=2, ge=1, le=15)  # scans at once a process (api.deps.Step)
    login_max_failures: int = Field(default=5, ge=1)  # per account or address, then back-off
    login_window_minutes: int = Field(default=15, ge=1)  # failures older than this are forgotten
    login_max_lockout_seconds: int = Field(default=900, ge=1)  # the longest back-off
    # Notifications by email: off unless a host is given (then every notification also goes
    # to its recipient's address). Links in emails start with ``public_url``.
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_from: str = "baotong@localhost"
    public_url: str | None = None  # e.g. https://baotong.example.org; else http://host:port
    public_requests_per_minute: int = Field(default=120, ge=1)  # per client, public pages/API
    scan_retention_days: int = Field(default=400, ge=1, le=36500)  # `baotong tracking prune`

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment == "production":
            if not self.secret_key or len(self.secret_key) < 32:
                raise ValueError("BAOTONG_SECRET_KEY must be set to at least 32 characters")
            if not self.database_url:
                raise ValueError("BAOTONG_DATABASE_URL must be set in production")
        return self

    @property
    def base_url(self) -> str:
        """Where people open the console (links in emails)."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'baotong.db').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
