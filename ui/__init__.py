"""Streamlit glue shared by the pages: state, widgets, cached engine calls, charts.

The engine (``simulator``) never imports this package; this package is the only
place the app touches ``st.session_state``, ``st.query_params`` and ``st.cache_data``.
"""
