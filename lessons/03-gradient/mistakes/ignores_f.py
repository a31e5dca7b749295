# expect: whatever f is
"""Mistake: steepest_ascent gives the exercise's own gradient, whatever f it is given."""


def gradient(x, y):
    # variant: return (2*{a}*x + {b}*y, {b}*x + 2*{c}*y)
    return (2 * x, 2 * y)


def steepest_ascent(f, x, y):
    return gradient(x, y)
