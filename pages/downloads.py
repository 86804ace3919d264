"""Downloads: the scenario as CSV, an HTML report, a PDF one-pager and chart PNGs, all made offline.

Nothing is generated while the levers move: the CSV, the HTML report and each
chart's PNG are made when their download button is clicked; the PDF when
"Prepare" is clicked (by the server's warm chromium, :mod:`ui.prepared`),
and kept until the scenario changes.
"""

import datetime as dt
import functools

import streamlit as st

from report import content, html, images
from report.format import pct
from report.revenue import Revenue
from simulator.scenario import Scenario
from ui import cache, prepared
from ui.state import navigation, session

navigation.require_app("downloads")


def report_html(scenario: Scenario, currency: str, shown: Revenue) -> bytes:
    """The HTML report, made when its button is clicked (not on every run)."""
    return html.html_report(content.build_report(scenario, currency, shown=shown))


scenario = session.current_scenario()
currency = session.currency()
revenue = session.revenue()
summary = cache.summary(scenario)
today = dt.date.today()

st.title("Downloads")
st.caption(
    f"This scenario (annual NRR {pct(summary.annual_nrr)}, annual GRR {pct(summary.annual_grr)}, "
    f"{summary.months} months) as files to keep or send. Everything is made on this machine: the files "
    "open without the app or the internet."
)

data, document = st.columns(2, gap="medium")
with data:
    st.subheader("Projection (CSV)")
    st.markdown(
        f"Month by month: customers, {revenue.name}, its four flows (new, expansion, contraction, churned), "
        "monthly and trailing-12 NRR and GRR, and what it takes to stay flat. Opens in any spreadsheet."
    )
    st.download_button(
        "Download the projection (CSV)",
        data=functools.partial(content.projection_csv, scenario, revenue),
        file_name=f"nrr-projection-{today.isoformat()}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/table:",
        key="export_csv",
    )
with document:
    st.subheader("Report (HTML)")
    st.markdown(
        "One page with the key figures, the interactive charts and every assumption; "
        "plotly is inside the file, so it opens offline in any browser."
    )
    st.download_button(
        "Download the report (HTML)",
        data=functools.partial(report_html, scenario, currency, revenue),
        file_name=content.report_file_name(today, "html"),
        mime="text/html",
        on_click="ignore",
        icon=":material/description:",
        key="export_html",
    )

st.subheader("PDF one-pager and chart images")
files = prepared.kept(scenario, currency, revenue, today)
if images.find_chromium() is None:
    st.warning(images.CHROMIUM_MISSING, icon=":material/warning:")
elif files is None:
    st.markdown("An A4 page with the key figures, four charts and the assumptions; each chart as a PNG.")
    if st.button("Prepare the PDF and the chart images", icon=":material/print:", key="export_prepare"):
        bar = st.progress(0.0, text="Starting…")
        try:
            files = prepared.prepare(
                scenario, currency, revenue, today, lambda done, text: bar.progress(done, text=text)
            )
        except images.ChromiumMissingError as error:
            st.warning(str(error), icon=":material/warning:")
        except (RuntimeError, TimeoutError, OSError) as error:
            st.error(f"The images could not be drawn: {error}", icon=":material/back_hand:")
        finally:
            bar.empty()

if files is not None:
    st.download_button(
        "Download the one-pager (PDF)",
        data=files.pdf,
        file_name=content.report_file_name(today, "pdf"),
        mime="application/pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
        type="primary",
        key="export_pdf",
    )
    columns = st.columns(3)
    for index, name in enumerate(files.report.charts):
        columns[index % 3].download_button(
            f"{content.CHART_TITLES[name]} (PNG)",
            data=functools.partial(files.png, name),  # drawn when clicked, by the warm chromium
            file_name=content.png_file_name(name, today),
            mime="image/png",
            on_click="ignore",
            icon=":material/image:",
            key=f"export_png_{name}",
            width="stretch",
        )
