"""Hand-written SVG charts: ratio bars for scripts/bench, iteration curves for
scripts/warmup."""
import math
from xml.sax.saxutils import escape

PALETTE = {
    "ours": "#d62728", "ours -joff": "#ff9896",
    "luajit": "#1f77b4", "luajit -joff": "#9ecae1",
    "lua5.1": "#2ca02c", "lua5.4": "#9467bd",
}
EXTRA_COLOURS = ["#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#ff7f0e"]
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


def colour(name, index=0):
    return PALETTE.get(name, EXTRA_COLOURS[index % len(EXTRA_COLOURS)])


def _text(x, y, s, size=11, anchor="start", fill="#222", extra=""):
    return '<text x="%.1f" y="%.1f" font-size="%d" text-anchor="%s" fill="%s" %s %s>%s</text>' % (
        x, y, size, anchor, fill, FONT, extra, escape(str(s)))


def _log_ticks(lo, hi):
    ticks = []
    for e in range(int(math.floor(math.log10(lo))) - 1, int(math.ceil(math.log10(hi))) + 1):
        for m in (1, 2, 5):
            v = m * 10.0 ** e
            if lo <= v <= hi:
                ticks.append(v)
    return ticks


def _fmt_ratio(r):
    return "%.2f" % r if r < 10 else "%.1f" % r


def ratio_bar_chart(title, groups, impl_names, reference):
    """groups: list of (label, {impl: ratio or status string}). Bars start at
    ratio 1 on a logarithmic axis, so faster-than-reference bars point left."""
    ratios = [v for _, row in groups for v in row.values() if isinstance(v, (int, float)) and v > 0]
    lo = min(ratios + [1.0]) / 1.3
    hi = max(ratios + [1.0]) * 1.3
    left, right, top = 170, 70, 70
    plot_w = 640
    bar_h, gap = 9, 10
    group_h = len(impl_names) * (bar_h + 1) + gap
    height = top + len(groups) * group_h + 40
    width = left + plot_w + right

    def x_of(r):
        return left + plot_w * (math.log(r) - math.log(lo)) / (math.log(hi) - math.log(lo))

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">'
           % (width, height, width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           _text(10, 20, title, 14, extra='font-weight="bold"'),
           _text(10, 38, "time relative to %s, log scale; left of the line is faster" % reference, 11,
                 fill="#555")]
    # Legend.
    lx = 10
    for i, name in enumerate(impl_names):
        out.append('<rect x="%d" y="48" width="12" height="10" fill="%s"/>' % (lx, colour(name, i)))
        out.append(_text(lx + 16, 57, name, 11))
        lx += 22 + 7 * len(name) + 10
    # Grid.
    bottom = top + len(groups) * group_h
    for t in _log_ticks(lo, hi):
        x = x_of(t)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="%s"/>'
                   % (x, top - 4, x, bottom, "#444" if t == 1 else "#ddd", "1.2" if t == 1 else "1"))
        out.append(_text(x, bottom + 14, ("%g" % t) + "x", 10, "middle", "#555"))
    x1 = x_of(1.0)
    y = top
    for label, row in groups:
        out.append(_text(left - 8, y + group_h / 2.0, label, 11, "end"))
        for i, name in enumerate(impl_names):
            by = y + i * (bar_h + 1)
            v = row.get(name)
            if isinstance(v, (int, float)) and v > 0:
                xv = x_of(v)
                out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%d" fill="%s"><title>%s %s: %s</title></rect>'
                           % (min(x1, xv), by, max(abs(xv - x1), 1.0), bar_h, colour(name, i),
                              escape(label), escape(name), _fmt_ratio(v)))
                out.append(_text(max(x1, xv) + 3, by + bar_h - 1, _fmt_ratio(v), 8, fill="#333"))
            elif v:
                out.append(_text(x1 + 3, by + bar_h - 1, "%s: %s" % (name, v), 8, fill="#999"))
        y += group_h
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#f0f0f0"/>' % (left, y - gap / 2.0, left + plot_w, y - gap / 2.0))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _nice_max(v):
    if v <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * e >= v:
            return m * e
    return 10 * e


def iteration_chart(title, panels):
    """panels: list of dicts with 'name', 'series' (list of lists of seconds, one per
    process execution), 'steady_from' (list of iteration indexes or None) and
    'caption'. One panel per implementation, each with its own linear y axis."""
    width, panel_h = 900, 190
    left, right, top = 70, 20, 40
    plot_w = width - left - right
    height = top + len(panels) * (panel_h + 30) + 10
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">'
           % (width, height, width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           _text(10, 22, title, 14, extra='font-weight="bold"')]
    run_colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                   "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    y0 = top
    for panel in panels:
        series = [s for s in panel["series"] if s]
        out.append(_text(left, y0 + 12, "%s  %s" % (panel["name"], panel.get("caption", "")), 11,
                         extra='font-weight="bold"'))
        py, ph = y0 + 20, panel_h - 20
        if not series:
            out.append(_text(left + 10, py + 30, panel.get("empty", "no data"), 11, fill="#999"))
            y0 += panel_h + 30
            continue
        n = max(len(s) for s in series)
        # Clip the axis at a high percentile so one huge first iteration does not flatten the rest.
        values = sorted(v for s in series for v in s)
        ymax = _nice_max(values[min(len(values) - 1, int(len(values) * 0.98))] * 1.1)
        out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#bbb"/>'
                   % (left, py, plot_w, ph))
        for k in range(5):
            v = ymax * k / 4.0
            yy = py + ph - ph * k / 4.0
            out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#eee"/>' % (left, yy, left + plot_w, yy))
            out.append(_text(left - 4, yy + 4, "%.3g ms" % (v * 1000), 9, "end", "#555"))
        for k in range(0, n + 1, max(1, n // 10)):
            xx = left + plot_w * (k / float(max(n, 1)))
            out.append(_text(xx, py + ph + 12, str(k), 9, "middle", "#555"))

        def pt(i, v):
            xx = left + plot_w * ((i + 0.5) / float(n))
            yy = py + ph - ph * min(v, ymax) / ymax
            return "%.1f,%.1f" % (xx, yy)

        for r, s in enumerate(series):
            c = run_colours[r % len(run_colours)]
            out.append('<polyline fill="none" stroke="%s" stroke-width="1.2" stroke-opacity="0.85" points="%s"/>'
                       % (c, " ".join(pt(i, v) for i, v in enumerate(s))))
            steady = (panel.get("steady_from") or [None] * len(series))[r]
            if steady is not None and steady > 0:
                xx = left + plot_w * (steady / float(n))
                out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-dasharray="3,3"/>'
                           % (xx, py, xx, py + ph, c))
        y0 += panel_h + 30
    out.append(_text(left, height - 6, "iteration (x axis); dashed lines: start of the steady state of each process execution", 9, fill="#555"))
    out.append("</svg>")
    return "\n".join(out) + "\n"
