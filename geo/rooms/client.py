"""Who is asking: the client's address as the proxy in front of the workers reports it.

Limits per client (rooms opened, atlases saved) need an address a client cannot choose. A
worker sees the TCP peer, which behind deploy/serve.py's nginx is nginx itself on loopback;
nginx then says who its client was (deploy/nginx.conf.j2: `X-Real-IP $remote_addr` and
`X-Forwarded-For $proxy_add_x_forwarded_for`, which appends its peer to whatever the client
sent). So the headers are believed only from a trusted proxy (loopback, unless
ATLAS_TRUSTED_PROXIES names others), and X-Forwarded-For is read from its right end, where
the trusted proxies wrote, stopping at the first address no trusted proxy is: the addresses
left of it are the client's own words.

An IPv6 client counts as its /64 network: a phone or a household gets one whole and picks
addresses within it at will.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
TRUSTED_PROXIES_ENV = "ATLAS_TRUSTED_PROXIES"
DEFAULT_TRUSTED = ("127.0.0.0/8", "::1/128")
IPV6_CLIENT_PREFIX = 64
UNKNOWN = "unknown"  # no address could be read: every such request counts as one client


def trusted_proxies(environ: Mapping[str, str]) -> tuple[Network, ...]:
    """ATLAS_TRUSTED_PROXIES (addresses or networks, separated by commas or spaces), else loopback.

    An entry that is not an address or network is left out: a typo must not trust the world.
    """
    value = environ.get(TRUSTED_PROXIES_ENV, "").replace(",", " ").split()
    networks = []
    for entry in value or DEFAULT_TRUSTED:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue
    return tuple(networks)


def _address(text: str | None) -> IPAddress | None:
    """An address as a header or a socket writes it ("203.0.113.9", "[2001:db8::1]:443", "::ffff:10.0.0.1")."""
    if not text:
        return None
    text = text.strip()
    if text.startswith("["):  # [IPv6]:port
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:  # IPv4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])  # no zone index
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _header_values(headers: Mapping[str, str] | Iterable[tuple[str, str]], name: str) -> list[str]:
    """Every value of a header, whatever its case, in the order received (a header may repeat)."""
    get_all = getattr(headers, "get_all", None)  # Streamlit's headers: items() gives a header's first value only
    if callable(get_all):
        return [value for value in get_all(name) if isinstance(value, str)]
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return [value for key, value in pairs if key.lower() == name and isinstance(value, str)]


def _client_text(address: IPAddress) -> str:
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{address}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(address)


def client_address(
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    peer: str | None,
    trusted: Iterable[Network] = tuple(ipaddress.ip_network(n) for n in DEFAULT_TRUSTED),
) -> str:
    """The client's address ("203.0.113.9", or "2001:db8:1:2::/64" for IPv6), for counting what it does.

    `headers` are the request's (Streamlit: `st.context.headers`), `peer` the connection's
    address (`st.context.ip_address`, which Streamlit gives as None for a loopback peer: None
    is read as loopback). A peer that is no trusted proxy is the client, whatever its headers say.
    """
    trusted = tuple(trusted)
    hop = _address(peer) if peer is not None else ipaddress.ip_address("127.0.0.1")

    def is_trusted(address: IPAddress) -> bool:
        return any(address.version == net.version and address in net for net in trusted)

    if hop is None:
        return UNKNOWN
    if not is_trusted(hop):
        return _client_text(hop)
    forwarded = [part for value in _header_values(headers, "x-forwarded-for") for part in value.split(",")]
    chain = forwarded or _header_values(headers, "x-real-ip")[-1:]
    for entry in reversed(chain):
        address = _address(entry)
        if address is None:
            break  # garbage a client wrote: stop at the last address a trusted proxy vouched for
        hop = address
        if not is_trusted(address):
            break
    return _client_text(hop)
