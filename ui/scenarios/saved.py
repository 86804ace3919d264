"""The scenarios page's Streamlit side: the store in session state, its callbacks, the link.

The store (name → :class:`~simulator.scenario.Scenario`) lives in
``st.session_state[STORE_KEY]`` for the session only; nothing is written to
disk. The compared names live in ``st.session_state[COMPARED_KEY]`` (plain
state, so they survive a visit to another page, where the picker widget is
not drawn). Every change goes through a button's ``on_click`` or a widget's
``on_change`` callback, which run before the script: they may set the
sidebar's widgets and the address. The logic is :mod:`ui.scenarios`'.
"""

from __future__ import annotations

import streamlit as st

from report.format import literal
from simulator.comparison import Comparison
from simulator.scenario import Scenario
from simulator.scenario_json import to_json
from ui import cache
from ui.scenarios import files, link, store, variants
from ui.scenarios.store import StoreError
from ui.state import session

STORE_KEY = "scenario_store"
COMPARED_KEY = "scenario_compared"
PICK_KEY = "scenario_pick"
NAME_KEY = "scenario_name"
SELECTED_KEY = "scenario_selected"
NEW_NAME_KEY = "scenario_new_name"
UPLOAD_KEY = "scenario_upload"
NRR_VIEW_KEY = "scenario_nrr_view"
_MESSAGE_KEY = "_scenario_message"
_LINK_KEY = "_scenario_link"
_LINK_NOTICE_KEY = "_scenario_link_notice"


def scenarios() -> dict[str, Scenario]:
    """The session's saved scenarios, in the order saved."""
    return dict(st.session_state.get(STORE_KEY) or {})


def compared_names() -> list[str]:
    """The names picked for the comparison that the store still holds."""
    saved = scenarios()
    return [name for name in st.session_state.get(COMPARED_KEY) or [] if name in saved]


def show_compared() -> None:
    """Before the comparison's picker is drawn: it shows the names still stored (a deleted one goes)."""
    st.session_state[PICK_KEY] = compared_names()


def keep_a_selection(stored: dict[str, Scenario]) -> None:
    """Before the manage picker is drawn: it shows a stored scenario (the first when its own went)."""
    if st.session_state.get(SELECTED_KEY) not in stored:
        st.session_state[SELECTED_KEY] = next(iter(stored))


#: The page's sections; an action's message shows in its own, next to the button pressed.
SAVE, MANAGE, FILES = "save", "manage", "files"


def _say(kind: str, text: str, where: str) -> None:
    """A message for the next run to show once in section ``where`` ("success", "warning" or "error")."""
    st.session_state[_MESSAGE_KEY] = (kind, text, where)


def show_message(where: str) -> None:
    """Show (once) what the last action did, when it was done in section ``where``."""
    message = st.session_state.get(_MESSAGE_KEY)
    if message is None or message[2] != where:
        return
    del st.session_state[_MESSAGE_KEY]
    kind, text, _ = message
    icons = {
        "success": ":material/check_circle:",
        "info": ":material/info:",
        "warning": ":material/warning:",
        "error": ":material/back_hand:",
    }
    getattr(st, kind)(literal(text), icon=icons[kind])  # names and file names are the user's


def _set_store(new: dict[str, Scenario], compared: list[str] | None = None) -> None:
    st.session_state[STORE_KEY] = new
    names = compared if compared is not None else st.session_state.get(COMPARED_KEY) or []
    st.session_state[COMPARED_KEY] = [name for name in names if name in new]


def _add_to_comparison(names: list[str]) -> list[str]:
    current = list(st.session_state.get(COMPARED_KEY) or [])
    for name in names:
        if name not in current and len(current) < store.MAX_COMPARED:
            current.append(name)
    return current


# Callbacks.


def on_save() -> None:
    """Save the sidebar's scenario under the typed name."""
    try:
        name = store.clean_name(st.session_state.get(NAME_KEY, ""))
        new = store.save(scenarios(), name, session.current_scenario())
    except StoreError as error:
        _say("error", f"Not saved: {error}.", SAVE)
        return
    _set_store(new, _add_to_comparison([name]))
    st.session_state[NAME_KEY] = ""
    st.session_state[SELECTED_KEY] = name
    _say("success", f"Saved '{name}'.", SAVE)


def on_variant(kind: str) -> None:
    """Save the sidebar's scenario as "Base", "Plan" or "Downside", replacing an earlier one."""
    existed = kind in scenarios()
    try:
        new = store.save(scenarios(), kind, variants.variant(session.current_scenario(), kind), replace=True)
    except StoreError as error:
        _say("error", f"Not saved: {error}.", SAVE)
        return
    _set_store(new, _add_to_comparison([kind]))
    st.session_state[SELECTED_KEY] = kind
    what = "Updated" if existed else "Saved"
    _say("success", f"{what} '{kind}': {variants.VARIANTS[kind]}.", SAVE)


def on_pick() -> None:
    """The comparison picker changed: remember its names."""
    st.session_state[COMPARED_KEY] = list(st.session_state.get(PICK_KEY) or [])


def on_rename() -> None:
    """Rename the selected scenario to the typed name (the comparison follows)."""
    old = str(st.session_state.get(SELECTED_KEY))
    try:
        new_name = store.clean_name(st.session_state.get(NEW_NAME_KEY, ""))
        new = store.rename(scenarios(), old, new_name)
    except StoreError as error:
        _say("error", f"Not renamed: {error}.", MANAGE)
        return
    names = [new_name if name == old else name for name in st.session_state.get(COMPARED_KEY) or []]
    _set_store(new, names)
    st.session_state[SELECTED_KEY] = new_name
    st.session_state[NEW_NAME_KEY] = ""
    _say("success", f"Renamed '{old}' to '{new_name}'.", MANAGE)


def on_duplicate() -> None:
    """Save a copy of the selected scenario under the next free name."""
    name = str(st.session_state.get(SELECTED_KEY))
    try:
        new, copy = store.duplicate(scenarios(), name)
    except StoreError as error:
        _say("error", f"Not duplicated: {error}.", MANAGE)
        return
    _set_store(new)
    st.session_state[SELECTED_KEY] = copy
    _say("success", f"Saved a copy of '{name}' as '{copy}'.", MANAGE)


def on_delete() -> None:
    """Delete the selected scenario (and drop it from the comparison)."""
    name = str(st.session_state.get(SELECTED_KEY))
    try:
        new = store.delete(scenarios(), name)
    except StoreError as error:
        _say("error", f"Not deleted: {error}.", MANAGE)
        return
    _set_store(new)
    st.session_state.pop(SELECTED_KEY, None)
    _say("success", f"Deleted '{name}'.", MANAGE)


def on_load() -> None:
    """Put the selected scenario into the sidebar; the address follows through :mod:`ui.state`."""
    name = st.session_state.get(SELECTED_KEY)
    saved = scenarios()
    if name not in saved:
        _say("error", f"There is no scenario named '{name}'.", MANAGE)
        return
    notes = session.load_scenario(saved[name])
    if notes:
        _say(
            "warning",
            f"Loaded '{name}' into the sidebar, except what it cannot hold: {'; '.join(notes)}.",
            MANAGE,
        )
    else:
        _say("success", f"Loaded '{name}' into the sidebar: every page now shows it.", MANAGE)


def on_upload() -> None:
    """Add the scenarios of an uploaded file; a broken file changes nothing and says why."""
    uploaded = st.session_state.get(UPLOAD_KEY)
    if uploaded is None:
        return
    try:
        incoming = files.read_file(uploaded.getvalue(), file_name=uploaded.name)
        new = store.merge(scenarios(), incoming)
    except StoreError as error:
        _say("error", f"'{uploaded.name}' was not loaded, nothing changed: {error}.", FILES)
        return
    replaced = [name for name in incoming if name in scenarios()]
    _set_store(new, _add_to_comparison(list(incoming)))
    st.session_state[SELECTED_KEY] = next(iter(incoming))
    text = f"Added {len(incoming)} scenario{'s' if len(incoming) > 1 else ''} from '{uploaded.name}'"
    if replaced:
        text += f", replacing the saved {', '.join(repr(name) for name in replaced)}"
    _say("success", text + ".", FILES)


# The link.


def follow_link() -> None:
    """Open the comparison the address carries, once per new link; a broken one leaves a notice.

    The scenarios of the link join the store (replacing same-named ones: the
    link is what the room is looking at) and become the comparison.
    """
    text = st.query_params.get(link.COMPARE_PARAM)
    if not text or text == st.session_state.get(_LINK_KEY):
        return
    st.session_state[_LINK_KEY] = text
    try:
        linked = link.scenarios_from_link(text)
        new = store.merge(scenarios(), linked)
    except StoreError as error:
        st.session_state[_LINK_NOTICE_KEY] = (
            # The reason can quote the link's names, which anyone can write: text, never markdown.
            "This link's comparison could not be opened, so your own scenarios are shown: "
            f"{literal(str(error))}."
        )
        del st.query_params[link.COMPARE_PARAM]
        return
    st.session_state[_LINK_NOTICE_KEY] = None
    _set_store(new, list(linked))


def link_notice() -> str | None:
    """Why the address's comparison was not opened, if it was not."""
    return st.session_state.get(_LINK_NOTICE_KEY)


def write_link(names: list[str]) -> str | None:
    """Keep the address's ``compare`` parameter in step with the compared scenarios; returns why not,
    when the comparison does not fit in a link."""
    wanted = link.link_text(store.compared(scenarios(), names)) if len(names) >= store.MIN_COMPARED else None
    present = st.query_params.get(link.COMPARE_PARAM)
    if wanted == present:
        return None
    if wanted is not None and len(wanted) > link.MAX_LINK_CHARS:
        # Never written: a link that long could not be reopened. The address keeps the last one that fitted.
        return (
            f"This comparison does not fit in a link ({len(wanted):,} characters; a link holds at most "
            f"{link.MAX_LINK_CHARS:,}), so the address keeps the last comparison that fitted. To share this "
            "one, download all scenarios (Files, below)."
        )
    if wanted is None:
        del st.query_params[link.COMPARE_PARAM]
    else:
        st.query_params[link.COMPARE_PARAM] = wanted
        st.session_state[_LINK_KEY] = wanted
        st.session_state[_LINK_NOTICE_KEY] = None
    return None


# Drawing helpers.


def comparison(names: list[str]) -> Comparison:
    """The compared scenarios, over the first one's horizon (cached by the engine wrapper)."""
    saved = scenarios()
    return cache.comparison(tuple((name, saved[name]) for name in names))


def scenario_json(name: str) -> str:
    """One saved scenario as the command line's file."""
    return to_json(scenarios()[name])
