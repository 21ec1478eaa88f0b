"""Register, log in, refresh, log out, resolve the caller: the rules, apart from HTTP.

Revocation lives in the database, so it holds on every instance at once and does not depend on
Redis: logout revokes the login's session id (both of its tokens stop working), a refresh token
is revoked as it is used (rotation; a second use is refused and ends its whole login: reuse
detection), and a password change or a deactivation bumps the user's `token_version`, ending
every token issued before.
"""

from __future__ import annotations

import unicodedata
import uuid
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from backend_app.core.auth_errors import (
    AccountDisabledError,
    EmailTakenError,
    InvalidCredentialsError,
    InvalidTokenError,
    UserNotFoundError,
)
from backend_app.core.passwords import PasswordHasher
from backend_app.core.tokens import Claims, TokenCodec
from backend_app.db.base import UniqueViolation
from backend_app.services.database import DatabaseService
from backend_app.stores.users import Role, User, UserStore
from failsafe.logs import get_logger

log = get_logger("auth")


class TokenPair(NamedTuple):
    access_token: str
    refresh_token: str
    expires_in: int


class AuthService:
    def __init__(self, database: DatabaseService, hasher: PasswordHasher, tokens: TokenCodec) -> None:
        self.database, self.hasher, self.tokens = database, hasher, tokens
        self.users = UserStore()

    async def register(self, email: str, password: str, role: Role = "user") -> User:
        async with self.database.transaction() as conn:
            taken = await self.users.by_email(conn, email) is not None
        if taken:  # cheap early answer; the UNIQUE constraint below is what decides a race
            raise EmailTakenError()
        password_hash = await self.hasher.hash(_nfkc(password))
        try:
            async with self.database.transaction() as conn:
                return await self.users.create(conn, email, password_hash, role)
        except UniqueViolation:
            raise EmailTakenError() from None

    async def login(self, email: str, password: str) -> TokenPair:
        async with self.database.transaction(read_only=True) as conn:
            user = await self.users.by_email(conn, email)
        if user is None:
            for candidate in _candidates(password):  # the same hashes as a wrong password costs
                await self.hasher.dummy_verify(candidate)
            raise InvalidCredentialsError()
        ok, new_hash = await self._verify(password, user)
        if not ok:
            raise InvalidCredentialsError()
        if not user.is_active:
            raise AccountDisabledError()
        if new_hash is not None:  # an outdated scheme (plain bcrypt from an older deployment)
            async with self.database.transaction() as conn:
                await self.users.set_password_hash(conn, user.id, new_hash, bump=False)
        return self._issue(user, sid=uuid.uuid4().hex)

    async def _verify(self, password: str, user: User) -> tuple[bool, str | None]:
        """Check `password` NFKC-normalised; a hash made from the unnormalised form still verifies once.

        Hashes stored before passwords were normalised hold the password as typed: when that is
        what matches, the NFKC form is hashed and stored (the second tuple item), as for an
        outdated scheme. A wrong password always costs what `login` spends on an unknown email.
        """
        given, *legacy = _candidates(password)
        ok, new_hash = await self.hasher.verify_and_update(given, user.password_hash, account=user.id)
        if ok or not legacy:
            return ok, new_hash
        ok, _ = await self.hasher.verify_and_update(legacy[0], user.password_hash, account=user.id)
        return ok, (await self.hasher.hash(given) if ok else None)

    def _issue(self, user: User, sid: str) -> TokenPair:
        access, claims = self.tokens.issue("access", user.id, user.token_version, sid)
        refresh, _ = self.tokens.issue("refresh", user.id, user.token_version, sid)
        return TokenPair(access, refresh, claims.exp - int(datetime.now(UTC).timestamp()))

    async def current_user(self, token: str, expected: str = "access") -> tuple[User, Claims]:
        claims = self.tokens.decode(token, "refresh" if expected == "refresh" else "access")
        async with self.database.transaction(read_only=True) as conn:  # one statement
            user = await self.users.by_id_unless_revoked(conn, claims.sub, claims.sid)
        if user is None or not user.is_active or user.token_version != claims.ver:
            raise InvalidTokenError()
        return user, claims

    async def refresh(self, refresh_token: str) -> TokenPair:
        user, claims = await self.current_user(refresh_token, expected="refresh")
        try:
            async with self.database.transaction() as conn:
                await self.users.revoke(conn, claims.jti, user.id, _expiry(claims))
        except UniqueViolation:  # used before: rotation means it works once
            await self._end_family(user, claims)
            raise InvalidTokenError() from None
        return self._issue(user, sid=claims.sid)

    async def _end_family(self, user: User, claims: Claims) -> None:
        """A spent refresh token came back: a copy is in other hands, so every token of its login goes.

        The thief or the owner, whoever refreshed first, holds a live pair; revoking the session id
        ends both (rotation with reuse detection), and the owner logs in again.
        """
        log.warning("a spent refresh token was reused for account %s: session revoked", user.id)
        until = datetime.now(UTC) + timedelta(seconds=self.tokens.ttl["refresh"])
        try:
            async with self.database.transaction() as conn:
                await self.users.revoke(conn, claims.sid, user.id, until)
        except UniqueViolation:
            pass  # revoked meanwhile

    async def logout(self, user: User, claims: Claims) -> None:
        # The session's refresh token lives longer than the access token: keep the row that long.
        until = datetime.fromtimestamp(claims.exp + self.tokens.ttl["refresh"], UTC)
        try:
            async with self.database.transaction() as conn:
                await self.users.revoke(conn, claims.sid, user.id, until)
        except UniqueViolation:
            pass  # already logged out

    async def reset_account(self, email: str, password: str, *, make_admin: bool) -> tuple[User, User]:
        """An operator sets `password` on an existing account, ending every token it holds.

        `make_admin` also makes it an active admin. Returns the account before and after;
        `UserNotFoundError` when no account has this email.
        """
        new_hash = await self.hasher.hash(_nfkc(password))
        async with self.database.transaction() as conn:
            before = await self.users.by_email(conn, email)
            if before is None:
                raise UserNotFoundError("No account has this email.")
            await self.users.set_password_hash(conn, before.id, new_hash, bump=True)
            after = await self.users.update(
                conn, before.id, "admin" if make_admin else None, True if make_admin else None
            )
            if after is None:  # deleted since it was read
                raise UserNotFoundError("No account has this email.")
        return before, after

    async def change_password(self, user: User, current: str, new: str) -> None:
        ok, _ = await self._verify(current, user)
        if not ok:
            raise InvalidCredentialsError("The current password is wrong.")
        new_hash = await self.hasher.hash(_nfkc(new))
        async with self.database.transaction() as conn:
            await self.users.set_password_hash(conn, user.id, new_hash, bump=True)


def _nfkc(password: str) -> str:
    # NIST SP 800-63B: the same password typed on two keyboards (composed or not, fullwidth or
    # not) is the same password. ASCII is unchanged by NFKC.
    return unicodedata.normalize("NFKC", password)


def _candidates(password: str) -> list[str]:
    """The NFKC form first, then the password as typed when that differs (older hashes)."""
    given = _nfkc(password)
    return [given] if given == password else [given, password]


def _expiry(claims: Claims) -> datetime:
    return datetime.fromtimestamp(claims.exp, UTC)
