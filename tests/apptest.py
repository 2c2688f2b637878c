"""Running a page script headless with Streamlit's AppTest, the same way in every AppTest test."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from geo.paths import ROOT


def run_script(script: str | Path, **params: str | list[str] | None) -> AppTest:
    """Run `script` ("app.py", "pages/2_Article.py", from the repository root) once with these query
    parameters (a None one is left out); any exception the run raised fails the test here."""
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    for key, value in params.items():
        if value is not None:
            at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
