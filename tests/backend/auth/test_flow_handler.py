"""The whole flow through `api.index.handler`, with HTTP API and REST API events, on both databases."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.localplatform.events import Format
from tests.backend.conftest import PASSWORD, RELAXED_LIMIT, SECRET
from tests.support.create_admin import run_create_admin
from tests.support.events import lambda_event
from tests.support.replies import Reply, bearer, lambda_reply


@pytest.mark.parametrize("kind", ["http", "rest"])
def test_whole_flow(kind: Format, database_url: str, load_entry: Any) -> None:
    env = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database_url,
        "RATE_LIMIT_AUTH": RELAXED_LIMIT,
        "RATE_LIMIT_ACCOUNT": RELAXED_LIMIT,
        "REDIS_URL": "",
    }
    entry = load_entry(env)

    def call(method: str, path: str, *, body: Any = None, **kw: Any) -> Reply:
        return lambda_reply(entry.handler(lambda_event(kind, method, path, json_body=body, **kw), None))

    # register: 201, duplicate (any case) 409, invalid input 422 naming the fields
    created = call("POST", "/api/auth/register", body={"email": "Ann@Example.com", "password": PASSWORD})
    assert created.status == 201, created.text
    assert created.json()["email"] == "ann@example.com" and created.json()["role"] == "user"
    assert set(created.json()) == {"id", "email", "role", "active", "created_at"}
    dup = call("POST", "/api/auth/register", body={"email": "ANN@example.COM", "password": PASSWORD})
    assert (dup.status, dup.code) == (409, "email_taken")
    bad = call("POST", "/api/auth/register", body={"email": "not-an-email", "password": "Zq7xk"})
    assert bad.status == 422
    assert {d["field"] for d in bad.json()["error"]["details"]} == {"body.email", "body.password"}
    assert "Zq7xk" not in bad.text  # submitted values never come back

    # login: JSON and the OAuth2 form; wrong password and unknown email answer alike
    login = call("POST", "/api/auth/login", body={"email": "ann@example.com", "password": PASSWORD})
    assert login.status == 200, login.text
    tokens = login.json()
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] > 0
    form = call("POST", "/api/auth/login", form=f"username=ANN%40example.com&password={PASSWORD.replace(' ', '+')}")
    assert form.status == 200, form.text
    wrong = call("POST", "/api/auth/login", body={"email": "ann@example.com", "password": "wrong password"})
    unknown = call("POST", "/api/auth/login", body={"email": "nobody@example.com", "password": "wrong password"})
    assert (wrong.status, wrong.code) == (unknown.status, unknown.code) == (401, "invalid_credentials")
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]

    # me: with the token, without it, with a tampered one
    me = call("GET", "/api/users/me", headers=bearer(tokens["access_token"]))
    assert me.status == 200 and me.json()["email"] == "ann@example.com" and me.json()["active"] is True
    anonymous = call("GET", "/api/users/me")
    assert (anonymous.status, anonymous.code) == (401, "invalid_token")
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    tampered = call("GET", "/api/users/me", headers=bearer(tokens["access_token"][:-3] + "AAA"))
    assert (tampered.status, tampered.code) == (401, "invalid_token")
    refresh_as_access = call("GET", "/api/users/me", headers=bearer(tokens["refresh_token"]))
    assert refresh_as_access.status == 401

    # refresh rotates: the used refresh token stops working, and its reuse ends the whole login
    rotated = call("POST", "/api/auth/refresh", body={"refresh_token": tokens["refresh_token"]})
    assert rotated.status == 200, rotated.text
    reused = call("POST", "/api/auth/refresh", body={"refresh_token": tokens["refresh_token"]})
    assert (reused.status, reused.code) == (401, "invalid_token")
    assert call("GET", "/api/users/me", headers=bearer(rotated.json()["access_token"])).status == 401
    again = call("POST", "/api/auth/login", body={"email": "ann@example.com", "password": PASSWORD})
    fresh = call("POST", "/api/auth/refresh", body={"refresh_token": again.json()["refresh_token"]}).json()

    # logout ends the session: its access and refresh tokens stop working; other logins do not
    assert call("POST", "/api/auth/logout", headers=bearer(fresh["access_token"])).status == 204
    assert call("GET", "/api/users/me", headers=bearer(fresh["access_token"])).status == 401
    assert call("POST", "/api/auth/refresh", body={"refresh_token": fresh["refresh_token"]}).status == 401
    other = form.json()
    assert call("GET", "/api/users/me", headers=bearer(other["access_token"])).status == 200

    # admin routes: 403 for a user; the first admin comes from scripts/create_admin.py
    users_page = call("GET", "/api/admin/users", headers=bearer(other["access_token"]))
    assert (users_page.status, users_page.code) == (403, "forbidden")
    made = run_create_admin("root@example.com", "admin password 1", {"DATABASE_URL": database_url, **env})
    assert made.returncode == 0, made.stderr
    admin = call("POST", "/api/auth/login", body={"email": "root@example.com", "password": "admin password 1"}).json()
    page = call("GET", "/api/admin/users", headers=bearer(admin["access_token"]), query={"limit": "1", "offset": "0"})
    assert page.status == 200, page.text
    assert page.json()["total"] == 2 and len(page.json()["items"]) == 1
    ann_id = created.json()["id"]
    promoted = call(
        "PATCH", f"/api/admin/users/{ann_id}", body={"role": "admin"}, headers=bearer(admin["access_token"])
    )
    assert promoted.status == 200 and promoted.json()["role"] == "admin"
    assert call("GET", "/api/admin/users", headers=bearer(other["access_token"])).status == 200  # role is live
    missing = call(
        "PATCH",
        "/api/admin/users/00000000-0000-0000-0000-000000000000",
        body={"active": False},
        headers=bearer(admin["access_token"]),
    )
    assert (missing.status, missing.code) == (404, "user_not_found")
    disabled = call(
        "PATCH",
        f"/api/admin/users/{ann_id}",
        body={"active": False, "role": "user"},
        headers=bearer(admin["access_token"]),
    )
    assert disabled.status == 200 and disabled.json()["active"] is False
    assert call("GET", "/api/users/me", headers=bearer(other["access_token"])).status == 401
    relogin = call("POST", "/api/auth/login", body={"email": "ann@example.com", "password": PASSWORD})
    assert (relogin.status, relogin.code) == (403, "account_disabled")
    call("PATCH", f"/api/admin/users/{ann_id}", body={"active": True}, headers=bearer(admin["access_token"]))

    # password change: needs the current password, ends every earlier token
    ann = call("POST", "/api/auth/login", body={"email": "ann@example.com", "password": PASSWORD}).json()
    refused = call(
        "PATCH",
        "/api/users/me/password",
        headers=bearer(ann["access_token"]),
        body={"current_password": "not it at all", "new_password": "new password 2"},
    )
    assert (refused.status, refused.code) == (401, "invalid_credentials")
    changed = call(
        "PATCH",
        "/api/users/me/password",
        headers=bearer(ann["access_token"]),
        body={"current_password": PASSWORD, "new_password": "new password 2"},
    )
    assert changed.status == 204
    assert call("GET", "/api/users/me", headers=bearer(ann["access_token"])).status == 401
    assert call("POST", "/api/auth/refresh", body={"refresh_token": ann["refresh_token"]}).status == 401
    assert call("POST", "/api/auth/login", body={"email": "ann@example.com", "password": PASSWORD}).status == 401
    assert (
        call("POST", "/api/auth/login", body={"email": "ann@example.com", "password": "new password 2"}).status == 200
    )

    # the database shows in /api/status, healthy, on what it runs
    status = call("GET", "/api/status").json()
    database = status["services"]["database"]
    assert database["healthy"] is True
    assert database["configured"] == ("postgresql" if database_url.startswith("postgres") else "sqlite")
