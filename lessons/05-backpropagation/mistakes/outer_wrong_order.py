# expect: the outer product is in the wrong order
"""Mistake: dW as the outer product dz·x, which is M × N instead of N × M."""

import numpy as np


def dense_jacobian(W, b, x, g_prime):
    z = x @ W + b
    return np.diag(g_prime(z)) @ W.T


def backward_step(W, b, x, da, g_prime):
    z = x @ W + b
    dz = da * g_prime(z)
    return np.outer(dz, x), dz, dz @ W.T
