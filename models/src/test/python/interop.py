#!/usr/bin/env python3
"""PyTorch side of Lethe's checkpoint interop tests (run with Debian's python3-torch 1.13).

  interop.py check DIR
      DIR/model.safetensors is a Lethe checkpoint, DIR/io.safetensors holds an input batch "x", a
      weight "w", Lethe's predictions "pred_eval" / "pred_train" and the gradients "grad.<name>" of
      sum(pred_eval * w). Builds the equivalent torch.nn module from the checkpoint's
      lethe.architecture, loads the weights with load_state_dict(strict=True), and compares.
  interop.py export DIR SPEC_JSON SEED
      Builds the module for SPEC_JSON with PyTorch's own initialisation (seeded), moves the batch
      norm running statistics away from their defaults, and writes DIR/torch.safetensors (the
      state_dict, with lethe.architecture metadata) and DIR/io.safetensors (an input "x" and the
      module's predictions "pred_eval" in evaluation mode) for Lethe to load and compare.

Exit status 0 when everything agrees (|a - b| <= 1e-5 * max(1, |b|) for predictions, a looser
bound for gradients); otherwise the differences are printed and the status is 1. The modules here
are the ones docs/interop.md documents.
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)

# ---------------------------------------------------------------------------------------------
# safetensors (the format is simple; Debian has no python3-safetensors)

DTYPES = {"F32": (np.float32, torch.float32), "F64": (np.float64, torch.float64), "I64": (np.int64, torch.int64)}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, spec in header.items():
        b, e = spec["data_offsets"]
        arr = np.frombuffer(data[base + b: base + e], dtype=DTYPES[spec["dtype"]][0]).reshape(spec["shape"])
        tensors[name] = torch.from_numpy(arr.copy())
    return tensors, meta


def write_safetensors(path, tensors, meta):
    header, blobs, offset = {}, [], 0
    if meta:
        header["__metadata__"] = meta
    for name, t in tensors.items():
        t = t.detach().contiguous()
        code = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}[t.dtype]
        raw = t.numpy().astype(DTYPES[code][0]).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


# ---------------------------------------------------------------------------------------------
# The equivalent PyTorch modules (docs/interop.md shows the same code)

class Mlp(nn.Module):
    def __init__(self, inputs, hidden, dropout):
        super().__init__()
        layers, i = [], inputs
        for w in hidden:
            layers += [nn.Linear(i, w), nn.ReLU()] + ([nn.Dropout(dropout)] if dropout > 0 else [])
            i = w
        layers.append(nn.Linear(i, 1))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


def conv_block(i, o, k, s):
    return nn.Sequential(nn.Conv2d(i, o, k, s, k // 2, bias=False), nn.BatchNorm2d(o), nn.ReLU())


class AllCnn(nn.Module):
    def __init__(self, channels, size, width):
        super().__init__()
        f1, f2 = max(1, int(96 * width)), max(1, int(192 * width))
        plan = [(channels, f1, 3, 1), (f1, f1, 3, 1), (f1, f2, 3, 2), (f2, f2, 3, 1), (f2, f2, 3, 1),
                (f2, f2, 3, 2), (f2, f2, 3, 1), (f2, f2, 1, 1)]
        for k, (i, o, ks, s) in enumerate(plan):
            setattr(self, f"conv{k + 1}", conv_block(i, o, ks, s))
        self.classifier = nn.Sequential(nn.Linear(f2, 1))

    def forward(self, x):
        for k in range(8):
            x = getattr(self, f"conv{k + 1}")(x)
        return self.classifier(x.mean((2, 3)))


class BasicBlock(nn.Module):
    def __init__(self, i, o, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(i, o, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(o)
        self.conv2 = nn.Conv2d(o, o, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(o)
        self.downsample = (nn.Sequential(nn.Conv2d(i, o, 1, stride, 0, bias=False), nn.BatchNorm2d(o))
                           if stride != 1 or i != o else None)

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (x if self.downsample is None else self.downsample(x)))


class ResNet18(nn.Module):
    def __init__(self, channels, size, width, small_stem):
        super().__init__()
        base = max(1, int(64 * width))
        self.conv1 = nn.Conv2d(channels, base, 3, 1, 1, bias=False) if small_stem else nn.Conv2d(channels, base, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(base)
        self.maxpool = None if small_stem else nn.MaxPool2d(3, 2, 1)
        i = base
        for s in range(4):
            o = max(1, int(64 * width)) << s
            setattr(self, f"layer{s + 1}", nn.Sequential(BasicBlock(i, o, 1 if s == 0 else 2), BasicBlock(o, o, 1)))
            i = o
        self.fc = nn.Linear(i, 1)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        if self.maxpool is not None:
            x = self.maxpool(x)
        for s in range(4):
            x = getattr(self, f"layer{s + 1}")(x)
        return self.fc(x.mean((2, 3)))


class SmallCnn(nn.Module):
    def __init__(self, size):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, 1, 1)
        self.conv2 = nn.Conv2d(16, 32, 3, 1, 1)
        self.fc1 = nn.Linear(32 * (size // 4) ** 2, 64)
        self.fc2 = nn.Linear(64, 1)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


class LstmRegressor(nn.Module):
    def __init__(self, steps, features, hidden, layers):
        super().__init__()
        self.lstm = nn.LSTM(features, hidden, layers, batch_first=True)
        self.fc = nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])


class CharRegressor(nn.Module):
    def __init__(self, length, vocabulary, embedding, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, embedding)
        self.lstm = nn.LSTM(embedding, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 1)

    def forward(self, ids):
        out, _ = self.lstm(self.embedding(ids.long()))
        return self.fc(out[:, -1])


class SiameseLstm(nn.Module):
    def __init__(self, length, vocabulary, embedding, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, embedding)
        self.lstm = nn.LSTM(embedding, hidden, batch_first=True)
        self.dropout = nn.Dropout(0.3)
        sizes = [2 * hidden, 128, 64, 32, 16, 1]
        for k in range(5):
            setattr(self, f"fc{k + 1}", nn.Linear(sizes[k], sizes[k + 1]))

    def forward(self, pairs):
        a, _ = self.lstm(self.embedding(pairs[:, 0].long()))
        b, _ = self.lstm(self.embedding(pairs[:, 1].long()))
        h = self.dropout(torch.cat([a[:, -1], b[:, -1]], 1))
        for k in range(4):
            h = F.relu(getattr(self, f"fc{k + 1}")(h))
        return self.fc5(h)


def build(spec):
    a, p = spec["architecture"], spec["hyperparameters"]
    if a == "mlp":
        return Mlp(p["inputs"], p["hidden"], p["dropout"])
    if a == "allcnn":
        return AllCnn(p["channels"], p["size"], p["width"])
    if a == "resnet18":
        return ResNet18(p["channels"], p["size"], p["width"], p["small_stem"])
    if a == "smallcnn":
        return SmallCnn(p["size"])
    if a == "lstm":
        return LstmRegressor(p["steps"], p["features"], p["hidden"], p["layers"])
    if a == "char":
        return CharRegressor(p["length"], p["vocabulary"], p["embedding"], p["hidden"])
    if a == "siamese":
        return SiameseLstm(p["length"], p["vocabulary"], p["embedding"], p["hidden"])
    raise ValueError("unknown architecture " + a)


def has_dropout(model):
    return any(isinstance(m, nn.Dropout) for m in model.modules())


# ---------------------------------------------------------------------------------------------

def compare(what, ours, theirs, rtol, problems):
    ours, theirs = ours.double(), theirs.double()
    if ours.shape != theirs.shape:
        problems.append(f"{what}: shape {list(ours.shape)} vs {list(theirs.shape)}")
        return
    scale = max(1.0, float(theirs.abs().max()) if theirs.numel() else 1.0)
    err = float((ours - theirs).abs().max()) if ours.numel() else 0.0
    if err > rtol * scale:
        problems.append(f"{what}: max difference {err:.3g} (scale {scale:.3g})")


def check(folder):
    state, meta = read_safetensors(f"{folder}/model.safetensors")
    io, _ = read_safetensors(f"{folder}/io.safetensors")
    model = build(json.loads(meta["lethe.architecture"]))
    model.load_state_dict(state, strict=True)
    problems = []
    model.eval()
    x = io["x"]
    pred = model(x)
    compare("eval prediction", pred, io["pred_eval"], 1e-5, problems)
    (pred * io["w"]).sum().backward()
    for name, p in model.named_parameters():
        key = "grad." + name
        if key not in io:
            problems.append(f"{name}: Lethe sent no gradient")
            continue
        compare("gradient of " + name, p.grad, io[key], 1e-4, problems)
    if "pred_train" in io and not has_dropout(model):
        model.train()
        with torch.no_grad():
            compare("training-mode prediction", model(x), io["pred_train"], 1e-4, problems)
    for p in problems:
        print(p)
    print(f"{meta['lethe.architecture']}: {'OK' if not problems else 'MISMATCH'}")
    return 0 if not problems else 1


def export(folder, spec_json, seed):
    spec = json.loads(spec_json)
    torch.manual_seed(int(seed))
    model = build(spec)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d) or isinstance(m, nn.BatchNorm1d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.num_batches_tracked.fill_(7)
    model.eval()
    shape = io_shape(spec)
    if spec["architecture"] in ("char", "siamese"):
        x = torch.randint(0, spec["hyperparameters"]["vocabulary"], shape).float()
    else:
        x = torch.randn(shape)
    with torch.no_grad():
        pred = model(x)
    write_safetensors(f"{folder}/torch.safetensors", model.state_dict(),
                      {"lethe.architecture": json.dumps(spec), "lethe.seed": str(seed)})
    write_safetensors(f"{folder}/io.safetensors", {"x": x, "pred_eval": pred}, {})
    print("exported", spec["architecture"])
    return 0


def io_shape(spec):
    p = spec["hyperparameters"]
    a = spec["architecture"]
    n = 5
    return {"mlp": (n, p.get("inputs", 1)), "allcnn": (n, p.get("channels", 1), p.get("size", 1), p.get("size", 1)),
            "resnet18": (n, p.get("channels", 1), p.get("size", 1), p.get("size", 1)),
            "smallcnn": (n, 1, p.get("size", 1), p.get("size", 1)), "lstm": (n, p.get("steps", 1), p.get("features", 1)),
            "char": (n, p.get("length", 1)), "siamese": (n, 2, p.get("length", 1))}[a]


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2]))
    if len(sys.argv) >= 5 and sys.argv[1] == "export":
        sys.exit(export(sys.argv[2], sys.argv[3], sys.argv[4]))
    print(__doc__)
    sys.exit(2)
