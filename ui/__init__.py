"""The app's surfaces around the engine.

Pure (no Streamlit, so the command line's report and the tests use them
offline): :mod:`ui.format`, :mod:`ui.sentences`, :mod:`ui.charts`,
:mod:`ui.report`, :mod:`ui.calculator`, and the pure parts of
:mod:`ui.state` (controls, tables, address) and :mod:`ui.scenarios`.
Streamlit glue: :mod:`ui.state.session` and :mod:`ui.state.navigation` (the
session's scenario, the address, the page list), :mod:`ui.cache` (cached
engine calls), :mod:`ui.sidebar`, :mod:`ui.show`, :mod:`ui.presenter`,
:mod:`ui.goal`, :mod:`ui.scenarios.saved` and :mod:`ui.actuals.uploads`
(each page's own session state). The engine (``simulator``) never imports
this package.
"""
