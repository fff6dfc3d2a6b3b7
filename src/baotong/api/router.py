"""``/api/v1``: every domain's API, in one router."""

from __future__ import annotations

from fastapi import APIRouter

from baotong.audit import api as audit_api
from baotong.auth import api as auth_api
from baotong.contingency import api as contingency_api
from baotong.network import api as network_api

router = APIRouter(prefix="/api/v1")
router.include_router(auth_api.router)
router.include_router(auth_api.users_router)
router.include_router(network_api.router)
router.include_router(contingency_api.router)
router.include_router(audit_api.router)
