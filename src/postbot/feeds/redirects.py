"""Where a feed's redirect may lead: no other scheme, no TLS downgrade, nothing private.

A redirect that stays on the configured host and port is the operator's choice and is allowed;
one to another host must name, and resolve only to, public addresses (not loopback, private,
link-local, multicast, unspecified or reserved, in any spelling: decimal, octal, IPv4-mapped or
NAT64 IPv6). Split from `fetch` so the HTTP reading and the address rules read apart.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import unquote, urljoin, urlsplit

from postbot.errors import FetchError
from postbot.ops.logs import redact_url

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> the addresses it resolves to; tests inject one to stay off the network
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, by the event loop's getaddrinfo."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def redirect_target(url: str, location: str) -> str:
    target = urljoin(url, location.strip())
    if scheme(target) not in ("http", "https"):
        # A server must not be able to make us read local files or speak other protocols.
        raise FetchError(f"{redact_url(url)}: refusing redirect to {redact_url(target)}")
    return target


async def check_redirect(
    url: str, target: str, home: tuple[str, int], secure: bool, resolver: Resolver
) -> None:
    """Refuse a redirect that drops TLS or leads off the feed's host to a non-public address."""
    refusal = f"{redact_url(url)}: refusing redirect to {redact_url(target)}"
    if secure and scheme(target) == "http":
        raise FetchError(f"{refusal}: from https down to http")
    if origin(target) == home:
        return  # the operator chose this host and port, local or not; others must be public
    host = unquote(host_of(target))  # a resolver may decode what httpx passes on as is
    if not host:
        raise FetchError(f"{refusal}: no host")
    if host == "localhost" or host.endswith(".localhost"):  # RFC 6761: always loopback
        raise FetchError(f"{refusal}: {host} is a loopback name")
    literal = literal_address(host)
    if literal is not None:
        reason = unsafe_reason(literal)
        if reason:
            raise FetchError(f"{refusal}: {literal} is {reason}")
        return
    try:
        port = urlsplit(target).port or (443 if scheme(target) == "https" else 80)
        addresses = await resolver(host, port)
    except (OSError, ValueError, UnicodeError) as exc:
        raise FetchError(f"{refusal}: cannot resolve {host}: {exc}") from None
    if not addresses:
        raise FetchError(f"{refusal}: {host} resolves to no address")
    # every address must be public: the connection may use any of them
    for text in addresses:
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            raise FetchError(f"{refusal}: {host} resolves to {text!r}") from None
        reason = unsafe_reason(address)
        if reason:
            raise FetchError(f"{refusal}: {host} resolves to {address}, {reason}")


def origin(url: str) -> tuple[str, int]:
    """Host and port: what a redirect may keep without being checked."""
    try:
        port = urlsplit(url).port
    except ValueError:
        port = -1
    return host_of(url), port or (443 if scheme(url) == "https" else 80)


def host_of(url: str) -> str:
    """The URL's host as httpx connects to it: lower case, no trailing dot."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().rstrip(".")


def literal_address(host: str) -> IPAddress | None:
    """The address `host` spells, also in the old inet_aton forms (2130706433, 0177.1, 0x7f.1)
    that resolvers still accept; None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers: list[int] = []
    for part in parts:
        try:
            if part[:2].lower() == "0x":
                numbers.append(int(part[2:], 16) if part[2:] else 0)
            elif len(part) > 1 and part.startswith("0"):
                numbers.append(int(part[1:], 8))
            else:
                numbers.append(int(part, 10))
        except ValueError:
            return None
        if not part.replace("x", "").replace("X", "").isalnum() or not part.isascii():
            return None  # int() takes "+1", " 1" and "1_0"; a host part does not
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def unsafe_reason(address: IPAddress) -> str | None:
    """Why a redirect may not lead to `address` (None if it is a public unicast address)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = unsafe_reason(embedded)
            return f"{reason} (as {embedded})" if reason else None
    checks = (
        ("unspecified", address.is_unspecified),
        ("a loopback address", address.is_loopback),
        ("a link-local address", address.is_link_local),
        ("a multicast address", address.is_multicast),
        (
            "a site-local address",
            isinstance(address, ipaddress.IPv6Address) and address.is_site_local,
        ),
        ("a private address", address.is_private),
        ("a reserved address", address.is_reserved),
        ("not a public address", not address.is_global),
    )
    return next((reason for reason, hit in checks if hit), None)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, compatible, 6to4, Teredo, NAT64)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(address.packed[-4:])
    packed = address.packed
    if packed[:12] == bytes(12) and int.from_bytes(packed[12:]) > 1:  # ::a.b.c.d, not :: or ::1
        return ipaddress.IPv4Address(packed[12:])
    return None


def scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""
