"""A header a client sends never chooses its own bucket."""

from __future__ import annotations

import json
from typing import Any

from backend_app import create_app
from backend_app.core.client_ip import ClientAddressResolver
from failsafe.lambda_entry import LambdaEntry
from failsafe.loader import BackendGate
from tests.backend.services.conftest import settings
from tests.support.paths import EVENTS


def _scope(peer: str | None, **headers: str) -> dict[str, Any]:
    raw = [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    return {"type": "http", "client": (peer, 1234) if peer else None, "headers": raw}


def test_forwarded_headers_are_ignored_without_trusted_proxies() -> None:
    resolve = ClientAddressResolver()
    assert resolve(_scope("198.51.100.1", x_forwarded_for="1.1.1.1", x_real_ip="2.2.2.2")) == "198.51.100.1"
    assert resolve(_scope(None)) == "unknown"


def test_trusted_proxies_are_walked_right_to_left() -> None:
    resolve = ClientAddressResolver(["10.0.0.0/8", "192.0.2.5"])
    spoofed_chain = "6.6.6.6, 203.0.113.9, 10.1.1.1"  # the client wrote 6.6.6.6 itself
    assert resolve(_scope("192.0.2.5", x_forwarded_for=spoofed_chain)) == "203.0.113.9"
    assert resolve(_scope("198.51.100.1", x_forwarded_for="203.0.113.9")) == "198.51.100.1"  # untrusted peer
    assert resolve(_scope("10.0.0.1", x_forwarded_for="junk, 10.2.2.2")) == "10.2.2.2"


def test_an_ipv4_proxy_matches_its_ipv4_mapped_spelling() -> None:
    for trusted, peer in (
        ("127.0.0.1", "::ffff:127.0.0.1"),
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("10.0.0.0/8", "::ffff:10.1.2.3"),
    ):
        resolve = ClientAddressResolver([trusted])
        assert resolve(_scope(peer, x_forwarded_for="203.0.113.9")) == "203.0.113.9", (trusted, peer)
    assert (
        ClientAddressResolver(["::ffff:10.0.0.0/104"])(_scope("10.1.2.3", x_forwarded_for="203.0.113.9"))
        == "203.0.113.9"
    )


def test_vercel_headers_count_only_on_vercel() -> None:
    scope = _scope("127.0.0.1", x_real_ip="203.0.113.50", x_forwarded_for="203.0.113.51")
    assert ClientAddressResolver(on_vercel=True)(scope) == "203.0.113.50"
    assert ClientAddressResolver(on_vercel=False)(scope) == "127.0.0.1"


def test_zone_ids_and_junk_are_never_a_client() -> None:
    resolve = ClientAddressResolver(["10.0.0.0/8"])
    # uvicorn or a proxy may hand over a peer string with a zone id; ipaddress would accept it.
    assert resolve(_scope("2001:db8:7::1%eth0")) == "unknown"
    assert resolve(_scope("::ffff:198.51.100.7%x")) == "unknown"
    # A zone id or junk left of the trusted hop ends the walk: the trusted hop counts, never the value.
    assert resolve(_scope("10.0.0.1", x_forwarded_for="::ffff:198.51.100.7%, 10.2.2.2")) == "10.2.2.2"
    assert resolve(_scope("10.0.0.1", x_forwarded_for="198.51.100.7:443")) == "10.0.0.1"


def test_vercel_takes_the_right_most_forwarded_address_when_x_real_ip_is_bad() -> None:
    resolve = ClientAddressResolver(on_vercel=True)
    scope = _scope("127.0.0.1", x_real_ip="2001:db8::1%1", x_forwarded_for="6.6.6.6, 203.0.113.51")
    assert resolve(scope) == "203.0.113.51"


def test_ipv6_clients_share_their_64_block() -> None:
    resolve = ClientAddressResolver()
    assert resolve(_scope("2001:db8:1:2::1")) == resolve(_scope("2001:db8:1:2:ffff::9")) == "2001:db8:1:2::/64"
    assert resolve(_scope("::ffff:198.51.100.7")) == "198.51.100.7"


def _event(source_ip: str, spoof: str) -> dict[str, Any]:
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/api/x",
        "rawQueryString": "",
        "headers": {"host": "example.com", "x-forwarded-for": spoof, "x-real-ip": spoof},
        "requestContext": {"http": {"method": "GET", "path": "/api/x", "sourceIp": source_ip}, "stage": "$default"},
        "isBase64Encoded": False,
    }


def test_lambda_source_ip_picks_the_bucket_through_mangum(key_prefix: str) -> None:

    app = create_app(settings(redis_key_prefix=key_prefix, rate_limit_default="2/minute"))
    gate = BackendGate(factory=lambda: app, environ={})
    handler = LambdaEntry(gate)
    try:
        same_ip = [handler(_event("198.51.100.20", f"10.0.0.{n}"), None) for n in range(3)]
        other_ip = handler(_event("198.51.100.21", "10.0.0.1"), None)
    finally:
        _close(gate, handler)
    assert [r["statusCode"] for r in same_ip] == [404, 404, 429]  # a new spoofed header each time: one bucket
    assert json.loads(same_ip[2]["body"])["error"]["code"] == "rate_limited"
    assert other_ip["statusCode"] == 404


def _alb_event(forwarded_for: str) -> dict[str, Any]:
    """AWS's ALB event (powertools albEvent.json) with the X-Forwarded-For ALB would pass on."""
    event: dict[str, Any] = json.loads((EVENTS / "powertools" / "albEvent.json").read_text())
    event["headers"]["x-forwarded-for"] = forwarded_for
    event["path"] = "/api/x"
    return event


def test_behind_alb_the_address_alb_appended_is_the_client(key_prefix: str) -> None:

    app = create_app(settings(redis_key_prefix=key_prefix, rate_limit_default="2/minute"))
    gate = BackendGate(factory=lambda: app, environ={})
    handler = LambdaEntry(gate)

    def statuses(chains: list[str]) -> list[int]:
        return [handler(_alb_event(chain), None)["statusCode"] for chain in chains]

    try:
        # A zone id in front does not make a fresh bucket per request: the real address is counted.
        zoned = statuses([f"2001:db8:{n}::1%, 198.51.100.20" for n in range(1, 4)])
        # An IPv4-mapped value with a zone id does not land in the victim's bucket.
        victim_first = statuses(["198.51.100.30"])
        mapped = statuses(["::ffff:198.51.100.30%, 198.51.100.31"] * 2)
        victim_after = statuses(["198.51.100.30"])
        # A plain spoofed value does not merge its senders into one shared bucket.
        spoofed = statuses([f"9.9.9.9, 198.51.100.{40 + n}" for n in range(4)])
    finally:
        _close(gate, handler)
    assert zoned == [404, 404, 429]
    assert mapped == [404, 404]
    assert victim_first + victim_after == [404, 404]  # the victim's bucket holds only its own two
    assert spoofed == [404, 404, 404, 404]


def _close(gate: BackendGate, handler: LambdaEntry) -> None:
    """What the Lambda runtime never does: stop the container's loop, so the test leaks nothing."""
    loop = handler._loop
    if loop is not None:
        if gate.loaded is not None and gate.loaded.lifespan is not None:
            loop.run_until_complete(gate.loaded.lifespan.shutdown())
        loop.close()


def test_on_vercel_the_platform_header_is_the_bucket(monkeypatch: Any, key_prefix: str) -> None:
    import asyncio

    import httpx

    monkeypatch.setenv("VERCEL", "1")
    app = create_app(settings(redis_key_prefix=key_prefix, rate_limit_default="1/minute"))

    async def run() -> list[int]:
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5000))  # Vercel's local proxy hop
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return [
                (await client.get("/api/x", headers={"x-real-ip": ip})).status_code
                for ip in ("203.0.113.1", "203.0.113.2", "203.0.113.1")
            ]

    assert asyncio.run(run()) == [404, 404, 429]
