"""Lesson 7: the maximum-margin line, found as a constrained
minimisation with SLSQP.

Check it with:  calccourse check 7 lesson07.py
"""

import numpy as np
from scipy.optimize import minimize


def functional_margins(w, points, labels):
    """ℓᵢ·(a·xᵢ + b·yᵢ + c) for every point i (ℓᵢ = ±1 is its label)."""
    a, b, c = w
    return labels * (a * points[:, 0] + b * points[:, 1] + c)


def svm_line(points, labels):
    """(a, b, c) minimising a² + b² subject to ℓᵢ·(a·xᵢ + b·yᵢ + c) ≥ 1
    for every point."""
    points = np.asarray(points, dtype=float)
    labels = np.asarray(labels, dtype=float)
    result = minimize(
        lambda w: w[0] ** 2 + w[1] ** 2,
        x0=[1.0, 1.0, 1.0],
        method="SLSQP",
        bounds=[(-10, 10)] * 3,
        constraints=[
            {
                "type": "ineq",
                "fun": lambda w: functional_margins(w, points, labels) - 1,
            }
        ],
    )
    if not result.success:
        raise RuntimeError(f"SLSQP did not converge: {result.message}")
    return tuple(float(v) for v in result.x)


def support_vectors(points, labels):
    """Sorted indices of the points on the margin:
    ℓᵢ·(a·xᵢ + b·yᵢ + c) = 1 at the solution."""
    w = svm_line(points, labels)
    margins = functional_margins(
        w, np.asarray(points, dtype=float), np.asarray(labels, dtype=float)
    )
    return [int(i) for i in np.flatnonzero(np.abs(margins - 1) < 1e-3)]


if __name__ == "__main__":
    # variant: points = {points}
    points = [(0, 0), (-1, -1), (-3, -1), (1, 2), (2, 1), (3, 3)]
    # variant: labels = {labels}
    labels = [-1, -1, -1, 1, 1, 1]
    print("line (a, b, c):", svm_line(points, labels))
    print("support vectors:", support_vectors(points, labels))
