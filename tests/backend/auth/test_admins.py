"""The last active admin stays an admin, whoever asks and however its id is spelled."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from backend_app.services.container import services_of
from tests.backend.conftest import PASSWORD

pytestmark = pytest.mark.anyio


async def _admin(client: httpx.AsyncClient, email: str) -> tuple[str, dict[str, str]]:
    user = await services_of(client.app).auth.register(email, PASSWORD, role="admin")  # type: ignore[attr-defined]
    login = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    return user.id, {"authorization": f"Bearer {login.json()['access_token']}"}


def _spellings(user_id: str) -> list[str]:
    value = uuid.UUID(user_id)
    return [str(value).upper(), value.hex, f"urn:uuid:{value}", "{" + str(value) + "}"]


async def test_the_only_admin_cannot_demote_or_deactivate_itself_by_any_spelling(client: httpx.AsyncClient) -> None:
    admin_id, auth = await _admin(client, "root@example.com")
    for spelling in [admin_id, *_spellings(admin_id)]:
        for body in ({"role": "user"}, {"active": False}):
            reply = await client.patch(f"/api/admin/users/{spelling}", json=body, headers=auth)
            assert (reply.status_code, reply.json()["error"]["code"]) == (409, "last_admin"), spelling
    assert (await client.get("/api/admin/users", headers=auth)).status_code == 200  # still an admin


async def test_an_admin_of_several_cannot_demote_itself_by_another_spelling(client: httpx.AsyncClient) -> None:
    admin_id, auth = await _admin(client, "root@example.com")
    await _admin(client, "second@example.com")
    reply = await client.patch(f"/api/admin/users/{admin_id.upper()}", json={"role": "user"}, headers=auth)
    assert (reply.status_code, reply.json()["error"]["code"]) == (403, "forbidden")


async def test_two_admins_demoting_each_other_at_once_leave_one(client: httpx.AsyncClient) -> None:
    a_id, a_auth = await _admin(client, "a@example.com")
    b_id, b_auth = await _admin(client, "b@example.com")
    replies = await asyncio.gather(
        client.patch(f"/api/admin/users/{b_id}", json={"role": "user"}, headers=a_auth),
        client.patch(f"/api/admin/users/{a_id}", json={"active": False}, headers=b_auth),
    )
    # The loser is refused: 409 when it passed the admin check first, 403 when it was demoted already.
    codes = sorted((r.status_code, r.json().get("error", {}).get("code")) for r in replies)
    assert codes[0][0] == 200 and codes[1] in [(403, "forbidden"), (409, "last_admin")], [r.text for r in replies]
    users, _ = await services_of(client.app).user_admin.page(10, 0)  # type: ignore[attr-defined]
    assert [u.id for u in users if u.is_admin and u.is_active] in ([a_id], [b_id])


async def test_inactive_admins_do_not_count(client: httpx.AsyncClient) -> None:
    a_id, a_auth = await _admin(client, "a@example.com")
    b_id, _ = await _admin(client, "b@example.com")
    c_id, _ = await _admin(client, "c@example.com")
    assert (await client.patch(f"/api/admin/users/{b_id}", json={"role": "user"}, headers=a_auth)).status_code == 200
    assert (await client.patch(f"/api/admin/users/{c_id}", json={"active": False}, headers=a_auth)).status_code == 200
    reply = await client.patch(f"/api/admin/users/{a_id}", json={"role": "user", "active": True}, headers=a_auth)
    assert (reply.status_code, reply.json()["error"]["code"]) == (409, "last_admin")


@pytest.mark.parametrize("bad", ["not-a-uuid", "0" * 31])
async def test_a_malformed_id_is_a_validation_error(client: httpx.AsyncClient, bad: str) -> None:
    _, auth = await _admin(client, "root@example.com")
    reply = await client.patch(f"/api/admin/users/{bad}", json={"role": "user"}, headers=auth)
    assert (reply.status_code, reply.json()["error"]["code"]) == (422, "validation_error")
