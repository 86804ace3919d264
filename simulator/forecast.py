"""The forecast from an export, learned at every month of it from that month and the ones before only.

At each month of an export (an *origin*), from the months up to it:

1. **Rates**: churn, contraction and expansion are the last :data:`WINDOW` months' pooled
   monthly rates (each flow's total ÷ the total starting MRR: every customer paying at the start
   of each month, so many cohorts and many one-month windows, each month counting by its MRR).
   No one cohort's year decides them.
2. **Inflow**: the MRR that new customers and returning (reactivated) customers bring in a
   typical month, each its own inflow: the trimmed mean of the last :data:`WINDOW` months (the
   :data:`TRIM` share of the highest and of the lowest months set aside), so one large one-off
   customer is not carried on every month. Their customers likewise.
3. **The model** is the simulator's core model on those: MRR ``h`` months on is
   ``L r^h + a (1 + r + … + r^(h−1))``, with ``L`` the origin's MRR, ``r`` the monthly NRR and
   ``a`` the inflow (summed over segments, an export with 2 to
   :data:`~simulator.scenario.MAX_SEGMENTS` having their own rates and inflows).
4. **The weight** is how much of the change the model predicts to trust. At every earlier origin
   ``p`` and lead ``ℓ`` up to :data:`LEADS` months, ending by the origin, the model predicted a
   change ``d = F_p(ℓ) − y_p`` and ``e = y_{p+ℓ} − y_p`` happened; the weight is the ``w`` in
   [0, 1] that minimises ``Σ |w d − e|``, the summed absolute error of ``w`` × the model +
   (1 − ``w``) × the flat line over the export's own past: the median of ``e ÷ d`` (clipped to
   0..1), each weighted by ``|d|``. Without a past to judge by, 1: the model as measured. A
   noisy export gets a weight near 0, and the forecast falls back to the flat line.
5. **The scenario** keeps the rates and sets the inflow to ``w a + (1 − w)(1 − r) L``: between
   the typical month's and the inflow that holds MRR level. Its projection is then exactly
   ``w`` × the model + (1 − ``w``) × the flat line, at every month. Where that inflow would be
   below 0 (a base that grows by itself, whose growth the past says to trust less), the inflow is
   0 and expansion is lowered so that the year ahead ends where that blend does.
6. **The band** (P10 and P90) is conformal: the forecast × exp(√ℓ q), with q the 10th and 90th
   percentiles of ``log(actual ÷ forecast) ÷ √lead`` over every earlier forecast of the same
   rolling backtest whose month has come (every lead up to :data:`LEADS`; fitted on
   :data:`BAND_MIN_FIT` months at least: the first months' forecasts are the model at its least
   informed), at the finite-sample ranks; the share left outside (20%) adapts as the months come
   in (adaptive conformal inference, Gibbs and Candès 2021: :data:`ADAPT` a month, towards 80%
   held on the export's own past). A forecast that missed more than a fifth of the time widens its
   band. With fewer than :data:`MIN_ERRORS` past errors there is no band (NaN).

Everything is computed for every origin at once from the monthly metrics (no row of the export
is read again): :func:`fit_export` once, then any origin's scenario, path and band.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simulator.metrics import ExportMetrics
from simulator.names import fit_names
from simulator.scenario import MAX_SEGMENT_NAME, MAX_SEGMENTS, Scenario, Segment

#: Months of rates and inflows the forecast learns from at each origin.
WINDOW = 12
#: The share of the window's months set aside at each end of a typical month's inflow (2 of 12).
TRIM = 1 / 6
#: The leads (months ahead) by which the weight and the band judge past forecasts.
LEADS = 12
#: The band's share: P10 to P90.
LEVEL = 0.8
#: How fast the share left outside the band adapts to the misses of each month that comes in.
ADAPT = 0.02
#: The share left outside the band stays within these.
OUTSIDE_RANGE = (0.02, 0.5)
#: The fewest past errors that make a band: an 80% conformal band's upper rank needs 9.
MIN_ERRORS = 9
#: The band counts the errors of forecasts fitted on this many months at least (half a window).
BAND_MIN_FIT = 6
#: The weight when there is no past to judge by: the model as measured.
PRIOR_WEIGHT = 1.0


@dataclass(frozen=True)
class Inflow:
    """What a typical month brings in, at one origin (trimmed means of the window's months).

    ``new_mrr`` and ``new_customers`` are customers paying for the first time;
    ``reactivation_mrr`` and ``reactivated_customers`` customers paying again after a month or
    more at 0 (a reactivation, not new revenue and not expansion).
    """

    new_mrr: float
    reactivation_mrr: float
    new_customers: float
    reactivated_customers: float

    @property
    def mrr(self) -> float:
        """New and returning customers' MRR together."""
        return self.new_mrr + self.reactivation_mrr


@dataclass(frozen=True)
class Fit:
    """What the forecast learned at one origin, for a page to say.

    Attributes
    ----------
    origin
        The last month fitted on (``YYYY-MM``).
    window
        The first and last month the rates and the inflow come from.
    rates
        The window's pooled monthly ``churn``, ``contraction`` and ``expansion`` (of every
        customer; with segments, each segment keeps its own in the scenario).
    inflow
        A typical month's inflow (all segments together).
    weight
        The share of the model's predicted change the forecast keeps (0: the flat line; 1: the
        model as measured).
    evidence
        How many earlier forecasts (origin and lead) judged the weight; 0 when none could.
    band
        The band's ``(low, high)``: the percentiles of past ``log(actual ÷ forecast) ÷ √lead``
        (NaN without enough past errors); lead ``ℓ``'s P10 is the forecast × exp(√ℓ low).
    errors
        How many past errors the band stands on.
    lowered_expansion
        True when expansion was lowered to hold a growing base's forecast back (step 5 of the
        module's notes).
    """

    origin: str
    window: tuple[str, str]
    rates: dict[str, float]
    inflow: Inflow
    weight: float
    evidence: int
    band: tuple[float, float]
    errors: int
    lowered_expansion: bool

    @property
    def has_band(self) -> bool:
        """Whether the export's past holds enough errors for a band."""
        return math.isfinite(self.band[1])


@dataclass(frozen=True)
class Fits:
    """The forecast at every origin of an export: arrays indexed by month (and unit).

    A *unit* is a segment (an export with 2 to :data:`~simulator.scenario.MAX_SEGMENTS`
    segments) or the whole export. Rates and inflows are those of the scenario each origin
    forecasts with (after the weight; :attr:`typical` keeps the inflow before it).
    """

    months: list[str]
    mrr: np.ndarray
    customers: np.ndarray
    names: tuple[str, ...]
    start: np.ndarray
    churn: np.ndarray
    contraction: np.ndarray
    expansion: np.ndarray
    inflow: np.ndarray
    arrivals: np.ndarray
    typical: np.ndarray
    new_mrr: np.ndarray
    reactivation_mrr: np.ndarray
    new_customers: np.ndarray
    reactivated_customers: np.ndarray
    weight: np.ndarray
    evidence: np.ndarray
    lowered: np.ndarray
    band_low: np.ndarray
    band_high: np.ndarray
    errors: np.ndarray
    window: int

    @property
    def segmented(self) -> bool:
        """Whether the units are segments."""
        return len(self.names) > 1

    def paths(self, leads: int) -> np.ndarray:
        """Every origin's forecast for leads 1 to ``leads``: an array of months × leads.

        Exactly the projection of :meth:`scenario` at each origin (the core model, summed over
        units), in closed form.
        """
        return _paths(self.start, 1.0 - self.churn - self.contraction + self.expansion, self.inflow, leads)

    def band(self, origin: int, forecast: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """P10 and P90 of a forecast made at ``origin``: ``forecast[ℓ − 1]`` is lead ``ℓ``'s MRR.

        NaN where the export's past holds too few errors for a band.
        """
        return band((float(self.band_low[origin]), float(self.band_high[origin])), forecast)

    def scenario(self, origin: int, *, months: int) -> Scenario:
        """The simulator's scenario at ``origin`` (a month's position), projecting ``months`` months.

        Its projection is :meth:`paths` at that origin: the forecast and the scenario are one thing.
        """
        kept = [u for u in range(len(self.names)) if self.start[u, origin] > 0 or self.inflow[u, origin] > 0]
        arrivals = self.arrivals[:, origin]
        total = float(arrivals[kept].sum()) if kept else 0.0
        core: dict[str, Any] = {
            "starting_mrr": float(self.mrr[origin]),
            "starting_customers": float(self.customers[origin]),
            "months": months,
        }
        if self.segmented and 2 <= len(kept) <= MAX_SEGMENTS:
            mrr = self.start[kept, origin]
            share = mrr / mrr.sum() if mrr.sum() > 0 else np.full(len(kept), 1 / len(kept))
            arrive = arrivals[kept] / total if total > 0 else share
            segments = tuple(
                Segment(
                    name=self.names[u],
                    churn_rate=float(self.churn[u, origin]),
                    contraction_rate=float(self.contraction[u, origin]),
                    expansion_rate=float(self.expansion[u, origin]),
                    mrr_share=float(s),
                    new_customer_share=float(c),
                    new_customer_mrr=_each(float(self.inflow[u, origin]), float(arrivals[u])),
                )
                for u, s, c in zip(kept, share, arrive, strict=True)
            )
            inflow = float(self.inflow[kept, origin].sum())
            # The top-level levers, which segments replace, read as the segments' MRR-weighted blend.
            return Scenario(
                **core,
                churn_rate=float(share @ self.churn[kept, origin]),
                contraction_rate=float(share @ self.contraction[kept, origin]),
                expansion_rate=float(share @ self.expansion[kept, origin]),
                new_customers_per_month=total,
                new_customer_mrr=_each(inflow, total),
                segments=segments,
            )
        unit = kept[0] if len(kept) == 1 else 0
        return Scenario(
            **core,
            churn_rate=float(self.churn[unit, origin]),
            contraction_rate=float(self.contraction[unit, origin]),
            expansion_rate=float(self.expansion[unit, origin]),
            new_customers_per_month=float(arrivals[unit]) if kept else 0.0,
            new_customer_mrr=_each(float(self.inflow[unit, origin]), float(arrivals[unit])) if kept else 0.0,
        )

    def fit(self, origin: int) -> Fit:
        """What the forecast learned at ``origin``, in a page's terms."""
        first = max(1, origin - self.window + 1)
        base = self.start[:, origin]
        weight = base / base.sum() if base.sum() > 0 else np.full(len(base), 1 / len(base))
        return Fit(
            origin=self.months[origin],
            window=(self.months[min(first, origin)], self.months[origin]),
            rates={
                "churn": float(weight @ self.churn[:, origin]),
                "contraction": float(weight @ self.contraction[:, origin]),
                "expansion": float(weight @ self.expansion[:, origin]),
            },
            inflow=Inflow(
                new_mrr=float(self.new_mrr[:, origin].sum()),
                reactivation_mrr=float(self.reactivation_mrr[:, origin].sum()),
                new_customers=float(self.new_customers[:, origin].sum()),
                reactivated_customers=float(self.reactivated_customers[:, origin].sum()),
            ),
            weight=float(self.weight[origin]),
            evidence=int(self.evidence[origin]),
            band=(float(self.band_low[origin]), float(self.band_high[origin])),
            errors=int(self.errors[origin]),
            lowered_expansion=bool(self.lowered[:, origin].any()),
        )


def band(quantiles: tuple[float, float], forecast: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P10 and P90 of a forecast from its band's quantiles (:attr:`Fit.band`): ``forecast[ℓ − 1]``
    is lead ``ℓ``'s MRR, its P10 ``forecast × exp(√ℓ low)`` and P90 ``forecast × exp(√ℓ high)``.

    >>> [v.round(2).tolist() for v in band((-0.1, 0.2), np.array([100.0, 100.0, 100.0, 100.0]))]
    [[90.48, 86.81, 84.1, 81.87], [122.14, 132.69, 141.4, 149.18]]
    """
    root = np.sqrt(np.arange(1, len(forecast) + 1))
    with np.errstate(over="ignore"):
        return forecast * np.exp(root * quantiles[0]), forecast * np.exp(root * quantiles[1])


def _each(inflow: float, customers: float) -> float:
    """The MRR each arriving customer brings: the inflow ÷ the customers (0 without either)."""
    return inflow / customers if customers > 0 and inflow > 0 else 0.0


def fit_export(metrics: ExportMetrics, *, window: int = WINDOW) -> Fits:
    """The forecast at every origin of an export, each from its own month and the ones before.

    One pass over the monthly metrics (and each segment's): the work is months² × leads at most,
    never the export's rows.

    Examples
    --------
    A customer paying 100, then 90 (10% contraction), with no past to judge the model by:

    >>> from simulator.export import read_export
    >>> from simulator.metrics import analyse
    >>> fits = fit_export(analyse(read_export(b"customer_id,month,mrr\\na,2024-01,100\\na,2024-02,90\\n")))
    >>> fits.paths(2)[1].round(2).tolist(), float(fits.weight[1])
    ([81.0, 72.9], 1.0)
    """
    units = _units(metrics)
    # An export's segment names as the engine takes them (at most 40 characters, no hidden controls).
    names = tuple(fit_names([name for name, _ in units], most=MAX_SEGMENT_NAME, fallback="Segment"))
    tables = [table for _, table in units]
    y = metrics.monthly["ending_mrr"].to_numpy(dtype=float)
    n_months = len(y)

    def stack(column: str) -> np.ndarray:
        return np.array([table[column].to_numpy(dtype=float) for table in tables]).reshape(
            len(tables), n_months
        )

    start = stack("ending_mrr")
    if len(tables) > 1:
        # Segments' months are rounded to the cent apart: scale them to add up to the total exactly.
        total = start.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            start = np.where(total > 0, start * (y / total), 0.0)
    churn, contraction, expansion = (
        _pooled(stack(flow), stack("starting_mrr"), window)
        for flow in ("churned_mrr", "contraction_mrr", "expansion_mrr")
    )
    # A month's flows and its starting MRR are each rounded to the cent: keep the losses within it.
    churn = np.minimum(churn, 1.0)
    contraction = np.minimum(contraction, 1.0 - churn)
    expansion = np.minimum(expansion, 1.0)
    # New and returning customers are one inflow, trimmed together (a month's new and returning
    # MRR are sparse apart), then split as the window's own totals split it.
    arriving_mrr = stack("new_mrr") + stack("reactivation_mrr")
    arriving = stack("new_customers") + stack("reactivated_customers")
    typical = _trimmed(arriving_mrr, window)
    typical_customers = _trimmed(arriving, window)
    new_mrr = typical * _share(stack("new_mrr"), arriving_mrr, window)
    new_customers = typical_customers * _share(stack("new_customers"), arriving, window)
    reactivation_mrr, reactivated_customers = typical - new_mrr, typical_customers - new_customers
    nrr = 1.0 - churn - contraction + expansion
    model = _paths(start, nrr, typical, LEADS)
    weight, evidence = _weights(y, model)

    # The scenario's inflow: between the typical month's and the one that holds MRR level.
    inflow = weight * typical + (1.0 - weight) * (1.0 - nrr) * start
    lowered = inflow < 0.0
    if lowered.any():
        # Hold the year ahead where the blend ends, with no inflow: a lower expansion.
        blend = weight * _unit_year(start, nrr, typical) + (1.0 - weight) * start
        with np.errstate(divide="ignore", invalid="ignore"):
            held = np.where(start > 0, blend / start, 1.0) ** (1 / 12)
        expansion = np.where(lowered, np.maximum(expansion - (nrr - held), 0.0), expansion)
        inflow = np.where(lowered, 0.0, inflow)
    customers = metrics.monthly["customers"].to_numpy(dtype=float)
    arrivals = typical_customers.copy()
    # An inflow with no customers to carry it (the part that holds MRR level): customers at the
    # unit's own MRR per customer, or one.
    unit_customers = stack("customers")
    with np.errstate(divide="ignore", invalid="ignore"):
        average = np.where(unit_customers > 0, start / unit_customers, 0.0)
        stand_in = np.where(average > 0, inflow / average, 1.0)
    arrivals = np.where((arrivals <= 0) & (inflow > 0), stand_in, arrivals)

    low, high, errors = _bands(y, _paths(start, 1.0 - churn - contraction + expansion, inflow, LEADS))
    return Fits(
        months=list(metrics.months),
        mrr=y,
        customers=customers,
        names=names,
        start=start,
        churn=churn,
        contraction=contraction,
        expansion=expansion,
        inflow=inflow,
        arrivals=arrivals,
        typical=typical,
        new_mrr=new_mrr,
        reactivation_mrr=reactivation_mrr,
        new_customers=new_customers,
        reactivated_customers=reactivated_customers,
        weight=weight,
        evidence=evidence,
        lowered=lowered,
        band_low=low,
        band_high=high,
        errors=errors,
        window=window,
    )


def _units(metrics: ExportMetrics) -> list[tuple[str, pd.DataFrame]]:
    """The segments' monthly tables (2 to MAX_SEGMENTS segments), else the whole export's."""
    by_segment = metrics.by_segment
    if by_segment is not None:
        blocks = [
            (str(name), block.reset_index(drop=True))
            for name, block in by_segment.groupby("segment", sort=False)
        ]
        if 2 <= len(blocks) <= MAX_SEGMENTS:
            return blocks
    return [("All", metrics.monthly)]


def _pooled(flow: np.ndarray, starting: np.ndarray, window: int) -> np.ndarray:
    """Per unit and origin, the window's flow ÷ its starting MRR (0 without a starting MRR)."""
    total_flow = _window_sums(flow, window)
    total_start = _window_sums(starting, window)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total_start > 0, total_flow / total_start, 0.0)


def _window_sums(values: np.ndarray, window: int) -> np.ndarray:
    """Sums over each origin's window (its month and the ``window − 1`` before), month 0 left out."""
    values = values.copy()
    values[:, 0] = 0.0  # the first month has no month before it: no flows, every payer new
    running = np.concatenate((np.zeros((len(values), 1)), np.cumsum(values, axis=1)), axis=1)
    ends = np.arange(1, values.shape[1] + 1)
    sums: np.ndarray = running[:, ends] - running[:, np.maximum(ends - window, 0)]
    return sums


def _share(part: np.ndarray, whole: np.ndarray, window: int) -> np.ndarray:
    """Per unit and origin, the window's ``part`` ÷ its ``whole`` (1 when the whole is 0)."""
    parts, wholes = _window_sums(part, window), _window_sums(whole, window)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(wholes > 0, parts / wholes, 1.0)


def _trimmed(values: np.ndarray, window: int) -> np.ndarray:
    """Per unit and origin, the trimmed mean of the window's months (month 0 left out; 0 at month 0).

    ``floor(TRIM × months)`` of the highest and as many of the lowest months are set aside.
    """
    n_units, n_months = values.shape
    padded = np.concatenate((np.full((n_units, window), np.nan), values[:, 1:]), axis=1)
    # The window ending at origin o (1 on) starts at o in the padded months.
    windows = np.lib.stride_tricks.sliding_window_view(padded, window, axis=1)[:, 1:]
    ordered = np.sort(windows, axis=2)  # NaN (months before the first) last
    counted = np.minimum(np.arange(1, n_months), window)
    cut = np.floor(counted * TRIM + 1e-9).astype(np.int64)
    running = np.concatenate(
        (np.zeros((n_units, n_months - 1, 1)), np.cumsum(np.nan_to_num(ordered), axis=2)), axis=2
    )
    rows = np.arange(n_months - 1)
    kept = np.take_along_axis(running, (counted - cut)[None, :, None].repeat(n_units, 0), axis=2)[..., 0]
    kept -= np.take_along_axis(running, cut[None, :, None].repeat(n_units, 0), axis=2)[..., 0]
    out = np.zeros((n_units, n_months))
    out[:, 1:] = kept / (counted - 2 * cut)[None, rows]
    return out


def _paths(start: np.ndarray, nrr: np.ndarray, inflow: np.ndarray, leads: int) -> np.ndarray:
    """Origins × leads: Σ over units of ``L r^ℓ + a (1 + r + … + r^(ℓ−1))``, ℓ = 1..leads."""
    power = nrr[..., None] ** np.arange(leads + 1)  # units × origins × (0..leads)
    arriving = np.cumsum(power[..., :-1], axis=-1)  # 1 + r + … + r^(ℓ−1)
    paths: np.ndarray = (start[..., None] * power[..., 1:] + inflow[..., None] * arriving).sum(axis=0)
    return paths


def _unit_year(start: np.ndarray, nrr: np.ndarray, inflow: np.ndarray) -> np.ndarray:
    """Each unit's model a year on (units × origins)."""
    power = nrr[..., None] ** np.arange(13)
    year: np.ndarray = start * power[..., 12] + inflow * power[..., :12].sum(axis=-1)
    return year


def _pairs(n_months: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every earlier forecast a later origin can judge: its origin (1 on), lead, and month, by month."""
    grid = np.meshgrid(np.arange(1, n_months), np.arange(1, LEADS + 1), indexing="ij")
    origin, lead = grid[0].ravel(), grid[1].ravel()
    month = origin + lead
    inside = month < n_months
    order = np.argsort(month[inside], kind="stable")
    return origin[inside][order], lead[inside][order], month[inside][order]


def _weights(y: np.ndarray, model: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per origin, the weight on the model (module notes, step 4) and how many forecasts judged it."""
    n_months = len(y)
    weight = np.full(n_months, PRIOR_WEIGHT)
    evidence = np.zeros(n_months, dtype=np.int64)
    origin, lead, month = _pairs(n_months)
    if len(origin) == 0:
        return weight, evidence
    predicted = model[origin, lead - 1] - y[origin]
    happened = y[month] - y[origin]
    judged = predicted != 0
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.clip(np.where(judged, happened / predicted, 0.0), 0.0, 1.0)
    # Each forecast counts by the change it predicted a month, so that every lead weighs alike.
    size = np.abs(predicted) / lead
    order = np.argsort(share, kind="stable")
    share, size, month, judged = share[order], size[order], month[order], judged[order]
    for at in range(2, n_months):
        counted = np.where(month <= at, size, 0.0)
        running = np.cumsum(counted)
        if running[-1] <= 0:
            continue
        weight[at] = share[int(np.searchsorted(running, running[-1] / 2))]
        evidence[at] = int(np.count_nonzero(judged & (month <= at)))
    return weight, evidence


def _bands(y: np.ndarray, forecast: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per origin, the band's quantiles of past ``log(actual ÷ forecast) ÷ √lead`` (module notes, step 6).

    Adaptive: the share left outside moves by :data:`ADAPT` × (its target − the share of the
    bands resolved this month that missed), within :data:`OUTSIDE_RANGE`.
    """
    n_months = len(y)
    low = np.full(n_months, np.nan)
    high = np.full(n_months, np.nan)
    counts = np.zeros(n_months, dtype=np.int64)
    origin, lead, month = _pairs(n_months)
    past = forecast[origin, lead - 1]
    # The forecasts of an export's first months are the model at its least informed: not counted.
    usable = (past > 0) & (origin >= BAND_MIN_FIT - 1)
    with np.errstate(divide="ignore"):
        error = np.where(
            y[month] > 0, np.log(np.where(usable, y[month], 1.0) / np.where(usable, past, 1.0)), -np.inf
        )
    error = error / np.sqrt(lead)
    target = 1.0 - LEVEL
    outside = target
    seen: list[float] = []
    first = np.searchsorted(month, np.arange(n_months + 1))  # pairs resolved at each month
    for at in range(1, n_months):
        resolved = slice(first[at], first[at + 1])
        was = origin[resolved]
        made = np.isfinite(high[was]) & usable[resolved]
        if made.any():
            ahead = np.sqrt(lead[resolved][made])
            bottom = past[resolved][made] * np.exp(ahead * low[was][made])
            top = past[resolved][made] * np.exp(ahead * high[was][made])
            actual = y[at]
            missed = float(np.mean((actual < bottom * (1 - 1e-12)) | (actual > top * (1 + 1e-12))))
            outside = min(max(outside + ADAPT * (target - missed), OUTSIDE_RANGE[0]), OUTSIDE_RANGE[1])
        for value in error[resolved][usable[resolved]]:
            bisect.insort(seen, float(value))
        count = len(seen)
        counts[at] = count
        if count >= MIN_ERRORS:
            lower = math.floor((count + 1) * outside / 2) - 1
            upper = math.ceil((count + 1) * (1 - outside / 2)) - 1
            low[at] = seen[min(max(lower, 0), count - 1)] if lower >= 0 else -np.inf
            high[at] = seen[min(max(upper, 0), count - 1)]
    return low, high, counts
