"""Acceptance: the analyses on the real engine agree with queueing theory.

M/M/2 with lambda = 1/60 s, mu = 1/100 s (rho = 5/6): the breach rate of "taken in charge
within T" is Erlang C's P(Wq > T) = C(2, 5/3) exp(-(2 mu - lambda) T), and the servers'
utilisation is rho. M/M/1 (rho = 0.75): Little's law L = lambda W per stage, and the mean
queue length rho^2 / (1 - rho).
"""

import pytest

from bpsim.analysis import Results

from .queueing_models import mmc, p_wait_longer, taken_in_charge_within

engine = pytest.importorskip("bpsim.engine")
run = getattr(engine, "run", None)
if run is None:  # pragma: no cover - before the engine lands
    pytest.skip("bpsim.engine.run not available yet", allow_module_level=True)

LAM, MU = 1 / 60, 1 / 100
T = 300.0


@pytest.fixture(scope="module")
def mm2():
    process, bound = mmc(60.0, 100.0, 2, horizon=400_000.0, warmup=20_000.0, replications=10,
                         slas=[taken_in_charge_within(T)])
    return Results(run(process, bound), process, bound)


def test_mm2_breach_rate_matches_erlang_c(mm2):
    row = mm2.slas.iloc[0]
    expected = p_wait_longer(2, LAM, MU, T)
    assert abs(row["breach_rate"] - expected) <= row["breach_rate_ci95"]
    assert row["breach_rate_ci95"] < 0.05          # the interval is informative


def test_mm2_utilisation_is_rho(mm2):
    ro = mm2.roles.set_index("name").loc["Server"]
    assert abs(ro["utilization"] - LAM / (2 * MU)) <= ro["utilization_ci95"]


def test_mm2_mean_wait_matches_erlang_c(mm2):
    from .queueing_models import erlang_c

    wq = erlang_c(2, LAM / MU) / (2 * MU - LAM)
    st = mm2.stages.set_index("id").loc["Serve"]
    assert abs(st["wait_mean"] - wq) <= st["wait_ci95"]


@pytest.fixture(scope="module")
def mm1():
    process, bound = mmc(60.0, 45.0, 1, horizon=300_000.0, warmup=20_000.0, replications=8)
    return Results(run(process, bound), process, bound)


def test_littles_law_on_mm1(mm1):
    ll = mm1.littles_law.set_index(["element", "what"])
    for what in ("queue", "stage"):
        row = ll.loc[("Serve", what)]
        assert row["gap"] < 0.03, (what, row.to_dict())


def test_mm1_queue_length_formula(mm1):
    rho = 0.75
    st = mm1.stages.set_index("id").loc["Serve"]
    assert abs(st["queue_mean"] - rho**2 / (1 - rho)) <= st["queue_ci95"]


def test_report_on_engine_output(mm2):
    text = mm2.summary()
    for heading in ("Stages", "Roles", "SLAs", "Bottlenecks", "Little's law"):
        assert heading in text
    # the M/M/2 model prices nothing: person-hours, no money block
    assert "Person-hours (per replication)" in text and "Cost (per replication)" not in text
    assert "Traceback" not in text


def test_bottleneck_is_the_saturated_stage():
    # tandem: Sort (3 sorters, rho = 0.25) then Fix (1 fixer, rho = 0.9): Fix ranks first
    import datetime as dt

    from bpsim.scenario.distributions import Exponential
    from bpsim.scenario.spec import Arrival, BoundScenario, Role, Shift, TaskSpec

    from .queueing_models import line_process

    process = line_process("Sort", "Fix")
    bound = BoundScenario(
        name="tandem", seed=5, replications=4, horizon=200_000.0, cases=None, warmup=10_000.0,
        start=dt.datetime(2026, 1, 5),
        arrivals={"Start": Arrival("Start", interarrival=Exponential(mean=100.0))},
        roles={"Sorter": Role("Sorter", [Shift(3)]), "Fixer": Role("Fixer", [Shift(1)])},
        tasks={"Sort": TaskSpec("Sort", Exponential(mean=75.0), "Sorter"),
               "Fix": TaskSpec("Fix", Exponential(mean=90.0), "Fixer")})
    r = Results(run(process, bound), process, bound)
    b = r.bottlenecks.set_index("id")
    assert list(r.bottlenecks["id"][:1]) == ["Fix"]
    assert b.loc["Fix", "utilization"] == pytest.approx(0.9, abs=0.03)
    assert b.loc["Fix", "wait_share"] > 0.5 > b.loc["Sort", "wait_share"]
