"""Presenter mode: the scenario one idea per screen, full width, no sidebar, for a meeting room."""

import streamlit as st

from ui import presenter, state

state.ensure_app_navigation()

st.markdown(presenter.PRESENTER_CSS, unsafe_allow_html=True)
presenter.keep_scenario()

scenario = state.current_scenario()
currency = state.currency()
number = presenter.current_slide()

presenter.draw_navigation(number)
presenter.draw_slide(number, scenario, currency)
