"""Lesson 7 answer file: the maximum-margin line (support vector machine).

Fill in both functions, then check your answer with:

    calccourse check 7 lesson07.py

Points come as a list of (x, y) pairs, labels as a list of ints,
+1 or −1, in the same order. The data is always linearly separable.
"""

import numpy as np  # noqa: F401  (you will probably want them)
from scipy.optimize import minimize  # noqa: F401


def svm_line(points, labels):
    """Return (a, b, c) of the maximum-margin line a·x + b·y + c = 0.

    Minimise a² + b² subject to ℓᵢ·(a·xᵢ + b·yᵢ + c) ≥ 1 for every
    point (xᵢ, yᵢ) with label ℓᵢ; the closest points then have
    ℓᵢ·(a·xᵢ + b·yᵢ + c) = 1.
    """
    raise NotImplementedError


def support_vectors(points, labels):
    """Return the sorted 0-based indices of the support vectors.

    They are the points on the margin: ℓᵢ·(a·xᵢ + b·yᵢ + c) within 1e-3
    of 1 at the solution. For the exercise's {count} points the answer is a
    list of {support_count} indices.
    """
    raise NotImplementedError
