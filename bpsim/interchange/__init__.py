"""BPSim: simulation parameters that travel inside BPMN files.

BPSim (WfMC Business Process Simulation specification, 1.0 in 2013 and 2.0 in 2016) is how
jBPM/KIE, Trisotech, Bizagi, Sparx, L-SIM and other tools store a simulation scenario next to
the diagram: a ``<bpmn:relationship type="BPSimData">`` whose ``bpsim:BPSimData`` holds one or
more ``bpsim:Scenario`` elements, each with ``ScenarioParameters`` (replications, seed, start,
duration, base time and currency units), ``ElementParameters`` per BPMN element (time,
control, resource, priority and cost parameters, each a constant, a distribution, an
enumeration or an expression) and ``Calendar`` elements in iCalendar text.

This package is bpsim's reader and writer of that format:

* :func:`read_bpsim` turns every scenario in a file into a bpsim
  :class:`~bpsim.scenario.Scenario` and reports, as findings on :attr:`BPSimImport.findings`,
  every parameter that has no bpsim equivalent, naming the element and the parameter;
* :func:`write_bpsim` (``Scenario.to_bpsim``) writes a scenario back as BPSim 2.0 into a copy
  of the model, so other BPSim tools read bpsim's scenarios; what BPSim cannot hold (SLAs,
  rate profiles, priority mixes, ...) travels in a ``bpsim:VendorExtension`` named ``bpsim``,
  which other tools ignore and bpsim reads back.

The dialects differ and the reader accepts them all: the 1.0 and 2.0 namespaces, probabilities
on a 0-100 scale (jBPM) or 0-1 (the specification), a missing ``baseTimeUnit`` (minutes, as the
specification and jBPM assume), values per calendar (``validFor``: staff per shift), and
scenarios that inherit from each other (``inherits``).
"""

from __future__ import annotations

from bpsim.interchange.reader import BPSimImport, has_bpsim, read_bpsim, read_bpsim_file
from bpsim.interchange.writer import bpsim_xml, write_bpsim

__all__ = ["BPSimImport", "has_bpsim", "read_bpsim", "read_bpsim_file", "bpsim_xml", "write_bpsim"]
