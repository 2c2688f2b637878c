"""The tour's four step buttons (First, Previous, Next, Last) as data: what each shows, where it
leads from a step, and whether it is disabled there.

They are drawn inside the step's own element (tour_body.html), so a follower's run woken by a Next
sends them with the step instead of as a row and four widgets of their own; a press is passed to
the page by static/atlas/tour-keys.js.
"""

from __future__ import annotations

from dataclasses import dataclass

ACTIONS = ("first", "prev", "next", "last")


@dataclass(frozen=True)
class StepButton:
    action: str  # one of ACTIONS: the page's key for it is f"tour-{action}"
    label: str
    icon: str  # a Material Symbols name, drawn before the label (after it for Next)
    keys: str  # the keyboard keys that press it (static/atlas/tour-keys.js), shown as its tooltip
    disabled: bool  # at its end of the storyline: it would lead nowhere
    primary: bool = False


def target(action: str, index: int, n_steps: int) -> int | None:
    """The step (0-based) a button leads to from `index`; None where it is disabled or unknown."""
    last = n_steps - 1
    if index < 0 or index > last:
        return None
    lead = {"first": 0, "prev": index - 1, "next": index + 1, "last": last}.get(action)
    if lead is None or (action in ("first", "prev") and index == 0) or (action in ("next", "last") and index == last):
        return None
    return lead


def step_buttons(index: int, n_steps: int) -> tuple[StepButton, ...]:
    """The four buttons on step `index` (0-based) of a storyline of `n_steps`."""
    shown = (
        ("first", "First", "first_page", "Home"),
        ("prev", "Previous", "chevron_left", "Left arrow, Page Up"),
        ("next", "Next", "chevron_right", "Right arrow, Page Down, Space"),
        ("last", "Last", "", "End"),
    )
    return tuple(
        StepButton(action, label, icon, keys, target(action, index, n_steps) is None, primary=action == "next")
        for action, label, icon, keys in shown
    )
