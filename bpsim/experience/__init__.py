"""The customer's side of a service: blueprint layers, journey phases, touchpoints.

A service blueprint (``../shared/seeds/000``-``002``) draws a service in bands, the customer's
actions on top, then the staff the customer sees (frontstage), the staff out of sight
(backstage) and the systems and teams that support them, in columns: the phases of the
customer's journey. This package reads that structure from a drawing
(:mod:`~bpsim.experience.layers`, :mod:`~bpsim.experience.phases`,
:mod:`~bpsim.experience.touchpoints`).
"""

from bpsim.experience.blueprint import Blueprint, blueprint
from bpsim.experience.layers import LAYERS, classify, guess_layer
from bpsim.experience.phases import Phases, find_phases
from bpsim.experience.touchpoints import Crossing, crossings, guess_channel

__all__ = ["Blueprint", "blueprint", "LAYERS", "classify", "guess_layer", "Phases", "find_phases", "Crossing", "crossings",
           "guess_channel"]
