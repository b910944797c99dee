"""Classifying the iteration times of one process execution.

The rule (deliberately simple, so that it can be checked by eye):

1. Split the series of n iteration times into consecutive windows of
   w = max(3, n // 20) iterations (the last window absorbs the remainder) and
   take the median of each window. Medians make a single outlier iteration
   (a GC pause, a trace being compiled) invisible; only shifts lasting about
   half a window or more count.
2. The reference time is the median of the last quarter of the iterations
   (at least one window). Two times are "equal" when they differ by at most
   max(10 % of the reference, 20 microseconds); the absolute floor covers the
   timer's resolution on very short iterations.
3. If any window inside the last quarter is not equal to the reference, the
   execution has "no steady state".
4. Otherwise the steady state starts at the earliest window from which every
   later window is equal to the reference. If that is the first window the
   execution is "flat". Otherwise the window just before the steady state is
   either slower than the reference ("warm-up": the VM got faster) or faster
   ("slow-down": the VM got slower, e.g. worse code after a trace flush).
5. The steady-state time is the median of the iterations from the start of
   the steady state to the end.
"""
from . import stats

FLAT, WARMUP, SLOWDOWN, NO_STEADY_STATE = "flat", "warm-up", "slow-down", "no steady state"
SHORT_NAMES = {FLAT: "F", WARMUP: "W", SLOWDOWN: "S", NO_STEADY_STATE: "N"}

RELATIVE_TOLERANCE = 0.10
ABSOLUTE_TOLERANCE = 20e-6


def windows(series):
    n = len(series)
    w = max(3, n // 20)
    bounds = []
    start = 0
    while start < n:
        end = start + w
        if n - end < w:          # fold a short tail into the last window
            end = n
        bounds.append((start, end))
        start = end
    return bounds


def classify(series):
    """Returns a dict: class, steady_from (iteration index or None), steady_time,
    reference, window_medians."""
    n = len(series)
    if n < 6:
        return {"class": NO_STEADY_STATE, "steady_from": None, "steady_time": None,
                "reference": None, "window_medians": [], "note": "too few iterations"}
    bounds = windows(series)
    medians = [stats.median(series[a:b]) for a, b in bounds]
    tail_start = n - max(n // 4, bounds[-1][1] - bounds[-1][0])
    reference = stats.median(series[tail_start:])
    tol = max(RELATIVE_TOLERANCE * reference, ABSOLUTE_TOLERANCE)

    def equal(v):
        return abs(v - reference) <= tol

    result = {"reference": reference, "window_medians": medians,
              "window_bounds": bounds, "tolerance": tol}
    tail_windows = [i for i, (a, b) in enumerate(bounds) if b > tail_start]
    if not all(equal(medians[i]) for i in tail_windows):
        result.update({"class": NO_STEADY_STATE, "steady_from": None, "steady_time": None})
        return result
    first = len(bounds) - 1
    while first > 0 and equal(medians[first - 1]):
        first -= 1
    steady_from = bounds[first][0]
    if first == 0:
        kind = FLAT
    elif medians[first - 1] > reference:
        kind = WARMUP
    else:
        kind = SLOWDOWN
    result.update({"class": kind, "steady_from": steady_from,
                   "steady_time": stats.median(series[steady_from:])})
    return result


def summarise(classifications):
    """Overall verdict over several executions of the same benchmark."""
    kinds = [c["class"] for c in classifications]
    if not kinds:
        return "no data"
    if all(k == kinds[0] for k in kinds):
        return "%s (all %d)" % (kinds[0], len(kinds))
    counts = {}
    for k in kinds:
        counts[k] = counts.get(k, 0) + 1
    return "inconsistent: " + ", ".join("%d %s" % (v, k) for k, v in sorted(counts.items()))
