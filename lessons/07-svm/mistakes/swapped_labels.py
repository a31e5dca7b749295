# expect: as if the labels' signs were swapped
"""Writes the constraint as −ℓᵢ·(a·xᵢ + b·yᵢ + c) ≥ 1: the labels' signs are swapped."""

import numpy as np
from scipy.optimize import minimize


def svm_line(points, labels):
    points, labels = np.asarray(points, float), np.asarray(labels, float)
    constraints = [
        {
            "type": "ineq",
            "fun": lambda w, p=p, label=label: (
                -label * (w[0] * p[0] + w[1] * p[1] + w[2]) - 1
            ),
        }
        for p, label in zip(points, labels)
    ]
    result = minimize(
        lambda w: w[0] ** 2 + w[1] ** 2,
        [1.0, 1.0, 1.0],
        method="SLSQP",
        constraints=constraints,
        bounds=[(-10, 10)] * 3,
    )
    return result.x


def support_vectors(points, labels):
    # The points on the margin are the same whichever side is called +1.
    a, b, c = svm_line(points, labels)
    margins = [
        -label * (a * x + b * y + c)
        for (x, y), label in zip(points, labels)
    ]
    return [i for i, m in enumerate(margins) if abs(m - 1) < 1e-3]
