"""Which client sent this request: the key the rate limiter counts under.

A header a client sends never chooses its own bucket:
- AWS Lambda: Mangum puts API Gateway's `requestContext` source IP into `scope["client"]`.
- Vercel (`VERCEL` set): the platform overwrites `x-real-ip` and `x-forwarded-for`; nothing else
  reaches the function, so they are trusted there and only there.
- Elsewhere: the peer address, and `x-forwarded-for` only when the peer is in `TRUSTED_PROXIES`
  (read right to left, skipping trusted hops: the first untrusted address is the client).
IPv6 clients are counted per /64, the block one subscriber usually holds.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from failsafe.asgi import Scope, header

UNKNOWN = "unknown"
_IP = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str | None) -> _IP | None:
    if not value:
        return None
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def bucket(address: _IP) -> str:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class ClientAddressResolver:
    def __init__(self, trusted_proxies: Iterable[str] = (), on_vercel: bool = False) -> None:
        self.trusted = tuple(ipaddress.ip_network(item, strict=False) for item in trusted_proxies)
        self.on_vercel = on_vercel

    def _is_trusted(self, address: _IP) -> bool:
        return any(address in network for network in self.trusted)

    def __call__(self, scope: Scope) -> str:
        if self.on_vercel:
            forwarded = (header(scope, b"x-forwarded-for") or "").split(",")[0]
            address = _parse(header(scope, b"x-real-ip")) or _parse(forwarded)
            if address is not None:
                return bucket(address)
        client = scope.get("client")
        peer = _parse(client[0]) if client else None
        if peer is None:
            return UNKNOWN
        if self.trusted and self._is_trusted(peer):
            hops = [_parse(item) for item in (header(scope, b"x-forwarded-for") or "").split(",")]
            for hop in reversed(hops):
                if hop is None:
                    break  # a malformed entry: stop trusting what lies to the left of it
                peer = hop
                if not self._is_trusted(hop):
                    break
        return bucket(peer)
