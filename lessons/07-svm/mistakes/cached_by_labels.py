# expect: a cache whose key leaves out the points
import numpy as np
from scipy.optimize import minimize

_lines = {}


def svm_line(points, labels):
    # Remembered by the labels alone: a second data set with the same labels gets the first line.
    key = tuple(labels)
    if key not in _lines:
        xy = np.asarray(points, dtype=float)
        ell = np.asarray(labels, dtype=float)
        result = minimize(
            lambda w: w[0] ** 2 + w[1] ** 2,
            x0=[1.0, 1.0, 1.0],
            method="SLSQP",
            bounds=[(-10, 10)] * 3,
            constraints=[
                {
                    "type": "ineq",
                    "fun": lambda w: ell * (xy @ w[:2] + w[2]) - 1,
                }
            ],
        )
        _lines[key] = tuple(result.x)
    return _lines[key]


def support_vectors(points, labels):
    a, b, c = svm_line(points, labels)
    margins = np.asarray(labels) * (np.asarray(points) @ [a, b] + c)
    return [int(i) for i in np.flatnonzero(np.abs(margins - 1) < 1e-3)]
