"""Lesson 5: the Jacobian of one dense layer a = g(x·W + b), and one
backward step.

Fill in both functions, then check your answer:

    calccourse check 5 lesson05.py

x has N entries, W is N × M, b has M entries (all NumPy float arrays);
g_prime is the activation's derivative, a function of z that works on
arrays.
"""

import numpy as np  # noqa: F401  (you will probably need it)


def dense_jacobian(W, b, x, g_prime):
    """Return the M × N Jacobian ∂a/∂x of a = g(x·W + b)."""
    raise NotImplementedError


def backward_step(W, b, x, da, g_prime):
    """Given da = ∂L/∂a (M numbers), return (dW, db, dx): ∂L/∂W (N × M),
    ∂L/∂b (M), ∂L/∂x (N)."""
    raise NotImplementedError


# Optional bonus: settings to train the course network with
# (see the exercise).
HIDDEN_LAYERS = None  # the hidden sizes, e.g. [4, 3]
LEARNING_RATE = None  # e.g. 0.1
EPOCHS = None  # at most 5000{try_layer}
