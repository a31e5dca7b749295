# expect: you used W where the Jacobian needs Wᵀ
"""Mistake: W instead of Wᵀ in the Jacobian, which comes out N × M."""

import numpy as np


def dense_jacobian(W, b, x, g_prime):
    z = x @ W + b
    return W * g_prime(z)  # W·diag(g′(z)): the transpose of the Jacobian


def backward_step(W, b, x, da, g_prime):
    z = x @ W + b
    dz = da * g_prime(z)
    return np.outer(x, dz), dz, dz @ W.T
