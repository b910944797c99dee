"""Small statistics helpers."""
import math


def median(values):
    v = sorted(values)
    n = len(v)
    if n == 0:
        return None
    mid = n // 2
    return v[mid] if n % 2 else (v[mid - 1] + v[mid]) / 2.0


def geometric_mean(values):
    values = [x for x in values if x is not None and x > 0]
    if not values:
        return None
    return math.exp(sum(math.log(x) for x in values) / len(values))


def relative_spread(values):
    """(max - min) / median, a scale-free measure of variation."""
    m = median(values)
    if not values or not m:
        return None
    return (max(values) - min(values)) / m


def coefficient_of_variation(values):
    n = len(values)
    if n < 2:
        return None
    mean = sum(values) / n
    if mean == 0:
        return None
    var = sum((x - mean) ** 2 for x in values) / (n - 1)
    return math.sqrt(var) / mean
