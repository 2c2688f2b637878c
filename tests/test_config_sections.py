"""geo/app/config_sections.py: Streamlit's settings by section through an index give what Streamlit's
own walk gives, and the pieces it relies on are still there."""

from __future__ import annotations

import inspect

from streamlit import config
from streamlit.runtime import app_session

from geo.app import config_sections

ORIGINAL = config.get_options_for_section


def test_every_section_reads_as_streamlits_own_walk_reads_it():
    sections = {option.section for option in config.get_config_options().values()}
    assert {"theme", "theme.light", "theme.dark.sidebar", "server", "client"} <= sections
    for section in sections:
        assert config_sections.options_for_section(section) == ORIGINAL(section), section
    assert config_sections.options_for_section("no-such-section") == ORIGINAL("no-such-section") == {}


def test_a_setting_changed_in_place_or_a_new_set_of_settings_is_read_at_once(monkeypatch):
    config_sections.options_for_section("theme")  # the index of the current settings
    before = config.get_option("theme.primaryColor")
    config.set_option("theme.primaryColor", "#123456")
    try:
        assert config_sections.options_for_section("theme")["primaryColor"] == "#123456"
    finally:
        config.set_option("theme.primaryColor", before)
    fresh = {key: option for key, option in config.get_config_options().items() if option.section != "theme.light"}
    monkeypatch.setattr(config, "_config_options", fresh)  # what Streamlit does when it reads its files again
    assert config_sections.options_for_section("theme.light") == {}


def test_installed_once_and_the_theme_of_every_run_reads_through_it(monkeypatch):
    monkeypatch.setattr(config, "get_options_for_section", ORIGINAL)
    config_sections.index_sections()
    config_sections.index_sections()
    assert config.get_options_for_section is config_sections.options_for_section
    # What it relies on: the new_session message of every run reads the theme's six sections this way.
    assert "config.get_options_for_section(section)" in inspect.getsource(app_session._populate_theme_msg)
    assert inspect.getsource(app_session.AppSession._create_new_session_message).count("_populate_theme_msg(") == 6
    assert list(inspect.signature(ORIGINAL).parameters) == ["section"]
    assert isinstance(config._config_lock, type(__import__("threading").RLock()))
    option = next(iter(config.get_config_options().values()))
    assert {"section", "name", "value"} <= {a for a in dir(option)}
