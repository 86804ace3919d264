"""What users type is data, never markup: names and values from links, saved scenarios, plans and
uploads reach the page's markdown escaped (no image fetched, no link, no bold, no formula).

The escaping itself (:func:`report.format.literal`) was checked in Debian's chromium: a name holding
``![x](http://…)``, ``[link](http://…)``, a bare ``http://…`` or ``www.…`` address, an e-mail,
``:red[…]``, ``$x^2$`` and ``<b>`` renders as exactly that text, with no ``<a>`` or ``<img>`` and no
request. These tests hold each entrance to it.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from report.format import literal
from simulator.scenario import Scenario
from tests.apptest_support import app
from ui.scenarios import saved

pytestmark = pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")

#: Markdown that would fetch an outside image and draw a link inside the app's own message box.
HOSTILE = "![x](http://evil.example/a.png) [Session expired – sign in again](http://evil.example)"


def shown(at: AppTest) -> list[str]:
    """Every markdown source the page sent: messages, captions, texts, card labels."""
    elements = [*at.warning, *at.error, *at.success, *at.info, *at.caption, *at.markdown]
    return [element.value for element in elements] + [metric.label for metric in at.metric]


def assert_inert(texts: list[str]) -> None:
    for text in texts:
        assert "![" not in text and "](" not in text and "http://" not in text, text


def test_a_hostile_value_in_a_link_is_quoted_as_text() -> None:
    at = app(churn_pct=HOSTILE)
    assert not at.exception
    notice = at.warning[0].value
    assert literal("churn_pct") in notice or "churn" in notice
    assert_inert(shown(at))


def test_a_hostile_parameter_name_in_a_link_is_quoted_as_text() -> None:
    at = app(**{HOSTILE: "1"})
    assert not at.exception
    assert at.warning and literal("evil.example") in at.warning[0].value
    assert_inert(shown(at))


def test_hostile_scenario_names_are_text_on_the_scenarios_page_and_the_presenter() -> None:
    base = Scenario(starting_mrr=100_000, churn_rate=0.03, months=36)
    at = app()
    at.session_state[saved.STORE_KEY] = {HOSTILE: base, "**Plan**": base.replace(churn_rate=0.02)}
    at.session_state[saved.COMPARED_KEY] = [HOSTILE, "**Plan**"]
    at.switch_page("pages/scenarios.py").run()
    assert not at.exception
    assert_inert(shown(at))
    assert any(literal(HOSTILE) in text for text in shown(at))
    at.query_params["slide"] = "4"
    at.switch_page("pages/present.py").run()
    assert not at.exception
    assert_inert(shown(at))
    assert "\\*\\*Plan\\*\\*" in " ".join(shown(at))


def test_a_hostile_initiative_name_is_text_on_the_biggest_lever_page() -> None:
    at = app("pages/biggest-lever.py", plan=f'[["{HOSTILE}","churn_rate",-0.005,1,3,null]]')
    assert not at.exception
    assert_inert(shown(at))
    assert any(literal(HOSTILE) in text for text in shown(at))
