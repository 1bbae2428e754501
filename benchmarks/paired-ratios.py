#!/usr/bin/env python3
"""Per-iteration ratios of the paired benchmarks, from JMH's JSON results.

PairedOverheadBenchmark: otherNanos / rawNanos per iteration (time, tracked over raw).
PairedConcurrentBenchmark: rawMedianNanos / otherMedianNanos per iteration (throughput,
tracked over raw), with the share of batches run in lockstep.

Usage: python3 paired-ratios.py result.json [more.json ...]
"""
import json
import sys


def quartiles(values):
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 2], ordered[n // 4], ordered[(3 * n) // 4], n


def samples(metrics, name):
    return [value for fork in metrics[name]['rawData'] for value in fork]


for path in sys.argv[1:]:
    for result in json.load(open(path)):
        params = result.get('params', {})
        label = params.get('path', '?')
        if params.get('callerClock') == 'false':
            label += ' (callerClock=false)'
        metrics = result['secondaryMetrics']
        if 'rawMedianNanos' in metrics:
            raw, other = samples(metrics, 'rawMedianNanos'), samples(metrics, 'otherMedianNanos')
            kept, dropped = sum(samples(metrics, 'lockstepBatches')), sum(samples(metrics, 'droppedBatches'))
            ratios = [r / o for r, o in zip(raw, other) if r and o]
            median, low, high, n = quartiles(ratios)
            print(f'{label:45s} throughput {median:.2f}x ({low:.2f}-{high:.2f}), {n} iterations, '
                  f'{100 * kept / max(1, kept + dropped):.0f}% of batches in lockstep')
        elif 'rawNanos' in metrics:
            raw, other = samples(metrics, 'rawNanos'), samples(metrics, 'otherNanos')
            median, low, high, n = quartiles([o / r for r, o in zip(raw, other) if r])
            print(f'{label:45s} time {median:.2f}x ({low:.2f}-{high:.2f}), {n} iterations')
