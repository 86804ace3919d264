"""Scenarios: save the sidebar's levers by name, compare two to four, share the comparison by its link."""

import streamlit as st

from report.charts import overlays
from report.format import Delta, literal, money_delta, pct
from ui import show
from ui.scenarios import display, files, saved, store, variants
from ui.state import navigation, session

navigation.require_app("scenarios")

#: The first card: what the others are measured against.
REFERENCE = Delta("the reference", "gray", "off")

saved.follow_link()
currency = session.currency()
revenue = session.revenue()

st.title("Scenarios")
st.caption(
    "Compare two to four scenarios side by side. The address bar holds the comparison: a copied link "
    "opens the same view. Saved scenarios last as long as this tab; download them to keep them."
)
notice = saved.link_notice()
if notice:
    st.warning(notice, icon=":material/warning:")

stored = saved.scenarios()

# Compare.
st.subheader("Compare")
saved.show_compared()
st.multiselect(
    "Scenarios to compare (the first is the reference)",
    list(stored),
    key=saved.PICK_KEY,
    max_selections=store.MAX_COMPARED,
    on_change=saved.on_pick,
    placeholder="Pick two to four stored scenarios",
)
names = saved.compared_names()
unlinked = saved.write_link(names)
if unlinked:
    st.warning(unlinked, icon=":material/link_off:")

if len(names) < store.MIN_COMPARED:
    st.info(
        "Pick two to four stored scenarios to compare. One click: **Save as Base**, then **Save as Plan** "
        "and **Save as Downside**.",
        icon=":material/touch_app:",
    )
else:
    result = saved.comparison(names)
    tables, differences = result.tables, result.differences
    st.caption(f"Every scenario over {literal(names[0])}'s horizon: {result.month} months.")
    for index, (card, row) in enumerate(
        zip(st.columns(len(names)), result.at_horizon.to_dict("records"), strict=True)
    ):
        show.card(
            card,
            f"{literal(row['scenario'])}: {revenue.name} at month {result.month}",
            revenue.money(row["mrr"], currency),
            **(
                money_delta(revenue.of(row["mrr_vs_first"]), currency, against=names[0])
                if index
                else REFERENCE
            ).metric(),
            help=f"Trailing-12 NRR {pct(row['nrr_trailing_12'])}, GRR {pct(row['grr_trailing_12'])} at month "
            f"{result.month}.",
        )
    show.chart(
        overlays.scenario_lines(
            tables, "mrr", title=f"{revenue.name} over the horizon", currency=currency, revenue=revenue
        ),
        "scenario_mrr_chart",
    )
    view = st.segmented_control(
        "NRR and GRR",
        ["Trailing 12 months", "Monthly"],
        default="Trailing 12 months",
        key=saved.NRR_VIEW_KEY,
        help="Trailing 12 months: what a year of the cohort really retains. Monthly: one month's figure.",
    )
    suffix = "month" if view == "Monthly" else "trailing_12"
    label = "monthly" if view == "Monthly" else "trailing 12 months"
    left, right = st.columns(2)
    show.chart(
        overlays.scenario_lines(tables, f"nrr_{suffix}", title=f"NRR, {label}", axis_title="NRR"),
        "scenario_nrr_chart",
        where=left,
    )
    show.chart(
        overlays.scenario_lines(tables, f"grr_{suffix}", title=f"GRR, {label}", axis_title="GRR"),
        "scenario_grr_chart",
        where=right,
    )

    st.markdown(
        f"**Against {literal(names[0])}**: {revenue.name}, and NRR and GRR over the 12 months to each month"
    )
    st.dataframe(
        display.differences_display(differences, currency, revenue),
        hide_index=True,
        key="scenario_differences",
    )
    csv_left, csv_right, _ = st.columns([1, 1, 2])
    csv_left.download_button(
        "Differences (CSV)",
        files.differences_csv(result, revenue),
        file_name="scenario-differences.csv",
        mime="text/csv",
        key="scenario_differences_csv",
        width="stretch",
    )
    csv_right.download_button(
        "Month by month (CSV)",
        files.series_csv(result, revenue),
        file_name="scenario-comparison.csv",
        mime="text/csv",
        key="scenario_series_csv",
        width="stretch",
    )
    st.caption("The address bar now holds this comparison: copy the link and the room sees the same view.")

# Save the current levers.
st.subheader("Save the sidebar's scenario")
saved.show_message(saved.SAVE)
name_column, save_column = st.columns([4, 1], vertical_alignment="bottom")
name_column.text_input("Name", key=saved.NAME_KEY, placeholder="e.g. Board plan", max_chars=40)
save_column.button("Save", key="scenario_save", on_click=saved.on_save, width="stretch")
variant_columns = st.columns(len(variants.VARIANTS))
for column, (kind, what) in zip(variant_columns, variants.VARIANTS.items(), strict=True):
    column.button(
        f"Save as {kind}",
        key=f"scenario_variant_{kind.lower()}",
        on_click=saved.on_variant,
        args=(kind,),
        help=f"{kind}: {what}, from the sidebar's scenario. Replaces an earlier '{kind}'.",
        width="stretch",
    )
    column.caption(f"**{kind}**: {what}.")

stored = saved.scenarios()

# Manage.
st.subheader("Saved scenarios")
saved.show_message(saved.MANAGE)
if not stored:
    st.caption("None yet: save the sidebar's scenario above, or upload a file below.")
else:
    st.dataframe(
        display.levers_table(stored),
        hide_index=True,
        key="scenario_levers",
        column_config={
            "Churn %": st.column_config.NumberColumn(format="%.2f"),
            "Contraction %": st.column_config.NumberColumn(format="%.2f"),
            "Expansion %": st.column_config.NumberColumn(format="%.2f"),
            "New customers a month": st.column_config.NumberColumn(format="%.1f"),
            "Starting MRR": st.column_config.NumberColumn(format="localized"),
        },
    )
    saved.keep_a_selection(stored)
    pick, rename_to = st.columns(2, vertical_alignment="bottom")
    selected = pick.selectbox("Scenario", list(stored), key=saved.SELECTED_KEY)
    rename_to.text_input("New name", key=saved.NEW_NAME_KEY, max_chars=40, placeholder=selected)
    actions = st.columns(5)
    actions[0].button(
        "Load into sidebar",
        key="scenario_load",
        on_click=saved.on_load,
        help="Every page then shows this scenario.",
        width="stretch",
    )
    actions[1].button("Rename", key="scenario_rename", on_click=saved.on_rename, width="stretch")
    actions[2].button("Duplicate", key="scenario_duplicate", on_click=saved.on_duplicate, width="stretch")
    actions[3].button("Delete", key="scenario_delete", on_click=saved.on_delete, width="stretch")
    actions[4].download_button(
        "Download the file",
        saved.scenario_json(selected),
        file_name=f"{files.file_stem(selected)}.json",
        mime="application/json",
        key="scenario_download",
        help="This scenario as a small file: keep it, send it, or upload it here later.",
        width="stretch",
    )

# Files.
st.subheader("Files")
saved.show_message(saved.FILES)
files_left, files_right = st.columns(2)
with files_left:
    st.download_button(
        "Download all scenarios",
        files.set_file(stored),
        file_name="scenarios.json",
        mime="application/json",
        key="scenario_download_set",
        disabled=not stored,
    )
    st.caption(
        "Every saved scenario in one file, names and order kept: upload it here to pick up where you were."
    )
with files_right:
    st.file_uploader(
        "Upload a scenario, or a file of several",
        type=["json"],
        key=saved.UPLOAD_KEY,
        on_change=saved.on_upload,
        help="Every value is checked; a file with a mistake changes nothing and says what is wrong.",
        max_upload_size=1,
    )
