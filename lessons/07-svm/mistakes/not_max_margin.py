# expect: separates the two classes, but its margin
"""A perceptron: it stops at the first line that separates the classes, not at the widest one.

The line is rescaled so that the closest points give ℓᵢ·(a·xᵢ + b·yᵢ + c) = 1, as the SVM's is.
"""

import numpy as np


def svm_line(points, labels):
    points, labels = np.asarray(points, float), np.asarray(labels, float)
    w = np.zeros(3)
    inputs = np.column_stack([points, np.ones(len(points))])
    for _ in range(10_000):
        wrong = [
            i
            for i in range(len(points))
            if labels[i] * (inputs[i] @ w) <= 0
        ]
        if not wrong:
            break
        w += labels[wrong[0]] * inputs[wrong[0]]
    return w / np.min(labels * (inputs @ w))


def support_vectors(points, labels):
    # The right support vectors (from the real SVM), so that only svm_line is wrong.
    from scipy.optimize import minimize

    points, labels = np.asarray(points, float), np.asarray(labels, float)
    constraint = {
        "type": "ineq",
        "fun": lambda w: labels * (points @ w[:2] + w[2]) - 1,
    }
    w = minimize(
        lambda w: w[0] ** 2 + w[1] ** 2,
        [1.0, 1.0, 1.0],
        method="SLSQP",
        constraints=[constraint],
        bounds=[(-10, 10)] * 3,
    ).x
    return np.flatnonzero(
        np.abs(labels * (points @ w[:2] + w[2]) - 1) < 1e-3
    )
