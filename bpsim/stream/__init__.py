"""Streaming statistics: the report's figures without keeping every ticket's records.

``bpsim.simulate(..., records=False)`` hands finished tickets' records to a per-replication
:class:`~bpsim.stream.collect.Collector` in bounded chunks; it folds them into sums, counts
and :class:`~bpsim.stream.sketch.QuantileSketch` objects with the record-based path's own
functions, and :class:`~bpsim.stream.results.StreamedResults` builds the same tables from
them. See docs/streaming.md for what is exact and the sketch's stated error.
"""
