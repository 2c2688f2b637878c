"""Make a tour: a teacher writes a storyline of their own in the browser, previews it, and runs it.

The storyline is a draft (geo/atlas/storyline.py) kept in the session state under a key no widget
has, one per atlas, so nothing typed is lost on a rerun or on a switch to another page and back:
every field writes into the draft as soon as it changes, into the step it was drawn for, and the
fields are filled again from the draft whenever they were not drawn (another page) or the step they
show changed. The browser sends every field's value with every rerun it asks for, also one it asks
before it has received the values the page last gave (a second quick click, the preview map's report,
a slow network). So each run is numbered, and a hidden field drawn after the step's fields hands the
browser that number, which it sends back with every rerun: a field's value that comes with the number
of a run before the one that gave the field its value, and equals a value the page replaced there, is
that browser echoing what it still showed, not typing, and is given the field's value again; any value
that comes with a later number is what the teacher chose, even another step's (`Given`, `_arrived`). Each run checks
the draft with the tour's own parser, so the preview, the download and the tour page show the same
storyline, and an error names the step and the field.

The page works on the atlas the session shows (the Karabakh atlas, a saved one, or the session's
draft: geo/app/source.py). "Run on the Classroom tour" opens the tour page on the draft
(`?tour=mine`, geo/app/own_tours.py), which a room carries to a class as its text (and, run again
while presenting, the changed text); "Save" (only when the operator sets ATLAS_SAVED_DIR) keeps it
on the server with its own link (`?tour=<slug>`, geo/geoparser/saved_tours.py), which a room can
carry to a class too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from geo.app import bundle, gate, own_tours, presenting, source, tour_view
from geo.app.bundle import Bundle
from geo.app.client import client
from geo.app.registry import TOUR_FILE, TOUR_PATH, page_address, page_script
from geo.app.style import html, use_css
from geo.atlas import storyline as sl
from geo.atlas.storyline import MAX_STEPS, Draft, DraftStep
from geo.atlas.tours import MAX_ALSO, MAX_NOTE_LENGTH, NO_PASSAGE, TOUR_LABELS, Tour, step_link
from geo.atlas.tours import storylines as atlas_storylines
from geo.errors import DataError, InputError
from geo.geoparser import saved
from geo.geoparser.saved_tours import NotAuthor, change_tour, is_tour_slug, load_tour_file, save_tour
from geo.render.view_models import StepView
from geo.rooms.store import ROOM_PARAM

# Session state that no widget owns: it outlives a page switch.
DRAFTS = "story-drafts"  # {Source: Draft}: the storyline being written on each atlas
SELECTED = "story-selected"  # {Source: int}: the step being edited
SEEDED = "story-seeded"  # (draft, index) the step's fields were last filled from
GIVEN = "story-given"  # {field key: Given}: what the page last gave each field, and what that replaced
RUNS = "story-runs"  # the number of the page's latest run
SECRETS = "story-secrets"  # {slug: edit secret} of the storylines this session saved or may change
SAVED_AS = "story-saved-as"  # {Source: (slug, file text)} the draft was last saved as
MESSAGE = "story-message"  # (kind, text) for the next run, from a callback
LAST_VIEW = "story-last-view"  # the preview map's view as it last reported it
UPLOADS = "story-uploads"  # how many files were imported: the uploader's key, so it empties after each
# Widgets (filled from the draft): the title, the start, the step's fields.
TITLE, START, ADD = "story-title", "story-start", "story-add"
SUBJECT, PASSAGE, TEXT, NOTE, ALSO = "story-subject", "story-passage", "story-text", "story-note", "story-also"
QUESTION = "story-question"  # the step asks the class where it is first (`kind: question`)
NOTES = "story-notes"  # the preview's "Show teacher notes"
DRAWN = "story-drawn"  # hidden: the number of the run whose fields the browser holds, sent back with each rerun
STEP_FIELDS_SHOWN = (SUBJECT, PASSAGE, TEXT, NOTE, ALSO, QUESTION)
EDIT_PARAM = "edit"  # the edit link's secret, after "#" (see `edit_link`): never in a query, which logs keep
EDIT_COOKIE = "atlas_editor_"  # + a saved storyline's slug: its edit secret, kept by static/atlas/story-editor.js
BLANK, EVERY_PLACE, EVERY_EVENT = "blank", "every-place", "every-event"
PREVIEW_HEIGHT = 520
MAX_DRAFTS = 4  # storylines a session keeps, one per atlas
PASSAGE_LABEL_CHARS = 400  # a passage is shown in full while choosing, up to this
MAX_REPLACED = 8  # values a field keeps as replaced until the browser has caught up (a bound on quick clicks)


# The draft ----------------------------------------------------------------------------------------


def draft() -> Draft:
    return st.session_state.get(DRAFTS, {}).get(source.current(), Draft())


def selected() -> int:
    index = st.session_state.get(SELECTED, {}).get(source.current(), 0)
    return max(0, min(index, len(draft()) - 1))


def _select(index: int) -> None:
    st.session_state.setdefault(SELECTED, {})[source.current()] = index


def say(kind: str, text: str) -> None:
    st.session_state[MESSAGE] = (kind, text)


def _keep(edited: Draft, select: int | None = None) -> None:
    drafts = st.session_state.setdefault(DRAFTS, {})
    drafts.pop(source.current(), None)
    drafts[source.current()] = edited  # the latest last: a session keeps the MAX_DRAFTS latest atlases' drafts
    while len(drafts) > MAX_DRAFTS:
        drafts.pop(next(iter(drafts)))
    if select is not None:
        _select(select)


def edit(change: Callable[[Draft], Draft], select: Callable[[Draft], int] | None = None) -> None:
    """Apply one edit to the draft (a callback); a refused edit (a limit) is said, and nothing is lost."""
    try:
        edited = change(draft())
    except (DataError, IndexError) as exc:
        say("error", str(exc))
        return
    _keep(edited, select(edited) if select else None)


# Callbacks ----------------------------------------------------------------------------------------


def _start(made: Bundle) -> None:
    choice = st.session_state.get(START, BLANK)
    if choice == BLANK:
        title, steps = "My tour", ()
    elif choice == EVERY_PLACE:
        title, steps = sl.every_place(made.atlas)
    elif choice == EVERY_EVENT:
        title, steps = sl.every_event(made.events())
    else:
        try:
            title, steps = sl.from_tour(made.tour(choice))
        except DataError as exc:
            say("error", str(exc))
            return
    edit(lambda d: d.replaced(title, steps), lambda d: 0)
    say("success", f"Started: {len(steps)} step(s). Undo goes back to what you had.")


def _import(key: str, made: Bundle) -> None:
    st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1  # a new, empty uploader next run
    upload = st.session_state.get(key)
    if upload is None:
        return
    if upload.size > sl.MAX_FILE_BYTES:
        say("error", f"{upload.name}: the file is too large (at most {sl.MAX_FILE_BYTES // 1024} KB).")
        return
    try:
        name = " ".join(str(upload.name).split())[:60] or "the file"
        read, _ = sl.read_storyline(upload.getvalue(), made.atlas, made.events(), own_tours.SESSION_NAME, name)
    except DataError as exc:
        say("error", f"Nothing was imported: {exc}")
        return
    edit(lambda d: d.replaced(read.title, read.steps), lambda d: 0)
    say("success", f"Imported {len(read)} step(s). Undo goes back to what you had.")


def _retitle() -> None:
    title = st.session_state.get(TITLE, "")
    if _arrived(TITLE) is not None:
        edit(lambda d: d.retitled(title))


def _add(made: Bundle) -> None:
    kind, _, slug = st.session_state.get(ADD, "").partition(":")
    if not slug:
        return
    at = selected() + 1 if len(draft()) else 0
    edit(lambda d: d.added(sl.with_subject(DraftStep(), kind, slug), at), lambda d: at)


def _field(key: str, field: str, options: tuple[Any, ...] | None = None) -> None:
    """A step's field typed or chosen: into the draft at once, into the step the field was drawn for."""
    value = st.session_state.get(key)
    index = _arrived(key, options)
    if index is None:
        return
    if field == "passage":
        value = None if value == 1 else value
    if field == "also":
        value = tuple(value or ())
    if field == "kind":
        value = "question" if value else None  # `show`, the default, is left out of the file
    edit(lambda d: d.changed(index, **{field: value}))


def _subject() -> None:
    kind, _, slug = st.session_state.get(SUBJECT, "").partition(":")
    index = _arrived(SUBJECT)
    if index is None:
        return
    edit(
        lambda d: d.replaced(
            d.title, (*d.steps[:index], sl.with_subject(d.steps[index], kind, slug), *d.steps[index + 1 :])
        )
    )


def _use_view() -> None:
    view = st.session_state.get(LAST_VIEW)
    if not view:
        say("info", "Move or zoom the map first: then “Use this view” keeps what it shows.")
        return
    index = selected()
    edit(lambda d: d.changed(index, view=view))


def _fit_view() -> None:
    index = selected()
    edit(lambda d: d.changed(index, view=None))


def _undo() -> None:
    edit(lambda d: d.undo())


def _move(by: int) -> None:
    index = selected()
    edit(lambda d: d.moved(index, index + by), lambda d: max(0, min(index + by, len(d) - 1)))


def _duplicate() -> None:
    index = selected()
    edit(lambda d: d.duplicated(index), lambda d: index + 1)


def _delete() -> None:
    index = selected()
    edit(lambda d: d.deleted(index), lambda d: max(0, index - 1))


# What the page gave each field ------------------------------------------------------------------


@dataclass(frozen=True)
class Given:
    """What the page last put into a field (or what the teacher has typed over it since), for which step,
    in which run; and `before`, the same for the values it replaced there, which a browser that has not
    yet received that run still shows and sends back (at most MAX_REPLACED: quick clicks within a round trip)."""

    value: Any
    step: int
    run: int
    before: tuple[Given, ...] = ()


def _browser_run() -> int | None:
    """The number of the latest run whose fields the browser had received when it asked for this one (the
    hidden field `DRAWN`); None before it has one (a first visit, back from another page)."""
    drawn = st.session_state.get(DRAWN)
    return drawn if isinstance(drawn, int) and not isinstance(drawn, bool) else None


def _give(key: str, value: Any, step: int, run: int) -> None:
    """Put `value` into the field `key` for `step` in this `run`, remembering what it replaced there."""
    state = st.session_state
    given = state.setdefault(GIVEN, {})
    was = given.get(key)
    if key in state and state[key] == value and was is not None and was.step == step:
        state[key] = value  # sent with the field again, so a browser that draws the page afresh shows it
        return
    before: tuple[Given, ...] = ()
    if was is not None and key in state:  # drawn before: a browser behind may still show it
        before = (*was.before, replace(was, value=state[key], before=()))[-MAX_REPLACED:]
    given[key] = Given(value, step, run, before)
    state[key] = value


def _arrived(key: str, options: tuple[Any, ...] | None = None) -> int | None:
    """In a field's callback: the step the value that arrived was chosen for, or None when it is the browser
    echoing what it still showed, which the field is given its value again for. A value sent with the run
    that gave the field its value, or a later one, was chosen in that drawing: written into its step, even
    when it equals another step's. One sent with an earlier run's number and equal to what the field showed
    in that run (or none of the field's `options`: another step's passage, as the browser still labels it)
    is an echo. One typed over that earlier drawing goes into the step it showed."""
    state = st.session_state
    given = state.get(GIVEN, {}).get(key)
    if given is None:
        return selected()
    arrived, drawn = state.get(key), _browser_run()
    if options is not None and arrived not in options:
        state[key] = given.value
        return None
    if drawn is None or drawn >= given.run:
        state[GIVEN][key] = replace(given, value=arrived)
        return given.step if given.step < len(draft()) else selected()
    state[key] = given.value  # the field shows the step it was given for
    shown = [older for older in given.before if older.run <= drawn]  # the drawing the browser had, latest last
    if arrived == shown[-1].value if shown else any(arrived == older.value for older in given.before):
        return None
    step = shown[-1].step if shown else given.step
    return step if step < len(draft()) else selected()


def _caught_up(drawn: int | None) -> None:
    """Forget the replaced values of every field whose value the browser had received when it asked for
    this run: its requests come in order, so none of them can come back."""
    if drawn is None:
        return
    given = st.session_state.get(GIVEN, {})
    for key, was in given.items():
        if was.before and drawn >= was.run:
            given[key] = replace(was, before=())


def _drawn(run: int) -> None:
    """The hidden field that hands the browser this run's number (drawn after the step's fields, so a
    browser that holds the number holds the fields it gave), which it sends back with each rerun."""
    st.session_state[DRAWN] = run
    st.number_input("Drawing", min_value=0, step=1, key=DRAWN, label_visibility="collapsed")


# Reading the map's view ---------------------------------------------------------------------------


def map_view(reported: dict[str, Any] | None) -> dict[str, float | int] | None:
    """The view the preview map reports (its centre and zoom), rounded as the file keeps it; None
    until the map has reported one, or for anything that is not a view."""
    if not isinstance(reported, dict):
        return None
    center, zoom = reported.get("center"), reported.get("zoom")
    if not isinstance(center, dict) or isinstance(zoom, bool) or not isinstance(zoom, int | float):
        return None
    lat, lon = center.get("lat"), center.get("lng", center.get("lon"))
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
        return None
    lon = (lon + 180) % 360 - 180  # a map panned round the world reports longitudes past 180
    return {"lat": round(float(lat), 5), "lon": round(lon, 5), "zoom": max(1, min(18, round(zoom)))}


# Layout -------------------------------------------------------------------------------------------


def _seed(current: Draft, index: int, names: dict[str, str]) -> int:
    """Fill the step's fields from the draft when it changed or the fields were not drawn; the run's number."""
    state = st.session_state
    run = state[RUNS] = state.get(RUNS, 0) + 1
    _caught_up(_browser_run())
    if TITLE not in state or state.get(SEEDED, (None,))[0] is not current:
        _give(TITLE, current.title, index, run)
    if current.steps and (state.get(SEEDED) != (current, index) or any(key not in state for key in STEP_FIELDS_SHOWN)):
        step = current.steps[index]
        kind, slug = step.subject
        _give(SUBJECT, f"{kind}:{slug}", index, run)
        _give(PASSAGE, step.get("passage", 1), index, run)
        _give(TEXT, step.get("text") or "", index, run)
        _give(NOTE, step.get("note") or "", index, run)
        _give(ALSO, [s for s in (step.get("also") or ()) if isinstance(s, str) and s in names], index, run)
        _give(QUESTION, step.get("kind") == "question", index, run)
        if state.get(SEEDED, (None, None))[1] != index:
            state.pop(LAST_VIEW, None)
    state[SEEDED] = (current, index)
    return run


def subjects(made: Bundle) -> dict[str, str]:
    """Every place and event a step can show, by its key ("place:<slug>", "event:<slug>"), with its label."""
    places = {f"place:{p.slug}": p.name for p in made.atlas.places}
    events = {f"event:{e.slug}": f"{e.title} ({e.when})" for e in made.timeline().events}
    return places | events


def start_panel(made: Bundle, names: tuple[str, ...], empty: bool) -> None:
    with st.expander("Start a storyline, or import one", expanded=empty):
        options = {
            BLANK: "A blank storyline",
            **{name: f"This atlas's storyline: {TOUR_LABELS.get(name, name)}" for name in names},
            EVERY_PLACE: "Every place, in the article's order",
        }
        if made.events():
            options[EVERY_EVENT] = "Every event, in date order"
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.selectbox("Start from", list(options), format_func=options.get, key=START, width=380)
            st.button("Start", key="story-start-go", on_click=_start, args=(made,), icon=":material/restart_alt:")
        key = f"story-import-{st.session_state.get(UPLOADS, 0)}"
        st.file_uploader(
            "Import a storyline file (YAML, as downloaded here)",
            type=["yaml", "yml"],
            key=key,
            on_change=_import,
            args=(key, made),
            max_upload_size=1,
        )


def step_actions(current: Draft) -> None:
    """Up, Down, Duplicate, Delete and Undo, on the step being edited, with their keys. Never disabled
    (a disabled button's grey fails the contrast audit): an edit that cannot be done (the first step
    up, a 101st step) changes nothing or says why."""
    actions = [
        ("Up", "story-up", _move, (-1,), "arrow_upward", "Alt+Up", "Move the step up"),
        ("Down", "story-down", _move, (1,), "arrow_downward", "Alt+Down", "Move the step down"),
        ("Duplicate", "story-duplicate", _duplicate, (), "content_copy", "Alt+D", "Duplicate the step"),
        ("Delete", "story-delete", _delete, (), "delete", "Alt+Backspace", "Delete the step"),
    ]
    undo = ("Undo", "story-undo", _undo, (), "undo", "Alt+Z", "Undo the last change")
    shown = (actions if current.steps else []) + ([undo] if current.steps or current.can_undo else [])
    with st.container(horizontal=True, gap="small"):
        for label, key, action, args, icon, shortcut, what in shown:
            st.button(
                label,
                key=key,
                on_click=action,
                args=args,
                icon=f":material/{icon}:",
                shortcut=shortcut,
                help=f"{what} ({shortcut})",
            )


def step_list(current: Draft, index: int, labels: dict[str, str]) -> None:
    st.markdown(f"**Steps** ({len(current)} of at most {MAX_STEPS})")
    for i, step in enumerate(current.steps):
        st.button(
            f"{i + 1}. {sl.step_label(step, labels)}",
            key=f"story-pick-{i}",
            on_click=_select,
            args=(i,),
            type="primary" if i == index else "tertiary",
            width="stretch",
        )


def add_panel(made: Bundle, labels: dict[str, str]) -> None:
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.selectbox("A place or an event", list(labels), format_func=labels.get, key=ADD, width=360)
        st.button(
            "Add step",
            key="story-add-go",
            on_click=_add,
            args=(made,),
            icon=":material/add:",
            help=f"After the step being edited (at most {MAX_STEPS} steps)",
        )


def passage_options(made: Bundle, step: DraftStep) -> tuple[list[Any], dict[Any, str]]:
    kind, slug = step.subject
    passages = made.atlas.passages.get(slug, []) if kind == "place" else []
    labels: dict[Any, str] = {NO_PASSAGE: "No passage"}
    for n, passage in enumerate(passages, 1):
        sentence = passage.sentence
        if len(sentence) > PASSAGE_LABEL_CHARS:
            sentence = sentence[:PASSAGE_LABEL_CHARS] + "…"
        labels[n] = f"{n}. {sentence}"
    return list(labels), labels


def step_fields(
    made: Bundle, current: Draft, index: int, labels: dict[str, str], places: dict[str, str], run: int
) -> None:
    step = current.steps[index]
    st.selectbox("It shows", list(labels), format_func=labels.get, key=SUBJECT, on_change=_subject)
    if step.subject[0] == "place":
        options, passage_labels = passage_options(made, step)
        if st.session_state.get(PASSAGE) not in options:
            _give(PASSAGE, NO_PASSAGE if len(options) == 1 else options[1], index, run)
        st.radio(
            "Passage of the article",
            options,
            format_func=passage_labels.get,
            key=PASSAGE,
            on_change=_field,
            args=(PASSAGE, "passage", tuple(options)),
        )
    st.text_area(
        "Your text for the class (a question, a comment): shown to everyone",
        key=TEXT,
        max_chars=MAX_NOTE_LENGTH,
        on_change=_field,
        args=(TEXT, "text"),
        height=90,
    )
    st.text_area(
        "Teacher notes (shown only with “Show teacher notes”)",
        key=NOTE,
        max_chars=MAX_NOTE_LENGTH,
        on_change=_field,
        args=(NOTE, "note"),
        height=90,
    )
    own = step.subject[1] if step.subject[0] == "place" else None
    st.multiselect(
        "Other places to light up with it",
        [slug for slug in places if slug != own or slug in st.session_state.get(ALSO, ())],
        format_func=places.get,
        key=ALSO,
        max_selections=MAX_ALSO,
        on_change=_field,
        args=(ALSO, "also"),
    )
    st.checkbox(
        "Ask the class where it is first (a map quiz when presenting to a class)",
        key=QUESTION,
        on_change=_field,
        args=(QUESTION, "kind"),
        help="Each student answers on their own map; you reveal the place and the class's distances",
    )
    view = step.get("view")
    if view:
        shown = dict(view)
        where = f"the view you chose (centre {shown.get('lat')}, {shown.get('lon')}; zoom {shown.get('zoom')})"
    else:
        where = "fitted to its places"
    st.markdown(f"Map view: {where}.")
    with st.container(horizontal=True, gap="small"):
        st.button(
            "Use this view",
            key="story-use-view",
            on_click=_use_view,
            icon=":material/crop_free:",
            help="Pan and zoom the preview map, then press: the class's map opens there",
        )
        st.button(
            "Fit to its places",
            key="story-fit-view",
            on_click=_fit_view,
            icon=":material/fit_screen:",
        )


def preview(made: Bundle, step: StepView | None, problem: str | None) -> None:
    st.markdown("**Preview: the step as the class sees it**")
    if problem:
        st.error(problem)
    if step is None:
        st.info("Add a step to see it here.")
        return
    notes = st.session_state.get(NOTES, False)
    html("tour_body.html", step=step, counter=True, passage=True, notes=notes, link=None)  # as the tour shows it
    st.toggle("Show teacher notes", key=NOTES)
    reported = tour_view.show_step_map(made, step, height=PREVIEW_HEIGHT, returned_objects=("center", "zoom"))
    view = map_view(reported)
    if view is not None:
        st.session_state[LAST_VIEW] = view


def shown_step(made: Bundle, current: Draft, index: int, tour: Tour | None) -> StepView | None:
    """The step being edited as the class will see it: from the whole storyline when it has no problem,
    else the step alone (a problem in another step does not hide this one's preview)."""
    if not current.steps:
        return None
    if tour is not None:
        return made.custom_steps(tour)[index]
    try:
        alone = sl.checked(Draft(steps=(current.steps[index],)), made.atlas, made.events(), own_tours.SESSION_NAME)
    except DataError:
        return None
    return replace(made.custom_steps(alone)[0], number=index + 1, total=len(current))


def tour_link(slug: str) -> str:
    return source.keep_source(step_link(page_address(TOUR_PATH), 1, slug))


def keep_panel(made: Bundle, current: Draft, tour: Tour | None) -> None:
    """Download, save, and run the storyline."""
    if tour is None:
        st.markdown("Download, save and run are ready once the storyline has steps and no problem.")
        return
    text = sl.storyline_yaml(current)
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            "Download (YAML)",
            data=text,
            file_name=f"{made.file_stem('karabakh')}-storyline.yaml",
            mime="application/x-yaml",
            key="story-download",
            on_click="ignore",
            icon=":material/download:",
        )
        run = st.button(
            "Run on the Classroom tour",
            key="story-go",
            type="primary",
            icon=":material/play_arrow:",
        )
    if run:
        kept = st.session_state.get(SAVED_AS, {}).get(source.current())
        name = kept[0] if kept and kept[1] == text else own_tours.SESSION_NAME
        own_tours.run(tour, text)
        params = {"tour": name, **({"atlas": source.current().slug} if source.current().slug else {})}
        if name == own_tours.SESSION_NAME and (code := presenting.presented()):
            params[ROOM_PARAM] = code  # back to the class: the room carries the changed storyline
        st.switch_page(page_script(TOUR_FILE), query_params=params)
    save_panel(current, text)


def _save(text: str, title: str, change: bool) -> None:
    root, src = saved.saved_root(), source.current()
    if root is None:
        return
    kept = st.session_state.get(SAVED_AS, {}).get(src)
    secrets_ = st.session_state.setdefault(SECRETS, {})
    try:
        if change and kept:
            change_tour(root, kept[0], secrets_.get(kept[0], ""), text)
            slug = kept[0]
        else:
            slug, secret = save_tour(root, text, title, src.slug, client())
            secrets_[slug] = secret
    except (NotAuthor, InputError, OSError) as exc:
        say("error", f"Not saved: {exc}")
        return
    st.session_state.setdefault(SAVED_AS, {})[src] = (slug, text)
    say("success", "Saved. " + ("Every link to it now opens the change." if change else "Its link is below."))


def save_panel(current: Draft, text: str) -> None:
    root, src = saved.saved_root(), source.current()
    if root is None:
        st.markdown("This server keeps no storylines: download yours to keep it.")
        return
    if not source.shareable():
        st.markdown(
            "A draft atlas has no link yet: save the atlas first (Map your own article) to save storylines for it."
        )
        return
    kept = st.session_state.get(SAVED_AS, {}).get(src)
    mine = kept is not None and kept[0] in st.session_state.get(SECRETS, {})
    with st.container(horizontal=True, gap="small"):
        if mine:
            st.button(
                "Save changes",
                key="story-save-change",
                on_click=_save,
                args=(text, current.title, True),
                icon=":material/save:",
                help="The same link opens the changed storyline",
            )
        st.button(
            "Save as a new storyline" if mine else "Save on the server",
            key="story-save",
            on_click=_save,
            args=(text, current.title, False),
            icon=":material/cloud_upload:",
        )
    if kept is not None:
        html("story_saved.html", link=tour_link(kept[0]), changed=kept[1] != text)
        reveal = "Show my edit link"
        if mine and st.toggle(
            reveal, key="story-reveal", help="To change it from another device. Keep it to yourself."
        ):
            html("story_secret.html", link=edit_link(kept[0], st.session_state[SECRETS][kept[0]]))


def edit_link(slug: str, secret: str) -> str:
    """The author's link to change a saved storyline from another device: the app's static page
    static/atlas/story-editor.html with the secret after "#", which a browser never sends to a server
    (no log or Referer holds it); its script keeps the secret in a cookie of this site named for the
    storyline and opens this page on it (as the presenter link does for a room)."""
    parts = urlsplit(page_address(TOUR_PATH))
    root = parts.path.rsplit("/", 1)[0]
    atlas = source.current().slug
    fragment = urlencode({"tour": slug, EDIT_PARAM: secret, **({"atlas": atlas} if atlas else {})})
    return urlunsplit((parts.scheme, parts.netloc, f"{root}/app/static/atlas/story-editor.html", "", fragment))


def open_link(made: Bundle) -> None:
    """`?tour=<slug>`: open a saved storyline in the editor, once; its author's browser (the edit link's
    cookie) may then save changes to it."""
    slug = st.query_params.get("tour")
    secret = st.context.cookies.get(EDIT_COOKIE + slug) if slug else None
    if slug is None:
        return
    del st.query_params["tour"]
    root = saved.saved_root()
    if root is None or not is_tour_slug(slug):
        say("warning", "That link names no saved storyline here.")
        return
    try:
        kept = load_tour_file(root, slug)
        read, _ = sl.read_storyline(kept.text, made.atlas, made.events(), slug)
    except (InputError, DataError) as exc:
        say("warning", f"That saved storyline cannot open here: {exc}")
        return
    edit(lambda d: d.replaced(read.title, read.steps), lambda d: 0)
    if isinstance(secret, str) and secret:
        st.session_state.setdefault(SECRETS, {})[slug] = secret
        st.session_state.setdefault(SAVED_AS, {})[source.current()] = (slug, kept.text)
    say("success", f"Opened the saved storyline “{read.title}”.")


def main() -> None:
    st.set_page_config(page_title="Make a tour · Karabakh Atlas", page_icon="🗺️", layout="wide")
    use_css("tour.css", "editor.css")
    gate.open_atlas("Make a tour")
    made = bundle.current()
    events = gate.open_events()
    open_link(made)
    st.title("Make a tour")
    st.markdown(
        "Write a storyline of your own for the Classroom tour: its steps, what each shows, your text for the "
        "class and your notes. It stays in this browser tab while you work; download it or save it to keep it."
    )
    names = atlas_storylines(events)
    current = draft()
    message = st.session_state.pop(MESSAGE, None)
    if message:
        getattr(st, message[0])(message[1])
    start_panel(made, names, not current.steps)
    index = selected()
    labels = subjects(made)
    places = {p.slug: p.name for p in made.atlas.places}
    run = _seed(current, index, places)
    st.text_input("Title", key=TITLE, max_chars=sl.MAX_TITLE_LENGTH, on_change=_retitle)
    tour, problem = None, None
    try:
        tour = sl.checked(current, made.atlas, made.events(), own_tours.SESSION_NAME)
    except DataError as exc:
        problem = str(exc) if current.steps else None
    left, middle, right = st.columns([3, 5, 6], gap="medium")
    with left:
        step_list(current, index, labels)
        add_panel(made, labels)
    with middle:
        if current.steps:
            st.markdown(f"**Step {index + 1}**")
        step_actions(current)
        if current.steps:
            step_fields(made, current, index, labels, places, run)
        _drawn(run)
    with right:
        preview(made, shown_step(made, current, index, tour), problem)
    keep_panel(made, current, tour)
