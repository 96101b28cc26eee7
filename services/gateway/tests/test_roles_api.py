"""`GET /api/v1/roles`: the web app's role table is the gateway's own, lowest role first, and
only a signed-in caller reads it."""

from __future__ import annotations

import httpx

from parley.gateway.domain.roles import PERMISSIONS, ROLES

from .conftest import NewAccount


async def test_the_role_table_is_the_domains(api: httpx.AsyncClient, account: NewAccount) -> None:
    ana = await account("ana")
    answer = await api.get("/api/v1/roles", headers=ana.auth)
    assert answer.status_code == 200, answer.text
    assert answer.json() == [
        {"role": role, "rank": rank, "permissions": sorted(PERMISSIONS[role])}
        for rank, role in enumerate(ROLES)
    ]
    assert (answer.json()[0]["role"], answer.json()[-1]["role"]) == ("viewer", "owner")


async def test_the_role_table_needs_a_signed_in_caller(api: httpx.AsyncClient) -> None:
    anonymous = await api.get("/api/v1/roles")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    forged = await api.get("/api/v1/roles", headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401
