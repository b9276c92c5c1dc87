#!/usr/bin/env python3
"""Prints a JMH JSON result file (-rf json) as a table: median (min..max) ms over all measured
iterations, and GFLOP/s where the benchmark's work follows from its parameters (GEMM: 2 n^3; 3x3
convolution: 2 N OC C 9 H W forward, three times that forward and backward).
Usage: benchmarks/jmh-table.py results.json"""
import json
import statistics
import sys

CONV = {"small.conv1": (128, 1, 28, 28, 16), "small.conv2": (128, 16, 14, 14, 32), "allcnn.conv1": (32, 3, 32, 32, 96)}


def flop(name, params):
    if name.endswith("GemmBenchmark.gemm"):
        n = int(params["n"])
        return 2.0 * n ** 3
    if ".ConvBenchmark.forward" in name:
        n, c, h, w, oc = CONV[params["layer"]]
        f = 2.0 * n * oc * c * 9 * h * w
        return 3 * f if name.endswith("forwardBackward") else f
    return None


rows = []
for r in json.load(open(sys.argv[1])):
    name = r["benchmark"]
    params = r.get("params", {})
    raw = [x for it in r["primaryMetric"]["rawData"] for x in it]
    med = statistics.median(raw)
    f = flop(name, params)
    gf = f"{f / (med * 1e-3) / 1e9:.1f}" if f else ""
    extra = ""
    for key, sec in r.get("secondaryMetrics", {}).items():
        if key.endswith("alloc.rate.norm"):
            extra = f"{sec['score'] / 1024:.0f} KiB/op"
    p = " ".join(f"{k}={v}" for k, v in sorted(params.items()))
    rows.append((name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1], p, f"{med:.3f} ({min(raw):.3f}..{max(raw):.3f})", gf,
                 extra))
widths = [max(len(row[i]) for row in rows + [("benchmark", "parameters", "ms median (min..max)", "GFLOP/s", "alloc")])
          for i in range(5)]
for row in [("benchmark", "parameters", "ms median (min..max)", "GFLOP/s", "alloc")] + rows:
    print("  ".join(v.ljust(widths[i]) if i < 2 else v.rjust(widths[i]) for i, v in enumerate(row)))
