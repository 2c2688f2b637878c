"""Who is asking: this session's client address as the proxy in front of the workers reports it
(geo/rooms/client.py decides which headers to believe), for the limits counted per address."""

from __future__ import annotations

import os

import streamlit as st

from geo.rooms.client import client_address, trusted_proxies


def client() -> str:
    """The address the per-address limits (rooms opened, atlases saved) count this session under."""
    return client_address(st.context.headers, st.context.ip_address, trusted_proxies(os.environ))
