"""Presenter mode: the scenario one idea per screen, full width, no sidebar, for a meeting room."""

import streamlit as st

from ui import presenter
from ui.state import navigation, session

navigation.require_app("present")

st.markdown(presenter.PRESENTER_CSS, unsafe_allow_html=True)

scenario = session.current_scenario()
currency = session.currency()
number = presenter.current_slide()

presenter.draw_navigation(number)
presenter.draw_slide(number, scenario, currency, session.revenue())
