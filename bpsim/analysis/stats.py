"""Confidence intervals across replications.

A simulation run is one possible month of the service desk; twenty replications are twenty
independent months. Each replication gives one number per figure (its mean wait at Triage,
its breach rate, its agents' utilisation); bpsim reports the mean of those numbers and a 95 %
confidence half-width from Student's t distribution with ``n - 1`` degrees of freedom::

    half-width = t(0.975, n - 1) * s / sqrt(n)

where ``s`` is the sample standard deviation of the ``n`` per-replication values. With one
replication there is no spread to measure and the half-width is ``NaN`` (reported as "n/a").

The t quantiles are tabulated (no SciPy needed at run time) and, beyond 30 degrees of
freedom, computed with the Cornish-Fisher expansion (Abramowitz & Stegun 26.7.5), which is
accurate to better than 1e-5 there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["t_quantile_975", "mean_ci", "ci_table", "percentiles"]

# t(0.975, df) for df = 1 .. 30
_T975 = [
    12.706204736, 4.30265273, 3.182446305, 2.776445105, 2.570581836, 2.446911851,
    2.364624252, 2.306004135, 2.262157163, 2.228138852, 2.20098516, 2.17881283,
    2.160368656, 2.144786688, 2.131449546, 2.119905299, 2.109815578, 2.10092204,
    2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.06865761, 2.063898562,
    2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
]
_Z975 = 1.959963984540054


def t_quantile_975(df: int) -> float:
    """The 97.5 % quantile of Student's t with ``df`` degrees of freedom (``df >= 1``)."""
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df <= len(_T975):
        return _T975[df - 1]
    z = _Z975
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def mean_ci(values: Iterable[float]) -> tuple[float, float]:
    """Mean and 95 % CI half-width of per-replication values (NaNs ignored).

    Returns ``(nan, nan)`` for no value and ``(value, nan)`` for a single one.

    Examples
    --------
    >>> mean_ci([1.0, 2.0, 3.0])    # s = 1, t(0.975, 2) = 4.303
    (2.0, 2.4841377...)
    """
    x = np.asarray([v for v in values if v is not None], dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan
    mean = float(x.mean())
    if n == 1:
        return mean, math.nan
    s = float(x.std(ddof=1))
    return mean, t_quantile_975(n - 1) * s / math.sqrt(n)


def ci_table(
    per_replication: pd.DataFrame, by: str | list[str], columns: list[str]
) -> pd.DataFrame:
    """Mean and CI half-width of ``columns`` across replications, grouped by ``by``.

    ``per_replication`` has one row per replication x group. The result has one row per
    group with ``<column>`` (the mean) and ``<column>_ci95`` for each column.
    """
    keys = [by] if isinstance(by, str) else list(by)
    rows = []
    for key, group in per_replication.groupby(keys, sort=False, observed=True, dropna=False):
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,)))
        for col in columns:
            row[col], row[f"{col}_ci95"] = mean_ci(group[col])
        rows.append(row)
    out_cols = keys + [c for col in columns for c in (col, f"{col}_ci95")]
    return pd.DataFrame(rows, columns=out_cols)


def percentiles(values: Iterable[float], qs=(50, 90, 95)) -> dict[str, float]:
    """``{"p50": ..., "p90": ..., "p95": ...}`` of pooled values (NaN when empty)."""
    x = np.asarray(list(values) if not isinstance(values, np.ndarray | pd.Series) else values,
                   dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return {f"p{q}": math.nan for q in qs}
    return {f"p{q}": float(v) for q, v in zip(qs, np.percentile(x, qs))}
