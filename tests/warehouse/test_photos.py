"""A receiving clerk attaches photos of the delivery or its damage to a receipt: pictures
only, at most 10 MB, kept in the data folder, listed on the receipt and served with their
picture type to those who may see the warehouse."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.warehouse.conftest import CODE, make_site
from tests.web.conftest import log_in

from baotong.config import Settings
from baotong.core.exceptions import ValidationError
from baotong.db.session import session_scope
from baotong.warehouse import inbound, photos
from baotong.warehouse.schemas import ItemLine

API = "/api/v1/warehouse"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _receipt(seeded: sessionmaker[Session]) -> int:
    with session_scope(seeded) as session:
        make_site(session)
        doc = inbound.expect_receipt(
            session, CODE, [ItemLine(sku="FOOD-RICE-5", qty=10)], "supply_contract", "C-1"
        )
        return doc.id


def test_a_photo_is_kept_listed_and_served_with_its_type(
    client: TestClient, users: Any, seeded: sessionmaker[Session], service_settings: Settings
) -> None:
    doc_id = _receipt(seeded)
    op = users.headers("warehouse_operator")
    reply = client.post(
        f"{API}/documents/{doc_id}/photos",
        headers=op,
        files={"file": ("破损.png", PNG, "image/png")},
    )
    assert reply.status_code == 201, reply.text
    name = reply.json()["name"]
    assert name.endswith("-破损.png")
    assert (photos.folder(service_settings, doc_id) / name).read_bytes() == PNG
    doc = client.get(f"{API}/documents/{doc_id}", headers=op).json()
    assert doc["data"]["photos"] == [name]
    served = client.get(f"{API}/documents/{doc_id}/photos/{name}", headers=op)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.content == PNG
    # receiving afterwards keeps the photo taken before
    body = {"document_id": doc_id, "lines": [{"sku": "FOOD-RICE-5", "qty": 10}]}
    received = client.post(f"{API}/sites/{CODE}/receipts", headers=op, json=body)
    assert received.status_code == 200, received.text
    assert received.json()["document"]["data"]["photos"] == [name]
    page = log_in(client, seeded, "admin").get(f"/warehouse/documents/{doc_id}")
    assert f"/api/v1/warehouse/documents/{doc_id}/photos/" in page.text
    assert 'data-testid="photo-form"' in page.text


def test_only_pictures_up_to_10_mb_are_taken(
    client: TestClient, users: Any, seeded: sessionmaker[Session], service_settings: Settings
) -> None:
    doc_id = _receipt(seeded)
    op = users.headers("warehouse_operator")
    url = f"{API}/documents/{doc_id}/photos"
    for filename, content, code in [
        ("notes.txt", b"hello", "warehouse.photo_kind"),
        ("fake.jpg", b"<html>not a picture</html>", "warehouse.photo_kind"),
        ("empty.png", b"", "warehouse.photo_size"),
    ]:
        reply = client.post(url, headers=op, files={"file": (filename, content, "image/png")})
        assert reply.status_code == 422, reply.text
        assert reply.json()["code"] == code
        assert reply.json()["field"] == "file"
    # a request above the service's body limit is refused before it is read
    big = PNG + b"\x00" * service_settings.max_body_bytes
    too_large = client.post(url, headers=op, files={"file": ("big.png", big, "image/png")})
    assert too_large.status_code == 413
    with pytest.raises(ValidationError) as huge:  # the photo's own limit, 10 MB
        photos.check("huge.png", PNG + b"\x00" * photos.MAX_BYTES, field="file")
    assert huge.value.code == "warehouse.photo_size"
    assert photos.check("ok.png", PNG + b"\x00" * (photos.MAX_BYTES - len(PNG)), field="file")
    assert not photos.folder(service_settings, doc_id).exists()  # nothing half-written
    assert client.get(f"{API}/documents/{doc_id}", headers=op).json()["data"].get("photos") in (
        None,
        [],
    )


def test_photos_are_checked_for_role_and_scope(
    client: TestClient, users: Any, seeded: sessionmaker[Session]
) -> None:
    doc_id = _receipt(seeded)
    op = users.headers("warehouse_operator")
    url = f"{API}/documents/{doc_id}/photos"
    stranger = users.headers("warehouse_operator", "420000")  # another province's warehouse
    assert client.post(url, headers=stranger, files={"file": ("a.png", PNG)}).status_code == 404
    name = client.post(url, headers=op, files={"file": ("a.png", PNG)}).json()["name"]
    assert client.get(f"{url}/{name}", headers=stranger).status_code == 404
    unlisted = client.get(f"{url}/00000000-other.png", headers=op)  # the receipt is there
    assert unlisted.status_code == 422
    assert (unlisted.json()["code"], unlisted.json()["field"]) == ("warehouse.no_photo", "name")
    assert client.get(f"{url}/..%2F..%2Fsecret.png", headers=op).status_code == 404
    client.cookies.clear()  # nobody logged in
    assert client.get(f"{url}/{name}").status_code == 401
