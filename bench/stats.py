"""Median and p95 the way every benchmark here prints them."""
import statistics


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(values, unit="ms", scale=1000):
    return f"median {statistics.median(values) * scale:8.1f} {unit}   p95 {percentile(values, 95) * scale:8.1f} {unit}"
