"""NRR what-if simulator: the entry point.

Sets up the page, reads the scenario from the address on a session's first run,
draws the app's navigation and the shared sidebar, then runs the chosen page.
The sidebar lives here so its widgets keep their values on every page.
"""

from pathlib import Path

import streamlit as st

from report.format import literal
from simulator import budget
from ui import style
from ui.sidebar.controls import draw_sidebar
from ui.state import lifetime, navigation, session

navigation.mark_app_run()
lifetime.remember_session()  # its memory is released once its tab has been gone a while
# The tab's icon is an image the server sends: an emoji is an empty box where no emoji font is installed.
st.set_page_config(
    page_title="NRR simulator", page_icon=str(Path(__file__).parent / "ui/assets/favicon.png"), layout="wide"
)
style.apply()
navigation.one_history_entry_per_page()

session.load_from_url()

#: The pages, grouped as the sidebar lists them; each file is named by its address.
GROUPS: dict[str, list[st.Page]] = {
    "": [
        st.Page("pages/home.py", title="Start here", url_path="home", default=True),
        st.Page("pages/calculator.py", title="NRR calculator", url_path="calculator"),
    ],
    "Simulate": [
        st.Page("pages/compounding.py", title="NRR compounding", url_path="compounding"),
        st.Page("pages/leaky-bucket.py", title="Leaky bucket", url_path="leaky-bucket"),
        st.Page("pages/biggest-lever.py", title="Biggest lever", url_path="biggest-lever"),
        st.Page("pages/uncertainty.py", title="Uncertainty", url_path="uncertainty"),
        st.Page("pages/unit-economics.py", title="Unit economics", url_path="unit-economics"),
    ],
    "Your data": [
        st.Page("pages/know-your-number.py", title="Know your number", url_path="know-your-number"),
    ],
    "Plan and share": [
        st.Page("pages/scenarios.py", title="Scenarios", url_path="scenarios"),
        st.Page("pages/present.py", title="Present", url_path="present"),
        st.Page("pages/downloads.py", title="Downloads", url_path="downloads"),
    ],
}
#: Each page's icon in the sidebar, from the Material Symbols font Streamlit serves itself. Not on
#: ``st.Page``: a page's own icon becomes the tab's, which the browser would fetch from a font server.
ICONS = {
    "home": ":material/home:",
    "calculator": ":material/calculate:",
    "compounding": ":material/trending_up:",
    "leaky-bucket": ":material/water_drop:",
    "biggest-lever": ":material/leaderboard:",
    "uncertainty": ":material/ssid_chart:",
    "unit-economics": ":material/savings:",
    "know-your-number": ":material/upload_file:",
    "scenarios": ":material/compare_arrows:",
    "present": ":material/slideshow:",
    "downloads": ":material/download:",
}
pages = [page for group in GROUPS.values() for page in group]
page = st.navigation(pages, position="hidden")
navigation.follow_wanted(pages, page)
navigation.remember(page.url_path or "home")

restarted = session.started_over()
if restarted:
    st.error(restarted, icon=":material/restart_alt:")


def draw(page: st.Page) -> None:
    """The sidebar (not on the presenter), the notices about the address, then the page."""
    if page.url_path != "present":  # presenter mode: full width, no sidebar
        # The scenario rides along in each link, so a page opened in a new tab shows it too.
        query = session.scenario_query()
        with st.sidebar:
            for group, members in GROUPS.items():
                if group:
                    st.caption(group)
                for member in members:
                    st.page_link(member, icon=ICONS[member.url_path or "home"], query_params=query)
        draw_sidebar()
    # Page switches and first loads rewrite the address too, not only widget callbacks.
    session.sync_url()

    notice = session.link_notice()
    if notice:  # it quotes the link, which anyone can write: shown as text, never as markdown
        st.warning(literal(notice), icon=":material/link_off:")
    too_long = session.address_notice()
    if too_long:
        st.info(literal(too_long), icon=":material/link_off:")

    page.run()


try:
    with budget.allowance():  # the work one view may spend; heavy work waits its turn (simulator.budget)
        draw(page)
except budget.BudgetError as error:  # too much for one view: said, and the session kept as it is
    st.error(literal(f"This page is not drawn in full: {error}."), icon=":material/hourglass_disabled:")
except Exception as error:  # a page that fails to draw never leaves the session broken
    session.start_over(error)
else:
    session.drawn()
