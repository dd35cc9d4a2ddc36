"""Scenarios: everything a drawing does not say, for a simulation to run.

A service-desk drawing shows the steps (triage, resolve, close) and who does them (lanes).
A *scenario* adds the numbers: tickets arrive by e-mail about every 6 minutes in office hours,
triage takes 4 to 10 minutes, two agents work 08-16 and two 10-18, a quarter of the tickets
need more information from the customer, a ticket must be taken in charge within 4 working
hours. Scenarios are YAML files (``docs/scenario.md``) or Python objects:

>>> import bpsim
>>> scenario = bpsim.load_scenario("models/service_desk.yaml")      # doctest: +SKIP
>>> bound = scenario.bind(bpsim.read("models/service_desk.bpmn"))  # doctest: +SKIP

The table of contents:

* :mod:`~bpsim.scenario.durations` -- ``"1h30m"`` -> 5400.0 seconds, and back;
* :mod:`~bpsim.scenario.distributions`, :mod:`~bpsim.scenario.parse` -- laws of durations;
* :mod:`~bpsim.scenario.weekly`, :mod:`~bpsim.scenario.calendar`,
  :mod:`~bpsim.scenario.profile` -- opening hours, working time, hourly arrival rates;
* :mod:`~bpsim.scenario.schema`, :mod:`~bpsim.scenario.loader`, :mod:`~bpsim.scenario.core`
  -- the file, read safely, checked key by key, with line numbers in errors; the schema's
  sections live in :mod:`~bpsim.scenario.arrivals`, :mod:`~bpsim.scenario.roles`,
  :mod:`~bpsim.scenario.tasks`, :mod:`~bpsim.scenario.slas` and
  :mod:`~bpsim.scenario.customers`, built on the value readers of :mod:`~bpsim.scenario.fields`;
* :mod:`~bpsim.scenario.lookup`, :mod:`~bpsim.scenario.sources`, :mod:`~bpsim.scenario.bind` -- names to ids: the :class:`~bpsim.scenario.spec.BoundScenario`
  the engine consumes (:mod:`~bpsim.scenario.spec`).
"""

from __future__ import annotations

from bpsim.scenario.bind import bind, resolve
from bpsim.scenario.calendar import WeeklyCalendar, always_open
from bpsim.scenario.core import Scenario, load_scenario
from bpsim.scenario.distributions import (
    Distribution,
    Empirical,
    Erlang,
    Exponential,
    Fixed,
    Gamma,
    Histogram,
    LogNormal,
    Normal,
    Triangular,
    TruncatedNormal,
    Uniform,
    Weibull,
)
from bpsim.scenario.durations import format_duration, parse_duration
from bpsim.scenario.parse import parse_distribution
from bpsim.scenario.profile import WeeklyRateProfile
from bpsim.scenario.schema import DEFAULT_START
from bpsim.scenario.spec import BoundScenario

__all__ = [
    "Scenario",
    "load_scenario",
    "bind",
    "resolve",
    "BoundScenario",
    "parse_duration",
    "format_duration",
    "parse_distribution",
    "Distribution",
    "Fixed",
    "Exponential",
    "Uniform",
    "Triangular",
    "Normal",
    "LogNormal",
    "Gamma",
    "Erlang",
    "Empirical",
    "Histogram",
    "Weibull",
    "TruncatedNormal",
    "WeeklyCalendar",
    "always_open",
    "WeeklyRateProfile",
    "DEFAULT_START",
]
