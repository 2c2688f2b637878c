"""Who is asking (geo/rooms/client.py): the proxy's word is taken only from a trusted proxy."""

from __future__ import annotations

import ipaddress

import pytest
from streamlit.runtime.context import StreamlitHeaders

from geo.rooms.client import UNKNOWN, client_address, trusted_proxies

NGINX = "127.0.0.1"


def nginx_headers(peer: str, sent: str | None = None) -> dict[str, str]:
    """What deploy/nginx.conf.j2 sends a worker: X-Real-IP its peer, X-Forwarded-For what came plus its peer."""
    return {"X-Real-IP": peer, "X-Forwarded-For": f"{sent}, {peer}" if sent else peer}


def test_behind_nginx_the_client_is_the_address_nginx_saw():
    assert client_address(nginx_headers("198.51.100.23"), NGINX) == "198.51.100.23"
    assert client_address(nginx_headers("198.51.100.23"), None) == "198.51.100.23"  # Streamlit's loopback peer


def test_a_client_cannot_choose_its_address_through_the_headers():
    forged = nginx_headers("198.51.100.23", sent="10.9.8.7, 127.0.0.1")
    assert client_address(forged, NGINX) == "198.51.100.23"
    # Straight to a worker, past the proxy: the headers are the client's own words.
    direct = {"X-Forwarded-For": "10.9.8.7", "X-Real-IP": "10.9.8.7"}
    assert client_address(direct, "198.51.100.23") == "198.51.100.23"
    assert client_address({"X-Forwarded-For": "not an address, 127.0.0.1"}, NGINX) == NGINX


def test_real_ip_stands_in_when_there_is_no_forwarded_for():
    assert client_address({"x-real-ip": "192.0.2.4"}, NGINX) == "192.0.2.4"
    assert client_address({}, NGINX) == NGINX  # a browser on the server itself


def test_a_chain_of_trusted_proxies_is_walked_back_to_the_client():
    trusted = trusted_proxies({"ATLAS_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"})
    headers = {"X-Forwarded-For": "203.0.113.50, 198.51.100.23, 10.0.0.12"}
    assert client_address(headers, NGINX, trusted) == "198.51.100.23"
    assert client_address(headers, NGINX) == "10.0.0.12"  # by default only loopback is trusted


def test_trusted_proxies_from_the_environment():
    assert trusted_proxies({}) == (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
    nets = trusted_proxies({"ATLAS_TRUSTED_PROXIES": "10.1.2.3 fd00::/8 nonsense"})
    assert nets == (ipaddress.ip_network("10.1.2.3/32"), ipaddress.ip_network("fd00::/8"))


@pytest.mark.parametrize(
    ("peer", "client"),
    [
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("[2001:db8:1:2::7]:51000", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.23", "198.51.100.23"),
        ("198.51.100.23:40000", "198.51.100.23"),
        ("garbage", UNKNOWN),
    ],
)
def test_addresses_as_sockets_write_them(peer, client):
    assert client_address({}, peer) == client


def test_one_ipv6_network_is_one_client():
    one = client_address(nginx_headers("2001:db8:1:2::1"), NGINX)
    assert one == client_address(nginx_headers("2001:db8:1:2:ffff::9"), NGINX)
    assert one != client_address(nginx_headers("2001:db8:1:3::1"), NGINX)


def test_streamlits_headers_with_a_repeated_header_are_all_read():
    headers = StreamlitHeaders([("X-Forwarded-For", "10.9.8.7"), ("x-forwarded-for", "198.51.100.23")])
    assert client_address(headers, NGINX) == "198.51.100.23"
