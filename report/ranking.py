"""A lever ranking in words: labels, the verdict, the notes and the table (pure, no Streamlit).

Every figure comes from :func:`simulator.ranking.rank`; this module only
says it, the same way on the Biggest lever page, the presenter's slide and
the report.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, cast

import pandas as pd

from report.format import MINUS, literal, money, pct, points, tick_prefix
from report.revenue import MRR, Revenue
from simulator.goal_seek import GoalResult
from simulator.levers import BY_FIELD, LEVERS
from simulator.ranking import Ranking
from simulator.recommendation import Recommendation
from simulator.tactics import TACTICS

#: How each mode is named on a page.
MODE_NAMES: dict[str, str] = {
    "headroom": "Against peers",
    "relative": "Same effort",
    "points": "Same points",
    "target": "To a target",
    "tactic": "A tactic",
}
#: Ties: gains equal to a part in a million (or half a unit of money).
_TIE = {"rel_tol": 1e-6, "abs_tol": 0.5}


def rows_of(ranking: Ranking) -> list[dict[str, Any]]:
    """The ranking's rows as records, best first."""
    return cast(list[dict[str, Any]], ranking.table.to_dict("records"))


def share(step: float) -> str:
    """A relative step as a percent: ``share(0.1)`` is ``"10%"``, ``share(0.125)`` is ``"12.5%"``."""
    return f"{step * 100:g}%"


def lever_value(lever: str, value: float) -> str:
    """A lever's value in its unit: ``"2.70%"``, ``"5.5 a month"``, ``"50% of failed payments"``.

    >>> lever_value("churn", 0.027), lever_value("acquisition", 5.5), lever_value("recovery", 0.5)
    ('2.70%', '5.5 a month', '50% of failed payments')
    >>> lever_value("acquisition", 5.05), lever_value("acquisition", 5.0)
    ('5.05 a month', '5 a month')
    """
    if lever == "recovery":
        return f"{pct(value, decimals=0)} of failed payments"
    if LEVERS[lever].is_rate:
        return pct(value, decimals=2)
    return f"{value:,.2f}".rstrip("0").rstrip(".") + " a month"


def move_text(row: Mapping[str, Any]) -> str:
    """A row's lever before and after: ``"3.00% → 2.70%"``."""
    lever = str(row["lever"])
    return f"{lever_value(lever, float(row['before']))} → {lever_value(lever, float(row['after']))}"


def change_text(row: Mapping[str, Any]) -> str:
    """A row's change relative to the lever's value: ``"−10%"``; ``"from 0"`` when it started at nothing."""
    change = float(row["change"])
    if not math.isfinite(change):
        return "from 0" if float(row["after"]) > 0 else "none"
    return f"{change * 100:+.0f}%".replace("-", MINUS) if abs(change) >= 0.01 else f"{change * 100:+.1f}%"


def row_label(ranking: Ranking, row: Mapping[str, Any]) -> str:
    """A row's short name, for a chart or a table: ``"Churn −10%"``, ``"Churn −1.0 pt"``, a tactic's name.

    In target mode it is the change the lever needs (``"Churn −83%"``).
    """
    key, lever = str(row["key"]), str(row["lever"])
    if ranking.mode == "tactic":
        return TACTICS[key].short
    name = LEVERS[lever].name
    if ranking.mode == "headroom":
        if row["after"] == row["before"]:
            return f"{name}: at peers"
        return f"{name} to {lever_value(lever, float(row['after']))}"
    if ranking.mode == "target":
        return f"{name} {change_text(row)}" if row["reaches"] else f"{name}: not alone"
    better = LEVERS[lever].better
    if ranking.mode == "relative":
        if lever == "recovery":
            return f"Failed payments: {share(ranking.step)} more won back"
        return f"{name} {'+' if better > 0 else MINUS}{share(ranking.step)}"
    amount = f"{ranking.step * 100:.1f}"
    if lever == "recovery":
        return f"Failed payments {MINUS}{amount} pt of churn"
    if not LEVERS[lever].is_rate:
        return f"{name} +{amount}%"
    return f"{name} {MINUS if better < 0 else '+'}{amount} pt"


def row_labels(ranking: Ranking) -> list[str]:
    """:func:`row_label` of every row, in rank order."""
    return [row_label(ranking, row) for row in rows_of(ranking)]


def apply_label(ranking: Ranking, row: Mapping[str, Any]) -> str:
    """What an "Apply" button for a row says: its label, or in target mode the value it sets."""
    if ranking.mode != "target":
        return row_label(ranking, row)
    lever = str(row["lever"])
    return f"{LEVERS[lever].name} at {lever_value(lever, float(row['after']))}"


def action(ranking: Ranking, row: Mapping[str, Any]) -> str:
    """A row's change inside a sentence: ``"10% less churn"``, ``"cutting churn by 1.0 point"``.

    >>> from simulator.ranking import rank
    >>> from simulator.scenario import Scenario
    >>> r = rank(Scenario(starting_mrr=1e5, churn_rate=0.03, expansion_rate=0.02), mode="relative")
    >>> [action(r, row) for row in r.table.to_dict("records")][:2]
    ['10% less churn (3.00% → 2.70%)', '10% more expansion (2.00% → 2.20%)']
    """
    key, lever = str(row["key"]), str(row["lever"])
    moved = f" ({move_text(row)})"
    if ranking.mode == "tactic":
        tactic = TACTICS[key]
        return f"{tactic.name[0].lower()}{tactic.name[1:]} ({tactic.what}: {move_text(row)})"
    chosen = LEVERS[lever]
    if ranking.mode == "headroom":
        if row["after"] == row["before"]:
            return f"{chosen.noun} (already at the top quartile's level or better)"
        return f"{chosen.noun} at the top quartile's level{moved}"
    if ranking.mode == "target":
        return f"{chosen.noun} {change_text(row)}{moved}"
    if ranking.mode == "relative":
        if lever == "recovery":
            return f"winning back {share(ranking.step)} of the failed payments still lost{moved}"
        return f"{share(ranking.step)} {'more' if chosen.better > 0 else 'less'} {chosen.noun}{moved}"
    amount = f"{ranking.step * 100:.1f}"
    unit = "point" if amount == "1.0" else "points"
    if lever == "recovery":
        return f"recovering failed payments worth {amount} {unit} of churn"
    if not chosen.is_rate:
        return f"winning {amount}% more {chosen.noun} every month"
    return f"{'cutting' if chosen.better < 0 else 'raising'} {chosen.noun} by {amount} {unit}"


def bar_texts(ranking: Ranking) -> list[str]:
    """Target mode's bar labels: the change each lever needs and its values, or that it cannot alone."""
    return [
        f"{change_text(row)}: {move_text(row)}" if row["reaches"] else "cannot reach it alone"
        for row in rows_of(ranking)
    ]


def tied(ranking: Ranking) -> list[str]:
    """The keys of the rows tied with the first on MRR gained."""
    gains = ranking.table["mrr_gain"].to_numpy(dtype=float)
    return [
        str(key)
        for key, gain in zip(ranking.table["key"], gains, strict=True)
        if math.isclose(gain, gains[0], **_TIE)
    ]


def verdict(
    ranking: Ranking, *, months: int, currency: str, target_source: str = "", shown: Revenue = MRR
) -> str:
    """What this view of the levers shows, in one or two sentences: which row moves revenue most and by
    how much, or, in target mode, the easiest route. The lever to pull first is
    :func:`recommendation_text`'s; a view never names a winner."""
    rows = rows_of(ranking)
    if ranking.mode == "target":
        return _target_verdict(ranking, rows, target_source)
    top = float(rows[0]["mrr_gain"])
    if top <= 0.5:
        return (
            f"No lever moves {shown.name} at month {months} in this scenario: there is no revenue yet to "
            "retain and no acquisition to grow. Add starting MRR or new customers."
        )
    adds = f"{shown.money(top, currency)} of {shown.name} by month {months}"
    winners = tied(ranking)
    if len(winners) > 1:
        names = [LEVERS[str(row["lever"])].noun for row in rows[: len(winners)]]
        listed = ", ".join(names[:-1]) + f" and {names[-1]}"
        amount = f"{ranking.step * 100:.1f}"
        text = (
            f"{listed.capitalize()} tie: {amount} point{'' if amount == '1.0' else 's'} in any of them adds "
            f"{adds}, because each moves monthly NRR by exactly that much. Same effort (a share of each "
            "lever's own value) tells them apart."
            if ranking.mode == "points"
            else f"{listed.capitalize()} tie: each adds {adds}."
        )
        rest = rows[len(winners) :]
        if rest:
            text += (
                f" Next: {action(ranking, rest[0])} adds {shown.money(float(rest[0]['mrr_gain']), currency)}."
            )
        return text
    first = rows[0]
    view = MODE_NAMES[ranking.mode]
    if ranking.mode == "tactic":
        tactic = TACTICS[str(first["key"])]
        text = (
            f"{view}: {tactic.name.lower()} moves the most. {tactic.what.capitalize()} ({move_text(first)})"
        )
    else:
        text = f"{view}: {action(ranking, first)}"
    text += f" adds {adds}"
    if first["nrr_month_gain"] > 0:
        text += f" and {points(float(first['nrr_month_gain']), decimals=2)} of monthly NRR"
    if len(rows) > 1:
        runner = rows[1]
        gain = float(runner["mrr_gain"])
        if gain > 0.5:
            text += f", {top / gain:.1f}× the {shown.money(gain, currency)} from {action(ranking, runner)}."
        else:
            text += f"; {action(ranking, runner)} adds nothing."
    else:
        text += "."
    return text


#: How the recommendation starts, by lever.
_FIRST = {
    "churn": "Fix churn first",
    "contraction": "Cut contraction first",
    "expansion": "Build expansion first",
}


def recommendation_text(chosen: Recommendation, *, months: int, currency: str, shown: Revenue = MRR) -> str:
    """The lever to pull first, why, what moving it to its peers adds, and where to start.

    When another lever's headroom would add more, one sentence says why it is not the first.
    """
    ranking = chosen.headroom
    rows = {str(row["lever"]): row for row in rows_of(ranking)}
    row = rows[chosen.lever]
    noun = LEVERS[chosen.lever].noun
    peers = f"the top quartile of {ranking.stage}"
    grr = pct(chosen.annual_grr)
    why = {
        "leak": f"annual GRR is {grr}, below 90%, and expansion cannot outrun the leak",
        "leak_is_downgrades": f"annual GRR is {grr}, below 90%, and the leak is mostly downgrades, "
        "not cancellations",
        "low_expansion": f"annual GRR is {grr}, but expansion adds only "
        f"{points(chosen.annual_nrr - chosen.annual_grr)} of annual NRR",
        "most_headroom": f"with annual GRR at {grr} and healthy expansion, {noun} has the most room "
        f"against {peers}",
        "at_top_quartile": f"every lever is already at {peers}; protect the base while acquisition does "
        "the growing",
    }[chosen.reason]
    first = "Keep expansion paths open" if chosen.reason == "at_top_quartile" else _FIRST[chosen.lever]
    text = f"{first}: {why}."
    gain = float(row["mrr_gain"])
    if row["after"] != row["before"]:
        text += (
            f" Moving {noun} from {lever_value(chosen.lever, float(row['before']))} to "
            f"{lever_value(chosen.lever, float(row['after']))} a month ({peers}) adds "
            f"{shown.money(gain, currency)} of {shown.name} by month {months} and "
            f"{points(float(row['annual_nrr_gain']))} of annual NRR."
        )
    text += f" Start with {TACTICS[chosen.tactic].name[0].lower()}{TACTICS[chosen.tactic].name[1:]}."
    if not chosen.agrees_with_top:
        top = LEVERS[chosen.top].noun
        more = shown.money(float(rows[chosen.top]["mrr_gain"]), currency)
        text += f" {top.capitalize()} would add more ({more}), but " + (
            "below 90% GRR gains from it leak out with the customers who leave."
            if chosen.reason in ("leak", "leak_is_downgrades")
            else "the base already holds its revenue; what it lacks is expansion."
        )
    return text


def _target_verdict(ranking: Ranking, rows: list[dict[str, Any]], source: str) -> str:
    goal = f"{pct(ranking.target_nrr)} annual NRR" + (f" ({source})" if source else "")
    if all(row["before"] == row["after"] for row in rows):
        return (
            f"Annual NRR is already at or above the target, {goal}: no lever needs to move. "
            "Aim higher to compare routes."
        )
    reaching = [row for row in rows if row["reaches"] and row["lever"] != "acquisition"]
    if not reaching:
        return f"No lever alone reaches {goal}; pull several together, or aim lower."
    best = reaching[0]
    text = f"To reach {goal}, the easiest route is {action(ranking, best)}."
    if len(reaching) > 1:
        text += f" Next: {action(ranking, reaching[1])}."
    return text


def notes(ranking: Ranking, *, currency: str, shown: Revenue = MRR) -> list[str]:
    """What a reader must know about single rows: a lever held at its limit, a share of nothing,
    a lever that cannot reach the target alone, acquisition's row in target mode."""
    said = []
    for row in rows_of(ranking):
        lever = str(row["lever"])
        name = LEVERS[lever].name
        if ranking.mode == "target":
            if lever == "acquisition" and not row["reaches"]:
                said.append(
                    "New customers do not move NRR (it counts today's customers only), and no rise in them "
                    f"adds as much {shown.name} by the horizon as reaching the target through expansion."
                )
            elif lever == "acquisition" and row["after"] != row["before"]:
                said.append(
                    "New customers do not move NRR (it counts today's customers only): their row is the rise "
                    f"that adds as much {shown.name} by the horizon as reaching the target through expansion "
                    f"({shown.signed(float(row['mrr_gain']), currency)})."
                )
            elif not row["reaches"]:
                said.append(
                    f"{name} alone cannot reach {pct(ranking.target_nrr)}: even at "
                    f"{lever_value(lever, float(row['after']))} "
                    f"annual NRR is {pct(float(row['annual_nrr']))}."
                )
        elif row["clamped"]:
            said.append(
                f"{name} stops at {lever_value(lever, float(row['after']))}, as far as it can go; "
                "the full step would pass its limit."
            )
        elif ranking.mode == "relative" and float(row["before"]) == 0 and lever != "recovery":
            said.append(
                f"{name} is 0: a share of nothing is nothing. Same points shows what starting it would do."
            )
    return said


def together_text(ranking: Ranking, *, months: int, currency: str, shown: Revenue = MRR) -> str:
    """All the rows' changes at once against each alone, added up."""
    together = ranking.together
    if together is None:
        return ""
    gain, alone = together["mrr_gain"], together["sum_alone"]
    what = "All four tactics" if ranking.mode == "tactic" else f"All {len(ranking.table)} levers"
    text = f"{what} together add {shown.money(gain, currency)} of {shown.name} by month {months}"
    if alone > 0.5 and gain > alone * (1 + 1e-6):
        return (
            text
            + f", more than the {shown.money(alone, currency)} of each alone added up: improvements compound."
        )
    if alone > 0.5 and gain < alone * (1 - 1e-6):
        return text + f", less than the {shown.money(alone, currency)} of each alone added up: they overlap."
    return text + "."


def table_rows(
    ranking: Ranking, *, months: int, currency: str, costs: bool, shown: Revenue = MRR
) -> pd.DataFrame:
    """The ranking as a table to read: one row per lever (or tactic), then all of them together;
    the cost columns only when ``costs`` were given."""
    rows = [
        _table_row(str(number), row_label(ranking, row), move_text(row), row, currency, shown)
        for number, row in enumerate(rows_of(ranking), start=1)
    ]
    if ranking.together is not None:
        rows.append(_table_row("", "All together", "every change above", ranking.together, currency, shown))
    table = pd.DataFrame(rows).rename(columns={"gained": f"{shown.name} gained, month {months}"})
    return table if costs else table.iloc[:, :6]


def table_text(table: pd.DataFrame) -> str:
    """:func:`table_rows`'s table as markdown, a short paragraph per row, for a screen too narrow for
    its columns (a phone): the rank, the change and what it moves; then the gain in bold and every
    other column, each as "name: value". Every piece is :func:`report.format.literal`, so an amount's
    ``$`` never starts a formula."""
    rows = []
    for row in table.to_dict("records"):
        number = f"{row['#']}. " if row["#"] else ""
        head = f"**{literal(number + str(row['Change']))}**: {literal(str(row['Lever']))}"
        gain, *others = [
            (literal(str(name)), literal(str(value))) for name, value in row.items() if name not in _NAMED
        ]
        said = [f"{gain[0]}: **{gain[1]}**", *(f"{name}: {value}" for name, value in others)]
        rows.append(f"{head}  \n{' · '.join(said)}")
    return "\n\n".join(rows)


#: The columns :func:`table_text` puts in a row's first line.
_NAMED = ("#", "Change", "Lever")


def _table_row(
    number: str, label: str, moved: str, row: Mapping[str, Any], currency: str, shown: Revenue
) -> dict[str, str]:
    payback = float(row["payback_months"])
    return {
        "#": number,
        "Change": label,
        "Lever": moved,
        "gained": shown.signed(float(row["mrr_gain"]), currency),
        "Monthly NRR": points(float(row["nrr_month_gain"]), decimals=2),
        "Annual NRR": points(float(row["annual_nrr_gain"])),
        "Cost": money(float(row["cost"]), currency),
        f"{shown.name} per {money(1, currency)}": _per(shown.of(float(row["mrr_gain_per_cost"])), currency),
        "Payback": _payback(payback, float(row["cost"])),
    }


def _payback(months: float, cost: float) -> str:
    if math.isfinite(months):
        return f"month {months:.0f}"
    return "–" if math.isnan(cost) else "not by the horizon"


def _per(value: float, currency: str) -> str:
    return "–" if not math.isfinite(value) else money(value, currency, decimals=2)


def goal_text(result: GoalResult, *, currency: str, shown: Revenue = MRR) -> str:
    """Goal seek's answer in a sentence: the lever's value that reaches the target, or the closest it
    gets; and, when reaching it means moving the lever the wrong way, that the scenario already beats it.

    >>> from simulator.goal_seek import seek
    >>> from simulator.scenario import Scenario
    >>> s = Scenario(starting_mrr=100_000, churn_rate=0.03, contraction_rate=0.01)
    >>> goal_text(seek(s, "expansion_rate", annual_nrr=1.10), currency="$")
    'An annual NRR of 110.0% needs monthly expansion of 4.80%, the other levers held.'
    """
    lever = BY_FIELD[result.lever]
    name = lever.phrase
    prefix = tick_prefix(currency)
    if result.by_month is None:
        goal = f"an annual NRR of {result.target:.1%}"

        def said(value: float) -> str:
            return f"{value:.1%} annual NRR"

    else:
        goal = f"{shown.name} of {prefix}{shown.of(result.target):,.0f} by month {result.by_month}"

        def said(value: float) -> str:
            return f"{prefix}{shown.of(value):,.0f} {shown.name}"

    if result.value is None:
        reach = "at most" if result.best < result.target else "at least"
        return (
            f"No {name} in range reaches {goal}: with the other levers held it gives {reach} "
            f"{said(result.best)} (at {_goal_value(result.lever, result.best_value)})."
        )
    moved = (
        f"every segment's {name} moved by {(result.value - result.before) * 100:+.2f} points"
        if result.by_segment
        else f"{name} of {_goal_value(result.lever, result.value)}"
    )
    text = f"{goal[0].upper()}{goal[1:]} needs {moved}, the other levers held."
    if result.worse:
        less = "less" if lever.better > 0 else "more"
        text += (
            f" That is {less} {lever.noun} than today's {_goal_value(result.lever, result.before)}: "
            "your scenario already beats this target, so applying it would make the scenario worse."
        )
    return text


def _goal_value(field: str, value: float) -> str:
    if BY_FIELD[field].is_rate:
        return f"{value:.2%}"
    return f"{value:,.1f}" if field == "new_customers_per_month" else f"{value:,.2f}"
