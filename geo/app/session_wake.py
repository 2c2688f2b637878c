"""Rerunning a session's page from another thread: the one module that reaches into Streamlit's
runtime for it.

Streamlit has no public way for the server to rerun a page: a browser asks, or the page itself
asks again on a timer (`st.fragment(run_every=...)`), which is what a class's followers did, each
several times a second while nothing happened. Streamlit does rerun a page of its own accord when
a source file changes (`runner.runOnSave`): `AppSession` calls `request_rerun` with the client
state of the session's last run, so the page reruns with the browser's address and widgets. A
follower's page is rerun the same way here, on the server's event loop as a browser's request
would be, when geo/rooms/watch.py sees its room move.

A page may name a fragment that holds everything a move changes (the tour's body): the session
then reruns that fragment alone, as Streamlit does when a widget inside it is used (the client
state names the fragment's id), and the page's other elements stay as the browser shows them.
A follower's run after a Next then skips the page's set-up, the app's navigation and the
session's `new_session` message, which were about a third of its cost. Should the session no
longer hold that fragment (a full run that did not draw it), the whole page reruns.

The same rerun carries no list of the elements the browser keeps, so every element travels in
full. `send_in_full` does the same for a `st.rerun()` from a run whose request is old: Streamlit
sends an element the browser listed as kept as a reference only, and the browser keeps an
element for two runs; a list sent seconds before, with runs in between, may name elements the
browser has dropped, and the page would fail to show them.

Reached here and nowhere else, for the Streamlit pinned in requirements.txt:
`Runtime.get_app_session` (public, thread-safe), `AppSession._call_soon_on_event_loop`,
`AppSession._client_state`, `AppSession.request_rerun(client_state)` with the client state's
`fragment_id`, `AppSession.has_fragment`, `ScriptRunContext.cached_message_hashes` (which `st.rerun()`
passes on), `ScriptRunContext.fragment_ids_this_run` and `ThreadState.get().fragment_id` (the
fragment a line of the page draws in).
tests/test_session_wake.py fails when another version renames them or changes what they take.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime import Runtime
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

log = logging.getLogger(__name__)


def current_session() -> str | None:
    """The id of the session whose run this is; None outside a server's run (a test's AppTest, a script)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None or not Runtime.exists():
        return None
    return ctx.session_id if Runtime.instance().get_app_session(ctx.session_id) is not None else None


def current_fragment() -> str | None:
    """The id of the fragment the calling line draws in; None in the page's own body or outside a run."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    return ThreadState.get().fragment_id


def fragment_rerun() -> bool:
    """Whether this run reruns fragments only (a widget inside one was used, or `rerun` named one),
    rather than the whole page."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def client_state(session: AppSession, fragment: str | None = None) -> ClientState:
    """The session's last address and page, as its last run left them, naming `fragment` when the
    session still holds it (then that fragment alone reruns)."""
    if not fragment or not session.has_fragment(fragment):
        return session._client_state
    state = ClientState()
    state.CopyFrom(session._client_state)
    state.fragment_id = fragment
    return state


def rerun(session_id: str, fragment: str | None = None) -> bool:
    """Ask the session's page, or only its `fragment`, to rerun, from any thread, as the browser
    would with its last address and widgets; False when the session is gone (its tab closed)."""
    if not Runtime.exists():
        return False
    session = Runtime.instance().get_app_session(session_id)
    if session is None:
        return False
    session._call_soon_on_event_loop(lambda: session.request_rerun(client_state(session, fragment)))
    return True


def send_in_full() -> None:
    """Have this run's `st.rerun()` send every element in full rather than as references to
    elements the browser listed, possibly long ago, as kept."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is not None:
        ctx.cached_message_hashes = frozenset()


def waker(session_id: str, fragment: str | None = None) -> Callable[[], bool]:
    """`rerun` of this session (or of its `fragment`), as a callable that holds only their ids (not
    the session itself)."""
    return lambda: rerun(session_id, fragment)
