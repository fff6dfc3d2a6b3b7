"""Files attached to a demand table: contract documents and arrival photos.

They are kept under ``<data_dir>/supply/<table id>/`` with a random prefix, so two uploads of
``合同.pdf`` do not overwrite each other; a contract or an arrival row lists the stored names.
Only documents and pictures are taken (PDF, Office, images), at most 10 MB each.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from baotong.config import Settings
from baotong.core.exceptions import ValidationError

MAX_BYTES = 10 * 1024 * 1024
KINDS = {".pdf", ".jpg", ".jpeg", ".png", ".webp", ".heic", ".xlsx", ".docx", ".doc", ".xls"}
MEDIA = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
STORED = re.compile(r"^[0-9a-f]{8}-[^/\\]{1,120}$")


def folder(settings: Settings, table_id: int) -> Path:
    return settings.data_dir / "supply" / str(table_id)


def save(settings: Settings, table_id: int, filename: str, content: bytes, *, field: str) -> str:
    """Keep an uploaded file for a table; the stored name (to list on the contract or arrival)."""
    name = Path(filename.replace("\\", "/")).name.strip() or "file"
    suffix = Path(name).suffix.lower()
    if suffix not in KINDS:
        raise ValidationError(
            f"'{name}' is not a document or a picture ({', '.join(sorted(KINDS))}).",
            code="supply.file_kind",
            field=field,
            value=name,
        )
    if not content or len(content) > MAX_BYTES:
        raise ValidationError(
            f"'{name}' must hold 1 byte to 10 MB.", code="supply.file_size", field=field, value=name
        )
    stored = f"{secrets.token_hex(4)}-{name[-120:]}"
    target = folder(settings, table_id)
    target.mkdir(parents=True, exist_ok=True)
    (target / stored).write_bytes(content)
    return stored


def path(settings: Settings, table_id: int, name: str) -> Path:
    """Where a stored file of a table lies; ValidationError when it has no such file."""
    found = folder(settings, table_id) / name
    if not is_stored(name) or not found.is_file():
        raise ValidationError(
            f"demand table {table_id} has no file '{name}'.",
            code="supply.no_file",
            field="name",
            value=name,
            table=table_id,
        )
    return found


def is_stored(name: str) -> bool:
    """``name`` is the stored name of an uploaded file (not a typed reference)."""
    return bool(STORED.match(name))


def media_type(name: str) -> str:
    return MEDIA.get(Path(name).suffix.lower(), "application/octet-stream")
