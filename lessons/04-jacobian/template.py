"""Lesson 4 answer file: the Jacobian of three sigmoids.

f(x, y) = {f} with σ(z) = 1/(1 + e^(−z)).

Check your answer with:

    calccourse check 4 lesson04.py

Give `jacobian` in either form:

- a 3 × 2 SymPy Matrix (or nested lists) of expressions in x, y, p, q,
  r, s, t, u, replacing the function below, e.g.

      import sympy as sp
      x, y, p, q, r, s, t, u = sp.symbols("x y p q r s t u")
      jacobian = sp.Matrix([[..., ...], [..., ...], [..., ...]])

- or a function of the eight numbers returning a 3 × 2 array, as below.
"""

import numpy as np  # noqa: F401  (you will probably want one of these)
import sympy as sp  # noqa: F401


def jacobian(x, y, p, q, r, s, t, u):
    """Return the 3 × 2 Jacobian of f at (x, y) for these constants p..u.

    Row i holds the partial derivatives of output i: (∂fᵢ/∂x, ∂fᵢ/∂y).
    """
    raise NotImplementedError
