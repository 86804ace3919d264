"""Presenter mode: the scenario told one idea per screen, for a meeting room.

The slide is in the address (``?slide=2`` beside the scenario's parameters,
see :data:`address.VIEW_PARAMS`), so a link opens the same slide; "← Back"
and "Next →" move it. ``app.py`` does not draw the sidebar on this page, and
:data:`PRESENTER_CSS` hides what is left of it (the page list) and the
toolbar. The pure parts (:func:`slide_number`, :data:`SLIDES`) are separate
from the drawing, which goes through :mod:`report.charts`' presenter style.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import plotly.graph_objects as go
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from report import ranking as words
from report import sentences
from report.charts import bucket, growth, lever_bars, overlays, slides
from report.charts.theme import scenario_colours
from report.format import literal, money_delta, pct
from report.revenue import Revenue
from simulator.scenario import Scenario
from simulator.upside import Costs
from ui import cache, show
from ui.scenarios import saved
from ui.state import navigation, session

SLIDE_PARAM = "slide"
#: Chart heights that fit a 1280×720 screen under the headline and the cards.
CHART_HEIGHT = 380
COMPARISON_HEIGHT = 330
LEVER_HEIGHT = 430


@dataclass(frozen=True)
class Slide:
    """One screen of the presentation."""

    key: str
    title: str


SLIDES: tuple[Slide, ...] = (
    Slide("compounding", "The compounding story"),
    Slide("treadmill", "The treadmill"),
    Slide("lever", "The biggest lever"),
    Slide("comparison", "The comparison"),
)

# Fixed strings only (never user text): a clean, full-width screen with large type.
PRESENTER_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], header[data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1.2rem 2.5rem 0.5rem 2.5rem; max-width: 100%; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  font-size: 3.3rem !important; line-height: 1.1;
}
[data-testid="stMetricLabel"] p { font-size: 1.3rem !important; }
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * { font-size: 1.5rem !important; }
[data-testid="stMetric"] { padding: 0.6rem 1rem !important; }
[data-testid="stMarkdown"] p { font-size: 1.5rem; line-height: 1.35; }
[data-testid="stCaptionContainer"] p { font-size: 1.1rem; }
h1 { font-size: 2.6rem !important; padding: 0 !important; }
.stButton button p, [data-testid="stPageLink"] p { font-size: 1.2rem; }
/* A phone: cards stack, close together; the type steps down so a figure still fits its card. The
   controls take two short lines: the slide's title, then back, next and exit side by side (full
   screen goes: a phone has no F key, and an iPhone refuses a page full screen). */
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding: 0.8rem 0.8rem 0.5rem 0.8rem; }
  [data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 2.2rem !important; }
  [data-testid="stMarkdown"] p { font-size: 1.15rem; }
  h1 { font-size: 1.7rem !important; }
  [data-testid="stHorizontalBlock"] { gap: 0.6rem !important; }
  .st-key-present_controls [data-testid="stColumn"] {
    min-width: 0 !important; width: auto !important; flex: 1 1 auto !important;
  }
  .st-key-present_controls [data-testid="stColumn"]:nth-child(2) {
    order: -1; flex-basis: 100% !important; padding-bottom: 0.2rem;
  }
  .st-key-present_controls [data-testid="stColumn"]:nth-child(4) { display: none; }
  .st-key-present_controls .stButton button p, .st-key-present_controls [data-testid="stPageLink"] p {
    font-size: 1.05rem;
  }
}
</style>
"""

#: What a clicker sends: next on →, PageDown, Space and Enter; back on ←, PageUp and Backspace;
#: F (or the button) for full screen. It clicks the slide's own buttons, so the address and the
#: session follow exactly as with a mouse, and does nothing once the presenter is left or while
#: someone types. A press is kept until its slide has changed, for up to 15 s: while the app runs,
#: or its button is missing or disabled (a slide being drawn, a reconnecting socket), it waits;
#: a click that started no run within 2.5 s, or whose run ended on the same slide, is repeated
#: (a click lost on a busy server was seen in CI). That is safe: until the new slide has run, the
#: button still carries the old slide's target, so a second click cannot skip a slide. A new press
#: replaces one still waiting. Fixed code, no user text.
PRESENTER_KEYS_JS = """
<script>
(function () {
  if (window.__nrrPresenterKeys) { return; }
  window.__nrrPresenterKeys = true;
  window.__nrrPresenterPresses = 0;  // read by the browser test, to say where a press was lost
  window.__nrrPresenterClicks = 0;
  const running = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null && app.getAttribute('data-test-script-state') === 'running';
  };
  const slideNow = () => new URLSearchParams(location.search).get('slide');
  let waiting = null;
  const press = (key) => {
    if (waiting !== null) { clearInterval(waiting); }
    const before = slideNow();
    const pressedAt = Date.now();
    let clickedAt = 0;
    let sawRun = false;
    waiting = setInterval(() => {
      const now = Date.now();
      if (slideNow() !== before || now - pressedAt > 15000) {
        clearInterval(waiting);
        waiting = null;
        return;
      }
      if (running()) { sawRun = true; return; }
      if (clickedAt !== 0 && !sawRun && now - clickedAt < 2500) { return; }
      const button = document.querySelector('.st-key-' + key + ' button');
      if (!button || button.disabled) { return; }
      clickedAt = now;
      sawRun = false;
      window.__nrrPresenterClicks += 1;
      button.click();
    }, 50);
  };
  const fullScreen = () => {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
  };
  document.addEventListener('keydown', (event) => {
    if (!document.querySelector('.st-key-present_next')) { return; }
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (['ArrowRight', 'PageDown', ' ', 'Enter'].includes(event.key)) {
      window.__nrrPresenterPresses += 1;
      event.preventDefault();
      if (!event.repeat) { press('present_next'); }
    } else if (['ArrowLeft', 'PageUp', 'Backspace'].includes(event.key)) {
      event.preventDefault();
      if (!event.repeat) { press('present_back'); }
    } else if (event.key === 'f' || event.key === 'F') {
      event.preventDefault();
      fullScreen();
    }
  });
  document.addEventListener('click', (event) => {
    if (event.target.closest && event.target.closest('.st-key-present_fullscreen')) { fullScreen(); }
  });
})();
</script>
"""


def slide_number(text: str | None) -> int:
    """The slide an address asks for (1 to ``len(SLIDES)``), the first when it is missing or wrong.

    >>> slide_number("3"), slide_number(None), slide_number("9"), slide_number("x")
    (3, 1, 1, 1)
    """
    try:
        number = int(text or "")
    except ValueError:
        return 1
    return number if 1 <= number <= len(SLIDES) else 1


def current_slide() -> int:
    """The slide in the address, written back in its canonical form."""
    number = slide_number(st.query_params.get(SLIDE_PARAM))
    if st.query_params.get(SLIDE_PARAM) != str(number):
        st.query_params[SLIDE_PARAM] = str(number)
    return number


def _go_to(number: int) -> None:
    st.query_params[SLIDE_PARAM] = str(number)


def draw_navigation(number: int) -> None:
    """The top row: back, where we are, next, full screen and the way out; the clicker's keys."""
    st.html(PRESENTER_KEYS_JS, unsafe_allow_javascript=True)
    # Keyed, so that PRESENTER_CSS can lay the row out anew on a phone.
    back, title, forward, screen, leave = st.container(key="present_controls").columns(
        [1.1, 5, 1.1, 1.3, 1.4], vertical_alignment="center"
    )
    back.button(
        "← Back",
        key="present_back",
        disabled=number == 1,
        on_click=_go_to,
        args=(number - 1,),
        width="stretch",
    )
    title.title(SLIDES[number - 1].title, anchor=False)
    forward.button(
        "Next →",
        key="present_next",
        disabled=number == len(SLIDES),
        on_click=_go_to,
        args=(number + 1,),
        type="primary",
        width="stretch",
    )
    screen.button(
        "Full screen",
        key="present_fullscreen",
        icon=":material/fullscreen:",
        help="Or press F. → and Space go forward, ← goes back (what a clicker sends).",
        width="stretch",
    )
    try:
        leave.page_link(
            navigation.page_before_presenting(),
            label="Exit presenter",
            icon=":material/close:",
            query_params=session.scenario_query(),
        )
    except StreamlitPageNotFoundError:
        # The page runs alone (a test without app.py's navigation): no page to link to.
        leave.caption("Exit presenter: open the compounding page.")


def _chart(fig: go.Figure, key: str, *, height: int = CHART_HEIGHT) -> None:
    show.chart(slides.presenter(fig, height=height), key)


def compounding(scenario: Scenario, currency: str, shown: Revenue) -> None:
    """Monthly NRR → annual NRR → MRR years out; the verdict; the MRR chart."""
    summary = cache.summary(scenario)
    st.markdown(sentences.summary_verdict(summary))
    cards = st.columns(3, gap="large")
    show.card(
        cards[0], "Blended monthly NRR" if scenario.segments else "Monthly NRR", pct(summary.monthly_nrr)
    )
    show.card(cards[1], "Annual NRR", pct(summary.annual_nrr))
    show.card(
        cards[2],
        f"{shown.name} at month {summary.months}",
        shown.compact(summary.mrr_at(summary.months), currency),
    )
    _chart(growth.revenue(summary.projection.table, currency, shown=shown), "present_revenue_chart")


def treadmill(scenario: Scenario, currency: str, shown: Revenue) -> None:
    """What leaks a month, what expansion brings back, and where MRR stands at the horizon or levels off."""
    summary = cache.summary(scenario)
    table = summary.projection.table
    st.markdown(sentences.plateau_headline(summary, currency, shown=shown))
    cards = st.columns(3, gap="large")
    show.card(cards[0], "Leaks out, month 1", shown.compact(summary.leaking_at(1), currency))
    show.card(cards[1], "Expansion brings back", shown.compact(summary.brought_back_at(1), currency))
    if summary.plateau_in_horizon and summary.plateau.mrr is not None:
        show.card(cards[2], f"Plateau {shown.name}", shown.compact(summary.plateau.mrr, currency))
    elif summary.plateau.mrr is not None:
        show.card(
            cards[2],
            f"{shown.name} at month {summary.months}",
            shown.compact(summary.mrr_at(summary.months), currency),
        )
    else:
        # No plateau: what today's customers alone pay at the horizon tells the story.
        show.card(
            cards[2],
            f"Month {summary.months}, no new customers",
            shown.compact(table["existing_base_mrr"].iloc[-1], currency),
        )
    _chart(bucket.stay_flat(table, currency, shown=shown), "present_treadmill_chart")


def biggest_lever(scenario: Scenario, currency: str, shown: Revenue) -> None:
    """The lever to pull first (the Biggest lever page's headline) and each lever against its peers."""
    chosen = cache.recommendation(scenario)
    levers = cache.lever_ranking(scenario, "headroom", math.nan, math.nan, Costs(cac=scenario.cac))
    st.markdown(words.recommendation_text(chosen, months=scenario.months, currency=currency, shown=shown))
    fig = lever_bars.tornado(
        levers.table, words.row_labels(levers), currency, months=scenario.months, shown=shown
    )
    # Every bar carries its value: the axes' tick labels would only crowd the slide.
    fig.update_xaxes(showticklabels=False, showgrid=False, ticks="")
    # The headline does not say what a bar's two figures are (the sentence above speaks of monthly
    # NRR, a bar of annual): the chart's own title does, above it.
    st.caption(fig.layout.title.text)
    _chart(fig, "present_lever_chart", height=LEVER_HEIGHT)


def comparison(scenario: Scenario, currency: str, shown: Revenue) -> None:
    """The saved scenarios picked on the Scenarios page; without two, today's scenario
    against +10 points of NRR and +30–40% acquisition."""
    picked = saved.compared_names()
    if len(picked) >= 2:
        saved_comparison(saved.scenarios(), picked, currency, shown)
        return
    months = scenario.months
    table = cache.nrr_versus_acquisition(scenario, Costs(cac=scenario.cac))
    base = cache.summary(scenario).mrr_at(months)
    st.markdown(sentences.comparison_headline(table, currency, months=months, shown=shown))
    cards = st.columns(len(table), gap="large")
    for card, row in zip(cards, table.to_dict("records"), strict=True):
        show.card(card, str(row["change"]), shown.compact(row["mrr_gain"], currency, signed=True))
    labels = ["Today's scenario", *(str(change) for change in table["change"])]
    values = [base, *(float(value) for value in table["mrr_at_horizon"])]
    _chart(
        overlays.variant_bars(labels, values, currency, months=months, shown=shown),
        "present_comparison_chart",
        height=COMPARISON_HEIGHT,
    )


def saved_comparison(store: dict[str, Scenario], names: list[str], currency: str, shown: Revenue) -> None:
    """Two to four saved scenarios: MRR at the reference's horizon, the first as the reference."""
    result = cache.comparison(tuple((name, store[name]) for name in names))
    rows = result.at_horizon
    finals = dict(zip(rows["scenario"], rows["mrr"].astype(float), strict=True))
    first, reference = names[0], finals[names[0]]
    best = max(finals, key=lambda name: finals[name])
    lead = shown.compact(finals[best] - reference, currency, signed=True)
    st.markdown(
        f"At month {result.month}, **{literal(best)}** ends highest, at "
        f"{shown.compact(finals[best], currency)} {shown.name}"
        + ("." if best == first else f", {lead} against {literal(first)}.")
    )
    cards = st.columns(len(names), gap="large")
    for index, (card, row) in enumerate(zip(cards, rows.to_dict("records"), strict=True)):
        delta = money_delta(shown.of(row["mrr_vs_first"]), currency, against=first, compact=True)
        show.card(
            card,
            literal(str(row["scenario"])),
            shown.compact(row["mrr"], currency),
            **(delta.metric() if index else {}),
            help=f"{shown.name} at month {result.month}: {shown.money(row['mrr'], currency)}",
        )
    _chart(
        overlays.variant_bars(
            list(finals),
            list(finals.values()),
            currency,
            months=result.month,
            colours=scenario_colours(len(finals)),
            shown=shown,
        ),
        "present_comparison_chart",
        height=COMPARISON_HEIGHT,
    )


DRAW = {"compounding": compounding, "treadmill": treadmill, "lever": biggest_lever, "comparison": comparison}


def draw_slide(number: int, scenario: Scenario, currency: str, shown: Revenue) -> None:
    """Draw slide ``number`` (1-based) of :data:`SLIDES`."""
    DRAW[SLIDES[number - 1].key](scenario, currency, shown)
