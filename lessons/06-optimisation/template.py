"""Lesson 6 · optimisation: your answer.

Fill in the four names below, then check your work with:

    calccourse check 6 lesson06.py

`calccourse hint 6` gives one hint at a time if you are stuck.
"""

import numpy as np  # noqa: F401  (you will probably want it)


def derivative(x):
    """Return the derivative of {defined} at x (x > 0)."""
    raise NotImplementedError


# The x > 0 where the derivative of {name} is zero, as a list
# ([] if there are none).
critical_points = None

# True if {name} has a maximum or a minimum for x > 0, otherwise False.
has_extremum = None


def find_critical_points(f, a, b):
    """Return a sorted list of the x in [a, b] where f′(x) = 0, found
    numerically."""
    raise NotImplementedError
