# expect: This is the right line, but scaled by
"""Normalises the solution to a unit normal, (a, b, c)/√(a² + b²): the same line, the wrong scale."""

import numpy as np
from scipy.optimize import minimize


def solve(points, labels):
    points, labels = np.asarray(points, float), np.asarray(labels, float)
    constraint = {
        "type": "ineq",
        "fun": lambda w: labels * (points @ w[:2] + w[2]) - 1,
    }
    result = minimize(
        lambda w: w[0] ** 2 + w[1] ** 2,
        [1.0, 1.0, 1.0],
        method="SLSQP",
        constraints=[constraint],
        bounds=[(-10, 10)] * 3,
    )
    return result.x, labels * (points @ result.x[:2] + result.x[2])


def svm_line(points, labels):
    w, _ = solve(points, labels)
    return w / np.hypot(w[0], w[1])


def support_vectors(points, labels):
    _, margins = solve(points, labels)
    return list(np.flatnonzero(np.abs(margins - 1) < 1e-3))
