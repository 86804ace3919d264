"""The report layer: the engine's figures put into words, charts and documents.

Every surface reads it: the pages and the presenter (through ``ui``), the
downloads, and the command line's ``report``. It computes no figure (those
are :mod:`simulator`'s) and never imports Streamlit, so the command line can
use it without the app.

- :mod:`report.format`, :mod:`report.revenue`: money, percents, and MRR or ARR;
- :mod:`report.sentences`, :mod:`report.ranking`, :mod:`report.economics`,
  :mod:`report.actuals`: the sentences that say the figures, by concept;
- :mod:`report.charts`: the plotly figures;
- :mod:`report.content`, :mod:`report.html`, :mod:`report.pdf`,
  :mod:`report.images`: the one-page report, as HTML, PDF and PNG.
"""
