"""Plots of a run: utilisation, waits, queues over time, cycle time, SLA breach rates.

Each ``draw_*`` function draws on a matplotlib ``Axes`` and returns it; :func:`plot` picks one
by name, :func:`figure` makes a stand-alone figure (no display needed: the Agg canvas, as
the CLI uses). Durations are shown in the unit that reads best (minutes, hours, days) and
every mean with its 95 % CI bar when there are several replications.
"""

from __future__ import annotations

import math

import numpy as np

from bpsim.report.format import duration_unit, fmt_duration

__all__ = ["KINDS", "plot", "figure", "draw_utilization", "draw_waits", "draw_queues",
           "draw_cycle_time", "draw_slas", "queue_curves", "cycle_histogram", "HIST_BINS"]

#: Bars of the cycle-time histogram.
HIST_BINS = 40


def _err(values) -> np.ndarray | None:
    v = np.asarray(values, dtype=float)
    return None if np.all(np.isnan(v)) else np.nan_to_num(v)


def draw_utilization(results, ax):
    ro = results.roles
    ro = ro.loc[ro["staff"] > 0] if not ro.empty else ro
    names = [str(n) for n in ro["name"]]
    y = np.arange(len(names))
    vals = ro["utilization"].to_numpy(dtype=float) * 100
    ax.barh(y, np.nan_to_num(vals), xerr=_err(ro["utilization_ci95"] * 100), capsize=4,
            color="#4c72b0")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    top = float(np.nanmax(vals)) if len(vals) and not np.all(np.isnan(vals)) else 0.0
    right = max(100.0, top) * 1.12
    ax.set_xlim(0, right)
    ax.axvline(100, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("utilisation (% of time at work: on shift plus overtime)")
    cis = np.nan_to_num(ro["utilization_ci95"].to_numpy(dtype=float) * 100)
    for yi, v, ci in zip(y, vals, cis):
        if not math.isnan(v):
            ax.text(v + ci + right * 0.012, yi, f"{v:.0f} %", va="center", ha="left")
    ax.set_title(_title("Utilisation per role", results))
    ax.grid(axis="x", alpha=0.3)
    return ax


def _title(text: str, results) -> str:
    n = results.replications
    return f"{text}\n(mean ± 95 % CI over {n} replications)" if n > 1 else text


def draw_waits(results, ax):
    st = results.stages
    st = st.loc[st["role"].notna() | (st["wait_mean"].fillna(0) > 0)]
    names = [str(n) for n in st["name"]]
    top = float(np.nanmax(st["wait_mean"].to_numpy(dtype=float))) if len(st) else 0.0
    unit, scale = duration_unit(top if not math.isnan(top) else 0.0)
    y = np.arange(len(names))
    ax.barh(y, np.nan_to_num(st["wait_mean"].to_numpy(dtype=float) / scale),
            xerr=_err(st["wait_ci95"] / scale), capsize=4, color="#dd8452")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel(f"mean wait to be taken in charge ({unit})")
    ax.set_title(_title("Wait per stage", results))
    ax.grid(axis="x", alpha=0.3)
    return ax


def queue_curves(results, elements) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``(grid, {element: mean queue length across replications at each instant})``: the
    data of the queue plot, on :func:`bpsim.stream.levels.curve_grid` of the run's end.
    Streamed results read the curves settled as the run went; record-based ones read
    :attr:`Results.queues` on the same grid (the same values, a test says so)."""
    from bpsim.stream.levels import curve_grid

    if getattr(results, "streamed", False):
        grid, curves = results.queue_curves()
        return grid, {e: curves.get(e, np.zeros(len(grid))) for e in elements}
    from bpsim.analysis.queues import queue_curve

    end = float(results.windows["end"].max()) if not results.windows.empty else 0.0
    grid = curve_grid(end)
    series = results.queues if len(elements) else None
    return grid, {e: queue_curve(series, e, grid, results.replication_ids)
                  for e in elements}


def draw_queues(results, ax, max_stages: int = 8):
    st = results.stages
    st = st.loc[st["queue_max"] > 0].sort_values("queue_mean", ascending=False)
    st = st.head(max_stages)
    end = float(results.windows["end"].max()) if not results.windows.empty else 0.0
    grid, curves = queue_curves(results, list(st["id"]))
    for row in st.itertuples(index=False):
        ax.plot(grid / 86400.0, curves[row.id], label=str(row.name), linewidth=1.2)
    warm = float(results.windows["warmup"].max()) if not results.windows.empty else 0.0
    if warm > 0:
        ax.axvline(warm / 86400.0, color="grey", linestyle="--", linewidth=1,
                   label="end of warm-up")
    ax.set_xlabel("time since start (days)")
    ax.set_ylabel("tickets waiting to be taken in charge")
    n = results.replications
    ax.set_title("Queue length over time" + (f"\n(mean across {n} replications)" if n > 1
                                              else ""))
    if len(st):
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small",
                  title="stage", title_fontsize="small")
    else:
        ax.text(0.5, 0.5, "no ticket ever waited", ha="center", transform=ax.transAxes)
    ax.set_xlim(0, end / 86400.0 if end else 1)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    return ax


def _kind(results, element) -> str:
    from bpsim.analysis.stages import element_type

    return element_type(results.process, element) or ""


def _is_arrival(results, point) -> bool:
    return point.moment == "arrive" and (
        point.element is None or _kind(results, point.element) == "startEvent")


def _is_end(results, point) -> bool:
    if point.element is None:
        return point.moment == "end"
    return _kind(results, point.element) == "endEvent"


def cycle_histogram(results) -> dict:
    """The data of the cycle-time plot, over the measured completed tickets: ``n``,
    ``p99``, the :data:`HIST_BINS` bars (``edges``, ``counts``: cycle times clipped at the
    99th percentile, from the shortest to it) and the share completed within each time
    (``cdf_x``, ``cdf_y`` in 0-1).

    Record-based results count every ticket. Streamed ones read the pooled
    :class:`~bpsim.stream.sketch.QuantileSketch`: while it holds every value (up to
    :data:`bpsim.stream.sketch.EXACT`) the figures are the same, exactly; beyond, each
    ticket counts at its bucket's representative, within the sketch's relative accuracy
    (:data:`bpsim.stream.sketch.ALPHA`, 0.5 %) of its cycle time, so the 99th percentile,
    the edges and the points of the share curve are within 0.5 % of the records' and a
    ticket within 1 % of an edge may fall in the next bar.
    """
    if getattr(results, "streamed", False):
        x, w, exact = results.cycle_time_values()
        p99 = (float(np.percentile(x, 99)) if exact else
               float(results.cycle_time_sketch.quantiles([99])[0])) if len(x) else math.nan
        return _histogram(x, w, p99)
    c = results.cases
    ct = c.loc[c["measured"] & c["completed"].astype(bool), "cycle_time"].to_numpy(dtype=float)
    ct = np.sort(ct[~np.isnan(ct)])
    return _histogram(ct, np.ones(len(ct)), float(np.percentile(ct, 99)) if len(ct) else math.nan)


def _histogram(x: np.ndarray, w: np.ndarray, p99: float) -> dict:
    """Bars and share curve of sorted values ``x`` weighted ``w``, clipped at ``p99``."""
    n = float(w.sum())
    if not len(x):
        return {"n": 0.0, "p99": p99, "edges": np.linspace(0.0, 1.0, HIST_BINS + 1),
                "counts": np.zeros(HIST_BINS), "cdf_x": x, "cdf_y": x}
    counts, edges = np.histogram(np.clip(x, 0, p99), bins=HIST_BINS, weights=w)
    return {"n": n, "p99": p99, "edges": edges, "counts": counts.astype(float),
            "cdf_x": x, "cdf_y": np.cumsum(w) / n}


def draw_cycle_time(results, ax):
    """Histogram of cycle times (wall clock) with the wall-clock SLA targets as lines; a
    target on a calendar ("9 office hours") is no point of this axis (its wall-clock length
    depends on when the ticket arrived), so it is listed in a note, not drawn."""
    from bpsim.analysis.slas import sla_target, target_text

    h = cycle_histogram(results)
    p99 = h["p99"] if h["n"] else 3600.0
    targets, on_calendar = [], []
    for sla in getattr(results.scenario, "slas", None) or []:
        if not (_is_arrival(results, sla.start) and _is_end(results, sla.end)):
            continue                      # only SLAs that measure arrival -> end
        classes = results.scenario.classes if sla.target.keys() - {None} else [None]
        for cls in classes:
            t = sla_target(sla, cls)
            if t is None:
                continue
            if sla.calendar is not None or sla.pause_at:
                on_calendar.append(f"{sla.name}{' ' + str(cls) if cls else ''}: "
                                   f"{target_text(t, sla.calendar)}")
            elif (cls, t) not in [(k, v) for _, k, v in targets]:
                targets.append((sla.name, cls, t))
    top = max([p99] + [t for _, _, t in targets])
    unit, scale = duration_unit(top)
    edges = h["edges"] / scale
    ax.hist(edges[:-1], bins=edges, weights=h["counts"], color="#55a868", alpha=0.85,
            label="tickets (left axis)")
    legend_ax = ax
    if h["n"]:
        legend_ax = ax.twinx()
        legend_ax.plot(np.clip(h["cdf_x"], 0, p99) / scale, h["cdf_y"] * 100,
                       color="#2f4b7c", linewidth=1.5, label="% completed within (right axis)")
        legend_ax.set_ylim(0, 101)
        legend_ax.set_ylabel("% of tickets completed within")
    colors = ["#c44e52", "#8172b2", "#937860", "#da8bc3", "#8c8c8c", "#ccb974"]
    for i, (name, cls, t) in enumerate(targets):
        label = f"{name}{' ' + str(cls) if cls else ''}: {fmt_duration(t)}"
        ax.axvline(t / scale, color=colors[i % len(colors)], linestyle="--",
                   label="SLA " + label)
    ax.set_xlabel(f"cycle time, arrival to end ({unit}; longest 1 % shown at the edge)")
    ax.set_ylabel("tickets")
    ax.set_title("Cycle time of completed tickets")
    handles, labels = ax.get_legend_handles_labels()
    if legend_ax is not ax:
        h2, l2 = legend_ax.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    legend_ax.legend(handles, labels, fontsize="small", loc="center right",
                     title="SLA targets (wall clock)" if targets else None,
                     title_fontsize="small")
    if on_calendar:
        note = ("Not drawn: these targets run on a calendar or pause,\nso they are no point "
                "of this wall-clock axis (see slas.png):\n" + "\n".join(on_calendar[:8]))
        legend_ax.text(0.98, 0.04, note, transform=ax.transAxes, ha="right", va="bottom",
                       multialignment="left", fontsize="x-small", zorder=5,
                       bbox={"boxstyle": "round", "fc": "white", "alpha": 0.9})
    ax.grid(axis="y", alpha=0.3)
    return ax


def draw_slas(results, ax):
    sl = results.slas
    labels = [f"{r['name']}" + ("" if r["cls"] == "all" else f" · {r['cls']}")
              for r in sl.to_dict("records")]
    y = np.arange(len(labels))
    vals = sl["breach_rate"].to_numpy(dtype=float) * 100
    colors = ["#4c72b0" if r == "all" else "#8fa8d0" for r in sl["cls"]]
    ax.barh(y, np.nan_to_num(vals), xerr=_err(sl["breach_rate_ci95"] * 100), capsize=4,
            color=colors)
    allowed = (1 - sl["attain"].to_numpy(dtype=float)) * 100
    ax.scatter(allowed, y, marker="|", s=400, color="#c44e52", zorder=3,
               label="allowed breach rate (1 - attain)")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ends = vals + np.nan_to_num(sl["breach_rate_ci95"].to_numpy(dtype=float) * 100)
    top = np.nanmax(np.concatenate([ends, allowed, [1.0]])) if len(y) else 1.0
    right = min(100.0, top * 1.2 + 1)
    ax.set_xlim(0, right)
    for yi, v, e in zip(y, vals, ends):
        if not math.isnan(v):
            ax.text(min(e + right * 0.01, right * 0.9), yi, f"{v:.1f} %", va="center",
                    fontsize="small")
    ax.set_xlabel("breach rate (% of tickets)")
    ax.set_title(_title("SLA breach rates", results))
    if len(y):
        ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.14),
                  frameon=False)
    else:
        ax.text(0.5, 0.5, "the scenario defines no SLA", ha="center", transform=ax.transAxes)
    ax.grid(axis="x", alpha=0.3)
    return ax


KINDS = {"utilization": draw_utilization, "waits": draw_waits, "queues": draw_queues,
         "cycle_time": draw_cycle_time, "slas": draw_slas}


def _size(results, kind: str) -> tuple[float, float]:
    if kind == "utilization":
        return 8, 1.6 + 0.5 * max(len(results.roles), 1)
    if kind == "waits":
        return 9, 1.8 + 0.4 * max(len(results.stages), 1)
    if kind == "slas":
        return 9, 2.2 + 0.45 * max(len(results.slas), 1)
    return (11, 5.5) if kind == "queues" else (10, 5.5)


def figure(results, kind: str):
    """A stand-alone :class:`matplotlib.figure.Figure` of one kind (Agg canvas, no display)."""
    from matplotlib.figure import Figure

    if kind not in KINDS:
        raise ValueError(f"unknown plot kind {kind!r}; choose one of {', '.join(KINDS)}")
    fig = Figure(figsize=_size(results, kind), layout="constrained")
    KINDS[kind](results, fig.add_subplot())
    return fig


def plot(results, kind: str = "utilization", ax=None):
    """Draw ``kind`` on ``ax`` (a new pyplot figure when ``None``); return the axes."""
    if kind not in KINDS:
        raise ValueError(f"unknown plot kind {kind!r}; choose one of {', '.join(KINDS)}")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=_size(results, kind), layout="constrained")
    return KINDS[kind](results, ax)
