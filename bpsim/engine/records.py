"""From packed record columns to the DataFrames of :class:`~bpsim.engine.output.RunOutput`.

During a run each record is two numbers: a 64-bit integer ``case << 32 | (element * 16 +
lifecycle) << 16 | staff`` (``case << plan.case_shift`` for models of more than 4,095
elements) and a float time. Here they are unpacked with numpy, one column
at a time (freeing each source column as soon as it is used, to keep the peak memory low),
into categorical columns: element ids, lifecycle words, staff names, roles, classes.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from bpsim.engine.output import LIFECYCLES, RunOutput
from bpsim.engine.plan import Plan
from bpsim.engine.updates import assemble_updates

__all__ = ["assemble"]

EVENT_COLUMNS = ["replication", "case", "cls", "element", "lifecycle", "time", "resource", "role"]


def _cat(codes: np.ndarray, categories: list[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))


def assemble(plan: Plan, parts: list[tuple[int, dict]], *, seed, meta: dict) -> RunOutput:
    """Build the :class:`RunOutput` from ``(replication, result)`` pairs (in order)."""
    elements = [n.id for n in plan.nodes]
    elem_dtype = np.int16 if len(elements) < 32767 else np.int32
    roles = plan.roles
    role_code = {r: k for k, r in enumerate(roles)}
    elem_role = np.array([role_code.get(n.role, -1) if n.kind == "task" and n.role is not None
                          else -1 for n in plan.nodes],
                         dtype=np.int16)
    staff_names = parts[0][1]["staff_names"] if parts else []
    # the role of whoever did the work (skills-based routing: not always the task's first role)
    staff_role = np.array(parts[0][1].get("staff_roles", []) if parts else [], dtype=np.int16)
    # distinct integer dtypes for replication and case keep pandas from copying them into one block
    rep_dtype = np.int16 if max((r for r, _ in parts), default=0) < 32767 else np.int64

    columns: dict[str, list[np.ndarray]] = {c: [] for c in EVENT_COLUMNS}
    case_rows: dict[str, list[np.ndarray]] = {c: [] for c in
                                              ["replication", "case", "cls", "start", "arrival", "end",
                                               "left"]}
    for rep, res in parts:
        c_cls, c_start, c_arr, c_end = res["cases"]
        cls = np.frombuffer(c_cls, dtype=np.int8) if len(c_cls) else np.zeros(0, np.int8)
        n = len(c_arr)
        case_rows["replication"].append(np.full(n, rep, dtype=rep_dtype))
        case_rows["case"].append(np.arange(n, dtype=np.int32))
        case_rows["cls"].append(cls)
        case_rows["start"].append(np.frombuffer(c_start, dtype=np.int32).astype(elem_dtype) if n
                                  else np.zeros(0, elem_dtype))
        case_rows["arrival"].append(np.frombuffer(c_arr, dtype=float) if n else np.zeros(0))
        case_rows["end"].append(np.frombuffer(c_end, dtype=float) if n else np.zeros(0))
        left = res.get("left")
        case_rows["left"].append(np.frombuffer(left, dtype=np.int8) if left is not None and n else
                                 np.zeros(n, np.int8))

        keys = res.pop("keys")
        packed = np.frombuffer(keys, dtype=np.int64) if len(keys) else np.zeros(0, np.int64)
        shift = getattr(plan, "case_shift", 32)
        if sys.byteorder == "little" and shift == 32:  # read the fields in place
            halves = packed.view(np.uint16).reshape(-1, 4)
            case = packed.view(np.int32).reshape(-1, 2)[:, 1].copy()
            code = halves[:, 1].astype(np.int32)
            res_bits = halves[:, 0]
        else:
            halves = None
            case = (packed >> shift).astype(np.int32)
            code = ((packed >> 16) & ((1 << (shift - 16)) - 1)).astype(np.int32)
            res_bits = (packed & 0xFFFF).astype(np.uint16)
        elem = (code >> 4).astype(elem_dtype)
        life = (code & 15).astype(np.int8)
        resource = res_bits.astype(np.int32) - 1
        del code, res_bits, packed, keys, halves
        if len(staff_names) < 32767:
            resource = resource.astype(np.int16)
        columns["replication"].append(np.full(len(case), rep, dtype=rep_dtype))
        columns["case"].append(case)
        columns["cls"].append(cls[case] if len(case) else np.zeros(0, np.int8))
        columns["element"].append(elem)
        columns["lifecycle"].append(life)
        columns["resource"].append(resource)
        role = elem_role[elem] if len(elem) else np.zeros(0, np.int16)
        if len(staff_role) and len(elem):
            worked = resource >= 0
            role[worked] = staff_role[resource[worked]]
        columns["role"].append(role)
        times = res.pop("times")
        # one replication: keep the array's buffer as the column (no copy)
        columns["time"].append(np.frombuffer(times, dtype=float) if len(times) else np.zeros(0))
        del times

    def joined(parts_: list[np.ndarray], dtype) -> np.ndarray:
        if not parts_:
            return np.zeros(0, dtype=dtype)
        if len(parts_) == 1:
            return parts_[0]
        out = np.concatenate(parts_)
        parts_.clear()
        return out

    ev = {}
    ev["replication"] = joined(columns["replication"], rep_dtype)
    ev["case"] = joined(columns["case"], np.int32)
    ev["cls"] = _cat(joined(columns["cls"], np.int8), plan.classes)
    ev["element"] = _cat(joined(columns["element"], elem_dtype), elements)
    ev["lifecycle"] = _cat(joined(columns["lifecycle"], np.int8), LIFECYCLES)
    ev["time"] = joined(columns["time"], float)
    ev["resource"] = _cat(joined(columns["resource"], np.int16), staff_names)
    ev["role"] = _cat(joined(columns["role"], np.int16), roles)
    events = pd.DataFrame(ev, columns=EVENT_COLUMNS, copy=False)
    del ev, columns

    cend = joined(case_rows["end"], float)
    left = joined(case_rows["left"], np.int8)
    cases = pd.DataFrame(
        copy=False,
        data={
            "replication": joined(case_rows["replication"], rep_dtype),
            "case": joined(case_rows["case"], np.int32),
            "cls": _cat(joined(case_rows["cls"], np.int8), plan.classes),
            "start": _cat(joined(case_rows["start"], elem_dtype), elements),
            "arrival": joined(case_rows["arrival"], float),
            "end": cend,
            "completed": ~np.isnan(cend) & (left == 0),
            "abandoned": left == 1,
            "blocked": left == 2,
        }
    )
    staff = pd.DataFrame(
        [(rep, *row) + (0.0,) * (7 - len(row)) + ((row[4],) if len(row) < 8 else ())
         for rep, res in parts for row in res["staff"]],
        columns=["replication", "role", "resource", "shift", "on_shift", "busy", "tasks", "away", "engaged"],
    )
    for c in ("role", "resource", "shift"):
        staff[c] = staff[c].astype("category")
    windows = pd.DataFrame(
        [(rep, *res["window"]) for rep, res in parts], columns=["replication", "warmup", "end"]
    )
    updates = assemble_updates(parts) if any("updates" in res for _, res in parts) else None
    summaries = ([res["summary"] for _, res in parts] if parts and all("summary" in res for _, res in parts)
                 else None)
    return RunOutput(events=events, cases=cases, staff=staff, windows=windows, seed=seed,
                     replications=len(parts), meta=meta, updates=updates, summaries=summaries)
