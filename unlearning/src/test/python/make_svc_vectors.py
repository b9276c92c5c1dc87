#!/usr/bin/env python3
"""Writes scikit-learn SVC reference vectors for Lethe's membership-inference attack.

Each case is a one-dimensional training set (per-sample losses: members labelled 1, non-members 0),
fitted with sklearn.svm.SVC(C=3, kernel="rbf", gamma=1) (libsvm, tol 1e-3, shrinking on), and test
points with sklearn's predictions and decision values. Run with Debian's python3-sklearn:
    python3 unlearning/src/test/python/make_svc_vectors.py
"""
import hashlib
import json
import os

import numpy as np
import sklearn
from sklearn.svm import SVC

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "svc", "vectors.json")


def case(name, members, others, rng):
    x = np.concatenate([members, others]).reshape(-1, 1)
    y = np.concatenate([np.ones(len(members)), np.zeros(len(others))])
    clf = SVC(C=3, kernel="rbf", gamma=1)
    clf.fit(x, y)
    lo, hi = float(x.min()), float(x.max())
    test = np.concatenate([np.linspace(lo - 0.5, hi + 0.5, 200), rng.uniform(lo, hi, 300), x[:100, 0]]).reshape(-1, 1)
    return {
        "name": name,
        "x": x[:, 0].tolist(),
        "y": y.astype(int).tolist(),
        "test": test[:, 0].tolist(),
        "predict": clf.predict(test).astype(int).tolist(),
        "decision": clf.decision_function(test).tolist(),
        "support_vectors": int(clf.n_support_.sum()),
        "intercept": float(clf.intercept_[0]),
    }


def main():
    rng = np.random.default_rng(7)
    cases = [
        case("separated", np.abs(rng.normal(0, 0.3, 300)), np.abs(rng.normal(0, 1.5, 300)), rng),
        case("unbalanced", np.abs(rng.normal(0, 0.5, 500)), np.abs(rng.normal(0.2, 1.0, 200)), rng),
        case("overlapping", np.abs(rng.normal(0, 1.0, 400)), np.abs(rng.normal(0, 1.1, 400)), rng),
        case("large_scale", np.abs(rng.normal(0, 8.0, 250)), np.abs(rng.normal(0, 12.0, 250)), rng),
    ]
    with open(__file__, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    data = {"sklearn_version": sklearn.__version__, "generator_sha256": sha, "cases": cases}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT + ".tmp", "w") as f:
        json.dump(data, f, separators=(",", ":"))
    os.replace(OUT + ".tmp", OUT)
    print("wrote", len(cases), "cases with scikit-learn", sklearn.__version__)


if __name__ == "__main__":
    main()
