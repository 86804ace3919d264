"""The app's surfaces around the engine.

Pure (no Streamlit, so the command line's report and the tests use them
offline): :mod:`ui.format`, the words (:mod:`ui.sentences`, :mod:`ui.ranking`,
:mod:`ui.economics`, :mod:`ui.actuals.words`), :mod:`ui.charts`, :mod:`ui.report`
(but ``prepared``), :mod:`ui.calculator`, and the pure parts of :mod:`ui.state`
(controls, loading, tables, address) and :mod:`ui.scenarios`.
Streamlit glue: :mod:`ui.state.session` and :mod:`ui.state.navigation` (the
session's scenario, the address, the page list), :mod:`ui.cache` (cached
engine calls), :mod:`ui.sidebar`, :mod:`ui.show`, :mod:`ui.presenter`,
:mod:`ui.goal`, :mod:`ui.scenarios.saved`, :mod:`ui.actuals.uploads` and
:mod:`ui.report.prepared` (each page's own session state); pages touch
session state only through them. The engine (``simulator``) never imports
this package.
"""
