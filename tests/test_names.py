"""bpsim._names.first_free: the one rule every writer uses for a fresh id or key."""

from __future__ import annotations

from bpsim._names import first_free
from bpsim.analysis.results import sla_column_name


def test_first_free_counts_from_two_and_checks_every_container():
    assert first_free("Task", set()) == "Task"
    assert first_free("Task", {"Task"}) == "Task_2"
    assert first_free("Task", {"Task", "Task_2"}, {"Task_3"}) == "Task_4"
    assert first_free("Task", {"Task_2"}) == "Task"        # a free base is kept
    assert first_free("Task", ["Task"]) == "Task_2"        # any container


def test_two_slas_that_fold_to_one_column_name_get_a_suffix():
    first = sla_column_name("Taken in charge")
    assert first == "taken_in_charge"
    assert sla_column_name("taken-in-charge", {first}) == "taken_in_charge_2"
