"""The one Jinja2 environment: every HTML page and fragment is a template in geo/render/templates/.

Autoescaping is on for every template, so a value from the data or the article can only
reach a page as text. Markup made in Python is limited to `marked`, which escapes the
text itself and adds <mark> around the spans it is given.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from geo.paths import STATIC_DIR

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def marked(text: str, spans: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> Markup:
    """The text escaped, with each (start, end) span wrapped in <mark>."""
    out, pos = [], 0
    for start, end in sorted(spans):
        out.append(escape(text[pos:start]))
        out.append(Markup("<mark>%s</mark>") % text[start:end])
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def static_text(relative: str) -> str:
    """A file under static/ as text, for the pages that must inline it (single files, Streamlit CSS)."""
    return (STATIC_DIR / relative).read_text(encoding="utf-8")


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # The templates ship with the code and change only with it: no stat of the file on every render
        # (a follower's run renders several, and a class's 250 pages rerun at once on a Next).
        auto_reload=False,
    )
    env.filters["marked"] = marked
    env.filters["thousands"] = lambda value: f"{value:,.0f}"
    return env


def render(template: str, **context: Any) -> str:
    """Render a template from geo/render/templates/ with autoescaping."""
    return environment().get_template(template).render(**context)
