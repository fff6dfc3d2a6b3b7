"""Photos a receiving clerk attaches to a receipt: the delivery as it came, or its damage.

They are kept under ``<data_dir>/warehouse/receipts/<receipt id>/`` with a random prefix
(two ``IMG_0001.jpg`` do not overwrite each other) and listed in the receipt's
``data["photos"]``. Only pictures are taken — JPEG, PNG or WebP, recognised by their
content as well as their name — of 1 byte to 10 MB.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from baotong.config import Settings
from baotong.core.exceptions import ValidationError

MAX_BYTES = 10 * 1024 * 1024
MEDIA = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


def _looks_like(suffix: str, content: bytes) -> bool:
    if suffix in (".jpg", ".jpeg"):
        return content.startswith(b"\xff\xd8\xff")
    if suffix == ".png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    return content[:4] == b"RIFF" and content[8:12] == b"WEBP"


def folder(settings: Settings, document_id: int) -> Path:
    return settings.data_dir / "warehouse" / "receipts" / str(document_id)


def check(filename: str, content: bytes, *, field: str) -> str:
    """The clean name of an acceptable photo; ValidationError naming ``field`` if not."""
    name = Path(filename.replace("\\", "/")).name.strip() or "photo"
    suffix = Path(name).suffix.lower()
    if suffix not in MEDIA or (content and not _looks_like(suffix, content)):
        raise ValidationError(
            f"'{name}' is not a JPEG, PNG or WebP picture.",
            code="warehouse.photo_kind",
            field=field,
            value=name,
            name=name,
        )
    if not content or len(content) > MAX_BYTES:
        raise ValidationError(
            f"'{name}' must hold 1 byte to 10 MB.",
            code="warehouse.photo_size",
            field=field,
            value=name,
            name=name,
        )
    return name


def save(settings: Settings, document_id: int, name: str, content: bytes) -> str:
    """Keep a checked photo of a receipt; its stored name."""
    stored = f"{secrets.token_hex(4)}-{name[-120:]}"
    target = folder(settings, document_id)
    target.mkdir(parents=True, exist_ok=True)
    (target / stored).write_bytes(content)
    return stored


def media_type(name: str) -> str:
    return MEDIA.get(Path(name).suffix.lower(), "application/octet-stream")
