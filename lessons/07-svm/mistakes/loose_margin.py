# expect: not support vectors
import numpy as np
from scipy.optimize import minimize


def svm_line(points, labels):
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
                "fun": lambda w: labels * (points @ w[:2] + w[2]) - 1,
            }
        ],
    )
    return tuple(result.x)


def support_vectors(points, labels):
    # "On the margin" taken loosely: anything with a functional margin up to 1.2.
    a, b, c = svm_line(points, labels)
    margins = np.asarray(labels) * (np.asarray(points) @ [a, b] + c)
    return [int(i) for i in np.flatnonzero(margins < 1.2)]
