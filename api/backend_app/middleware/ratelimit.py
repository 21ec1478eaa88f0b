"""Rate-limit every request by client address, except the health and status routes.

Paths under /api/auth/ count in group "auth" with `RATE_LIMIT_AUTH`, everything else (unknown
paths included, so scanning is limited too) in group "default" with `RATE_LIMIT_DEFAULT`.
Answers that pass carry X-RateLimit-Limit/Remaining/Reset; refused ones are the 429 (or, for a
fail-closed group with Redis down, the 503) in the error envelope. Pure ASGI: this runs outside
FastAPI's exception handlers, so it renders its own errors.
"""

from __future__ import annotations

from backend_app.core.client_ip import ClientAddressResolver
from backend_app.services.ratelimit import RateLimitedError, RateLimiter, RateLimitUnavailableError
from failsafe.asgi import ASGIApp, Message, Receive, Scope, Send, route_path
from failsafe.catalogue import AUTH_PATH, PROBE_PATHS
from failsafe.errors import send_error

AUTH_PREFIX = AUTH_PATH + "/"


class RateLimitMiddleware:
    def __init__(
        self, app: ASGIApp, limiter: RateLimiter, resolver: ClientAddressResolver, default_limit: str, auth_limit: str
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.resolver = resolver
        self.default_limit = default_limit
        self.auth_limit = auth_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = route_path(scope) if scope["type"] == "http" else ""
        if scope["type"] != "http" or path in PROBE_PATHS:
            await self.app(scope, receive, send)
            return
        if path.startswith(AUTH_PREFIX):
            group, limit, setting = "auth", self.auth_limit, "RATE_LIMIT_AUTH"
        else:
            group, limit, setting = "default", self.default_limit, "RATE_LIMIT_DEFAULT"
        try:
            decision = await self.limiter.check(group, limit, self.resolver(scope), setting)
        except (RateLimitedError, RateLimitUnavailableError) as exc:
            headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in exc.headers.items()]
            await send_error(
                send,
                exc.status_code,
                exc.code,
                exc.detail_message,
                details=exc.details,
                headers=headers,
                head=scope.get("method") == "HEAD",
            )
            return
        extra = [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in decision.headers().items()
        ]

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {key.lower() for key, _ in message.get("headers", [])}
                # A route's own, stricter check (per account) wins over the per-address one.
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_limits)
