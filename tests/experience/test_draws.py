"""The per-ticket draws: uniform / normal, independent across purposes and replications,
the same for a ticket whatever other tickets are drawn with it (chunk-independent)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from bpsim.experience import draws
from bpsim.experience.satisfaction import per_ticket_draws

N = 200_000


def test_uniform_and_normal_by_ks():
    case = np.arange(N)
    u = draws.uniform(11, draws.MOOD, 0, case)
    assert ((u > 0) & (u < 1)).all()
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    z = draws.normal(11, draws.MOOD, 3, case)
    assert np.isfinite(z).all()
    assert stats.kstest(z, "norm").pvalue > 1e-3
    # across replications too (case 0, 1, 2 ... of replication r, for many r)
    r = draws.uniform(11, draws.SURVEY, np.arange(N), 5)
    assert stats.kstest(r, "uniform").pvalue > 1e-3


def test_independent_across_purposes_replications_and_seeds():
    case = np.arange(N)
    a = draws.normal(11, draws.MOOD, 0, case)
    for other in (draws.normal(11, draws.SURVEY, 0, case), draws.normal(11, draws.MOOD, 1, case),
                  draws.normal(12, draws.MOOD, 0, case), draws.normal(11, draws.MOOD, 0, case + 1)):
        # correlation of independent normals: sd 1/sqrt(N) ~ 0.0022
        assert abs(np.corrcoef(a, other)[0, 1]) < 5 / np.sqrt(N)
        # and not merely uncorrelated: the pairs are uniform on the unit square
        ua, ub = stats.norm.cdf(a), stats.norm.cdf(other)
        grid, _, _ = np.histogram2d(ua, ub, bins=8)
        assert stats.chisquare(grid.ravel()).pvalue > 1e-3


def test_same_ticket_same_draw_in_any_subset():
    rng = np.random.default_rng(0)
    cases = pd.DataFrame({"replication": np.repeat([0, 1, 2], 1000),
                          "case": np.tile(np.arange(1000), 3)})

    class Run:
        seed = 42

    whole = per_ticket_draws(Run, cases, draws.MOOD, "normal")
    pick = np.sort(rng.choice(len(cases), 300, replace=False))
    part = per_ticket_draws(Run, cases.iloc[pick[::-1]], draws.MOOD, "normal")   # any order
    assert np.array_equal(part, whole[pick[::-1]])
    # the same draws one at a time, with scalar keys
    for i in pick[:20]:
        r, c = cases.iloc[i]
        assert float(draws.normal(42, draws.MOOD, int(r), int(c))) == whole[i]
    # a different seed draws differently
    class Other:
        seed = 43

    assert not np.allclose(per_ticket_draws(Other, cases, draws.MOOD, "normal"), whole)


def test_inverse_normal_cdf_matches_scipy_without_needing_it():
    """The draws use numpy only (SciPy is an optional extra): Acklam's approximation is
    within its stated 1.15e-9 relative error of scipy.special.ndtri over (0, 1)."""
    from scipy.special import ndtri

    from bpsim.experience.draws import inverse_normal_cdf

    p = np.r_[np.linspace(1e-12, 1 - 1e-12, 100_001), 1e-300, 0.02425, 1 - 0.02425, 0.5]
    got, want = inverse_normal_cdf(p), ndtri(p)
    assert np.all(np.abs(got - want) <= 1.2e-9 * np.maximum(np.abs(want), 1e-12) + 1e-15)


def test_draws_do_not_import_scipy():
    import subprocess
    import sys

    code = ("import sys; import bpsim.experience.draws as d; d.normal(1, 2, 0, [1, 2, 3]); "
            "print('scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
