"""A seasonal exponential-smoothing reference for the forecast benchmark, in numpy alone.

Not a dependency of the product: the benchmark sets the forecast beside it, as forecasters set a
model beside a standard one. It is a small AutoETS with additive errors: simple (A,N,N), damped
trend (A,Ad,N), and, with two years of months or more, the same with an additive 12-month season
(A,N,A) and (A,Ad,A). Each model's smoothing parameters are the best on a grid by the one-step
squared error, and the model with the lowest AICc is kept (Hyndman and Athanasopoulos,
*Forecasting: Principles and Practice*, 3rd ed., chapter 8). statsforecast's AutoETS, which the
issue quotes, also tries multiplicative forms and optimises its parameters and initial states;
this one does neither, so its figures are close to it, not the same.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

SEASON = 12
_ALPHAS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.99)
_BETAS = (0.01, 0.05, 0.1, 0.2)
_PHIS = (0.8, 0.9, 0.98)
_GAMMAS = (0.01, 0.05, 0.1, 0.2)


def forecast(history: np.ndarray, leads: int) -> np.ndarray:
    """The chosen model's forecast for the ``leads`` months after ``history`` (one value a month)."""
    y = np.asarray(history, dtype=float)
    best: tuple[float, np.ndarray] | None = None
    for trend, seasonal in ((False, False), (True, False), (False, True), (True, True)):
        if seasonal and len(y) < 2 * SEASON:
            continue
        if len(y) < (4 if trend else 2):
            continue
        fitted = _fit(y, trend=trend, seasonal=seasonal, leads=leads)
        if fitted is not None and (best is None or fitted[0] < best[0]):
            best = fitted
    return best[1] if best is not None else np.full(leads, y[-1])


def _fit(y: np.ndarray, *, trend: bool, seasonal: bool, leads: int) -> tuple[float, np.ndarray] | None:
    """(AICc, forecast) of the best parameters on the grid for one model form."""
    grid = [
        (a, b if trend else 0.0, p if trend else 1.0, g if seasonal else 0.0)
        for a, b, p, g in itertools.product(
            _ALPHAS, _BETAS if trend else (0.0,), _PHIS if trend else (1.0,), _GAMMAS if seasonal else (0.0,)
        )
        if b <= a and g <= 1 - a
    ]
    alpha, beta, phi, gamma = (np.array(column) for column in zip(*grid, strict=True))
    combos = len(grid)
    start = SEASON if seasonal else 1
    level = np.full(combos, y[:start].mean())
    slope = np.full(combos, (y[start : 2 * start].mean() - y[:start].mean()) / start if trend else 0.0)
    season = np.tile(y[:SEASON] - y[:SEASON].mean(), (combos, 1)) if seasonal else np.zeros((combos, 1))
    squared = np.zeros(combos)
    for t in range(start, len(y)):
        position = t % SEASON if seasonal else 0
        expected = level + phi * slope + season[:, position]
        error = y[t] - expected
        squared += error**2
        previous = level
        level = previous + phi * slope + alpha * error
        slope = phi * slope + beta * error
        if seasonal:
            season[:, position] += gamma * error
    n = len(y) - start
    chosen = int(np.argmin(squared))
    parameters = 1 + (2 if trend else 0) + (1 if seasonal else 0)
    states = 1 + (1 if trend else 0) + (SEASON - 1 if seasonal else 0)
    k = parameters + states
    if n - k - 1 <= 0:
        return None
    sse = max(float(squared[chosen]), 1e-12 * max(float(np.mean(y**2)), 1.0))
    aicc = n * math.log(sse / n) + 2 * k + 2 * k * (k + 1) / (n - k - 1)
    damped = np.cumsum(phi[chosen] ** np.arange(1, leads + 1))
    months = (len(y) + np.arange(leads)) % SEASON
    ahead = level[chosen] + damped * slope[chosen] + (season[chosen, months] if seasonal else 0.0)
    return aicc, np.maximum(ahead, 0.0)
