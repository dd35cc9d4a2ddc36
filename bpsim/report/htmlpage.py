"""The frame of bpsim's HTML reports: one self-contained page, no network request.

:func:`page` wraps report sections in a document with its styles and script inline, a
Content-Security-Policy that forbids loading anything (images are ``data:`` URIs, diagrams
inline SVG), a layout that reads on a laptop and prints on A4. The simulation report
(:mod:`bpsim.report.html`) and the sweep and staffing reports
(:mod:`bpsim.report.html_whatif`) share it, with the helpers :func:`table`, :func:`kpis`,
:func:`png_data_uri` and :func:`figure_img`.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import Any

__all__ = ["page", "table", "kpis", "section", "png_data_uri", "png_bytes_uri", "figure_img",
           "esc", "CSP"]

CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
       "script-src 'unsafe-inline'; font-src data:")

CSS = """
:root { --ink:#1f2328; --muted:#59636e; --line:#d0d7de; --soft:#f6f8fa; --accent:#bd0026; }
* { box-sizing: border-box; }
body { font: 15px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
       margin: 0; background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.22em; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.02em; margin: 18px 0 6px; }
p.sub, .muted { color: var(--muted); }
p.sub { margin: 0 0 14px; }
nav.toc { font-size: .9em; margin: 8px 0 0; }
nav.toc a { color: var(--muted); margin-right: 14px; text-decoration: none; }
nav.toc a:hover { color: var(--ink); text-decoration: underline; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; margin: 14px 0; }
.kpi { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; background: var(--soft); }
.kpi .v { font-size: 1.35em; font-weight: 650; }
.kpi .l { font-size: .82em; color: var(--muted); }
.kpi .d { font-size: .8em; color: var(--muted); }
.kpi.bad { border-color: #f0a8a8; background: #fff4f4; }
.kpi.bad .v { color: var(--accent); }
.warn { border-left: 4px solid #d4a72c; background: #fff8c5; padding: 8px 12px; margin: 8px 0; border-radius: 4px; font-size: .93em; }
.warn code { font-size: .9em; }
table { border-collapse: collapse; width: 100%; font-size: .88em; margin: 6px 0 10px; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: pre-line; }
tr.bad td { background: #fff4f4; }
td.bad { color: var(--accent); font-weight: 600; }
.scroll { overflow-x: auto; }
.switcher { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0 10px; }
.switcher button { font: inherit; font-size: .9em; padding: 5px 12px; border: 1px solid var(--line);
                   border-radius: 16px; background: #fff; cursor: pointer; }
.switcher button[aria-pressed="true"] { background: var(--ink); color: #fff; border-color: var(--ink); }
.diagram { border: 1px solid var(--line); border-radius: 8px; padding: 6px; overflow-x: auto; background: #fff; }
.diagram svg { display: block; width: 100%; height: auto; }
.diagram .panel[hidden] { display: none; }
.diagram g.node, .diagram g.flow { cursor: default; }
.diagram g.node:hover > :first-child, .diagram g.flow:hover polyline { filter: drop-shadow(0 0 3px #0969da); }
#tip { position: fixed; z-index: 10; max-width: 340px; background: #1f2328; color: #fff; font-size: 12.5px;
       line-height: 1.4; padding: 7px 10px; border-radius: 6px; pointer-events: none;
       box-shadow: 0 4px 14px rgba(0,0,0,.25); }
#tip[hidden] { display: none; }
#tip b { display: block; margin-bottom: 2px; }
.plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(470px, 1fr)); gap: 14px; }
figure { margin: 0; }
figure img { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
figcaption { font-size: .85em; color: var(--muted); margin-top: 4px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
      font-size: .82em; overflow-x: auto; white-space: pre-wrap; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; font-size: .92em; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
footer { margin-top: 36px; font-size: .82em; color: var(--muted); border-top: 1px solid var(--line); padding-top: 8px; }
@media (max-width: 700px) { main { padding: 14px; } .plots { grid-template-columns: 1fr; } }
@page { size: A4; margin: 13mm 12mm; }
@page wide { size: A4 landscape; margin: 10mm; }
@media print {
  section.wide { page: wide; }
  th { white-space: normal; }
  table { font-size: 8pt; }
  th, td { padding: 3px 4px; }
  body { font-size: 9.5pt; }
  main { max-width: none; padding: 0; }
  nav.toc, .switcher, #tip { display: none !important; }
  h2 { break-after: avoid; margin-top: 18px; }
  table, figure, .diagram { break-inside: auto; }
  tr, .kpi, figure { break-inside: avoid; }
  .diagram { border: none; padding: 0; overflow: visible; }
  .diagram svg { width: 100% !important; }
  .plots { grid-template-columns: 1fr 1fr; }
  .scroll { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"""

SCRIPT = """
(function () {
  var tip = document.getElementById('tip');
  function show(e, text) {
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    text.split('\\n').forEach(function (line, i) {
      var el = document.createElement(i === 0 ? 'b' : 'div');
      el.textContent = line;
      tip.appendChild(el);
    });
    tip.hidden = false;
    var x = e.clientX + 14, y = e.clientY + 14;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth - 8) x = e.clientX - w - 14;
    if (y + h > window.innerHeight - 8) y = e.clientY - h - 14;
    tip.style.left = Math.max(4, x) + 'px';
    tip.style.top = Math.max(4, y) + 'px';
  }
  document.querySelectorAll('.diagram g.node, .diagram g.flow, .diagram g.message-flow')
    .forEach(function (g) {
      var t = g.querySelector(':scope > title');
      if (t) { g.setAttribute('data-tip', t.textContent); t.parentNode.removeChild(t); }
      if (!g.getAttribute('data-tip')) return;
      g.addEventListener('mousemove', function (e) { show(e, g.getAttribute('data-tip')); });
      g.addEventListener('mouseleave', function () { tip.hidden = true; });
    });
  document.querySelectorAll('.switcher').forEach(function (bar) {
    var box = document.getElementById(bar.getAttribute('data-for'));
    bar.querySelectorAll('button').forEach(function (b) {
      b.addEventListener('click', function () {
        bar.querySelectorAll('button').forEach(function (o) {
          o.setAttribute('aria-pressed', o === b ? 'true' : 'false');
        });
        box.querySelectorAll('.panel').forEach(function (p) {
          p.hidden = p.getAttribute('data-metric') !== b.getAttribute('data-metric');
        });
      });
    });
  });
})();
"""


def esc(value: Any) -> str:
    """HTML-escaped text of ``value`` (``""`` for None/NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return escape(str(value))


def section(anchor: str, title: str, body: str, intro: str | None = None,
            wide: bool = False) -> str:
    """An ``<h2>`` section with an anchor for the table of contents; ``wide`` sections print
    on a landscape A4 page of their own."""
    lead = f'<p class="muted">{intro}</p>' if intro else ""
    cls = ' class="wide"' if wide else ""
    return f'<section id="{esc(anchor)}"{cls}><h2>{esc(title)}</h2>{lead}{body}</section>'


Column = tuple[str, Callable[[dict], Any], str]  # header, value of a row, "n" for numbers


def table(rows: Iterable[dict], columns: Sequence[Column],
          bad: Callable[[dict], bool] | None = None) -> str:
    """An HTML table: one row per dict, cells from ``columns`` (``(header, fn, cls)``;
    ``cls`` ``"n"`` right-aligns). ``bad(row)`` marks a row red."""
    head = "".join(f'<th class="{c}">{esc(h)}</th>' for h, _, c in columns)
    body = []
    for r in rows:
        cells = "".join(f'<td class="{c}">{esc(fn(r))}</td>' for _, fn, c in columns)
        cls = ' class="bad"' if bad is not None and bad(r) else ""
        body.append(f"<tr{cls}>{cells}</tr>")
    if not body:
        return '<p class="muted">Nothing to show.</p>'
    return (f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def kpis(items: Iterable[tuple[str, str, str | None, bool]]) -> str:
    """Headline figures: ``(label, value, detail, bad)`` cards."""
    cards = []
    for label, value, detail, is_bad in items:
        d = f'<div class="d">{esc(detail)}</div>' if detail else ""
        cards.append(f'<div class="kpi{" bad" if is_bad else ""}"><div class="l">{esc(label)}'
                     f'</div><div class="v">{esc(value)}</div>{d}</div>')
    return f'<div class="kpis">{"".join(cards)}</div>'


def png_data_uri(fig, dpi: int = 100) -> str:
    """A matplotlib figure as a ``data:image/png;base64,...`` URI (the figure is closed)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:  # noqa: BLE001 - a Figure() not managed by pyplot
        pass
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def png_bytes_uri(data: bytes) -> str:
    """PNG bytes as a ``data:image/png;base64,...`` URI."""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def figure_img(uri: str, caption: str, alt: str) -> str:
    """A ``<figure>`` with an inline image and its caption."""
    return (f'<figure><img src="{uri}" alt="{esc(alt)}"><figcaption>{esc(caption)}'
            f'</figcaption></figure>')


def page(title: str, subtitle: str, sections: Sequence[tuple[str, str, str]],
         footer: str) -> str:
    """The whole document. ``sections``: ``(anchor, title, html)``; ``footer`` is HTML."""
    toc = "".join(f'<a href="#{esc(a)}">{esc(t)}</a>' for a, t, _ in sections)
    body = "".join(html for _, _, html in sections)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="bpsim"><title>{esc(title)}</title>'
        f"<style>{CSS}</style></head><body><main>"
        f'<header><h1>{esc(title)}</h1><p class="sub">{subtitle}</p>'
        f'<nav class="toc">{toc}</nav></header>{body}'
        f"<footer>{footer}</footer></main><div id=\"tip\" role=\"tooltip\" hidden></div>"
        f"<script>{SCRIPT}</script></body></html>\n"
    )
