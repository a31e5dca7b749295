"""Lesson 5: the Jacobian of one dense layer a = g(x·W + b), and one
backward step.

x has N entries, W is N × M, b has M entries; g_prime is the
activation's derivative g′(z).
"""

import numpy as np


def dense_jacobian(W, b, x, g_prime):
    """∂a/∂x = diag(g′(z))·Wᵀ, an M × N matrix: row j is ∂aⱼ/∂x."""
    z = x @ W + b
    return np.diag(g_prime(z)) @ W.T


def backward_step(W, b, x, da, g_prime):
    """Given da = ∂L/∂a, return (dW, db, dx) = (∂L/∂W, ∂L/∂b, ∂L/∂x)."""
    z = x @ W + b
    # The activation's Jacobian is diagonal: an element-wise product.
    dz = da * g_prime(z)
    dW = np.outer(x, dz)  # ∂L/∂W[i, j] = x[i]·dz[j]: N × M, like W
    db = dz
    dx = dz @ W.T  # the dense layer's Jacobian is Wᵀ
    return dW, db, dx


# Bonus: settings for the course network (input 2 and output 1 are fixed).
HIDDEN_LAYERS = [8, 6]
LEARNING_RATE = 0.5
EPOCHS = 1000
