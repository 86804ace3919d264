"""The app: Streamlit around the engine (:mod:`simulator`) and the report layer (:mod:`report`).

Pure parts, app-specific: :mod:`ui.calculator`, the pure parts of
:mod:`ui.state` (controls, loading, tables, address) and :mod:`ui.scenarios`.
Streamlit glue: :mod:`ui.state.session` and :mod:`ui.state.navigation` (the
session's scenario, the address, the page list), :mod:`ui.cache` (cached
engine calls), :mod:`ui.sidebar`, :mod:`ui.show`, :mod:`ui.presenter`,
:mod:`ui.goal`, :mod:`ui.scenarios.saved`, :mod:`ui.actuals.uploads` and
:mod:`ui.prepared` (each page's own session state); pages touch session
state only through them. Neither the engine nor the report layer imports
this package.
"""
