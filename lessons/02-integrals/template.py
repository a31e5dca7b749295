"""Lesson 2 answer file: integrating f(x) = {f}.

Fill in both functions, then check your answer with:

    calccourse check 2 lesson02.py
"""


def antiderivative(x):
    """Return F(x), a function whose derivative is {f} (any C)."""
    raise NotImplementedError


def area(f, a, b, dx):
    """Return the area under any function f from a to b, in strips of dx."""
    raise NotImplementedError
