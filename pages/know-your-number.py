"""Not a page of its own: the target of /know-your-number on a fresh server's very first run.

Until some run calls ``st.navigation``, Streamlit treats this folder as a
legacy pages folder and looks the address up by file name; the real page,
pages/know_your_number.py, is served at /know-your-number by app.py. This file lets that
first lookup succeed (no "page not found" box), and the call below reruns the app
under app.py's navigation, on the same address.
"""

from ui import state

state.ensure_app_navigation()
