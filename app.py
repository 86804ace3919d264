"""NRR what-if simulator: the entry point.

Sets up the page, reads the scenario from the address on a session's first run,
draws the app's navigation and the shared sidebar, then runs the chosen page.
The sidebar lives here so its widgets keep their values on every page.
"""

import streamlit as st

from ui.sidebar.controls import draw_sidebar
from ui.state import navigation, session

navigation.mark_app_run()
st.set_page_config(page_title="NRR simulator", page_icon="📈", layout="wide")

session.load_from_url()

#: The pages, grouped as the sidebar lists them; each file is named by its address.
GROUPS: dict[str, list[st.Page]] = {
    "": [
        st.Page("pages/home.py", title="Start here", icon="🏠", url_path="home", default=True),
        st.Page("pages/calculator.py", title="NRR calculator", icon="🧮", url_path="calculator"),
    ],
    "Simulate": [
        st.Page("pages/compounding.py", title="NRR compounding", icon="📈", url_path="compounding"),
        st.Page("pages/leaky-bucket.py", title="Leaky bucket", icon="🪣", url_path="leaky-bucket"),
        st.Page("pages/biggest-lever.py", title="Biggest lever", icon="🎯", url_path="biggest-lever"),
        st.Page("pages/uncertainty.py", title="Uncertainty", icon="🎲", url_path="uncertainty"),
    ],
    "Your data": [
        st.Page(
            "pages/know-your-number.py", title="Know your number", icon="🔢", url_path="know-your-number"
        ),
    ],
    "Plan and share": [
        st.Page("pages/scenarios.py", title="Scenarios", icon="🗂️", url_path="scenarios"),
        st.Page("pages/present.py", title="Present", icon="📽️", url_path="present"),
        st.Page("pages/export.py", title="Export", icon="📤", url_path="export"),
    ],
}
pages = [page for group in GROUPS.values() for page in group]
page = st.navigation(pages, position="hidden")
navigation.follow_wanted(pages, page)

if page.url_path != "present":  # presenter mode: full width, no sidebar
    with st.sidebar:
        for group, members in GROUPS.items():
            if group:
                st.caption(group)
            for member in members:
                st.page_link(member)
    draw_sidebar()
# Page switches and first loads rewrite the address too, not only widget callbacks.
session.sync_url()

notice = st.session_state.get(session.NOTICE_KEY)
if notice:
    st.warning(notice, icon="⚠️")

page.run()
