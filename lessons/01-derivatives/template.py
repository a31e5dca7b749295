"""Lesson 1 answer file: the derivative of f(x) = {f}.

Fill in both functions, then check your answer with:

    calccourse check 1 lesson01.py
"""


def derivative(x):
    """Return f′(x) for f(x) = {f}, found with the rules."""
    raise NotImplementedError


def rate_of_change(f, x, dx):
    """Return the rate of change of any function f at x over a step dx."""
    raise NotImplementedError
