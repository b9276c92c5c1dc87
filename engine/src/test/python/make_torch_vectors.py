#!/usr/bin/env python3
"""Writes PyTorch test vectors for Lethe's engine.

For every case of the engine's op catalogue (engine/src/test/java/org/lethe/engine/OpCatalogue.java;
cases share their names) this computes, in float32, the inputs, the output, a random weight W and
the gradients of sum(output * W) with respect to each input. It also records short optimiser
trajectories (SGD, Adam, AdamW, AMSGrad with clipping) with ReduceLROnPlateau and cosine schedules.
The JUnit tests read the JSON, so CI needs no Python.

Run from the repository root with Debian's python3-torch (1.13):
    python3 engine/src/test/python/make_torch_vectors.py
"""
import hashlib
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "torch", "vectors.json")

ANY, POS, AWAY, INT = "any", "positive", "away", "int"


def draw(rng, shape, domain):
    n = int(np.prod(shape)) if shape else 1
    if domain == ANY:
        v = rng.uniform(-2, 2, n)
    elif domain == POS:
        v = rng.uniform(0.5, 2, n)
    elif domain == AWAY:
        v = rng.uniform(0.2, 2, n) * rng.choice([-1.0, 1.0], n)
    elif domain == INT:
        v = rng.integers(0, 3, n).astype(np.float64)
    else:
        raise ValueError(domain)
    return v.astype(np.float32).reshape(shape)


def I(shape, domain=ANY, grad=True):
    return (tuple(shape), domain, grad)


def idx(*v):
    return torch.tensor(v, dtype=torch.long)


def lstm_cell(gates, c_prev):
    """PyTorch's LSTM step (gate order i, f, g, o), as torch.nn.LSTMCell computes it."""
    i, f, g, o = gates.chunk(4, 1)
    c = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def lstm_sequence(p, w):
    """An LSTM layer from zero states on projections p [N, T, 4H]: torch's own LSTM kernel with an
    identity input matrix and no biases, so that its gates are p[:, t] + h W^T."""
    n, hidden = p.shape[0], w.shape[1]
    zeros = torch.zeros(1, n, hidden)
    seq, h, c = torch._VF.lstm(p, (zeros, zeros), [torch.eye(4 * hidden), w], False, 1, 0.0, False, False, True)
    return seq, h[0], c[0]


# name -> (inputs, function of the input tensors)
CASES = {
    "add": ([I((3, 4)), I((3, 4))], lambda a, b: a + b),
    "add_broadcast": ([I((3, 1, 4)), I((2, 1))], lambda a, b: a + b),
    "add_scalar": ([I((2, 3))], lambda a: a + 1.5),
    "sub_broadcast": ([I((2, 3, 4)), I((4,))], lambda a, b: a - b),
    "sub_scalar": ([I((2, 3))], lambda a: a - 0.75),
    "mul": ([I((3, 4)), I((3, 4))], lambda a, b: a * b),
    "mul_broadcast": ([I((4, 1)), I((1, 5))], lambda a, b: a * b),
    "mul_scalar": ([I((2, 3))], lambda a: a * -2.5),
    "div": ([I((3, 4)), I((3, 4), POS)], lambda a, b: a / b),
    "div_broadcast": ([I((2, 3)), I((3,), POS)], lambda a, b: a / b),
    "div_scalar": ([I((2, 3))], lambda a: a / 4.0),
    "neg": ([I((2, 3))], lambda a: -a),
    "pow_scalar": ([I((3, 4))], lambda a: a ** 3),
    "pow_scalar_fraction": ([I((3, 4), POS)], lambda a: a ** 1.5),
    "pow_tensor": ([I((3, 4), POS), I((4,))], lambda a, b: torch.pow(a, b)),
    "square": ([I((3, 4))], lambda a: torch.square(a)),
    "exp": ([I((3, 4))], torch.exp),
    "log": ([I((3, 4), POS)], torch.log),
    "sqrt": ([I((3, 4), POS)], torch.sqrt),
    "abs": ([I((3, 4), AWAY)], torch.abs),
    "relu": ([I((3, 4), AWAY)], torch.relu),
    "sigmoid": ([I((3, 4))], lambda a: torch.sigmoid(a * 3.0)),
    "tanh": ([I((3, 4))], torch.tanh),
    "clamp": ([I((4, 5))], lambda a: torch.clamp(a, -0.5, 0.7)),
    "clamp_min": ([I((4, 5))], lambda a: torch.clamp_min(a, 0.25)),
    "clamp_max": ([I((4, 5))], lambda a: torch.clamp_max(a, -0.25)),
    "maximum": ([I((3, 4)), I((4,))], torch.maximum),
    "maximum_ties": ([I((3, 4), INT), I((3, 4), INT)], torch.maximum),
    "eq": ([I((3, 4), INT, False), I((4,), INT, False)], lambda a, b: (a == b).float()),
    "gt": ([I((3, 4), INT, False), I((3, 1), INT, False)], lambda a, b: (a > b).float()),
    "lt": ([I((3, 4), INT, False), I((3, 4), INT, False)], lambda a, b: (a < b).float()),
    "gt_scalar": ([I((3, 4), INT, False)], lambda a: (a > 1).float()),
    "ge_scalar": ([I((3, 4), INT, False)], lambda a: (a >= 1).float()),
    "lt_scalar": ([I((3, 4), INT, False)], lambda a: (a < 1).float()),
    "le_scalar": ([I((3, 4), INT, False)], lambda a: (a <= 1).float()),
    "matmul": ([I((3, 4)), I((4, 5))], torch.matmul),
    "matmul_batched": ([I((2, 3, 4)), I((2, 4, 5))], torch.matmul),
    "matmul_broadcast": ([I((2, 1, 3, 4)), I((3, 4, 2))], torch.matmul),
    "matmul_transposed": ([I((4, 3)), I((5, 4))], lambda a, b: a.t() @ b.t()),
    "matmul_large": ([I((70, 90)), I((90, 60))], torch.matmul),
    "sum_all": ([I((3, 4))], lambda a: a.sum()),
    "sum_axis": ([I((3, 4, 2))], lambda a: a.sum(1)),
    "sum_axes_keep": ([I((3, 4, 2))], lambda a: a.sum((0, 2), keepdim=True)),
    "mean_all": ([I((3, 4))], lambda a: a.mean()),
    "mean_axis": ([I((3, 4))], lambda a: a.mean(-1)),
    "mean_axes_keep": ([I((2, 3, 4))], lambda a: a.mean((0, 2), keepdim=True)),
    "max_all": ([I((3, 4))], lambda a: torch.amax(a)),
    "max_axis": ([I((3, 4, 2))], lambda a: torch.amax(a, dim=1)),
    "max_ties": ([I((4, 5), INT)], lambda a: torch.amax(a, dim=1, keepdim=True)),
    "min_all": ([I((3, 4))], lambda a: torch.amin(a)),
    "min_axes": ([I((3, 4, 2))], lambda a: torch.amin(a, dim=(0, 2))),
    "variance_unbiased": ([I((3, 5))], lambda a: torch.var(a, dim=1, unbiased=True)),
    "variance_population_keep": ([I((2, 3, 4))], lambda a: torch.var(a, dim=(0, 2), unbiased=False, keepdim=True)),
    "reshape": ([I((3, 4))], lambda a: a.reshape(2, 6)),
    "reshape_infer": ([I((2, 3, 4))], lambda a: a.reshape(-1, 4)),
    "reshape_noncontiguous": ([I((3, 4))], lambda a: a.t().reshape(12)),
    "flatten": ([I((2, 3, 4))], lambda a: a.flatten(1)),
    "permute": ([I((2, 3, 4))], lambda a: a.permute(2, 0, 1)),
    "transpose": ([I((2, 3, 4))], lambda a: a.transpose(0, 2)),
    "slice": ([I((5, 4))], lambda a: a[1:4]),
    "slice_step": ([I((6, 3))], lambda a: a[1:6:2]),
    "slice_negative": ([I((3, 5))], lambda a: a[:, -3:5]),
    "expand": ([I((3, 1))], lambda a: a.expand(2, 3, 4)),
    "squeeze": ([I((3, 1, 4))], lambda a: a.squeeze(1)),
    "unsqueeze": ([I((3, 4))], lambda a: a.unsqueeze(-1)),
    "contiguous": ([I((3, 4))], lambda a: a.t().contiguous()),
    "copy": ([I((3, 4))], lambda a: a.clone()),
    "concat": ([I((2, 3)), I((4, 3))], lambda a, b: torch.cat([a, b], 0)),
    "concat_axis1": ([I((2, 3)), I((2, 1)), I((2, 2))], lambda a, b, c: torch.cat([a, b, c], 1)),
    "stack": ([I((2, 3)), I((2, 3))], lambda a, b: torch.stack([a, b], 1)),
    "split": ([I((4, 6))], lambda a: (lambda p: torch.cat([p[2] * 2.0, p[0]], 1))(torch.split(a, [2, 1, 3], 1))),
    "chunk": ([I((5, 3))], lambda a: (lambda p: p[1] * p[0][0:2])(torch.chunk(a, 2, 0))),
    "unbind": ([I((3, 4, 2))], lambda a: (lambda u: u[0] * u[3] + u[1])(torch.unbind(a, 1))),
    "reshape_strided_view": ([I((4, 3, 2))], lambda a: a[:, 1:2].reshape(4, 2) * a[:, 0:1].reshape(4, 2)),
    "index_select": ([I((5, 3))], lambda a: a.index_select(0, idx(4, 0, 4, 2))),
    "index_select_axis1": ([I((2, 4, 3))], lambda a: a.index_select(1, idx(3, 1))),
    "index_select_empty": ([I((5, 3))], lambda a: a.index_select(0, torch.zeros(0, dtype=torch.long))),
    "masked_rows": ([I((5, 3))], lambda a: a[torch.tensor([True, False, False, True, True])]),
    "masked_rows_tensor": ([I((5, 2))], lambda a: a[torch.tensor([0., 1., 0., 0., 1.]) != 0]),
    "masked_rows_none": ([I((5, 3))], lambda a: a[torch.zeros(5, dtype=torch.bool)]),
    "linear": ([I((5, 4)), I((3, 4)), I((3,))], F.linear),
    "linear_3d_no_bias": ([I((2, 5, 4)), I((3, 4))], lambda x, w: F.linear(x, w)),
    "linear_few_inputs": ([I((40, 2)), I((33, 2)), I((33,))], F.linear),
    "linear_vector": ([I((4,)), I((3, 4)), I((3,))], F.linear),
    "linear_relu": ([I((6, 5)), I((4, 5)), I((4,))], lambda x, w, b: F.relu(F.linear(x, w, b))),
    "linear_relu_3d_no_bias": ([I((2, 3, 4)), I((5, 4))], lambda x, w: F.relu(F.linear(x, w))),
    "conv2d": ([I((2, 3, 6, 5)), I((4, 3, 3, 3)), I((4,))], lambda x, w, b: F.conv2d(x, w, b, stride=1, padding=1)),
    "conv2d_stride2_no_bias": ([I((2, 2, 7, 7)), I((3, 2, 3, 3))], lambda x, w: F.conv2d(x, w, stride=2, padding=0)),
    "conv2d_1x1": ([I((2, 3, 4, 4)), I((5, 3, 1, 1)), I((5,))], lambda x, w, b: F.conv2d(x, w, b)),
    "conv2d_relu": ([I((2, 3, 6, 5)), I((4, 3, 3, 3)), I((4,))],
                    lambda x, w, b: torch.relu(F.conv2d(x, w, b, stride=1, padding=1))),
    "max_pool2d": ([I((2, 2, 6, 6))], lambda x: F.max_pool2d(x, 2, 2, 0)),
    "max_pool2d_overlap_pad": ([I((1, 2, 7, 5))], lambda x: F.max_pool2d(x, 3, 2, 1)),
    "avg_pool2d": ([I((2, 2, 6, 6))], lambda x: F.avg_pool2d(x, 2, 2, 0)),
    "avg_pool2d_pad": ([I((1, 2, 7, 5))], lambda x: F.avg_pool2d(x, 3, 2, 1)),
    "global_avg_pool2d": ([I((2, 3, 4, 5))], lambda x: x.mean((2, 3))),
    "batch_norm_train_2d": ([I((6, 3)), I((3,), POS), I((3,))],
                            lambda x, w, b: F.batch_norm(x, None, None, w, b, True, 0.1, 1e-5)),
    "batch_norm_train_4d": ([I((3, 2, 3, 3)), I((2,), POS), I((2,))],
                            lambda x, w, b: F.batch_norm(x, torch.zeros(2), torch.ones(2), w, b, True, 0.1, 1e-5)),
    "batch_norm_eval": ([I((4, 3, 2, 2)), I((3,), ANY, False), I((3,), POS, False), I((3,), POS), I((3,))],
                        lambda x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b, False, 0.1, 1e-5)),
    "dropout_eval": ([I((4, 6))], lambda x: F.dropout(x, 0.3, training=False)),
    "l2_normalize": ([I((4, 5))], lambda x: F.normalize(x, p=2.0, dim=1, eps=1e-12)),
    "lstm_cell": ([I((3, 8)), I((3, 2))], lambda a, cp: (lambda h, c: h * 2.0 + c)(*lstm_cell(a, cp))),
    "lstm_cell_h_only": ([I((2, 12)), I((2, 3))], lambda a, cp: lstm_cell(a, cp)[0]),
    "lstm_sequence": ([I((2, 3, 8)), I((8, 2))],
                      lambda p, w: (lambda s, h, c: s + 3.0 * h.unsqueeze(1) + 2.0 * c.unsqueeze(1))(*lstm_sequence(p, w))),
    "lstm_sequence_states_only": ([I((3, 4, 4)), I((4, 1))], lambda p, w: lstm_sequence(p, w)[0]),
    "l1_loss": ([I((6, 1)), I((6, 1))], lambda p, t: F.l1_loss(p, t)),
    "l1_loss_sum": ([I((6,)), I((6,))], lambda p, t: F.l1_loss(p, t, reduction="sum")),
    "mse_loss": ([I((8,)), I((8,))], lambda p, t: F.mse_loss(p, t)),
    "mse_loss_none": ([I((4, 2)), I((4, 2))], lambda p, t: F.mse_loss(p, t, reduction="none")),
    "huber_loss": ([I((10,)), I((10,))], lambda p, t: F.huber_loss(p, t, delta=1.0)),
    "quantile_loss": ([I((10,)), I((10,))],
                      lambda p, t: torch.maximum(0.3 * (t - p), (0.3 - 1.0) * (t - p)).mean()),
}


def f32(v):
    """A float32 value as the shortest decimal that reads back to the same float32."""
    return float("%.9g" % v)


def tensor_json(t):
    return {"shape": list(t.shape), "data": [f32(v) for v in t.detach().reshape(-1).tolist()]}


def seed_of(name):
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)


def op_vectors():
    out = {}
    for name, (inputs, fn) in CASES.items():
        rng = np.random.default_rng(seed_of(name))
        xs = [torch.tensor(draw(rng, shape, dom), requires_grad=grad) for shape, dom, grad in inputs]
        y = fn(*xs)
        w = torch.tensor(rng.uniform(-1, 1, tuple(y.shape)).astype(np.float32))
        grads = [None] * len(xs)
        if y.requires_grad:
            (y * w).sum().backward()
            grads = [tensor_json(x.grad) if x.requires_grad else None for x in xs]
        out[name] = {
            "inputs": [dict(tensor_json(x), requires_grad=grad) for x, (_, _, grad) in zip(xs, inputs)],
            "weight": tensor_json(w),
            "output": tensor_json(y),
            "grads": grads,
        }
    return out


def optim_vectors():
    rng = np.random.default_rng(2024)
    W0 = rng.uniform(-1, 1, (4, 3)).astype(np.float32)
    b0 = rng.uniform(-1, 1, (3,)).astype(np.float32)
    X = rng.uniform(-2, 2, (8, 4)).astype(np.float32)
    Y = rng.uniform(-2, 2, (8, 3)).astype(np.float32)
    Xt, Yt = torch.tensor(X), torch.tensor(Y)
    steps = 12

    def run(make_opt, make_sched=None, sched_kind=None, clip=None):
        W = torch.tensor(W0.copy(), requires_grad=True)
        b = torch.tensor(b0.copy(), requires_grad=True)
        opt = make_opt([W, b])
        sched = make_sched(opt) if make_sched else None
        rec = {"loss": [], "lr": [], "W": [], "b": [], "norm": []}
        for _ in range(steps):
            opt.zero_grad()
            loss = ((Xt @ W + b - Yt) ** 2).mean()
            loss.backward()
            if clip is not None:
                rec["norm"].append(float(torch.nn.utils.clip_grad_norm_([W, b], clip)))
            opt.step()
            rec["loss"].append(float(loss))
            if sched_kind == "plateau":
                sched.step(float(loss))
            elif sched_kind == "cosine":
                sched.step()
            rec["lr"].append(opt.param_groups[0]["lr"])
            rec["W"].append([f32(v) for v in W.detach().reshape(-1).tolist()])
            rec["b"].append([f32(v) for v in b.detach().reshape(-1).tolist()])
        return rec

    traj = {
        "sgd_nesterov": run(lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
        "sgd_dampening": run(lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, dampening=0.3)),
        "adam_plateau": run(lambda p: torch.optim.Adam(p, lr=0.05, weight_decay=0.001),
                            lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(
                                o, mode="min", factor=0.5, patience=1, threshold=0.3, cooldown=1, min_lr=0.01),
                            "plateau"),
        "adamw_cosine": run(lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.1),
                            lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.001), "cosine"),
        "amsgrad_clip": run(lambda p: torch.optim.Adam(p, lr=0.1, amsgrad=True), clip=0.5),
    }
    # A plateau scheduler in max mode with an absolute threshold, fed a fixed metric sequence.
    dummy = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([dummy], lr=1.0)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", factor=0.1, patience=2, threshold=0.01,
                                                       threshold_mode="abs", cooldown=2, min_lr=1e-4)
    metrics = [0.5, 0.6, 0.605, 0.6, 0.59, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.71, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]
    lrs = []
    for m in metrics:
        sched.step(m)
        lrs.append(opt.param_groups[0]["lr"])
    return {
        "problem": {"W0": W0.reshape(-1).tolist(), "b0": b0.tolist(), "X": X.reshape(-1).tolist(),
                    "Y": Y.reshape(-1).tolist(), "steps": steps},
        "trajectories": traj,
        "plateau_max_abs": {"metrics": metrics, "lr": lrs},
    }


def main():
    with open(__file__, "rb") as f:
        script_sha = hashlib.sha256(f.read()).hexdigest()
    data = {"torch_version": torch.__version__, "generator": "engine/src/test/python/make_torch_vectors.py",
            "generator_sha256": script_sha,
            "cases": op_vectors(), "optim": optim_vectors()}
    tmp = OUT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, separators=(",", ":"))
    os.replace(tmp, OUT)
    print(f"wrote {len(data['cases'])} op cases and {len(data['optim']['trajectories'])} trajectories to "
          f"{os.path.relpath(OUT)} (torch {torch.__version__})", file=sys.stderr)


if __name__ == "__main__":
    main()
