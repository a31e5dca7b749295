"""Lesson 8 answer file: Taylor polynomials and a Newton step.

Fill in both functions, then check your answer with:

    calccourse check 8 lesson08.py

derivatives is a list of floats [f(a), f′(a), f″(a), …]: the value
of f at a first, then its derivatives there, in order.
"""


def taylor_eval(derivatives, a, x):
    """Return the Taylor polynomial of f around a, evaluated at x:
    Σₖ f⁽ᵏ⁾(a)/k!·(x − a)ᵏ for k = 0, 1, …, len(derivatives) − 1.
    """
    raise NotImplementedError


def newton_step(derivatives, a):
    """Return the x where f(a) + f′(a)·(x − a) + f″(a)/2·(x − a)² is
    smallest (derivatives is [f(a), f′(a), f″(a)], with f″(a) > 0).
    """
    raise NotImplementedError
