"""Records in bounded chunks: hand finished tickets' records to a collector, keep the rest.

Without a collector the engine keeps every record of a replication (:mod:`records` turns
them into DataFrames at the end). With one (``bpsim.engine.run(..., records=False)``), the
replication checks at each arrival whether its record buffer has grown by
``collector.every`` records since the last hand-over; if so, the tickets that have
**finished** (their case end is set) give up their records and case rows to
``collector.chunk(...)``, in one vectorised step, and only the records of tickets still
open stay in the buffer. No work is added per event: one length test per arrival.

The case columns (class, start event, arrival, end, how it left) are indexed by case
number in the engine; in streaming mode they are :class:`Tail` columns, which drop the
leading run of handed-over tickets and keep indexing by the same case numbers (a ticket
open for a long time holds back only the cases that arrived after it).

A collector is any object with ``every`` (int), ``chunk(part, open_part, now)`` and
``finish(open_part, end, part)`` (the last finished tickets and the open ones, handed over
together at the end); ``part`` and ``open_part`` are dicts of numpy arrays:
``keys``, ``times`` (records) and ``case``, ``cls``, ``start``, ``arrival``, ``end``,
``left`` (case rows). :mod:`bpsim.stream.collect` is the one bpsim uses.
"""

from __future__ import annotations

from array import array

import numpy as np

__all__ = ["Tail", "Chunker"]


class Tail:
    """An ``array.array`` column indexed from ``base`` on (cases before it were dropped)."""

    __slots__ = ("arr", "base", "append")

    def __init__(self, typecode: str) -> None:
        self.arr = array(typecode)
        self.base = 0
        self.append = self.arr.append

    def __len__(self) -> int:
        return self.base + len(self.arr)

    def __getitem__(self, i: int):
        return self.arr[i - self.base]

    def __setitem__(self, i: int, value) -> None:
        self.arr[i - self.base] = value

    def numpy(self, dtype) -> np.ndarray:
        """A copy of the kept values."""
        return np.frombuffer(self.arr, dtype=dtype).copy() if len(self.arr) else np.zeros(0, dtype)

    def drop(self, k: int) -> None:
        """Forget the first ``k`` kept values (in place: ``append`` stays valid)."""
        del self.arr[:k]
        self.base += k


class Chunker:
    """Splits a replication's records between finished tickets (handed over) and open ones."""

    def __init__(self, collector, keys: array, times: array, columns: tuple, kshift: int) -> None:
        self.collector = collector
        self.keys, self.times = keys, times
        self.cls, self.start, self.arr, self.end, self.left = columns
        self.kshift = kshift
        self.every = int(collector.every)
        self.next_at = self.every
        self.emitted = np.zeros(0, dtype=bool)   # aligned with the kept case rows

    def _split(self):
        k = np.frombuffer(self.keys, dtype=np.int64).copy() if len(self.keys) else np.zeros(0, np.int64)
        t = np.frombuffer(self.times, dtype=float).copy() if len(self.times) else np.zeros(0)
        base = self.arr.base
        end = self.end.numpy(float)
        n = len(end)
        if len(self.emitted) < n:
            self.emitted = np.concatenate([self.emitted, np.zeros(n - len(self.emitted), bool)])
        fin = ~np.isnan(end) & ~self.emitted
        case = (k >> self.kshift) - base
        rec_fin = fin[case] if len(case) else np.zeros(0, bool)
        rows = np.nonzero(fin)[0]
        cols = {"cls": self.cls.numpy(np.int8), "start": self.start.numpy(np.int32),
                "arrival": self.arr.numpy(float), "end": end, "left": self.left.numpy(np.int8)}

        def part(sel_rows: np.ndarray, sel_rec: np.ndarray) -> dict:
            out = {c: v[sel_rows] for c, v in cols.items()}
            out["case"] = sel_rows.astype(np.int64) + base
            out["keys"], out["times"] = k[sel_rec], t[sel_rec]
            return out

        done = part(rows, rec_fin)
        still = ~fin & ~self.emitted
        opened = part(np.nonzero(still)[0], ~rec_fin)
        return done, opened, fin

    def flush(self, now: float) -> None:
        """Hand the finished tickets over; keep the open ones' records."""
        done, opened, fin = self._split()
        self.collector.chunk(done, opened, now)
        keep_k, keep_t = opened["keys"], opened["times"]
        del self.keys[:]
        del self.times[:]
        self.keys.frombytes(keep_k.tobytes())
        self.times.frombytes(keep_t.tobytes())
        self.emitted |= fin
        lead = int(np.argmin(self.emitted)) if not self.emitted.all() else len(self.emitted)
        if lead >= 1024:
            for col in (self.cls, self.start, self.arr, self.end, self.left):
                col.drop(lead)
            self.emitted = self.emitted[lead:]
        self.next_at = len(self.keys) + self.every

    def finish(self, end: float):
        """At the end of the replication: hand over the last finished tickets and the open
        ones together (``collector.finish``: one fold, not two); return what the collector
        returns."""
        done, opened, _fin = self._split()
        del self.keys[:]
        del self.times[:]
        return self.collector.finish(opened, end, done)
