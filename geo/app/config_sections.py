"""Streamlit's settings read a section at a time through an index, rather than by a walk of all of them.

Every run of every session, fragment runs too, starts with a `new_session` message that carries
the theme: Streamlit builds it afresh each time from six sections of its settings (`[theme]`,
`[theme.light]`, `[theme.dark]` and their sidebars), and `config.get_options_for_section` finds
a section's options by walking all 367 settings: 0.2 ms of a follower's woken run of 5-6 ms,
which is mostly such set-up (bench/README.md, "Where a Next's wall time goes"). `index_sections`
puts in its place a function that returns the same dict from an index of each section's options,
built once for each set of settings Streamlit holds (a new set when it reads its config files
again) and read under Streamlit's lock, as the original reads them: the values themselves are
read at each call, so a setting changed in place is seen at once.

Reached here and nowhere else, for the Streamlit pinned in requirements.txt:
`config.get_options_for_section(section)` (called through the module by `_populate_theme_msg` in
streamlit/runtime/app_session.py), `config.get_config_options()`, `config._config_lock`, and a
`ConfigOption`'s `section`, `name` and `value`. tests/test_config_sections.py fails when another
version changes them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streamlit import config

_indexed: tuple[object, dict[str, tuple[Any, ...]]] | None = None  # (the settings, section -> its options)


def _sections(options: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """Each section's options, in Streamlit's order, for this set of settings."""
    global _indexed  # one index per process, as Streamlit keeps one set of settings
    indexed = _indexed
    if indexed is not None and indexed[0] is options:
        return indexed[1]
    by_section: dict[str, list[Any]] = {}
    for option in options.values():
        by_section.setdefault(option.section, []).append(option)
    sections = {section: tuple(found) for section, found in by_section.items()}
    _indexed = (options, sections)  # one assignment: a run on another thread sees the old index or the new
    return sections


def options_for_section(section: str) -> dict[str, Any]:
    """What `config.get_options_for_section` returns: the section's option names (without the
    section) and their current values."""
    with config._config_lock:
        options = config.get_config_options()
        return {option.name: option.value for option in _sections(options).get(section, ())}


def index_sections() -> None:
    """Have Streamlit read its settings by section through the index, once per process."""
    current: Callable[[str], dict[str, Any]] = config.get_options_for_section
    if current is not options_for_section:
        config.get_options_for_section = options_for_section
