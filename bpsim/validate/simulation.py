"""Simulation parameters (placeholder; filled in when bpsim.scenario lands)."""
