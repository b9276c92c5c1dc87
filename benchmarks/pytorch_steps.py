#!/usr/bin/env python3
"""Times the reference training steps in PyTorch (Debian python3-torch), the same workloads as
Lethe's StepWorkload: mlp, cnn, lstm; MSE loss, Adam 1e-3, random data. Prints one JSON object
{"mlp": {"median_ms": ..., "min_ms": ..., "max_ms": ..., "threads": ...}, ...}.
Usage: python3 benchmarks/pytorch_steps.py [threads] [steps]
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, 1, 1)
        self.conv2 = nn.Conv2d(16, 32, 3, 1, 1)
        self.fc1 = nn.Linear(1568, 64)
        self.fc2 = nn.Linear(64, 1)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


class Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(1, 64, batch_first=True)
        self.fc = nn.Linear(64, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])


def workload(name):
    if name == "mlp":
        return nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 1)), \
            torch.randn(256, 64), torch.randn(256, 1)
    if name == "cnn":
        return Cnn(), torch.randn(128, 1, 28, 28), torch.randn(128, 1)
    return Lstm(), torch.randn(128, 24, 1), torch.randn(128, 1)


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    out = {}
    for name in ("mlp", "cnn", "lstm"):
        model, x, y = workload(name)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)

        def step():
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            opt.step()

        for _ in range(max(5, steps // 5)):
            step()
        times = []
        for _ in range(steps):
            t0 = time.perf_counter()
            step()
            times.append((time.perf_counter() - t0) * 1e3)
        out[name] = {"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times), "threads": threads}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
