# expect: the upstream gradient da is left out
"""Mistake: backward_step never uses da, as if the loss changed at rate 1 with every output."""

import numpy as np


def dense_jacobian(W, b, x, g_prime):
    z = x @ W + b
    return np.diag(g_prime(z)) @ W.T


def backward_step(W, b, x, da, g_prime):
    z = x @ W + b
    dz = g_prime(z)
    return np.outer(x, dz), dz, dz @ W.T
