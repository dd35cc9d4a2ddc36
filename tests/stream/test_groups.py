"""bpsim.stream.groups against pandas' groupby: the same groups, in the same order, with the
same sums, counts and distinct counts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bpsim.stream.groups import Groups, index_of


def test_groups_match_pandas_groupby():
    rng = np.random.default_rng(11)
    keys = rng.integers(0, 40, 5000) * (rng.random(5000) < 0.9)   # a few large groups
    x = rng.exponential(3.0, 5000)
    x[rng.random(5000) < 0.1] = np.nan
    case = rng.integers(0, 300, 5000)
    g = Groups(keys, 40)
    df = pd.DataFrame({"k": keys, "x": x, "case": case})
    by = df.groupby("k", sort=False)
    assert g.present.tolist() == list(by.groups.keys()) == list(pd.unique(keys))
    assert np.allclose(g.sum(x), by["x"].sum().to_numpy(), rtol=1e-12)
    assert g.valid(x).tolist() == by["x"].count().astype(float).tolist()
    assert g.count().tolist() == by.size().astype(float).tolist()
    assert g.count(x > 2).tolist() == by["x"].apply(lambda s: float((s > 2).sum())).tolist()
    assert g.distinct(case).tolist() == by["case"].nunique().astype(float).tolist()
    for k, part in zip(g.present, g.split(x)):
        assert np.array_equal(part, df.loc[df["k"] == k, "x"].to_numpy(), equal_nan=True)
    empty = Groups(np.zeros(0, np.int64), 5)
    assert len(empty) == 0 and empty.sum(np.zeros(0)).tolist() == []


def test_index_of_categorical_and_objects():
    where = {"a": 0, "b": 1, "c": 2}
    cat = pd.Series(pd.Categorical(["c", None, "a", "z"], categories=["z", "c", "a"]))
    assert index_of(cat, where).tolist() == [2, -1, 0, -1]
    assert index_of(pd.Series(["b", None, "c"], dtype=object), where).tolist() == [1, -1, 2]


def test_stable_order_is_numpys_stable_argsort():
    """stream.groups.stable_order sorts small keys as 16-bit integers (radix), larger ones
    as they are: numpy's stable argsort either way, ties in row order."""
    from bpsim.stream.groups import stable_order

    rng = np.random.default_rng(5)
    for size in (1, 17, 1 << 15, 1 << 20):
        keys = rng.integers(0, size, 5000).astype(np.int64)
        assert np.array_equal(stable_order(keys, size), np.argsort(keys, kind="stable"))


def test_collector_lookup_dense_and_sparse():
    """stream.collect._lookup reads each id's value through a table (dense ids) or a binary
    search (sparse ones): the same values either way."""
    from bpsim.stream.collect import _lookup

    rng = np.random.default_rng(7)
    for spread in (1, 10_000):          # ids 0..n-1 shuffled, or spread far apart
        ids = rng.permutation(500).astype(np.int64) * spread + 3
        values = rng.integers(0, 100, 500).astype(np.int8)
        at = rng.choice(ids, 2000)
        want = np.array([values[np.flatnonzero(ids == a)[0]] for a in at])
        assert np.array_equal(_lookup(ids, values, at, np.int8), want)
    assert len(_lookup(np.zeros(0, np.int64), np.zeros(0, np.int8), np.zeros(3, np.int64),
                       np.int8)) == 3
