"""Karabakh Atlas: the entry point. `streamlit run app.py` serves every page in geo/app/registry.py."""

from geo.app.registry import configure, serve

configure()
serve()
