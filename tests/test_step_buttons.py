"""The tour's step buttons as data (geo/render/step_buttons.py) and as drawn (tour_buttons.html)."""

from __future__ import annotations

import re

import pytest

from geo.render.step_buttons import ACTIONS, step_buttons, target
from geo.render.templating import render


@pytest.mark.parametrize(
    ("index", "n_steps", "leads"),
    [
        (0, 5, {"first": None, "prev": None, "next": 1, "last": 4}),
        (2, 5, {"first": 0, "prev": 1, "next": 3, "last": 4}),
        (4, 5, {"first": 0, "prev": 3, "next": None, "last": None}),
        (0, 1, {"first": None, "prev": None, "next": None, "last": None}),
        (7, 5, {"first": None, "prev": None, "next": None, "last": None}),  # a step the storyline lost
    ],
)
def test_each_button_leads_one_way_and_none_past_its_end(index, n_steps, leads):
    assert {action: target(action, index, n_steps) for action in ACTIONS} == leads
    drawn = {b.action: b.disabled for b in step_buttons(index, n_steps)}
    assert drawn == {action: lead is None for action, lead in leads.items()}


def test_unknown_action_leads_nowhere():
    assert target("jump", 1, 5) is None


def test_drawn_in_order_with_their_keys_and_disabled_state():
    html = render("tour_buttons.html", buttons=step_buttons(0, 3))
    tags = re.findall(r"<button [^>]*>", html)
    assert [re.search(r'data-tour-action="(\w+)"', t).group(1) for t in tags] == list(ACTIONS)
    assert [" disabled" in t for t in tags] == [True, True, False, False]
    assert 'title="Right arrow, Page Down, Space"' in tags[2] and "tour-button-primary" in tags[2]
    assert "\n\n" not in html  # a blank line would end the HTML block in the page's Markdown
