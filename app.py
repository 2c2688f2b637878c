"""Karabakh Atlas: the entry point. `streamlit run app.py` serves every page in pages/registry.py."""

from pages.registry import configure, navigation

configure()
navigation().run()
