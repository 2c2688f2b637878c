"""Rerunning a session's page from another thread: the one module that reaches into Streamlit's
runtime for it.

Streamlit has no public way for the server to rerun a page: a browser asks, or the page itself
asks again on a timer (`st.fragment(run_every=...)`), which is what a class's followers did, each
several times a second while nothing happened. Streamlit does rerun a page of its own accord when
a source file changes (`runner.runOnSave`): `AppSession` calls `request_rerun` with the client
state of the session's last run, so the page reruns with the browser's address and widgets. A
follower's page is rerun the same way here, on the server's event loop as a browser's request
would be, when geo/rooms/watch.py sees its room move.

The same rerun carries no list of the elements the browser keeps, so every element travels in
full. `send_in_full` does the same for a `st.rerun()` from a run whose request is old: Streamlit
sends an element the browser listed as kept as a reference only, and the browser keeps an
element for two runs; a list sent seconds before, with runs in between, may name elements the
browser has dropped, and the page would fail to show them.

Reached here and nowhere else, for the Streamlit pinned in requirements.txt:
`Runtime.get_app_session` (public, thread-safe), `AppSession._call_soon_on_event_loop`,
`AppSession._client_state`, `AppSession.request_rerun(client_state)` and
`ScriptRunContext.cached_message_hashes` (which `st.rerun()` passes on).
tests/test_session_wake.py fails when another version renames them or changes what they take.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

log = logging.getLogger(__name__)


def current_session() -> str | None:
    """The id of the session whose run this is; None outside a server's run (a test's AppTest, a script)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None or not Runtime.exists():
        return None
    return ctx.session_id if Runtime.instance().get_app_session(ctx.session_id) is not None else None


def rerun(session_id: str) -> bool:
    """Ask the session's page to rerun, from any thread, as the browser would with its last
    address and widgets; False when the session is gone (its tab closed)."""
    if not Runtime.exists():
        return False
    session = Runtime.instance().get_app_session(session_id)
    if session is None:
        return False
    session._call_soon_on_event_loop(lambda: session.request_rerun(session._client_state))
    return True


def send_in_full() -> None:
    """Have this run's `st.rerun()` send every element in full rather than as references to
    elements the browser listed, possibly long ago, as kept."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is not None:
        ctx.cached_message_hashes = frozenset()


def waker(session_id: str) -> Callable[[], bool]:
    """`rerun` of this session, as a callable that holds only its id (not the session itself)."""
    return lambda: rerun(session_id)
