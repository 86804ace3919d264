"""One business written in every layout the reader knows: the tests' own writers (and the benchmark's).

A business is a set of subscription runs: a customer, an amount per interval in cents
(``month``, ``quarter`` or ``year``), the month it starts and the month it stops in
(excluded; ``months`` for one still active). A plan change ends one run and starts
another. Its MRR in a month is every run active then, turned monthly; amounts are
chosen so that each month's MRR is a whole number of cents, as a vendor rounds it.
Every writer works over whole arrays, so the benchmark writes a million rows quickly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.export import month_labels

_PER_INTERVAL = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class Business:
    """Runs (a frame: ``customer`` index into ``customers``, ``amount`` cents per interval,
    ``interval``, ``start``, ``stop``) over ``months`` months from month code ``first``."""

    customers: np.ndarray
    runs: pd.DataFrame
    first: int
    months: int

    @property
    def labels(self) -> list[str]:
        return month_labels(np.arange(self.first, self.first + self.months))

    def monthly_cents(self) -> np.ndarray:
        """Each run's MRR in cents (its amount turned monthly)."""
        per = self.runs["interval"].map(_PER_INTERVAL).to_numpy()
        return self.runs["amount"].to_numpy() // per

    def dense(self) -> np.ndarray:
        """MRR in cents, customers × months."""
        matrix = np.zeros((len(self.customers), self.months + 1), dtype=np.int64)
        np.add.at(
            matrix, (self.runs["customer"].to_numpy(), self.runs["start"].to_numpy()), self.monthly_cents()
        )
        np.add.at(
            matrix, (self.runs["customer"].to_numpy(), self.runs["stop"].to_numpy()), -self.monthly_cents()
        )
        return np.cumsum(matrix, axis=1)[:, :-1]


def from_dense(cents: np.ndarray, customers: np.ndarray, first: int) -> Business:
    """The business whose MRR is ``cents`` (customers × months), one monthly run per stretch of equal MRR."""
    n, months = cents.shape
    padded = np.concatenate([np.zeros((n, 1), np.int64), cents, np.zeros((n, 1), np.int64)], axis=1)
    row, at = np.nonzero(padded[:, 1:] != padded[:, :-1])  # a stretch starts at each change
    same_row = np.append(row[1:] == row[:-1], False)
    keep = same_row & (cents[row, np.minimum(at, months - 1)] > 0)
    start, stop = at[keep], np.append(at[1:], 0)[keep]
    runs = pd.DataFrame(
        {
            "customer": row[keep],
            "amount": cents[row[keep], start],
            "interval": "month",
            "start": start,
            "stop": stop,
        }
    )
    return Business(customers=customers, runs=runs, first=first, months=months)


def small_business(*, amount_changes: bool = True) -> Business:
    """A few dozen customers over 18 months: monthly, quarterly and annual plans, add-on items (a second
    run beside the first), upgrades and downgrades (a run ends and another starts), churn and a return
    after three months away. ``amount_changes=False`` leaves out the plan changes and add-ons that start
    after their customer (what a snapshot of subscriptions cannot show)."""
    rng = np.random.default_rng(21)
    n, months = 36, 18
    plans = np.array([2_900, 4_900, 9_900, 19_900])
    rows = []
    for customer in range(n):
        start = 0 if customer < 12 else int(rng.integers(1, months))
        stop = months if rng.random() < 0.75 else int(rng.integers(start + 1, months + 1))
        monthly = int(rng.choice(plans))
        interval = "year" if customer % 5 == 0 else ("quarter" if customer % 11 == 3 else "month")
        amount = monthly * _PER_INTERVAL[interval]
        change = (
            int(rng.integers(start + 1, stop))
            if amount_changes and stop - start > 2 and customer % 3
            else None
        )
        if change is None:
            rows.append((customer, amount, interval, start, stop))
        else:  # an upgrade or a downgrade: one run ends, the next starts
            factor = 2 if customer % 2 else 0.5
            rows.append((customer, amount, interval, start, change))
            rows.append((customer, int(amount * factor), interval, change, stop))
        if customer % 7 == 1:  # a second item from the start: a multi-item subscription
            rows.append((customer, 1_500, "month", start, stop))
        if amount_changes and customer % 8 == 2 and stop - start > 3:  # an add-on later: expansion
            rows.append((customer, 2_500, "month", start + 2, stop))
    # Customer 'c-reactivated' leaves after month 4 and returns three months later.
    rows.append((n, 9_900, "month", 0, 5))
    rows.append((n, 9_900, "month", 8, months))
    # A new customer in the last month, so that every layout's latest date falls in it.
    rows.append((n + 1, 4_900, "month", months - 1, months))
    runs = pd.DataFrame(rows, columns=["customer", "amount", "interval", "start", "stop"])
    customers = np.array([f"cus_{i:03d}" for i in range(n)] + ["c-reactivated", "c-last"])
    return Business(customers=customers, runs=runs, first=(2023 - 1970) * 12, months=months)


# Writers ----------------------------------------------------------------------------------------------


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def _long(business: Business) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cents = business.dense()
    row, month = np.nonzero(cents)
    return row, month, cents[row, month]


def _dollars(cents: pd.Series) -> pd.Series:
    """Cents as a spreadsheet shows money, ``$1,234.50`` (over whole arrays)."""
    return "$" + (cents // 100).map("{:,}".format) + "." + (cents % 100).astype(str).str.zfill(2)


def plain(business: Business, *, money: bool = False) -> bytes:
    """``customer_id, month, mrr``: the canonical layout (``money``: amounts written ``$1,234.50``)."""
    row, month, cents = _long(business)
    labels = np.array(business.labels)
    mrr = _dollars(pd.Series(cents)) if money else cents / 100
    return _csv(pd.DataFrame({"customer_id": business.customers[row], "month": labels[month], "mrr": mrr}))


def stripe_mrr(business: Business) -> bytes:
    """Stripe's MRR per subscriber per month: a row per customer, a ``YYYY-MM`` column per month."""
    table = pd.DataFrame(business.dense() / 100, columns=business.labels)
    table.insert(0, "Customer ID", business.customers)
    table.insert(1, "Customer", "Name " + pd.Series(business.customers))
    table.insert(2, "Customer Email", pd.Series(business.customers) + "@example.com")
    table.insert(3, "Currency", "usd")
    return _csv(table)


def spreadsheet(business: Business) -> bytes:
    """Customers down, ``Jan 2023`` across, amounts such as ``$1,234.50``, empty for nothing."""
    cents = business.dense()
    labels = pd.to_datetime(business.labels, format="%Y-%m").strftime("%b %Y")
    dollars = pd.DataFrame(cents / 100).map(lambda value: f"${value:,.2f}" if value else "")
    dollars.columns = labels
    dollars.insert(0, "Customer", business.customers)
    return _csv(dollars)


def spreadsheet_fast(business: Business, *, money: bool = True) -> bytes:
    """The same spreadsheet, formatted over whole arrays (for the benchmark's million rows);
    without ``money``, plain amounts (1234.5)."""
    cents = business.dense()
    labels = pd.to_datetime(business.labels, format="%Y-%m").strftime("%b %Y")
    flat = pd.Series(cents.ravel())
    text = (_dollars(flat) if money else (flat / 100).astype(str)).where(flat > 0, "")
    table = pd.DataFrame(text.to_numpy().reshape(cents.shape), columns=labels)
    table.insert(0, "Customer", business.customers)
    return _csv(table)


def chartmogul(business: Business) -> bytes:
    """ChartMogul's MRR movements: a row whenever a customer's MRR changes (cents), with the MRR after it."""
    cents = business.dense()
    before = np.concatenate([np.zeros((len(cents), 1), np.int64), cents[:, :-1]], axis=1)
    row, month = np.nonzero(cents != before)
    after, was = cents[row, month], before[row, month]
    seen = np.cumsum(cents > 0, axis=1) - (cents > 0)  # months paid before this one
    returning = seen[row, month] > 0
    kind = np.select(
        [after == 0, (was == 0) & returning, was == 0, after > was],
        ["churn", "reactivation", "new_biz", "expansion"],
        "contraction",
    )
    labels = np.array(business.labels)
    order = np.argsort(month, kind="stable")  # by date, as ChartMogul lists them: customers interleaved
    row, month, after, was, kind = row[order], month[order], after[order], was[order], kind[order]
    customers = business.customers[row]
    return _csv(
        pd.DataFrame(
            {
                "DATE": pd.Series(labels[month]) + "-15",
                "CUSTOMER_NAME": "Name " + pd.Series(customers),
                "MRR_MOVEMENT": after - was,
                "MRR": after,
                "DESCRIPTION": "",
                "MOVEMENT_TYPE": kind,
                "CURRENCY_CODE": "USD",
                "CUSTOMER_EXTERNAL_ID": customers,
                "CUSTOMER_UUID": "cus_uuid_" + pd.Series(customers),
            }
        )
    )


def _subscription_dates(business: Business) -> tuple[pd.Series, pd.Series]:
    labels = pd.Series(business.labels + [""])
    runs = business.runs
    start = labels[runs["start"].to_numpy()].reset_index(drop=True) + "-10"
    ends = runs["stop"].to_numpy() < business.months
    stop = labels[np.where(ends, runs["stop"].to_numpy(), business.months)].reset_index(drop=True)
    return start, (stop + "-10").where(ends, "")


def stripe_subscriptions(business: Business) -> bytes:
    """Stripe's subscriptions export (a snapshot: each run one subscription at its amount)."""
    runs = business.runs
    start, stop = _subscription_dates(business)
    ended = stop != ""
    return _csv(
        pd.DataFrame(
            {
                "id": "sub_" + pd.Series(np.arange(len(runs))).astype(str),
                "Customer ID": business.customers[runs["customer"].to_numpy()],
                "Customer Name": "",
                "Status": np.where(ended, "canceled", "active"),
                "Created (UTC)": start + " 09:00",
                "Start (UTC)": start + " 09:00",
                "Canceled At (UTC)": stop.where(~ended, stop + " 09:00"),
                "Ended At (UTC)": stop.where(~ended, stop + " 09:00"),
                "Amount": runs["amount"].to_numpy() / 100,
                "Interval": runs["interval"].map({"month": "month", "quarter": "month", "year": "year"}),
                "Interval Count": runs["interval"].map({"month": 1, "quarter": 3, "year": 1}),
            }
        )
    )


def baremetrics(business: Business) -> bytes:
    """Baremetrics' subscription import: a row per subscription, cents, plan_interval and its count."""
    runs = business.runs
    start, stop = _subscription_dates(business)
    return _csv(
        pd.DataFrame(
            {
                "plan_oid": "plan_" + runs["amount"].astype(str),
                "plan_name": "Plan",
                "plan_currency": "usd",
                "plan_amount": runs["amount"],
                "plan_interval": runs["interval"].map({"month": "month", "quarter": "month", "year": "year"}),
                "plan_interval_count": runs["interval"].map({"month": 1, "quarter": 3, "year": 1}),
                "customer_oid": business.customers[runs["customer"].to_numpy()],
                "customer_name": "",
                "customer_email": "",
                "subscription_oid": "sub_" + pd.Series(np.arange(len(runs))).astype(str),
                "subscription_started_at": start,
                "subscription_canceled_at": stop,
            }
        )
    )


def _run_months(business: Business) -> tuple[np.ndarray, np.ndarray]:
    """Each run's months: the run's number and the month, one row per run and month."""
    length = (business.runs["stop"] - business.runs["start"]).to_numpy()
    run = np.repeat(np.arange(len(length)), length)
    offset = np.arange(len(run)) - np.repeat(np.cumsum(length) - length, length)
    return run, business.runs["start"].to_numpy()[run] + offset


def dbt_stripe(business: Business, *, older: bool = False) -> bytes:
    """dbt_stripe's stripe__subscription_item_mrr_report: a row per subscription item and month (each
    run an item; a customer's items are one subscription). ``older``: the older column names."""
    run, month = _run_months(business)
    customer = business.runs["customer"].to_numpy()[run]
    mrr = business.monthly_cents()[run] / 100
    labels = np.array(business.labels)
    names = (
        ("current_month_mrr", "previous_month_mrr", "mrr_type")
        if older
        else ("month_contract_mrr", "prior_month_contract_mrr", "contract_mrr_type")
    )
    return _csv(
        pd.DataFrame(
            {
                "source_relation": "",
                "subscription_item_id": "si_" + pd.Series(run).astype(str),
                "subscription_id": "sub_" + pd.Series(customer).astype(str),
                "customer_id": business.customers[customer],
                "product_id": "prod_1",
                "price_plan_id": "price_1",
                "subscription_status": "active",
                "currency": "usd",
                "subscription_month": pd.Series(labels[month]) + "-01",
                "subscription_year": pd.Series(labels[month]).str[:4],
                names[0]: mrr,
                "month_discount_applied": 0,
                "month_billed_mrr": mrr,
                names[1]: "",
                "item_month_number": 1,
                names[2]: "",
            }
        )
    )


def chargebee(business: Business, *, reporting_column: bool = True) -> bytes:
    """Chargebee's subscription_mrr_monthly_summary: a row per subscription (run) and month; every other
    customer billed in euros at 1.25 dollars. ``reporting_column``: with mrr_reporting_currency (else
    the reader multiplies the billing MRR by exchange_rate)."""
    run, month = _run_months(business)
    customer = business.runs["customer"].to_numpy()[run]
    mrr = business.monthly_cents()[run] / 100
    euros = customer % 2 == 1
    rate = np.where(euros, 1.25, 1.0)
    labels = np.array(business.labels)
    table = pd.DataFrame(
        {
            "customer_id": business.customers[customer],
            "subscription_id": "sub_" + pd.Series(run).astype(str),
            "reporting_month": pd.Series(labels[month]) + "-01",
            "status": "active",
            "billing_currency_code": np.where(euros, "EUR", "USD"),
            "mrr_billing_currency": mrr / rate,
            "reporting_currency_code": "USD",
            "exchange_rate": rate,
        }
    )
    if reporting_column:
        table["mrr_reporting_currency"] = mrr
    return _csv(table)


#: Every layout's writer for the full business, by name.
WRITERS = {
    "plain": plain,
    "stripe_mrr": stripe_mrr,
    "spreadsheet": spreadsheet,
    "chartmogul": chartmogul,
    "baremetrics": baremetrics,
    "dbt_stripe": dbt_stripe,
    "dbt_stripe_older": lambda business: dbt_stripe(business, older=True),
    "chargebee": chargebee,
    "chargebee_billing": lambda business: chargebee(business, reporting_column=False),
}
