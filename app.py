"""NRR what-if simulator: the entry point.

Sets up the page, reads the scenario from the address on a session's first run,
draws the shared sidebar, then runs the chosen page. The sidebar lives here so
its widgets keep their values on every page.
"""

import streamlit as st

from ui import state
from ui.sidebar import draw_sidebar

state.ensure_app_navigation(entry=True)
st.set_page_config(page_title="NRR simulator", page_icon="📈", layout="wide")

state.load_from_url()

calculator = st.Page("pages/calculator.py", title="NRR calculator", icon="🧮", url_path="calculator")


def landing() -> None:
    """The root address opens the calculator.

    Streamlit serves its default page at "/" only, so a default calculator
    would make /calculator links "page not found"; this hidden default sends
    "/" to /calculator instead (the scenario stays in session state).
    """
    st.switch_page(calculator)


pages = [
    st.Page(landing, title="NRR simulator", icon="📈", url_path="home", default=True, visibility="hidden"),
    calculator,
    st.Page("pages/compounding.py", title="NRR compounding", icon="📈", url_path="compounding"),
    st.Page("pages/leaky_bucket.py", title="Leaky bucket", icon="🪣", url_path="leaky-bucket"),
    st.Page("pages/biggest_lever.py", title="Biggest lever", icon="🎯", url_path="biggest-lever"),
    st.Page("pages/uncertainty.py", title="Uncertainty", icon="🎲", url_path="uncertainty"),
    st.Page("pages/scenarios.py", title="Scenarios", icon="🗂️", url_path="scenarios"),
    st.Page("pages/present.py", title="Present", icon="📽️", url_path="present"),
    st.Page("pages/export.py", title="Export", icon="📤", url_path="export"),
    st.Page("pages/know_your_number.py", title="Know your number", icon="🔢", url_path="know-your-number"),
]
page = st.navigation(pages)
state.follow_requested_page(pages, page)

if page.url_path != "present":  # presenter mode: full width, no sidebar
    draw_sidebar()
# Page switches and first loads rewrite the address too, not only widget callbacks.
state.sync_url()

notice = st.session_state.get(state.NOTICE_KEY)
if notice:
    st.warning(notice, icon="⚠️")

page.run()
