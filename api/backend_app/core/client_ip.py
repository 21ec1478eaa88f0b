"""Which client sent this request: the key the rate limiter counts under.

The client is the right-most address of the forwarding chain that is not in `TRUSTED_PROXIES`:
each proxy appends the address it was connected from, so everything to the left of the first
untrusted hop was written by the client and is ignored. Where the chain comes from:

- API Gateway (REST and HTTP API, Function URLs): Mangum puts `requestContext` `sourceIp`, the
  address API Gateway was connected from, into `scope["client"]`. The `X-Forwarded-For` header
  keeps whatever the client sent in front of it, so it is read only when that address is trusted
  (CloudFront in front of API Gateway, say).
- ALB: the event has no source address; Mangum passes the whole `X-Forwarded-For`, to which ALB
  appended the address it was connected from (`"<client value>, <real ip>"`).
- Vercel (`VERCEL` set): the platform overwrites `x-real-ip` and `x-forwarded-for` with the
  client's address (its request-headers docs); the runtime shim's uvicorn then rewrites
  `scope["client"]` from `x-forwarded-for`, since the platform connects from 127.0.0.1. Those
  headers are trusted there and only there.
- Self-hosted: the peer address, then `x-forwarded-for` only while the hops are trusted. uvicorn
  must run with `--no-proxy-headers`, or it rewrites the peer from the header itself first.

A value that is not a plain address (a zone id `%eth0`, a port, junk) is never a client: it ends
the walk, since what lies to its left cannot be trusted, and the last trusted hop counts instead.
IPv6 clients are counted per /64, the block one subscriber usually holds; IPv4-mapped IPv6
peers (dual-stack sockets) count as their IPv4 address, and match `TRUSTED_PROXIES` as one.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from failsafe.asgi import Scope, header

UNKNOWN = "unknown"
_IP = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_plain(value: str | None) -> _IP | None:
    """An address written as an address and nothing else; None for anything else."""
    if not value:
        return None
    value = value.strip()
    if "%" in value:  # `ip_address` accepts IPv6 zone ids ("fe80::1%, 10.0.0.1" parses): never a client
        return None
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def unmapped(address: _IP) -> _IP:
    """An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, a dual-stack socket's IPv4 peer) as its IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _unmapped_network(
    network: ipaddress.IPv4Network | ipaddress.IPv6Network,
) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    mapped = ipaddress.IPv6Network("::ffff:0:0/96")
    if isinstance(network, ipaddress.IPv6Network) and network.subnet_of(mapped):
        return ipaddress.IPv4Network((int(network.network_address) & 0xFFFFFFFF, network.prefixlen - 96))
    return network


def bucket(address: _IP) -> str:
    address = unmapped(address)
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _hops(value: str | None) -> list[str]:
    return value.split(",") if value else []


def _is_alb(scope: Scope) -> bool:
    event = scope.get("aws.event")
    return isinstance(event, dict) and "elb" in (event.get("requestContext") or {})


class ClientAddressResolver:
    def __init__(self, trusted_proxies: Iterable[str] = (), on_vercel: bool = False) -> None:
        # Both spellings of an IPv4 proxy match both kinds of peer: compared unmapped on either side.
        self.trusted = tuple(_unmapped_network(ipaddress.ip_network(item, strict=False)) for item in trusted_proxies)
        self.on_vercel = on_vercel

    def _is_trusted(self, address: _IP) -> bool:
        address = unmapped(address)
        return any(address in network for network in self.trusted)

    def _walk(self, hops: Sequence[str]) -> _IP | None:
        """Right to left: the first untrusted address, else the last trusted one before a bad value."""
        last: _IP | None = None
        for hop in reversed(hops):
            address = parse_plain(hop)
            if address is None:
                break
            last = address
            if not self._is_trusted(address):
                break
        return last

    def __call__(self, scope: Scope) -> str:
        forwarded = _hops(header(scope, b"x-forwarded-for"))
        if self.on_vercel:
            address = parse_plain(header(scope, b"x-real-ip")) or self._walk(forwarded)
            if address is not None:
                return bucket(address)
        client = scope.get("client")
        peer = str(client[0]) if client and client[0] else ""
        # ALB: Mangum's client is the whole X-Forwarded-For chain; elsewhere it is one address.
        address = self._walk(_hops(peer) if _is_alb(scope) else [*forwarded, peer])
        return bucket(address) if address is not None else UNKNOWN
