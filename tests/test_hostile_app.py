"""Issue 13, the app half: hostile inputs through the app's own entrances (the address, an upload, the
scenarios a comparison writes to CSV), where the engine half (tests/test_hostile_engine.py) feeds the
reader, the engine and the command line.

Each must end in a clear message, never Streamlit's "This app has encountered an error", and leave the
app usable: the next run, on another page, works.
"""

from __future__ import annotations

import ast
import base64
import csv
import io
import json
import zlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from simulator.comparison import compare
from simulator.output import csv_bytes
from simulator.scenario import Scenario, to_dict
from tests.apptest_support import app, plain, values_of
from tests.apptest_support import metrics as metrics_of
from tests.test_hostile_engine import REFUSED
from ui.actuals.uploads import UPLOAD_KEY
from ui.scenarios import saved
from ui.state.controls import defaults

pytestmark = pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")

BASE = Scenario(starting_mrr=100_000, churn_rate=0.03, expansion_rate=0.02, months=36)
#: Names that a spreadsheet would run as formulas, as a shared link can carry them.
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-1+2")


def still_usable(at: AppTest) -> None:
    """The app goes on: another page runs, and shows its figures."""
    at.switch_page("pages/compounding.py").run()
    assert not at.exception
    assert at.metric


# The address.


@pytest.mark.parametrize(
    ("param", "says"),
    [
        ("segments", "segments"),
        ("plan", "plan"),
    ],
)
def test_three_thousand_brackets_in_the_address_fall_back_with_a_notice(param: str, says: str) -> None:
    at = app(**{param: "[" * 3_000 + "]" * 3_000})
    assert not at.exception
    assert at.warning and says in plain(at.warning[0].value)
    assert values_of(at) == defaults()
    still_usable(at)


@pytest.mark.parametrize("link", ["A" * 48, "[" * 3_000, "eJzLSM3JyQcABiwCFQ", "%00%ff" * 8])
def test_a_tampered_comparison_link_says_so_on_the_scenarios_page(link: str) -> None:
    at = app("pages/scenarios.py", compare=link)
    assert not at.exception
    assert any("comparison could not be opened" in plain(w.value) for w in at.warning)
    still_usable(at)


def test_a_hostile_name_in_a_comparison_link_is_quoted_as_text() -> None:
    hostile = "![x](http://evil.example/a.png)"
    items = [[hostile, to_dict(BASE)], [hostile, {}]]
    packed = base64.urlsafe_b64encode(zlib.compress(json.dumps(items).encode())).decode().rstrip("=")
    at = app("pages/scenarios.py", compare=packed)
    assert not at.exception
    notice = next(w.value for w in at.warning if "comparison could not be opened" in plain(w.value))
    assert "twice" in notice and "![" not in notice and "](" not in notice
    assert plain(notice).count(hostile) == 1


def test_a_hundred_million_starting_customers_keep_uncertainty_bounded() -> None:
    at = app("pages/uncertainty.py", starting_customers="100000000", months="120")
    assert not at.exception
    assert at.metric
    still_usable(at)


def test_a_reference_with_a_longer_horizon_compares_over_it() -> None:
    at = app()
    at.session_state[saved.STORE_KEY] = {"Long": BASE.replace(months=60), "Short": BASE}
    at.session_state[saved.COMPARED_KEY] = ["Long", "Short"]
    at.switch_page("pages/scenarios.py").run()
    assert not at.exception
    assert any("60 months" in caption.value for caption in at.caption)
    still_usable(at)


# Uploads: every export the engine refuses is refused on the page too, with the engine's message.


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_hostile_upload_gets_the_engines_message_on_the_page(case: str) -> None:
    data, _ = REFUSED[case]
    at = app("pages/know-your-number.py")
    at.file_uploader(key=UPLOAD_KEY).set_value(("hostile.csv", data, "text/csv")).run()
    assert not at.exception
    assert len(at.error) == 1
    still_usable(at)


# Files: a name that is a formula reaches a CSV as text, and numbers stay numbers.


def test_formula_names_reach_the_comparison_csvs_as_text() -> None:
    store = {name: BASE.replace(churn_rate=0.02 + 0.005 * i) for i, name in enumerate(FORMULAS)}
    result = compare(store)
    for table in (result.differences, result.month_by_month()):
        rows = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8"))))
        names = {cell for row in rows[1:] for cell in row if cell.lstrip("'") in FORMULAS}
        assert names == {"'" + name for name in FORMULAS}
        for row in rows[1:]:
            for cell in row:
                if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                    float(cell)  # only a negative number may start so


def test_formula_names_are_compared_on_the_page() -> None:
    at = app()
    at.session_state[saved.STORE_KEY] = {
        name: BASE.replace(months=24 + 12 * i) for i, name in enumerate(FORMULAS)
    }
    at.session_state[saved.COMPARED_KEY] = list(FORMULAS)
    at.switch_page("pages/scenarios.py").run()
    assert not at.exception
    assert len(at.get("download_button")) >= 2


def _raw_markup_calls(tree: ast.AST) -> list[ast.Call]:
    """Calls that hand Streamlit raw HTML or script: ``st.html(...)`` and any ``unsafe_allow_*=True``."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        unsafe = any(
            (kw.arg or "").startswith("unsafe_allow")
            and isinstance(kw.value, ast.Constant)
            and kw.value.value
            for kw in node.keywords
        )
        if unsafe or (isinstance(node.func, ast.Attribute) and node.func.attr == "html"):
            found.append(node)
    return found


def _escaped_or_constant(given: ast.expr | None) -> bool:
    """A module constant (an upper-case name), or an f-string whose every value goes through html.escape."""
    if isinstance(given, ast.Name | ast.Attribute):
        name = given.id if isinstance(given, ast.Name) else given.attr
        return name.isupper()
    if isinstance(given, ast.JoinedStr):
        return all(
            isinstance(part, ast.Constant)
            or (
                isinstance(part, ast.FormattedValue)
                and isinstance(part.value, ast.Call)
                and ast.unparse(part.value.func) == "html.escape"
            )
            for part in given.values
        )
    return False


def test_raw_html_and_script_reach_streamlit_only_as_constants_or_escaped() -> None:
    """Nothing a user typed or uploaded can reach the calls that skip Streamlit's escaping as markup: each
    is given a module constant, or text that went through html.escape, never a string built otherwise."""
    root = Path(__file__).resolve().parents[1]
    sources = [root / "app.py", *sorted((root / "pages").glob("*.py")), *sorted((root / "ui").rglob("*.py"))]
    calls = [
        (source.name, call.lineno, call.args[0] if call.args else None)
        for source in sources
        for call in _raw_markup_calls(ast.parse(source.read_text(encoding="utf-8")))
    ]
    assert len(calls) >= 4  # the app's CSS, the presenter's CSS and clicker keys, the charts' titles
    assert [(file, line) for file, line, given in calls if not _escaped_or_constant(given)] == []


# Issue 23, finding 1 on the page: the amounts' reading is said above the figures.


def test_a_semicolon_export_in_whole_thousands_shows_thousands_and_says_how_it_read_them() -> None:
    from tests.test_hostile_engine import SEMICOLONS

    at = app("pages/know-your-number.py")
    at.file_uploader(key=UPLOAD_KEY).set_value(("export.csv", SEMICOLONS, "text/csv")).run()
    assert not at.exception
    assert metrics_of(at)["MRR, 2024-02"] == "$1,010"
    said = " ".join(plain(caption.value) for caption in at.caption)
    assert "decimal commas and points between thousands (row 2: '1.010' is 1010)" in said


# Issue 23, finding 8 on the page: an export pasted twice is warned about.


def test_an_export_pasted_twice_is_warned_about_on_the_page() -> None:
    rows = b"a,2024-01,100\nb,2024-01,50\na,2024-02,120\n"
    at = app("pages/know-your-number.py")
    data = b"customer_id,month,mrr\n" + rows + rows
    at.file_uploader(key=UPLOAD_KEY).set_value(("export.csv", data, "text/csv")).run()
    assert not at.exception
    warned = [plain(w.value) for w in at.warning if "repeat" in w.value]
    assert warned and "3 rows repeat an earlier row exactly (row 5 repeats row 2" in warned[0]


# Issue 23, findings 5 and 7 on the page: a broken or invisible name never reaches Streamlit.


def _comparison_link(*names: str) -> str:
    items = [[name, to_dict(BASE) if i == 0 else {}] for i, name in enumerate(names)]
    return base64.urlsafe_b64encode(zlib.compress(json.dumps(items).encode())).decode().rstrip("=")


@pytest.mark.parametrize("page", ["pages/scenarios.py", "pages/present.py"])
def test_a_lone_surrogate_in_a_comparison_link_is_refused_and_every_page_still_works(page: str) -> None:
    at = app("pages/scenarios.py", compare=_comparison_link("A\ud800", "B"))
    assert not at.exception
    assert any("broken character" in plain(w.value) for w in at.warning)
    at.switch_page(page).run()
    assert not at.exception
    still_usable(at)


def test_a_lone_surrogate_in_a_links_plan_falls_back_with_a_notice() -> None:
    at = app(plan='[["\\ud800","churn_rate",-0.5,1,3,null]]')
    assert not at.exception
    assert at.warning and "broken character" in plain(at.warning[0].value)
    still_usable(at)


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200d\u2060"])
def test_a_name_of_zero_width_characters_is_not_saved(name: str) -> None:
    at = app("pages/scenarios.py")
    at.text_input(key=saved.NAME_KEY).set_value(name)
    at.button(key="scenario_save").click().run()
    assert not at.exception
    assert any("Not saved" in e.value and "visible character" in plain(e.value) for e in at.error)
    assert saved.STORE_KEY not in at.session_state or not at.session_state[saved.STORE_KEY]


# Issue 23, finding 2: links that keep their scenario.


def test_tracking_parameters_added_by_chat_apps_keep_the_shared_scenario() -> None:
    at = app(churn_pct="5", fbclid="IwAR0x", utm_source="newsletter", utm_medium="email", gclid="Cj0")
    assert not at.exception
    assert values_of(at)["churn_pct"] == 5.0
    assert not at.warning
    assert not {"fbclid", "utm_source", "utm_medium", "gclid"} & set(at.query_params)


def test_an_unknown_parameter_is_left_out_with_a_notice_and_the_scenario_kept() -> None:
    at = app(churn_pct="5", colour="red")
    assert not at.exception
    assert values_of(at)["churn_pct"] == 5.0
    assert at.warning and "'colour'" in plain(at.warning[0].value)
    assert "colour" not in at.query_params


@pytest.mark.parametrize(("text", "value"), [("arr", "ARR"), ("Arr", "ARR"), ("mrr", "MRR")])
def test_word_values_in_a_link_are_read_whatever_their_case(text: str, value: str) -> None:
    at = app(revenue=text, churn_pct="5")
    assert not at.exception
    assert values_of(at)["churn_pct"] == 5.0 and values_of(at)["revenue"] == value
    assert not at.warning


def test_a_scenario_too_long_for_an_address_is_never_written_into_one() -> None:
    """Loading a scenario whose plan needs 90,000 characters of address kept the address it had:
    written, it could not be reopened (and a 200 KB one got HTTP 400 even on a reload)."""
    from simulator.scenario import Initiative

    plan = [Initiative("€" * 200, "churn_rate", -0.001, start_month=1 + i) for i in range(50)]
    big = BASE.replace(initiatives=plan)
    at = app(churn_pct="4")
    good = dict(at.query_params)
    at.session_state[saved.STORE_KEY] = {"Big": big}
    at.session_state[saved.SELECTED_KEY] = "Big"
    at.switch_page("pages/scenarios.py").run()
    at.button(key="scenario_load").click().run()
    assert not at.exception
    assert "plan" not in at.query_params and at.query_params["churn_pct"] == good["churn_pct"]
    notices = [plain(n.value) for n in (*at.info, *at.warning)]
    assert any("does not fit in the page address" in n for n in notices), notices


def test_a_comparison_too_long_for_a_link_is_never_written_into_one() -> None:
    import hashlib

    from simulator.scenario import Initiative

    def plan(seed: int) -> list[Initiative]:
        names = [hashlib.sha512(f"{seed}-{i}".encode()).hexdigest() * 2 for i in range(50)]
        return [Initiative(name[:200], "churn_rate", -0.001) for name in names]

    store = {f"S{n}": BASE.replace(initiatives=plan(n)) for n in range(4)}
    at = app("pages/scenarios.py")
    at.session_state[saved.STORE_KEY] = store
    at.session_state[saved.COMPARED_KEY] = list(store)
    at.run()
    assert not at.exception
    assert "compare" not in at.query_params
    assert any("does not fit in a link" in plain(w.value) for w in at.warning)


# Issue 23, finding 5: a session never stays broken.


def test_a_page_that_fails_to_draw_starts_the_session_over_and_says_so() -> None:
    """What a session holds can still break a page in ways no entrance foresaw (here a currency no
    text can encode, put straight into session state): every page of the session crashed, each run."""
    at = app("pages/compounding.py", churn_pct="5")
    at.session_state["currency"] = "\ud800"
    at.run()
    assert not at.exception
    said = " ".join(plain(e.value) for e in at.error)
    assert "could not be drawn" in said and "started over" in said
    assert at.session_state["currency"] == "$" and values_of(at) == defaults()
    assert at.metric  # the page drew, on the defaults
    still_usable(at)


# Issue 23, finding 6: bounded work per link opened.


def test_a_comparison_link_asking_for_too_much_work_is_refused_when_opened() -> None:
    """Four scenarios of 600 months, six segments, fifty initiatives and every refinement: about 3 s
    of server CPU and 433 MB a visit, 55 s and 1.7 GB for twenty. Refused before any projection."""
    from benchmarks.heavy_room import heavy_scenario
    from ui.scenarios.link import link_text

    base = heavy_scenario(0)
    compared = {f"Plan {n}": base.replace(churn_rate=base.churn_rate + 0.002 * n) for n in range(4)}
    at = app("pages/scenarios.py", compare=link_text(compared))
    assert not at.exception
    said = " ".join(plain(w.value) for w in at.warning)
    assert "comparison could not be opened" in said and "million cohort-month steps of work" in said
    assert "shorter horizon" in said
    still_usable(at)


class _Runtime:
    """Streamlit's runtime as the reaper sees it: which tabs are connected, and what it closed."""

    def __init__(self, connected: set[str]) -> None:
        self.connected = connected
        self.closed: list[str] = []

    def is_active_session(self, session_id: str) -> bool:
        return session_id in self.connected

    def close_session(self, session_id: str) -> None:
        self.closed.append(session_id)


def test_a_session_whose_tab_is_gone_is_closed_once_and_one_that_comes_back_is_kept() -> None:
    """Streamlit forgets a closed tab's session without shutting it down, so its uploaded files and
    analysis stayed in memory (1.9 GB after twenty heavy sessions closed)."""
    from ui.state import lifetime

    lifetime._seen.clear()
    lifetime._seen.update(dict.fromkeys(("gone", "back", "here")))
    server = _Runtime({"here"})
    assert lifetime.reap(server, 0.0, server.close_session) == []  # gone and back: first seen gone
    server.connected.add("back")
    assert lifetime.reap(server, lifetime.RELEASE_AFTER - 1, server.close_session) == []
    server.connected.discard("back")
    assert lifetime.reap(server, lifetime.RELEASE_AFTER, server.close_session) == ["gone"]
    assert lifetime.reap(server, 2 * lifetime.RELEASE_AFTER, server.close_session) == ["back"]
    assert server.closed == ["gone", "back"] and set(lifetime._seen) == {"here"}
    lifetime._seen.clear()


def test_a_session_keeps_one_analysed_upload_and_drops_the_other_readings() -> None:
    """Four readings of a 41 MB export (with or without cents, mapped by hand) took 1.2 GB more."""
    from simulator.sample_data import generate_export
    from ui.actuals import reading
    from ui.actuals.uploads import CENTS_KEY

    data = generate_export(80, months=14).to_csv(index=False).encode()
    at = app("pages/know-your-number.py")
    at.file_uploader(key=UPLOAD_KEY).set_value(("export.csv", data, "text/csv")).run()
    at.checkbox(key=CENTS_KEY).check().run()
    at.checkbox(key=CENTS_KEY).uncheck().run()
    assert not at.exception
    kept = [value for value in at.session_state["_kyn_results"].values() if isinstance(value, reading.Loaded)]
    assert len(kept) == 1 and kept[0] is at.session_state["_kyn_loaded"]
