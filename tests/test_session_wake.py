"""Streamlit's runtime pieces that geo/app/session_wake.py reaches (a follower's page rerun from the
server): they still exist and take what they took for the pinned Streamlit."""

from __future__ import annotations

import dataclasses
import inspect
import re
from importlib import metadata
from pathlib import Path

from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime import Runtime
from streamlit.runtime.app_session import AppSession

from geo.app import session_wake

ROOT = Path(__file__).resolve().parents[1]


def test_the_installed_streamlit_is_the_pinned_one():
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    pinned = re.search(r"^streamlit==(\S+)$", requirements, re.MULTILINE).group(1)
    assert metadata.version("streamlit") == pinned


def test_the_runtime_finds_a_session_by_its_id():
    assert list(inspect.signature(Runtime.get_app_session).parameters) == ["self", "session_id"]
    assert list(inspect.signature(Runtime.exists).parameters) == []


def test_a_session_reruns_with_a_client_state_on_its_event_loop():
    assert list(inspect.signature(AppSession.request_rerun).parameters) == ["self", "client_state"]
    assert list(inspect.signature(AppSession._call_soon_on_event_loop).parameters) == ["self", "callback"]


def test_a_session_keeps_its_last_client_state_and_reruns_with_it_on_save():
    """What the module copies: Streamlit's own rerun on a source change passes `_client_state`."""
    source = inspect.getsource(AppSession)
    assert "self._client_state = ClientState()" in source
    assert "self.request_rerun(self._client_state)" in inspect.getsource(AppSession._on_source_file_changed)
    assert ClientState().fragment_id == ""  # the saved state reruns the whole page, not a fragment


def test_st_rerun_passes_on_the_runs_list_of_kept_elements():
    """What `send_in_full` empties: the list the next run takes its references from."""
    from streamlit.commands import execution_control
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    assert "cached_message_hashes" in {f.name for f in dataclasses.fields(ScriptRunContext)}
    assert "cached_message_hashes=cached_message_hashes" in inspect.getsource(execution_control.rerun)
    assert "cached_message_hashes = ctx.cached_message_hashes" in inspect.getsource(execution_control.rerun)


def test_outside_a_server_there_is_no_session_to_wake():
    assert session_wake.current_session() is None
    assert session_wake.rerun("no-such-session") is False
    session_wake.send_in_full()  # no run: nothing to do, and no error
