"""Journey figures: what each phase of the journey is like for the customer.

For every completed ticket (arrived after the warm-up), the time from its arrival to its end
is cut into pieces, one per event record: the piece between two consecutive records of the
ticket belongs to the element of the later record (the element the ticket was waiting at or
working through), so to that element's phase and layer. The pieces of one ticket add up to
its cycle time exactly, and the phases' times to the end-to-end time. Each piece is:

``effort``
    at a customer-layer element: the customer's own actions (describing the problem,
    gathering details, trying the fix) and waits on themselves;
``visible_wait``
    at a frontstage element: waiting for, or working with, the staff the customer deals with;
``hidden_wait``
    at a backstage or support element (or one in no known layer): the service works, or the
    ticket queues, out of the customer's sight;

and ``queue_wait`` says how much of the two waits was spent in a queue (enabled -> taken in
charge). Per ticket and phase the module also counts the **touchpoints** met (flows crossing
the line of interaction that the ticket went along, by type: digital, phone, in person), the
**updates** received (scenario ``updates:``), the **SLA breaches** met (a breach counts in the
phase of the SLA's end point), **re-opens** (the ticket went back to an earlier phase) and
**repeated contacts** (the customer had to come back: a touchpoint from the customer along a
flow that lies on a loop of the drawing, such as sending the details an agent asked for, or
reporting that the fix did not work). Figures are means per ticket, per replication, then averaged with a 95 % CI across
replications; a phase a ticket never entered counts 0 for that ticket, so the phases' means
add up to the end-to-end mean.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bpsim.analysis.stats import mean_ci
from bpsim.experience.blueprint import Blueprint
from bpsim.experience.layers import LAYERS

__all__ = ["ticket_phases", "moments", "JOURNEY_FIGURES"]

#: Per ticket x phase figures (seconds or counts).
JOURNEY_FIGURES = ["customer_time", "effort", "visible_wait", "hidden_wait", "queue_wait",
                   "touchpoints", "touchpoints_digital", "touchpoints_phone",
                   "touchpoints_in_person", "from_customer", "repeat_contacts", "updates", "breaches", "reopens",
                   "abandoned"]
_ENTRY = {"enabled", "pass", "end", "arrive"}
_LEAVE = {"complete", "pass", "arrive"}
END_TO_END = "end to end"


def _codes(cat: pd.Series, mapping: dict, default) -> np.ndarray:
    """Map a categorical column through ``mapping`` by category code (fast)."""
    cats = list(cat.cat.categories)
    table = np.array([mapping.get(c, default) for c in cats] + [default], dtype=object)
    codes = cat.cat.codes.to_numpy()
    return table[np.where(codes < 0, len(cats), codes)]


def measured(results) -> pd.DataFrame:
    """The cases table with ``measured`` and ``cycle_time``
    (:func:`bpsim.analysis.visits.measured_cases`): the one ``results`` already holds
    (``Results._measured_cases``; a streamed chunk's view is handed the collector's), else
    worked out. Read, never changed."""
    c = getattr(results, "_measured_cases", None)
    if isinstance(c, pd.DataFrame):
        return c
    from bpsim.analysis.visits import measured_cases

    return measured_cases(results.output)


def _measured_done(results) -> pd.DataFrame:
    c = measured(results)
    return c.loc[c["measured"] & c["completed"].astype(bool)].reset_index(drop=True)


def _key(rep, case) -> np.ndarray:
    return np.asarray(rep, dtype=np.int64) * (1 << 32) + np.asarray(case, dtype=np.int64)


def rows_in(cases: pd.DataFrame, rep, case) -> np.ndarray:
    """Each (``rep``, ``case``) pair's row in ``cases`` (-1: not there). One replication (a streamed chunk, a replication's view): a look-up
    table indexed by case number; else a binary search of the (replication, case) keys."""
    rep = np.asarray(rep)
    case = np.asarray(case, dtype=np.int64)
    out = np.full(len(case), -1, dtype=np.int64)
    if not len(cases) or not len(case):
        return out
    crep = cases["replication"].to_numpy()
    ccase = cases["case"].to_numpy(np.int64)
    r0 = crep[0]
    if (crep == r0).all() and (rep == r0).all() and ccase.min() >= 0 and case.min() >= 0:
        top = int(max(ccase.max(), case.max())) + 1
        if top <= 8 * (len(ccase) + len(case)) + 1024:      # a table no larger than the data
            lut = np.full(top, -1, dtype=np.int64)
            lut[ccase] = np.arange(len(ccase))
            return lut[case]
    ckey = _key(crep, ccase)
    srt = None
    if len(ckey) > 1 and not bool(np.all(ckey[1:] >= ckey[:-1])):
        srt = np.argsort(ckey, kind="stable")
        ckey = ckey[srt]
    qkey = _key(rep, case)
    pos = np.minimum(np.searchsorted(ckey, qkey), len(ckey) - 1)
    return np.where(ckey[pos] == qkey, pos if srt is None else srt[pos], -1)


def _by_row(row: np.ndarray) -> np.ndarray:
    """The stable order of ``row`` (each ticket's records kept in their order): a radix
    sort for up to 65,536 tickets, else a sort of the unique keys (row, position)."""
    if not len(row) or int(row.max()) < (1 << 16):
        return np.argsort(row.astype(np.uint16), kind="stable")
    return np.argsort(row.astype(np.int64) * len(row) + np.arange(len(row)))


def moments(results, bp: Blueprint) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The timeline of completed measured tickets.

    Returns ``(pieces, cases)``: ``pieces`` has one row per event record (``replication``,
    ``case``, ``row`` (the ticket's row in ``cases``), ``time``, ``dt`` (the piece ending at this record), ``phase`` (index into
    ``bp.phases.order``; -1: none), ``layer`` (index into :data:`LAYERS`; -1: none),
    ``queue`` (the piece was spent in a queue), ``touch`` (the ticket crossed the line of
    interaction here; ``touch_type`` and ``touch_from`` say how), ``reopen`` and
    ``reopen_phase``); ``cases`` is the cases table of those tickets with ``channel`` (the
    touchpoint type of the start event).
    """
    cases = _measured_done(results)
    start = cases["start"]
    if isinstance(start.dtype, pd.CategoricalDtype):   # per start event, not per ticket
        ch_of = np.array([v if v is not None else "digital" for v in
                          (bp.channels.get(c) for c in start.cat.categories)] + ["digital"],
                         dtype=object)
        scode = start.cat.codes.to_numpy()
        cases["channel"] = ch_of[np.where(scode < 0, len(ch_of) - 1, scode)]
    else:
        cases["channel"] = start.astype(object).map(bp.channels).fillna("digital")
    ev = results.output.events
    at = rows_in(cases, ev["replication"].to_numpy(), ev["case"].to_numpy())
    rows = np.flatnonzero(at >= 0)
    # by ticket, then in record order (the records of one ticket are in time order): a
    # stable sort of the tickets' rows keeps each ticket's records in their order
    sort = _by_row(at[rows])
    order = rows[sort]
    row = at[rows][sort]
    del rows, at, sort
    # compact columns: small integers and codes, no Python object per record
    rep = ev["replication"].to_numpy()[order]
    case = ev["case"].to_numpy()[order]
    t = ev["time"].to_numpy(dtype=float)[order]
    cats = list(ev["element"].cat.categories)
    ecode = ev["element"].cat.codes.to_numpy()[order].astype(np.int32)
    lcats = list(ev["lifecycle"].cat.categories)
    lcode = ev["lifecycle"].cat.codes.to_numpy()[order]
    staffed = ev["resource"].cat.codes.to_numpy()[order] >= 0
    del order
    n = len(t)
    same = np.zeros(n, dtype=bool)
    if n:
        same[1:] = (rep[1:] == rep[:-1]) & (case[1:] == case[:-1])
    dt = np.zeros(n)
    if n:
        dt[1:] = np.where(same[1:], np.diff(t), 0.0)
    porder = {p: i for i, p in enumerate(bp.phases.order)}
    phases_of = [bp.phases.of_node.get(c) for c in cats]
    small = np.int16
    phase_of = np.array([-1 if ph is None else porder.get(ph, -1) for ph in phases_of] + [-1],
                        dtype=small)
    layer_of = np.array([LAYERS.index(bp.node_layer[c]) if bp.node_layer.get(c) else -1
                         for c in cats] + [-1], dtype=np.int8)
    ecode = np.where(ecode < 0, len(cats), ecode)
    phase = phase_of[ecode]
    layer = layer_of[ecode]

    ldtype = lcode.dtype

    def lc(words) -> np.ndarray:
        return np.array([lcats.index(w) for w in words if w in lcats], dtype=ldtype)

    def one_of(codes: np.ndarray, words) -> np.ndarray:
        """Whether each record's lifecycle is one of ``words`` (a table by code)."""
        table = np.zeros(len(lcats) + 1, dtype=bool)
        table[lc(words).astype(np.int64)] = True
        return table[np.where(codes < 0, len(lcats), codes)]

    queue = (lcode == (lcats.index("start") if "start" in lcats else -99)) & staffed
    del staffed
    prev_e = np.r_[-1, ecode[:-1]].astype(np.int32) if n else ecode
    prev_l = np.r_[-1, lcode[:-1]].astype(lcode.dtype) if n else lcode
    entry = one_of(lcode, _ENTRY) & same & one_of(prev_l, _LEAVE)
    del prev_l
    touch = np.zeros(n, dtype=bool)
    types: list[str] = []                 # touch_type categories (-1: no touchpoint)
    touch_type = np.full(n, -1, dtype=np.int8)
    touch_from = np.zeros(n, dtype=bool)
    touch_repeat = np.zeros(n, dtype=bool)

    def type_code(name) -> int:
        if name not in types:
            types.append(name)
        return types.index(name)

    code_of = {c: i for i, c in enumerate(cats)}
    ncat = len(cats) + 1
    pairs = {}
    for c in bp.crossings:
        if c.touchpoint and c.kind == "sequence" and c.source in code_of and c.target in code_of:
            pairs[code_of[c.source] * ncat + code_of[c.target]] = c
    if pairs:
        # each record's (previous element, element) pair looked up among the touchpoints' at once
        keys = np.array(list(pairs), dtype=np.int64)
        sort = np.argsort(keys)
        ptype = np.array([type_code(c.type) for c in pairs.values()], dtype=np.int8)[sort]
        pfrom = np.array([c.direction == "from customer" for c in pairs.values()])[sort]
        prep = np.array([(c.source, c.target) in bp.repeat for c in pairs.values()])[sort]
        keys = keys[sort]
        pk = prev_e.astype(np.int64) * ncat + ecode
        pos = np.minimum(np.searchsorted(keys, pk), len(keys) - 1)
        at = np.flatnonzero(entry & (keys[pos] == pk))
        pos = pos[at]
        touch[at] = True
        touch_type[at] = ptype[pos]
        touch_from[at] = pfrom[pos]
        touch_repeat[at] = prep[pos]
        del pk, pos, at
    del prev_e, entry
    # message flows touching the customer: counted when their source completes or passes
    sent = one_of(lcode, ["complete", "pass", "end"])
    for c in bp.crossings:
        if c.touchpoint and c.kind == "message" and c.source in code_of:
            at = (ecode == code_of[c.source]) & sent
            touch[at] = True
            touch_type[at] = type_code(c.type)
            touch_from[at] = c.direction == "from customer"
    prev_p = np.r_[-1, phase[:-1]].astype(small) if n else phase
    # a touchpoint counts in the phase of its provider's side: where the staff meets the customer
    touch_phase = np.where(touch & ~touch_from & (prev_p >= 0), prev_p, phase).astype(small)
    reopen = same & (phase >= 0) & (prev_p >= 0) & (phase < prev_p)
    reopen_phase = np.where(reopen, prev_p, -1).astype(small)
    del prev_p, same
    abandoned = lcode == (lcats.index("abandoned") if "abandoned" in lcats else -99)
    del ecode, lcode
    # a touchpoint typed by the channel takes the ticket's channel
    if "channel" in types:
        need = touch_type == types.index("channel")
        if need.any():
            codes, names = pd.factorize(cases["channel"])   # per ticket: a few channel types
            remap = np.array([type_code(x) for x in names] + [-1], dtype=np.int8)
            touch_type[need] = remap[codes[row[need]]]
    pieces = pd.DataFrame({
        "replication": rep, "case": case, "row": row, "time": t, "dt": dt, "phase": phase, "layer": layer,
        "queue": queue, "touch": touch,
        "touch_type": pd.Categorical.from_codes(touch_type, categories=types or ["digital"]),
        "touch_from": touch_from, "touch_repeat": touch_repeat, "touch_phase": touch_phase,
        "reopen": reopen, "reopen_phase": reopen_phase, "abandoned": abandoned,
    }, copy=False)
    return pieces, cases


def phase_at(pieces: pd.DataFrame, rep: np.ndarray, case: np.ndarray, time: np.ndarray
             ) -> np.ndarray:
    """The phase (index; -1: none) a ticket was in at ``time``: that of its first record at
    or after it (``pieces`` sorted by ticket, then time, as :func:`moments` gives them)."""
    out = np.full(len(rep), -1, dtype=np.int64)
    if pieces.empty or len(rep) == 0:
        return out
    pkey = _key(pieces["replication"], pieces["case"])
    qkey = _key(rep, case)
    uniq, first = np.unique(pkey, return_index=True)
    rank_p = np.searchsorted(uniq, pkey)
    pos_q = np.searchsorted(uniq, qkey)
    ok = (pos_q < len(uniq)) & (uniq[np.minimum(pos_q, len(uniq) - 1)] == qkey)
    span = float(max(pieces["time"].max(), np.max(time))) + 1.0
    pk = rank_p * span + pieces["time"].to_numpy()
    qk = pos_q[ok] * span + np.asarray(time, dtype=float)[ok]
    pos = np.minimum(np.searchsorted(pk, qk, side="left"), len(pk) - 1)
    # after the ticket's last record (an update sent as it closed): its last phase
    after = rank_p[pos] != pos_q[ok]
    pos = np.where(after & (pos > 0), pos - 1, pos)
    same = rank_p[pos] == pos_q[ok]
    phases = pieces["phase"].to_numpy()
    idx = np.flatnonzero(ok)[same]
    out[idx] = phases[pos[same]]
    return out


def ticket_phases(results, bp: Blueprint) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per completed measured ticket x phase: the :data:`JOURNEY_FIGURES`.

    Returns ``(per_phase, cases, pieces)``: ``per_phase`` has ``replication``, ``case``,
    ``phase`` (name) and the figures, for every ticket x every phase (zeros where a ticket
    never was; a ``(no phase)`` row for time at elements in no phase).
    """
    pieces, cases = moments(results, bp)
    names = list(bp.phases.order) or [END_TO_END]
    nph = len(names)
    p = pieces
    ph = p["phase"].to_numpy() if bp.phases else np.zeros(len(p), dtype=np.int64)
    ph = np.where(ph < 0, nph, ph)  # nph: "(no phase)"
    lay = p["layer"].to_numpy()
    dt = p["dt"].to_numpy()
    cust, front = LAYERS.index("customer"), LAYERS.index("frontstage")
    touch = p["touch"].to_numpy()
    tcats = list(p["touch_type"].cat.categories)
    tcode = p["touch_type"].cat.codes.to_numpy()

    def of_type(name: str) -> np.ndarray:
        return touch & (tcode == (tcats.index(name) if name in tcats else -99))

    ncase = len(cases)
    ckey = _key(cases["replication"], cases["case"])
    row_of = p["row"].to_numpy()
    width = nph + 1
    size = ncase * width
    cell = row_of * width + ph
    del ph
    tph = p["touch_phase"].to_numpy() if bp.phases else np.zeros(len(p), dtype=np.int64)
    tcell = row_of * width + np.where(tph < 0, nph, tph)
    del tph

    # one figure at a time: a time figure sums dt over its records, a count figure counts
    # its records (in the touchpoint's phase for touchpoints); no n-record float column each
    def seconds(mask: np.ndarray | None, at: np.ndarray) -> np.ndarray:
        return np.bincount(at, weights=dt if mask is None else np.where(mask, dt, 0.0),
                           minlength=size)

    def count(mask: np.ndarray, at: np.ndarray) -> np.ndarray:
        return np.bincount(at[mask], minlength=size).astype(float)

    out = {
        "customer_time": seconds(None, cell),
        "effort": seconds(lay == cust, cell),
        "visible_wait": seconds(lay == front, cell),
        "hidden_wait": seconds((lay != cust) & (lay != front), cell),
        "queue_wait": seconds(p["queue"].to_numpy(), cell),
        "touchpoints": count(touch, tcell),
        "touchpoints_digital": count(of_type("digital"), tcell),
        "touchpoints_phone": count(of_type("phone"), tcell),
        "touchpoints_in_person": count(of_type("in person"), tcell),
        "from_customer": count(touch & p["touch_from"].to_numpy(), tcell),
        "repeat_contacts": count(touch & p["touch_repeat"].to_numpy(), tcell),
        "abandoned": count(p["abandoned"].to_numpy(), cell),
    }
    del tcell, cell
    ro = p["reopen"].to_numpy()
    rph = p["reopen_phase"].to_numpy() if bp.phases else np.zeros(len(p), dtype=np.int64)
    rcell = row_of[ro] * width + np.where(rph[ro] < 0, nph, rph[ro])
    out["reopens"] = np.bincount(rcell, minlength=ncase * width).astype(float)
    # updates received, in the phase the ticket was in
    out["updates"] = np.zeros(ncase * width)
    up = getattr(results.output, "updates", None)
    if up is not None and len(up):
        ukey = _key(up["replication"], up["case"])
        mine = np.isin(ukey, ckey)
        if mine.any():
            u = up.loc[mine]
            uph = phase_at(pieces, u["replication"].to_numpy(), u["case"].to_numpy(),
                           u["time"].to_numpy(dtype=float)) if bp.phases else np.zeros(
                int(mine.sum()), dtype=np.int64)
            ucell = np.searchsorted(ckey, ukey[mine]) * width + np.where(uph < 0, nph, uph)
            out["updates"] = np.bincount(ucell, minlength=ncase * width).astype(float)
    # SLA breaches met (in the phase of the SLA's end point)
    out["breaches"] = np.zeros(ncase * width)
    br = breaches(results, bp, cases, pieces)
    pieces.attrs["breaches"] = br  # score_tickets reads them again: worked out once
    if len(br):
        bph = br["phase_index"].to_numpy() if bp.phases else np.zeros(len(br), dtype=np.int64)
        bcell = (np.searchsorted(ckey, _key(br["replication"], br["case"])) * width
                 + np.where(bph < 0, nph, bph))
        out["breaches"] = np.bincount(bcell, minlength=ncase * width).astype(float)
    # the "(no phase)" rows only where some time or event fell outside every phase
    keep = np.ones(ncase * width, dtype=bool)
    if ncase:
        other = np.zeros(ncase, dtype=bool)
        for a in out.values():
            other |= a[nph::width] != 0
        keep[nph::width] = other
    frame = pd.DataFrame({
        "replication": np.repeat(cases["replication"].to_numpy(), width)[keep],
        "case": np.repeat(cases["case"].to_numpy(), width)[keep],
        "phase": np.tile(np.array(names + ["(no phase)"], dtype=object), ncase)[keep],
        **{k: a[keep] for k, a in out.items()},
    })
    return frame, cases, pieces


def breaches(results, bp: Blueprint, cases: pd.DataFrame, pieces: pd.DataFrame) -> pd.DataFrame:
    """The SLA breaches of completed measured tickets: ``sla``, ``replication``, ``case``,
    ``t0``, ``t1``, ``late`` (seconds on the SLA clock beyond the target), ``phase``."""
    sc = results.sla_cases
    cols = ["sla", "replication", "case", "t0", "t1", "late", "phase"]
    if sc.empty:
        return pd.DataFrame(columns=cols + ["phase_index"])
    sc = sc.loc[sc["breached"].eq(True).to_numpy() & (rows_in(
        cases, sc["replication"].to_numpy(), sc["case"].to_numpy()) >= 0)].copy()
    if sc.empty:
        return pd.DataFrame(columns=cols + ["phase_index"])
    sc["late"] = (sc["elapsed"].astype(float) - sc["target"].astype(float)).clip(lower=0.0)
    end_of = {s.name: s.end.element for s in results.scenario.slas}
    porder = {p: i for i, p in enumerate(bp.phases.order)}
    phase = np.full(len(sc), -1, dtype=np.int64)
    for name, element in end_of.items() if bp.phases else ():  # (no phases: one, end to end)
        rows = (sc["sla"] == name).to_numpy()
        if not rows.any():
            continue
        if element is not None and element in bp.phases.of_node:
            phase[rows] = porder[bp.phases.of_node[element]]
        else:  # the case's end, or an element in no phase: where the ticket was then
            t1 = sc.loc[rows, "t1"].astype(float).to_numpy()
            phase[rows] = phase_at(pieces, sc.loc[rows, "replication"].to_numpy(),
                                   sc.loc[rows, "case"].to_numpy(), np.nan_to_num(t1))
    sc["phase_index"] = phase
    names = list(bp.phases.order)
    sc["phase"] = [names[i] if 0 <= i < len(names) else None for i in phase] if bp.phases \
        else END_TO_END
    return sc[cols + ["phase_index"]].reset_index(drop=True)


def _ci_rows(sums: pd.DataFrame, tickets: pd.Series, figures: list[str], phase: str) -> dict:
    row: dict = {"phase": phase}
    means = sums[figures].div(tickets.where(tickets > 0), axis=0)
    for f in figures:
        m, ci = mean_ci(means[f].dropna())
        row[f"{f}_mean"] = m
        row[f"{f}_ci95"] = ci
    return row


