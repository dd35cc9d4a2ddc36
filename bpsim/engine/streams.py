"""Random streams: one independent stream of numbers per purpose, drawn in blocks.

A service desk compared under two staffings should see *the same tickets*: the same
arrival times, the same classes, the same handling times. Then a difference in waits is the
staffing's doing, not the dice's (common random numbers). bpsim gets this by giving every
purpose its own stream, derived from the run's seed, the replication number and the
purpose's *name* (``"interarrival:Start_Email"``, ``"duration:Task_Triage:P1"``,
``"gateway:Gateway_Level"``) rather than from an order of creation. Adding a role or a task to
the model leaves every other stream untouched.

Streams are numpy Generators (PCG64) seeded by ``SeedSequence(seed, spawn_key=(r, h))``, where
``r`` is the replication number and ``h`` a stable 64-bit hash of the purpose. Replication
``r`` therefore draws the same numbers whether it runs alone or with others (what the what-if
engine relies on to split replications across processes).

Numbers are drawn in blocks (:data:`BLOCK` at a time) and handed out one by one from a
Python list: one numpy call per block instead of one per draw.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from itertools import chain, count

import numpy as np

__all__ = ["BLOCK", "Streams", "block_draws", "root_entropy"]

#: How many numbers one numpy call draws for a stream.
BLOCK = 512


def root_entropy(seed: int | None) -> int:
    """The entropy behind a run: ``seed`` itself, or fresh OS entropy when ``None``."""
    if seed is None:
        entropy = np.random.SeedSequence().entropy
        assert isinstance(entropy, int)  # a SeedSequence made without entropy draws an int
        return entropy
    return int(seed)


def _purpose_key(purpose: str) -> int:
    return int.from_bytes(hashlib.blake2b(purpose.encode("utf-8"), digest_size=8).digest(), "big")


def block_draws(fill: Callable[[int], np.ndarray], block: int = BLOCK) -> Callable[[], float]:
    """A zero-argument function returning the next number from ``fill(block)`` blocks.

    The numbers come from a C-level chain of the blocks' lists: no Python frame per draw."""
    blocks: Iterator[list[float]] = map(lambda _: fill(block).tolist(), count())
    return chain.from_iterable(blocks).__next__


class Streams:
    """The random streams of one replication.

    Parameters
    ----------
    entropy : int
        The run's seed (see :func:`root_entropy`).
    replication : int
        The replication number (0-based).
    """

    def __init__(self, entropy: int, replication: int) -> None:
        self.entropy = entropy
        self.replication = replication

    def rng(self, purpose: str) -> np.random.Generator:
        """The Generator for ``purpose`` (a new object each call, same numbers each time)."""
        seq = np.random.SeedSequence(
            self.entropy, spawn_key=(self.replication, _purpose_key(purpose))
        )
        return np.random.Generator(np.random.PCG64(seq))

    def uniform(self, purpose: str) -> Callable[[], float]:
        """Block-drawn uniforms on [0, 1)."""
        return block_draws(self.rng(purpose).random)

    def law(self, purpose: str, distribution) -> Callable[[], float]:
        """Block-drawn samples of a :class:`~bpsim.scenario.spec.Distribution`."""
        rng = self.rng(purpose)
        sample_many = distribution.sample_many

        def fill(n: int) -> np.ndarray:
            return np.asarray(sample_many(rng, n), dtype=float)

        return block_draws(fill)
