"""Lesson 3 · gradient of a multivariate function: your answer.

Fill in both functions, then check your work with:

    calccourse check 3 lesson03.py

`calccourse hint 3` gives one hint at a time if you are stuck.
"""

import numpy as np  # noqa: F401  (you will probably want it)


def gradient(x, y):
    """Return the gradient (∂f/∂x, ∂f/∂y) of f(x, y) = {f_at}"""
    raise NotImplementedError


def steepest_ascent(f, x, y):
    """Return the gradient of any f(x, y) at (x, y), estimated numerically,
    as a pair.

    For example: try many directions u, compute the rate
    (f(p + h·u) − f(p)) / h in each, and return the fastest direction
    times its rate.
    """
    raise NotImplementedError
