"""Twenty registrations of one email at once: exactly one account, one 201, the rest 409, no 5xx."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest

from backend_app.services.container import services_of

pytestmark = pytest.mark.anyio


async def test_concurrent_registrations_of_one_email(client: httpx.AsyncClient) -> None:
    async def register(i: int) -> int:
        email = "race@example.com" if i % 2 else "RACE@example.com"  # case must not split the race
        response = await client.post("/api/auth/register", json={"email": email, "password": f"password {i:02d}"})
        return response.status_code

    statuses = Counter(await asyncio.gather(*(register(i) for i in range(20))))
    assert statuses == Counter({201: 1, 409: 19})
    async with services_of(client.app).database.transaction() as conn:  # type: ignore[attr-defined]
        row = await conn.fetch_one("SELECT COUNT(*) AS n FROM users WHERE email = $1", "race@example.com")
    assert row is not None and row["n"] == 1
